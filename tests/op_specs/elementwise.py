"""Specs of elementwise ops."""
import math
from . import spec, BINARY_SHAPES, UNARY_SHAPES


def pos(lo=0.2, hi=2.0):
    return (lo, hi)


for name, ref in [("add", lambda xp, a, b: a + b), ("sub", lambda xp, a, b: a - b),
                  ("mul", lambda xp, a, b: a * b), ("maximum", lambda xp, a, b: xp.maximum(a, b)),
                  ("minimum", lambda xp, a, b: xp.minimum(a, b)), ("atan2", lambda xp, a, b: xp.arctan2(a, b)),
                  ("fmax", lambda xp, a, b: xp.fmax(a, b)), ("fmin", lambda xp, a, b: xp.fmin(a, b))]:
    spec(name, lambda sg, a, b, n=name: getattr(sg, n)(a, b), ref, BINARY_SHAPES)

spec("add_alpha", lambda sg, a, b: sg.add(a, b, alpha=2.5), lambda xp, a, b: a + 2.5 * b, BINARY_SHAPES)
spec("sub_alpha", lambda sg, a, b: sg.sub(a, b, alpha=-3), lambda xp, a, b: a + 3 * b, BINARY_SHAPES)
spec("rsub_scalar", lambda sg, a: 2 - a, lambda xp, a: 2 - a, UNARY_SHAPES)
spec("div", lambda sg, a, b: a / b, lambda xp, a, b: a / b, BINARY_SHAPES, domain=pos(0.5, 2.0))
spec("rdiv_scalar", lambda sg, a: 3 / a, lambda xp, a: 3 / a, UNARY_SHAPES, domain=pos(0.5, 2.0))
spec("pow_tensor", lambda sg, a, b: a ** b, lambda xp, a, b: a ** b, BINARY_SHAPES, domain=pos(0.5, 2.0))
spec("pow_scalar", lambda sg, a: a ** 3, lambda xp, a: a ** 3, UNARY_SHAPES)
spec("pow_half", lambda sg, a: a ** 0.5, lambda xp, a: a ** 0.5, UNARY_SHAPES, domain=pos(0.5, 2.0))
spec("pow_zero", lambda sg, a: a ** 0, lambda xp, a: a ** 0, UNARY_SHAPES)
spec("rpow", lambda sg, a: 2.0 ** a, lambda xp, a: 2.0 ** a, UNARY_SHAPES)
spec("neg", lambda sg, a: -a, lambda xp, a: -a, UNARY_SHAPES)
spec("remainder", lambda sg, a, b: sg.remainder(a, b), lambda xp, a, b: xp.remainder(a, b),
     [((3, 4), (3, 4)), ((5,), ())], domain=pos(0.6, 3.0), order=1, jax=True)
spec("lerp", lambda sg, a, b: sg.lerp(a, b, 0.3), lambda xp, a, b: a + 0.3 * (b - a), BINARY_SHAPES)
spec("lerp_far", lambda sg, a, b: sg.lerp(a, b, 0.8), lambda xp, a, b: a + 0.8 * (b - a), BINARY_SHAPES)
spec("lerp_tensor", lambda sg, a, b, w: sg.lerp(a, b, w), lambda xp, a, b, w: a + w * (b - a),
     [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), ()), ((2, 1, 3), (4, 1), (3,)), ((), (), ()), ((0, 3), (3,), (3,))],
     domain=(-1.0, 1.0))
spec("where", lambda sg, a, b: sg.where(a > 0, a, b), lambda xp, a, b: xp.where(a > 0, a, b), BINARY_SHAPES)

UNARY = [
    ("abs", lambda xp, a: xp.abs(a), (0.1, 2.0), 2), ("exp", lambda xp, a: xp.exp(a), None, 2),
    ("expm1", lambda xp, a: xp.expm1(a), None, 2), ("exp2", lambda xp, a: xp.exp2(a), None, 2),
    ("log", lambda xp, a: xp.log(a), pos(), 2), ("log1p", lambda xp, a: xp.log1p(a), pos(), 2),
    ("log2", lambda xp, a: xp.log2(a), pos(), 2), ("log10", lambda xp, a: xp.log10(a), pos(), 2),
    ("sqrt", lambda xp, a: xp.sqrt(a), pos(), 2), ("rsqrt", lambda xp, a: 1 / xp.sqrt(a), pos(), 2),
    ("reciprocal", lambda xp, a: 1 / a, pos(), 2), ("sin", lambda xp, a: xp.sin(a), None, 2),
    ("cos", lambda xp, a: xp.cos(a), None, 2), ("tan", lambda xp, a: xp.tan(a), (-1.0, 1.0), 2),
    ("asin", lambda xp, a: xp.arcsin(a), (-0.8, 0.8), 2), ("acos", lambda xp, a: xp.arccos(a), (-0.8, 0.8), 2),
    ("atan", lambda xp, a: xp.arctan(a), None, 2), ("sinh", lambda xp, a: xp.sinh(a), None, 2),
    ("cosh", lambda xp, a: xp.cosh(a), None, 2), ("tanh", lambda xp, a: xp.tanh(a), None, 2),
    ("asinh", lambda xp, a: xp.arcsinh(a), None, 2), ("acosh", lambda xp, a: xp.arccosh(a), (1.2, 3.0), 2),
    ("atanh", lambda xp, a: xp.arctanh(a), (-0.8, 0.8), 2),
    ("sigmoid", lambda xp, a: 1 / (1 + xp.exp(-a)), None, 2),
    ("relu", lambda xp, a: xp.maximum(a, 0), (0.1, 2.0), 2),
    ("square", lambda xp, a: a * a, None, 2),
    ("sign", lambda xp, a: xp.sign(a), (0.1, 2.0), 1), ("floor", lambda xp, a: xp.floor(a), (0.1, 0.9), 1),
    ("ceil", lambda xp, a: xp.ceil(a), (0.1, 0.9), 1), ("trunc", lambda xp, a: xp.trunc(a), (0.1, 0.9), 1),
    ("round", lambda xp, a: xp.round(a), (0.1, 0.4), 1), ("frac", lambda xp, a: a - xp.trunc(a), (0.1, 0.9), 2),
    ("erf", None, None, 2),
]
for name, ref, dom, order in UNARY:
    if ref is None:
        ref = (lambda xp, a: __import__("jax").scipy.special.erf(a) if xp.__name__.startswith("jax")
               else __import__("numpy").vectorize(math.erf, otypes=[float])(a))
    spec(name, lambda sg, a, n=name: getattr(sg, n)(a), ref, UNARY_SHAPES, domain=dom or (-2.0, 2.0), order=order)

spec("relu_neg", lambda sg, a: sg.relu(a), lambda xp, a: xp.maximum(a, 0), UNARY_SHAPES, domain=(-2.0, -0.1))
spec("softplus", lambda sg, a: sg.softplus(a, beta=2.0, threshold=3.0),
     lambda xp, a: xp.where(2 * a > 3, a, xp.log1p(xp.exp(2 * a)) / 2), UNARY_SHAPES, domain=(-3.0, 1.0))
spec("leaky_relu", lambda sg, a: sg.leaky_relu(a, 0.2), lambda xp, a: xp.where(a > 0, a, 0.2 * a), UNARY_SHAPES)
spec("elu", lambda sg, a: sg.elu(a), lambda xp, a: xp.where(a > 0, a, xp.expm1(a)), UNARY_SHAPES)
spec("clamp", lambda sg, a: sg.clamp(a, -0.5, 0.7), lambda xp, a: xp.clip(a, -0.5, 0.7), UNARY_SHAPES)
spec("clamp_min", lambda sg, a: sg.clamp(a, min=0.3), lambda xp, a: xp.maximum(a, 0.3), UNARY_SHAPES)
spec("clamp_tensor", lambda sg, a, lo: sg.clamp(a, min=lo), lambda xp, a, lo: xp.maximum(a, lo),
     [((3, 4), (4,))])
spec("nan_to_num", lambda sg, a: sg.nan_to_num(a), lambda xp, a: a * 1, UNARY_SHAPES)
