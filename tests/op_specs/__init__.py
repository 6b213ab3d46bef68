"""One spec per op.  Each spec drives the generic checks in ``test_ops.py``:
forward against a reference written here with numpy, gradcheck and
gradgradcheck in float64, and gradients against ``jax.vjp`` of the same
reference run on ``jax.numpy`` (which never reads symgrad's VJP rules).

A spec's ``fn(sg, *tensors)`` calls symgrad; ``ref(xp, *arrays)`` is the
independent reference, written once for numpy and jax.numpy alike.
"""
from dataclasses import dataclass, field
from typing import Callable, Sequence

SPECS = []


@dataclass
class Spec:
    name: str
    fn: Callable
    ref: Callable
    shapes: Sequence                 # one tuple of input shapes per sample
    domain: tuple = (-2.0, 2.0)      # inputs drawn uniformly from here
    order: int = 2                   # highest derivative order checked (0: not differentiable)
    jax: bool = True                 # compare gradients with jax.vjp of ref
    atol: float = 1e-5
    rtol: float = 1e-3
    gen: Callable = None             # gen(rng, shapes) -> list of arrays, overriding the domain draw
    tags: tuple = field(default_factory=tuple)

    def __post_init__(self):
        SPECS.append(self)


def spec(name, fn, ref, shapes, **kw):
    return Spec(name, fn, ref, shapes, **kw)


# broadcasting, 0-d, size-1 and empty shapes for binary elementwise ops
BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (3,)), ((1,), ()),
                 ((), ()), ((0, 3), (3,))]
UNARY_SHAPES = [((3, 4),), ((),), ((1,),), ((2, 1, 3),), ((0,),)]

from . import elementwise, reduce, shape, index, arrange, stats  # noqa: E402,F401
try:
    from . import linalg  # noqa: F401
except ImportError:
    pass
try:
    from . import nn  # noqa: F401
except ImportError:
    pass
