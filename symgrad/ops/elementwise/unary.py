"""Unary math and activations, plain and with parameters (softplus, clamp, ...)."""
from functools import partial
import numpy as np

from ..table import Op as _Op, export
from .._util import call, with_out
from ...tensor import Tensor
from ... import dtypes as _dt
from .arithmetic import _boolish, _bound, inplace, pow

Op = partial(_Op, elementwise=True)     # every op of this module maps elements to elements


def _not_bool(kernel, a):
    """``a``, unless it is bool: PyTorch has no such kernel for bools."""
    if _boolish(a):
        if kernel == "relu":
            raise RuntimeError("Boolean inputs not supported for relu")
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    return a


def _unary(name, grad_fn, forward, vjp, dtypes="float", example=None, aliases=()):
    op = Op(name, grad_fn, forward, (vjp,) if vjp is not None else (), dtypes=dtypes,
            differentiable=vjp is not None)

    def fn(input, *, out=None):
        return with_out(call(op, input), out, name)

    def fn_(self):
        return inplace(op, self)

    fn.__name__ = name
    fn.__qualname__ = name
    fn_.__name__ = name + "_"
    x, shown = example or ("sg.tensor([0.5, 1.0])", None)
    fn.__doc__ = (f"Elementwise ``{name}``.\n\n    >>> import symgrad as sg\n"
                  f"    >>> sg.{name}({x}){'' if shown is None else chr(10) + '    ' + shown}\n")
    fn_.__doc__ = f"In-place ``{name}``."
    export(name)(fn)
    export(name + "_", function=False)(fn_)
    for a in aliases:
        export(a)(fn)
        export(a + "_", function=False)(fn_)
    return op, fn


abs_op, abs = _unary("abs", "AbsBackward0", lambda xp, a: xp.abs(_not_bool("abs_cpu", a)),
                     lambda xp, g, ans, a: g * xp.sign(a), dtypes="keep",
                     example=("sg.tensor([-1.5, 2.0])", "tensor([1.5000, 2.0000])"), aliases=("absolute",))
sign_op, sign = _unary("sign", "SignBackward0", lambda xp, a: xp.sign(a),
                       lambda xp, g, ans, a: xp.zeros_like(g), dtypes="keep",
                       example=("sg.tensor([-2., 0., 3.])", "tensor([-1.,  0.,  1.])"))
reciprocal_op, reciprocal = _unary("reciprocal", "ReciprocalBackward0", lambda xp, a: 1 / a,
                                   lambda xp, g, ans, a: -g * ans * ans,
                                   example=("sg.tensor([2., 4.])", "tensor([0.5000, 0.2500])"))
sqrt_op, sqrt = _unary("sqrt", "SqrtBackward0", lambda xp, a: xp.sqrt(a),
                       lambda xp, g, ans, a: g / (2 * ans),
                       example=("sg.tensor([4., 9.])", "tensor([2., 3.])"))
rsqrt_op, rsqrt = _unary("rsqrt", "RsqrtBackward0", lambda xp, a: 1 / xp.sqrt(a),
                         lambda xp, g, ans, a: -0.5 * g * ans * ans * ans,
                         example=("sg.tensor([4.])", "tensor([0.5000])"))
exp_op, exp = _unary("exp", "ExpBackward0", lambda xp, a: xp.exp(a), lambda xp, g, ans, a: g * ans,
                     example=("sg.tensor([0., 1.])", "tensor([1.0000, 2.7183])"))
exp2_op, exp2 = _unary("exp2", "Exp2Backward0", lambda xp, a: xp.exp2(a),
                       lambda xp, g, ans, a: g * ans * xp.ln2,
                       example=("sg.tensor([3.])", "tensor([8.])"))
expm1_op, expm1 = _unary("expm1", "Expm1Backward0", lambda xp, a: xp.expm1(a),
                         lambda xp, g, ans, a: g * (ans + 1),
                         example=("sg.tensor([0.])", "tensor([0.])"))
log_op, log = _unary("log", "LogBackward0", lambda xp, a: xp.log(a), lambda xp, g, ans, a: g / a,
                     example=("sg.tensor([1.])", "tensor([0.])"))
log1p_op, log1p = _unary("log1p", "Log1PBackward0", lambda xp, a: xp.log1p(a),
                         lambda xp, g, ans, a: g / (a + 1), example=("sg.tensor([0.])", "tensor([0.])"))
log2_op, log2 = _unary("log2", "Log2Backward0", lambda xp, a: xp.log2(a),
                       lambda xp, g, ans, a: g / (a * xp.ln2), example=("sg.tensor([8.])", "tensor([3.])"))
log10_op, log10 = _unary("log10", "Log10Backward0", lambda xp, a: xp.log10(a),
                         lambda xp, g, ans, a: g / (a * xp.ln10),
                         example=("sg.tensor([100.])", "tensor([2.])"))
sin_op, sin = _unary("sin", "SinBackward0", lambda xp, a: xp.sin(a), lambda xp, g, ans, a: g * xp.cos(a),
                     example=("sg.tensor([0.])", "tensor([0.])"))
cos_op, cos = _unary("cos", "CosBackward0", lambda xp, a: xp.cos(a), lambda xp, g, ans, a: -g * xp.sin(a),
                     example=("sg.tensor([0.])", "tensor([1.])"))
tan_op, tan = _unary("tan", "TanBackward0", lambda xp, a: xp.tan(a),
                     lambda xp, g, ans, a: g * (1 + ans * ans), example=("sg.tensor([0.])", "tensor([0.])"))
asin_op, asin = _unary("asin", "AsinBackward0", lambda xp, a: xp.arcsin(a),
                       lambda xp, g, ans, a: g / xp.sqrt(1 - a * a), aliases=("arcsin",),
                       example=("sg.tensor([0.])", "tensor([0.])"))
acos_op, acos = _unary("acos", "AcosBackward0", lambda xp, a: xp.arccos(a),
                       lambda xp, g, ans, a: -g / xp.sqrt(1 - a * a), aliases=("arccos",),
                       example=("sg.tensor([1.])", "tensor([0.])"))
atan_op, atan = _unary("atan", "AtanBackward0", lambda xp, a: xp.arctan(a),
                       lambda xp, g, ans, a: g / (1 + a * a), aliases=("arctan",),
                       example=("sg.tensor([0.])", "tensor([0.])"))
sinh_op, sinh = _unary("sinh", "SinhBackward0", lambda xp, a: xp.sinh(a),
                       lambda xp, g, ans, a: g * xp.cosh(a), example=("sg.tensor([0.])", "tensor([0.])"))
cosh_op, cosh = _unary("cosh", "CoshBackward0", lambda xp, a: xp.cosh(a),
                       lambda xp, g, ans, a: g * xp.sinh(a), example=("sg.tensor([0.])", "tensor([1.])"))
tanh_op, tanh = _unary("tanh", "TanhBackward0", lambda xp, a: xp.tanh(a),
                       lambda xp, g, ans, a: g * (1 - ans * ans), example=("sg.tensor([0.])", "tensor([0.])"))
asinh_op, asinh = _unary("asinh", "AsinhBackward0", lambda xp, a: xp.arcsinh(a),
                         lambda xp, g, ans, a: g / xp.sqrt(a * a + 1), aliases=("arcsinh",),
                         example=("sg.tensor([0.])", "tensor([0.])"))
acosh_op, acosh = _unary("acosh", "AcoshBackward0", lambda xp, a: xp.arccosh(a),
                         lambda xp, g, ans, a: g / xp.sqrt(a * a - 1), aliases=("arccosh",),
                         example=("sg.tensor([1.])", "tensor([0.])"))
atanh_op, atanh = _unary("atanh", "AtanhBackward0", lambda xp, a: xp.arctanh(a),
                         lambda xp, g, ans, a: g / (1 - a * a), aliases=("arctanh",),
                         example=("sg.tensor([0.])", "tensor([0.])"))
sigmoid_op, sigmoid = _unary("sigmoid", "SigmoidBackward0", lambda xp, a: xp.sigmoid(a),
                             lambda xp, g, ans, a: g * ans * (1 - ans),
                             example=("sg.tensor([0.])", "tensor([0.5000])"))
erf_op, erf = _unary("erf", "ErfBackward0", lambda xp, a: xp.erf(a),
                     lambda xp, g, ans, a: g * xp.two_over_sqrt_pi * xp.exp(-a * a),
                     example=("sg.tensor([0.])", "tensor([0.])"))
relu_op, relu = _unary("relu", "ReluBackward0", lambda xp, a: xp.maximum(_not_bool("relu", a), 0),
                       lambda xp, g, ans, a: xp.where(ans <= 0, 0, g), dtypes="keep",     # NaN passes g
                       example=("sg.tensor([-1., 2.])", "tensor([0., 2.])"))
relu_op.backward_kernel = True          # threshold_backward
floor_op, floor = _unary("floor", "FloorBackward0", lambda xp, a: xp.floor(_not_bool("floor_vml_cpu", a)),
                         lambda xp, g, ans, a: xp.zeros_like(g), dtypes="keep",
                         example=("sg.tensor([1.5, -1.5])", "tensor([ 1., -2.])"))
ceil_op, ceil = _unary("ceil", "CeilBackward0", lambda xp, a: xp.ceil(_not_bool("ceil_vml_cpu", a)),
                       lambda xp, g, ans, a: xp.zeros_like(g), dtypes="keep",
                       example=("sg.tensor([1.5, -1.5])", "tensor([ 2., -1.])"))
trunc_op, trunc = _unary("trunc", "TruncBackward0", lambda xp, a: xp.trunc(_not_bool("trunc_vml_cpu", a)),
                         lambda xp, g, ans, a: xp.zeros_like(g), dtypes="keep", aliases=("fix",),
                         example=("sg.tensor([1.5, -1.5])", "tensor([ 1., -1.])"))
def _floats_only(kernel, a):
    """``a``, if it is floating point: PyTorch has no such integer kernel
    (templates, without a dtype, pass)."""
    if (type(a) is np.ndarray or isinstance(a, np.generic)) and a.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dt._FROM_NP[a.dtype].scalar_name}'")
    return a


frac_op, frac = _unary("frac", "FracBackward0", lambda xp, a: _floats_only("frac_cpu", a) - xp.trunc(a),
                       lambda xp, g, ans, a: g, dtypes="keep",
                       example=("sg.tensor([1.5, -1.5])", "tensor([ 0.5000, -0.5000])"))
square_op = None


@export()
def square(input, *, out=None):
    """``input ** 2`` (recorded as ``PowBackward0``, as PyTorch).

    >>> import symgrad as sg
    >>> sg.square(sg.tensor([3.]))
    tensor([9.])
    """
    return pow(input, 2, out=out)


# decimals=None: round() (RoundBackward0); given, even 0, it is round.decimals (RoundBackward1)
round_op = Op("round", lambda p: "RoundBackward0" if p["decimals"] is None else "RoundBackward1",
              lambda xp, a, decimals: xp.round(_not_bool("round_vml_cpu", a) if decimals is None else
                                               _floats_only("round_cpu", a), decimals or 0),
              (lambda xp, g, ans, a, decimals: xp.zeros_like(g),), dtypes="keep")


@export()
def round(input, *, decimals=None, out=None):
    """Round half to even, as PyTorch.

    >>> import symgrad as sg
    >>> sg.round(sg.tensor([0.5, 1.5, 2.6]))
    tensor([0., 2., 3.])
    """
    return with_out(call(round_op, input, decimals=decimals), out, "round")


# ========================================================= parametric unary
softplus_op = Op("softplus", "SoftplusBackward0",
                 lambda xp, a, beta, threshold: xp.where(a * beta > threshold, a,
                                                         xp.log1p(xp.exp(xp.minimum(a * beta, threshold))) / beta),
                 (lambda xp, g, ans, a, beta, threshold:
                  xp.where(a * beta > threshold, g, g * xp.sigmoid(a * beta)),), dtypes="float")
leaky_relu_op = Op("leaky_relu", "LeakyReluBackward0",
                   lambda xp, a, negative_slope: xp.where(a > 0, a, a * negative_slope),
                   (lambda xp, g, ans, a, negative_slope: xp.where(a > 0, g, g * negative_slope),),
                   dtypes="keep", backward_kernel=True)
elu_op = Op("elu", "EluBackward0",
            lambda xp, a, alpha: xp.where(a > 0, a, alpha * xp.expm1(xp.minimum(a, 0))),
            (lambda xp, g, ans, a, alpha: xp.where(a <= 0, g * (ans + alpha), g),), dtypes="keep",
            backward_kernel=True)
clamp_op = Op("clamp", "ClampBackward1", lambda xp, a, min, max: xp.clip(a, min, max),
              (lambda xp, g, ans, a, min, max: xp.where(_in_range(a, min, max), g, 0),),
              dtypes="keep")

# tensor bounds (either may be None): PyTorch's clamp_backward and clamp_backward_min_max
clamp_tensor_op = Op("clamp_tensor", "ClampBackward0", lambda xp, a, min, max: _clamp_t(xp, a, min, max),
                     (lambda xp, g, ans, a, min, max: xp.where(_in_range(a, min, max), g, 0),
                      lambda xp, g, ans, a, min, max: xp.where(
                          (a < min) if max is None else (a < min) & (min < max), g, 0),
                      lambda xp, g, ans, a, min, max: xp.where(
                          (a > max) if min is None else (a > max) | (max < min), g, 0)),
                     dtypes="promote")


def _clamp_t(xp, a, lo, hi):
    if lo is not None:
        a = xp.maximum(a, lo)
    return a if hi is None else xp.minimum(a, hi)


def _in_range(a, lo, hi):
    if lo is None:
        return a <= hi
    if hi is None:
        return a >= lo
    return (a >= lo) & (a <= hi)


@export()
def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``.

    >>> import symgrad as sg
    >>> sg.softplus(sg.tensor([0.]))
    tensor([0.6931])
    """
    return call(softplus_op, input, beta=beta, threshold=threshold)


@export(method=False)
def leaky_relu(input, negative_slope=0.01):
    """Leaky ReLU.

    >>> import symgrad as sg
    >>> sg.leaky_relu(sg.tensor([-1., 2.]), 0.1)
    tensor([-0.1000,  2.0000])
    """
    return call(leaky_relu_op, input, negative_slope=negative_slope)


@export(method=False)
def elu(input, alpha=1.0):
    """Exponential linear unit.

    >>> import symgrad as sg
    >>> sg.elu(sg.tensor([0., 1.]))
    tensor([0., 1.])
    """
    return call(elu_op, input, alpha=alpha)


@export()
def clamp(input, min=None, max=None, *, out=None):
    """Clamp into ``[min, max]``; the gradient passes where the input is in range.

    >>> import symgrad as sg
    >>> sg.clamp(sg.tensor([-2., 0.5, 3.]), min=0, max=1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return with_out(call(clamp_tensor_op, input, min, max), out, "clamp")
    from ... import dtypes as _dt
    dt = _dt.result_type(input, min, max)
    if dt is not input.dtype:         # an integer input with float bounds: the default float
        input = input.to(dt)
    min, max = _bound(min, dt), _bound(max, dt)
    return with_out(call(clamp_op, input, min=min, max=max), out, "clamp")


clip = export("clip")(clamp)


@export()
def clamp_min(input, min):
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


@export()
def clamp_max(input, max):
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)
