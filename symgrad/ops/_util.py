"""Helpers shared by the op families: calling ops, ``out=``, in-place, dims."""
import os
import sys
import warnings

from ..tensor import Tensor, _wrapdim
from .. import engine
from ..engine import call  # noqa: F401  (call(op, *inputs, **params))


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def user_warning(message, category=UserWarning):
    """Warn, naming the first caller outside symgrad: public calls reach an op
    through a varying number of symgrad frames (the keyword renaming of
    ``export``, composites), so no fixed stacklevel is right."""
    level, f = 2, sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_PACKAGE):
        f, level = f.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def with_out(result, out, name):
    """Write ``result`` into ``out`` as PyTorch's ``out=`` does."""
    if out is None:
        return result
    if engine._tls.grad and (result.requires_grad or out.requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if result.dtype._cat > out.dtype._cat:        # no silent float -> integer truncation
        raise RuntimeError(f"result type {result.dtype.scalar_name} can't be cast to the desired output "
                           f"type {out.dtype.scalar_name}")
    if out._data.shape != result._data.shape:
        if out._data.size:
            user_warning(f"An output with one or more elements was resized since it had shape "
                          f"{list(out.shape)}, which does not match the required output shape "
                          f"{list(result.shape)}. This behavior is deprecated, and in a future PyTorch release outputs "
                          "will not be resized unless they have zero elements. You can explicitly reuse an out "
                          "tensor t by resizing it, inplace, to zero elements with t.resize_(0).")
        out._data = result._data.astype(out._data.dtype)
    else:
        engine.destination(out)[...] = result._data
    engine.modified(out)
    return out


def shape_kw(name, arg, args, value):
    """A shape given as ``*args`` or as the keyword ``arg`` (a sequence), as PyTorch takes either."""
    if value is None:
        return args
    if args:
        raise TypeError(f"{name}() got multiple values for argument '{arg}'")
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name}(): argument '{arg}' must be tuple of ints, not {type(value).__name__}")
    return (value,)


def dims(dim, ndim):
    """Normalise ``dim`` (None, int or sequence) to None or a sorted tuple."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        out = tuple(sorted(_wrapdim(d, ndim) for d in dim))
        for a, b in zip(out, out[1:]):
            if a == b:
                raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
        return out if ndim else ()     # a 0-dim tensor takes dim 0 / -1: nothing to reduce
    d = _wrapdim(dim, ndim)
    return (d,) if ndim else ()


def keep(xp, g, dim, keepdim):
    """Re-insert reduced dims so ``g`` broadcasts against the reduced input."""
    if keepdim or dim is None:
        return g
    return xp.expand_dims(g, dim)


def reduced_count(shape, dim):
    n = 1
    for k, s in enumerate(shape):
        if dim is None or k in dim:
            n *= s
    return n


def tensor_or_scalar(x):
    return x if isinstance(x, Tensor) else x
