"""Elementwise ops: arithmetic, comparisons, unary math, activations."""
import math
from functools import partial
from numbers import Number
import numpy as np

from .table import Op as _Op, export, no_derivative
from ._util import call, with_out
from ..tensor import Tensor
from .. import engine
from .. import dtypes as _dt

Op = partial(_Op, elementwise=True)     # every op of this module maps elements to elements

# ================================================================ arithmetic
add_op = Op("add", "AddBackward0",
            lambda xp, a, b, alpha: a + b if alpha == 1 else a + alpha * b,
            (lambda xp, g, ans, a, b, alpha: g,
             lambda xp, g, ans, a, b, alpha: g if alpha == 1 else g * alpha),
            dtypes="promote")
sub_op = Op("sub", "SubBackward0",
            lambda xp, a, b, alpha: a - b if alpha == 1 else a - alpha * b,
            (lambda xp, g, ans, a, b, alpha: g,
             lambda xp, g, ans, a, b, alpha: -g if alpha == 1 else -g * alpha),
            dtypes="promote")
# ``b - alpha * a``; PyTorch names the node by ``b``: a tensor (...Backward0) or a number (...Backward1)
_rsub = (lambda xp, a, b, alpha: b - a if alpha == 1 else b - alpha * a,
         (lambda xp, g, ans, a, b, alpha: -g if alpha == 1 else -g * alpha,
          lambda xp, g, ans, a, b, alpha: g))
rsub_op = Op("rsub", "RsubBackward1", *_rsub, dtypes="promote")
rsub_tensor_op = Op("rsub_tensor", "RsubBackward0", *_rsub, dtypes="promote")
mul_op = Op("mul", "MulBackward0", lambda xp, a, b: a * b,
            (lambda xp, g, ans, a, b: g * b,
             lambda xp, g, ans, a, b: g * a), dtypes="promote")
div_op = Op("div", "DivBackward0", lambda xp, a, b: a / b,
            (lambda xp, g, ans, a, b: g / b,
             lambda xp, g, ans, a, b: -g * a / (b * b)), dtypes="float")
neg_op = Op("neg", "NegBackward0", lambda xp, a: -a, (lambda xp, g, ans, a: -g,), dtypes="promote")
pow_scalar_op = Op("pow_scalar", "PowBackward0", lambda xp, a, exponent: a ** exponent,
                   (lambda xp, g, ans, a, exponent: g * exponent * a ** (exponent - 1)
                    if exponent != 0 else xp.zeros_like(g),), dtypes="promote")
def _int_pow(a, b):
    """``a ** b`` of integers as PyTorch: a negative tensor exponent gives
    ``1 // a ** -b`` (0 unless ``a`` is 1 or -1); a negative Python int is an error."""
    if type(b) is int or type(b) is bool:
        if b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return a ** b
    b = np.asarray(b)
    if b.dtype.kind == "b" and np.asarray(a).dtype.kind == "b":
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    neg = b < 0
    if not neg.any():
        return a ** b
    pos = a ** np.where(neg, 0, b)
    return np.where(neg, np.where(a == 1, 1, np.where(a == -1, 1 - 2 * (b & 1), 0)), pos)


def _intlike(v):
    t = type(v)
    if t is np.ndarray or isinstance(v, np.generic):
        return v.dtype.kind in "iub"
    return t is int or t is bool


def _pow(xp, a, b):
    # integer operands only ever reach here as numpy values (integers carry no gradient)
    if _intlike(a) and _intlike(b):
        return _int_pow(a, b)
    return a ** b


pow_op = Op("pow", "PowBackward1", _pow,
            (lambda xp, g, ans, a, b: xp.where(b == 0, 0, g * b * a ** (b - 1)),
             lambda xp, g, ans, a, b: g * xp.where((a == 0) & (b >= 0), 0, ans * xp.log(a))),
            dtypes="promote")
rpow_op = Op("rpow", "PowBackward2", lambda xp, b, base: base ** b,
             (lambda xp, g, ans, b, base: g * (ans * xp.log_scalar(base) if base != 0 else
                                               xp.where(b >= 0, 0, -ans * float("inf"))),),
             dtypes="float")


def _boolish(x):
    return type(x) is bool or getattr(x, "dtype", None) == np.bool_


def _int_divisor(a, b, kernel="div_floor"):
    """``b``; integer division by zero is an error in PyTorch (floats give inf/nan)."""
    if _boolish(a) and _boolish(b):
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for 'Bool'")
    if _intlike(b) and _intlike(a) and not np.all(b) and np.size(a):
        raise RuntimeError("ZeroDivisionError")
    return b


floor_divide_op = Op("floor_divide", "NotImplemented",
                     lambda xp, a, b: xp.floor_divide(a, _int_divisor(a, b)),
                     (lambda xp, g, ans, a, b: no_derivative("floor_divide"),) * 2, dtypes="promote")
# div with a rounding mode on floats: piecewise constant, gradient 0 to both
_zero_vjp = (lambda xp, g, ans, a, b, mode: xp.zeros_like(g),) * 2
rounded_div_op = Op("rounded_div", "DivBackward2",
                    lambda xp, a, b, mode: xp.floor_divide(a, b) if mode == "floor" else xp.trunc(a / b),
                    _zero_vjp, dtypes="promote")
# one set of rules each; PyTorch names the node by the divisor: a number (...Backward0) or a tensor (...Backward1)
_remainder = (lambda xp, a, b: xp.remainder(a, _int_divisor(a, b, "remainder")),
              (lambda xp, g, ans, a, b: g,
               lambda xp, g, ans, a, b: -g * xp.floor(a / b)))
_fmod = (lambda xp, a, b: xp.fmod(a, _int_divisor(a, b, "fmod")),
         (lambda xp, g, ans, a, b: g,
          lambda xp, g, ans, a, b: -g * xp.trunc(a / b)))
remainder_op = Op("remainder", "RemainderBackward0", *_remainder, dtypes="promote")
remainder_tensor_op = Op("remainder_tensor", "RemainderBackward1", *_remainder, dtypes="promote")
fmod_op = Op("fmod", "FmodBackward0", *_fmod, dtypes="promote")
fmod_tensor_op = Op("fmod_tensor", "FmodBackward1", *_fmod, dtypes="promote")


def _atan2_recip(xp, a, b):
    # PyTorch's gradient is 0 where a² + b² is 0 (at the origin, or underflowed)
    d = a * a + b * b
    return xp.where(d == 0, 0, 1 / xp.where(d == 0, 1, d))


atan2_op = Op("atan2", "Atan2Backward0", lambda xp, a, b: xp.arctan2(a, b),
              (lambda xp, g, ans, a, b: g * b * _atan2_recip(xp, a, b),
               lambda xp, g, ans, a, b: -g * a * _atan2_recip(xp, a, b)), dtypes="float")
# ties share the gradient; where a NaN makes both comparisons false, both
# inputs receive it, as in PyTorch
maximum_op = Op("maximum", "MaximumBackward0", lambda xp, a, b: xp.maximum(a, b),
                (lambda xp, g, ans, a, b: xp.where(a < b, 0, xp.where(a == b, g / 2, g)),
                 lambda xp, g, ans, a, b: xp.where(b < a, 0, xp.where(a == b, g / 2, g))),
                dtypes="promote")
minimum_op = Op("minimum", "MinimumBackward0", lambda xp, a, b: xp.minimum(a, b),
                (lambda xp, g, ans, a, b: xp.where(a > b, 0, xp.where(a == b, g / 2, g)),
                 lambda xp, g, ans, a, b: xp.where(b > a, 0, xp.where(a == b, g / 2, g))),
                dtypes="promote")
# fmax/fmin ignore a NaN operand; a tie and a NaN ``b`` send the gradient to ``a``
fmax_op = Op("fmax", "FmaxBackward0", lambda xp, a, b: xp.fmax(a, b),
             (lambda xp, g, ans, a, b: xp.where((a >= b) | xp.isnan(b), g, 0),
              lambda xp, g, ans, a, b: xp.where((a >= b) | xp.isnan(b), 0, g)),
             dtypes="promote")
fmin_op = Op("fmin", "FminBackward0", lambda xp, a, b: xp.fmin(a, b),
             (lambda xp, g, ans, a, b: xp.where((a <= b) | xp.isnan(b), g, 0),
              lambda xp, g, ans, a, b: xp.where((a <= b) | xp.isnan(b), 0, g)),
             dtypes="promote")
where_op = Op("where", "WhereBackward0", lambda xp, c, a, b: xp.where(c, a, b),
              (None,
               lambda xp, g, ans, c, a, b: xp.where(c, g, 0),
               lambda xp, g, ans, c, a, b: xp.where(c, 0, g)), dtypes="keep")
# as PyTorch, from the nearer end: lerp(inf, 1, 0.5) is inf, not inf - inf
lerp_op = Op("lerp", "LerpBackward0",
             lambda xp, a, b, weight: a + weight * (b - a) if math.fabs(weight) < 0.5 else b - (b - a) * (1 - weight),
             (lambda xp, g, ans, a, b, weight: g * (1 - weight),
              lambda xp, g, ans, a, b, weight: g * weight), dtypes="promote")
lerp_tensor_op = Op("lerp_tensor", "LerpBackward1",
                    lambda xp, a, b, w: xp.where(xp.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w)),
                    (lambda xp, g, ans, a, b, w: g * (1 - w),
                     lambda xp, g, ans, a, b, w: g * w,
                     lambda xp, g, ans, a, b, w: g * (b - a)), dtypes="promote")


def _binary(op, name, doc):
    def fn(input, other, *, out=None):
        return with_out(call(op, input, other), out, name)
    fn.__name__ = name
    fn.__doc__ = doc
    return fn


def _scalar_dtype_check(other):
    if isinstance(other, (list, tuple)):
        raise TypeError("unsupported operand: use symgrad.tensor(...) for sequences")
    return other


@export()
def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting and PyTorch's type promotion.

    >>> import symgrad as sg
    >>> sg.add(sg.tensor([1., 2.]), sg.tensor([10., 20.]), alpha=2)
    tensor([21., 42.])
    """
    if type(alpha) is not int:
        _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        return with_out(call(add_op, other, input, alpha=1) if alpha == 1 else
                        call(rsub_op, other, input, alpha=-alpha), out, "add")
    r = call(add_op, input, other, alpha=alpha)
    return r if out is None else with_out(r, out, "add")


_NP_BOOL = np.dtype(np.bool_)


def _check_alpha(a, b, alpha):
    rt = _dt.result_type(a, b)
    if type(alpha) is bool:
        if rt is not _dt.bool:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif rt._cat < 2:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def _isbool(x):
    return x._data.dtype is _NP_BOOL if isinstance(x, Tensor) else type(x) is bool


def _check_sub(a, b):
    # PyTorch refuses subtraction with a bool operand (a Python bool counts as one)
    if _isbool(a) or _isbool(b):
        if _isbool(a) and _isbool(b):
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                               "Use the `^` or `logical_xor()` operator instead.")
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _check_neg(a):
    if a._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                           "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


@export()
def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    >>> import symgrad as sg
    >>> sg.sub(sg.tensor([5, 7]), 2)
    tensor([3, 5])
    """
    if (input._data.dtype is _NP_BOOL if type(input) is Tensor else not isinstance(input, float)) or \
            (other._data.dtype is _NP_BOOL if type(other) is Tensor else not isinstance(other, float)):
        _check_sub(input, other)          # the cheap test above lets floats and float tensors through
    if type(alpha) is not int:
        _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        return with_out(call(rsub_op, other, input, alpha=alpha), out, "sub")
    r = call(sub_op, input, other, alpha=alpha)
    return r if out is None else with_out(r, out, "sub")


subtract = export("subtract")(sub)


@export()
def rsub(input, other, *, alpha=1):
    """``other - alpha * input``.

    >>> import symgrad as sg
    >>> sg.rsub(sg.tensor([1., 2.]), 10)
    tensor([9., 8.])
    """
    _check_sub(other, input)
    if type(alpha) is not int:
        _check_alpha(input, other, alpha)
    return call(rsub_tensor_op if isinstance(other, Tensor) else rsub_op, input, other, alpha=alpha)


@export()
def mul(input, other, *, out=None):
    """Elementwise product.

    >>> import symgrad as sg
    >>> sg.mul(sg.tensor([1., 2.]), 3)
    tensor([3., 6.])
    """
    if not isinstance(input, Tensor):
        input, other = other, input
    r = call(mul_op, input, other)
    return r if out is None else with_out(r, out, "mul")


multiply = export("multiply")(mul)


@export()
def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise true division (``rounding_mode`` ``"floor"`` or ``"trunc"``).

    >>> import symgrad as sg
    >>> sg.div(sg.tensor([1, 3]), 2)
    tensor([0.5000, 1.5000])
    """
    _check_rounding(rounding_mode)
    if rounding_mode is None:
        r = call(div_op, input, other)
        return r if out is None else with_out(r, out, "div")
    if _dt.result_type(input, other).is_floating_point:
        return with_out(call(rounded_div_op, input, other, mode=rounding_mode), out, "div")
    if type(other) is int and isinstance(input, Tensor) and input._data.dtype.kind in "iu":
        from ..engine.record import _int_scalar
        other = _int_scalar(other, input._data.dtype)       # wraps, as PyTorch converts it
    if rounding_mode == "floor":
        return with_out(call(floor_divide_op, input, other), out, "div")
    if rounding_mode == "trunc":
        rt = _dt.result_type(input, other)
        if not rt.is_floating_point:
            _int_divisor(0, other._data if isinstance(other, Tensor) else other)
        r = call(div_op, input, other)
        res = trunc(r)
        return with_out(res if rt.is_floating_point else res.to(rt), out, "div")


def _check_rounding(mode):
    if mode not in (None, "trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")


divide = export("divide")(div)
true_divide = export("true_divide")(div)


@export()
def floor_divide(input, other, *, out=None):
    """Elementwise floor division (not differentiable).

    >>> import symgrad as sg
    >>> sg.floor_divide(sg.tensor([7, -7]), 2)
    tensor([ 3, -4])
    """
    return with_out(call(floor_divide_op, input, other), out, "floor_divide")


@export()
def remainder(input, other, *, out=None):
    """Python-style modulus (sign of the divisor).

    >>> import symgrad as sg
    >>> sg.remainder(sg.tensor([-3., 5.]), 2)
    tensor([1., 1.])
    """
    op = remainder_tensor_op if isinstance(other, Tensor) else remainder_op
    return with_out(call(op, input, other), out, "remainder")


@export()
def fmod(input, other, *, out=None):
    """C-style modulus (sign of the dividend).

    >>> import symgrad as sg
    >>> sg.fmod(sg.tensor([-3., 5.]), 2)
    tensor([-1.,  1.])
    """
    return with_out(call(fmod_tensor_op if isinstance(other, Tensor) else fmod_op, input, other), out, "fmod")


@export()
def pow(input, exponent, *, out=None):
    """``input ** exponent``; either may be a Python number.

    >>> import symgrad as sg
    >>> sg.pow(sg.tensor([1., 2., 3.]), 2)
    tensor([1., 4., 9.])
    """
    if not isinstance(input, Tensor):
        if isinstance(input, float) or exponent._data.dtype.kind == "f":
            return with_out(call(rpow_op, exponent, base=input), out, "pow")
        # an integer result (no gradient): promote the Python int with the tensor
        return with_out(call(pow_op, input, exponent), out, "pow")
    if type(exponent) is not int and type(exponent) is not float and not isinstance(exponent, (Tensor, Number)):
        raise TypeError(f"unsupported operand type(s) for ** or pow(): 'Tensor' and '{type(exponent).__name__}'")
    if isinstance(exponent, Tensor) or input._data.dtype.kind in "iub":
        # an integer/bool tensor's scalar exponent takes part in type promotion
        _int_exponent(input, exponent)
        return with_out(call(pow_op, input, exponent), out, "pow")
    r = call(pow_scalar_op, input, exponent=exponent)
    return r if out is None else with_out(r, out, "pow")


def _int_exponent(input, exponent):
    # an integer tensor's Python int exponent: negative, or out of its range, is an error (numpy would wrap)
    if type(exponent) is int and input._data.dtype.kind in "iu":
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        _bound(exponent, input.dtype)


@export()
def float_power(input, exponent):
    """``pow`` computed in float64.

    >>> import symgrad as sg
    >>> sg.float_power(sg.tensor([2]), 2)
    tensor([4.], dtype=symgrad.float64)
    """
    from .. import dtypes as _dt
    a = input.to(_dt.float64) if isinstance(input, Tensor) else input
    e = exponent.to(_dt.float64) if isinstance(exponent, Tensor) else exponent
    return pow(a, e)


@export()
def atan2(input, other, *, out=None):
    """Elementwise ``atan2(input, other)``.

    >>> import symgrad as sg
    >>> sg.atan2(sg.tensor([1.]), sg.tensor([1.]))
    tensor([0.7854])
    """
    return with_out(call(atan2_op, input, other), out, "atan2")


arctan2 = export("arctan2")(atan2)


@export()
def maximum(input, other, *, out=None):
    """Elementwise maximum; ties share the gradient equally.

    >>> import symgrad as sg
    >>> sg.maximum(sg.tensor([1., 5.]), sg.tensor([3., 2.]))
    tensor([3., 5.])
    """
    return with_out(call(maximum_op, input, other), out, "maximum")


@export()
def minimum(input, other, *, out=None):
    """Elementwise minimum; ties share the gradient equally.

    >>> import symgrad as sg
    >>> sg.minimum(sg.tensor([1., 5.]), sg.tensor([3., 2.]))
    tensor([1., 2.])
    """
    return with_out(call(minimum_op, input, other), out, "minimum")


@export()
def fmax(input, other, *, out=None):
    """Elementwise maximum that ignores NaN: NaN only where both are NaN.

    >>> import symgrad as sg
    >>> sg.fmax(sg.tensor([float("nan"), 1.]), sg.tensor([2., float("nan")]))
    tensor([2., 1.])
    """
    return with_out(call(fmax_op, input, other), out, "fmax")


@export()
def fmin(input, other, *, out=None):
    """Elementwise minimum that ignores NaN."""
    return with_out(call(fmin_op, input, other), out, "fmin")


@export(method=False)
def where(condition, input=None, other=None):
    """Elements of ``input`` where ``condition``, else of ``other``.

    >>> import symgrad as sg
    >>> x = sg.tensor([-1., 2.])
    >>> sg.where(x > 0, x, sg.zeros(2))
    tensor([0., 2.])
    """
    if input is None and other is None:
        from .index import nonzero
        return nonzero(condition, as_tuple=True)
    if isinstance(condition, Tensor) and condition._data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype.scalar_name}")
    from .. import dtypes as _dt
    dt = _dt.result_type(input, other)
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = other.to(dt) if isinstance(other, Tensor) else other
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        from ..creation import tensor as _t
        a = _t(a, dtype=dt)
    r = call(where_op, condition, a, b)
    if r.dtype is not dt:
        r = r.to(dt)
    return r


@export("where", function=False)
def _where_method(self, condition, other):
    """``self`` where ``condition``, else ``other`` (``sg.where(condition, self, other)``).

    >>> import symgrad as sg
    >>> x = sg.tensor([-2., 3.])
    >>> x.where(x > 0, 0.)
    tensor([0., 3.])
    """
    return where(condition, self, other)


@export()
def lerp(input, end, weight):
    """``input + weight * (end - input)`` with a scalar weight.

    >>> import symgrad as sg
    >>> sg.lerp(sg.tensor([0., 10.]), sg.tensor([10., 20.]), 0.5)
    tensor([ 5., 15.])
    """
    _check_lerp(input, end, weight)
    if isinstance(weight, Tensor):
        return call(lerp_tensor_op, input, end, weight)
    return call(lerp_op, input, end, weight=weight)


def _check_lerp(input, end, weight):
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not input.dtype and (name == "end" or t._data.ndim):
            raise RuntimeError(f"expected dtype {input.dtype.c_name} for `{name}` but got dtype {t.dtype.c_name}")
    tensor = isinstance(weight, Tensor)
    if not (_dt.result_type(input, end, weight) if tensor else input.dtype).is_floating_point:
        kernel = "tensor" if tensor else "scalar"
        raise NotImplementedError(f"\"lerp_kernel_{kernel}\" not implemented for '{input.dtype.scalar_name}'")


# ===================================================================== unary
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
    from .. import dtypes as _dt
    dt = _dt.result_type(input, min, max)
    if dt is not input.dtype:         # an integer input with float bounds: the default float
        input = input.to(dt)
    min, max = _bound(min, dt), _bound(max, dt)
    return with_out(call(clamp_op, input, min=min, max=max), out, "clamp")


_C_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int8": "int8_t",
            "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}


def _bound(v, dt):
    """A number converted to ``dt`` as PyTorch converts a scalar argument: an
    error if it overflows, except that an unsigned type wraps -max..-1 (-1 -> 255)."""
    if v is None or dt.np.kind == "b":
        return v
    if dt.np.kind == "f":
        ok = not math.isfinite(v) or math.fabs(v) <= float(np.finfo(dt.np).max)
    else:
        info = np.iinfo(dt.np)
        ok = (-info.max if info.min == 0 else info.min) <= v <= info.max
        if ok and v < 0 and info.min == 0:
            v = v % (1 << info.bits)
    if not ok:
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} without overflow")
    return v


clip = export("clip")(clamp)


@export()
def clamp_min(input, min):
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


@export()
def clamp_max(input, max):
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


# ====================================================== comparisons, logical
def _compare(name, fwd, aliases=()):
    op = Op(name, None, fwd, dtypes="compare", differentiable=False)

    def fn(input, other, *, out=None):
        return with_out(call(op, input, other), out, name)
    fn.__name__ = name
    fn.__doc__ = (f"Elementwise ``{name}`` comparison, a bool tensor.\n\n    >>> import symgrad as sg\n"
                  f"    >>> sg.{name}(sg.tensor([1, 2]), 2).dtype\n    symgrad.bool\n")

    def fn_(self, other):
        from .shape import copy_
        return copy_(self, _same_shape(self, call(op, self, other)))
    export(name)(fn)
    export(name + "_", function=False)(fn_)
    for a in aliases:
        export(a)(fn)
    return fn


eq = _compare("eq", lambda xp, a, b: a == b)
ne = _compare("ne", lambda xp, a, b: a != b, ("not_equal",))
lt = _compare("lt", lambda xp, a, b: a < b, ("less",))
le = _compare("le", lambda xp, a, b: a <= b, ("less_equal",))
gt = _compare("gt", lambda xp, a, b: a > b, ("greater",))
ge = _compare("ge", lambda xp, a, b: a >= b, ("greater_equal",))
logical_and = _compare("logical_and", lambda xp, a, b: xp.logical_and(a, b))
logical_or = _compare("logical_or", lambda xp, a, b: xp.logical_or(a, b))
logical_xor = _compare("logical_xor", lambda xp, a, b: xp.logical_xor(a, b))


def _same_shape(target, r):
    """``r``, the result an in-place op writes into ``target``, if it needs no broadcasting."""
    if r._data.shape != target._data.shape:
        raise RuntimeError(f"output with shape {list(target._data.shape)} doesn't match the broadcast shape "
                           f"{list(r._data.shape)}")
    return r


def _integral(name, a, b=None):
    """``a`` (computed in the promoted dtype, which ``b`` has if ``a`` is a
    number), if bitwise ops are defined for it."""
    t = a if hasattr(a, "dtype") else b
    if t.dtype is not None and t.dtype.kind == "f":      # (a symbolic template's dtype is None)
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_dt._FROM_NP[t.dtype].scalar_name}'")
    return a


_bitwise_and = Op("bitwise_and", None, lambda xp, a, b: _integral("bitwise_and", a, b) & b,
                  dtypes="promote", differentiable=False)
_bitwise_or = Op("bitwise_or", None, lambda xp, a, b: _integral("bitwise_or", a, b) | b,
                 dtypes="promote", differentiable=False)
_bitwise_xor = Op("bitwise_xor", None, lambda xp, a, b: _integral("bitwise_xor", a, b) ^ b,
                  dtypes="promote", differentiable=False)
_bitwise_not = Op("bitwise_not", None, lambda xp, a: ~_integral("bitwise_not", a), dtypes="keep",
                  differentiable=False)


def _width(name, a, b):
    dt = np.result_type(a, b)          # either may be a Python int
    if dt.kind == "f":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_dt._FROM_NP[dt].scalar_name}'")
    return dt, 8 * dt.itemsize


def _lshift(xp, a, b):
    # a count of the width or more shifts every bit out (C leaves it undefined)
    dt, bits = _width("lshift", a, b)
    return xp.where(b >= bits, 0, xp.left_shift(a, xp.minimum(b, bits - 1))).astype(dt)


def _rshift(xp, a, b):
    dt, bits = _width("rshift", a, b)
    return xp.right_shift(a, xp.minimum(b, bits - 1)).astype(dt)


_lshift_op = Op("bitwise_left_shift", None, _lshift, dtypes="promote", differentiable=False)
_rshift_op = Op("bitwise_right_shift", None, _rshift, dtypes="promote", differentiable=False)


def _pred(name, fwd, doc_in="sg.tensor([1., float('nan')])"):
    op = Op(name, None, fwd, dtypes="keep", differentiable=False)

    def fn(input):
        return call(op, input)
    fn.__name__ = name
    fn.__doc__ = f"Elementwise ``{name}``, a bool tensor.\n\n    >>> import symgrad as sg\n    >>> sg.{name}({doc_in}).dtype\n    symgrad.bool\n"
    export(name)(fn)
    return fn


logical_not = _pred("logical_not", lambda xp, a: xp.logical_not(a))


@export(function=False)
def logical_not_(self):
    """In-place ``logical_not`` (0 or 1 in ``self``'s dtype); returns ``self``."""
    r = logical_not(self)
    engine.destination(self)[...] = r._data
    engine.modified(self)
    return self


def _nan_to_num(xp, a, nan, posinf, neginf):
    return xp.where(xp.isfinite(a), a, xp.where(xp.isnan(a), nan, xp.where(a > 0, posinf, neginf)))


nan_to_num_op = Op("nan_to_num", "NanToNumBackward0", _nan_to_num,
                   (lambda xp, g, ans, a, nan, posinf, neginf: xp.where(xp.isfinite(a), g, 0),), dtypes="promote")


@export()
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf``
    (by default 0 and the dtype's largest and smallest finite values); the
    gradient passes where the input is finite.

    >>> import symgrad as sg
    >>> sg.nan_to_num(sg.tensor([float("nan"), 1.5]))
    tensor([0.0000, 1.5000])
    """
    if input._data.dtype.kind != "f":
        return with_out(input.clone(), out, "nan_to_num")
    big = float(np.finfo(input._data.dtype).max)
    return with_out(call(nan_to_num_op, input, nan=float(nan), posinf=big if posinf is None else float(posinf),
                         neginf=-big if neginf is None else float(neginf)), out, "nan_to_num")


isnan = _pred("isnan", lambda xp, a: xp.isnan(a))
isinf = _pred("isinf", lambda xp, a: xp.isinf(a))
isfinite = _pred("isfinite", lambda xp, a: xp.isfinite(a))
signbit = _pred("signbit", lambda xp, a: xp.signbit(a))


@export()
def bitwise_and(input, other):
    """Elementwise ``&`` of integer or bool tensors."""
    return call(_bitwise_and, input, other)


@export()
def bitwise_or(input, other):
    """Elementwise ``|`` of integer or bool tensors."""
    return call(_bitwise_or, input, other)


@export()
def bitwise_xor(input, other):
    """Elementwise ``^`` of integer or bool tensors."""
    return call(_bitwise_xor, input, other)


@export()
def bitwise_not(input):
    """Elementwise ``~`` of integer or bool tensors."""
    return call(_bitwise_not, input)


@export()
def bitwise_left_shift(input, other):
    """Elementwise ``<<`` of integer tensors (a count of the width or more gives 0).

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]) << 3
    tensor([ 8, 16])
    """
    return call(_lshift_op, input, other)


@export()
def bitwise_right_shift(input, other):
    """Elementwise arithmetic ``>>`` of integer tensors."""
    return call(_rshift_op, input, other)


def _invert(self):
    if self._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return call(_bitwise_not, self)


@export()
def equal(input, other):
    """True when both tensors have the same shape and elements.

    >>> import symgrad as sg
    >>> sg.equal(sg.tensor([1, 2]), sg.tensor([1, 2]))
    True
    """
    return input._data.shape == other._data.shape and bool((input._data == other._data).all())


@export()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``all(|input - other| <= atol + rtol * |other|)``.

    >>> import symgrad as sg
    >>> sg.allclose(sg.tensor([1.0]), sg.tensor([1.0 + 1e-9]))
    True
    """
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype.scalar_name} did not match "
                           f"{other.dtype.scalar_name}")
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@export()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|input - other| <= atol + rtol * |other|``."""
    from ..tensor import _wrap
    return _wrap(np.asarray(np.isclose(input._data, other._data if isinstance(other, Tensor) else other,
                                       rtol=rtol, atol=atol, equal_nan=equal_nan)))


# ================================================================== in-place
def inplace(op, self, *others, **params):
    return engine.call_inplace(op, self, others, params)


def _inplace_binary(op, name, **fixed):
    def fn_(self, other, **kw):
        p = dict(fixed)
        p.update(kw)
        return engine.call_inplace(op, self, (other,), p)
    fn_.__name__ = name
    fn_.__doc__ = f"In-place ``{name[:-1]}``; returns ``self``."
    return export(name, function=False)(fn_)


for _op, _name in ((_bitwise_and, "bitwise_and_"), (_bitwise_or, "bitwise_or_"), (_bitwise_xor, "bitwise_xor_"),
                   (_lshift_op, "bitwise_left_shift_"), (_rshift_op, "bitwise_right_shift_")):
    _inplace_binary(_op, _name)


@export(function=False)
def bitwise_not_(self):
    """In-place ``~``; returns ``self``."""
    return engine.call_inplace(_bitwise_not, self, (), {})


def add_(self, other, *, alpha=1):
    """In-place ``self += alpha * other``; returns ``self``.

    >>> import symgrad as sg
    >>> y = sg.ones(2); y.add_(sg.tensor([1., 2.]))
    tensor([2., 3.])
    """
    if type(alpha) is not int:
        _check_alpha(self, other, alpha)
    return engine.call_inplace(add_op, self, (other,), {"alpha": alpha})


def sub_(self, other, *, alpha=1):
    """In-place ``self -= alpha * other``; returns ``self``."""
    _check_sub(self, other)
    if type(alpha) is not int:
        _check_alpha(self, other, alpha)
    return engine.call_inplace(sub_op, self, (other,), {"alpha": alpha})


def mul_(self, other):
    """In-place ``self *= other``; returns ``self``."""
    return engine.call_inplace(mul_op, self, (other,), {})


def div_(self, other, *, rounding_mode=None):
    """In-place ``self /= other``; returns ``self``."""
    _check_rounding(rounding_mode)
    if rounding_mode is None:
        return engine.call_inplace(div_op, self, (other,), {})
    if _dt.result_type(self, other).is_floating_point:
        return engine.call_inplace(rounded_div_op, self, (other,), {"mode": rounding_mode})
    from .shape import copy_
    return copy_(self, div(self, other, rounding_mode=rounding_mode))


def pow_(self, exponent):
    """In-place ``self **= exponent``; returns ``self``."""
    if isinstance(exponent, Tensor) or self._data.dtype.kind in "iub":
        _int_exponent(self, exponent)
        return engine.call_inplace(pow_op, self, (exponent,), {})
    return engine.call_inplace(pow_scalar_op, self, (), {"exponent": exponent})


def clamp_(self, min=None, max=None):
    """In-place ``clamp``; returns ``self``."""
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return engine.call_inplace(clamp_tensor_op, self, (min, max), {})
    dt = _dt.result_type(self, min, max)
    if dt._cat > self.dtype._cat:
        # clamp_ names the target by its C type, unlike other in-place ops
        raise RuntimeError(f"result type {dt.scalar_name} can't be cast to the desired output "
                           f"type {self.dtype.c_name}")
    min, max = _bound(min, self.dtype), _bound(max, self.dtype)
    return engine.call_inplace(clamp_op, self, (), {"min": min, "max": max})


@export(function=False)
def round_(self, *, decimals=None):
    """In-place ``round``; returns ``self``."""
    return engine.call_inplace(round_op, self, (), {"decimals": decimals})


def neg_(self):
    """In-place negation; returns ``self``."""
    _check_neg(self)
    return engine.call_inplace(neg_op, self, (), {})


def relu_(self):
    """In-place ReLU; returns ``self``."""
    return engine.call_inplace(relu_op, self, (), {})


def floor_divide_(self, other):
    return engine.call_inplace(floor_divide_op, self, (other,), {})


def remainder_(self, other):
    return engine.call_inplace(remainder_tensor_op if isinstance(other, Tensor) else remainder_op,
                               self, (other,), {})


def fmod_(self, other):
    return engine.call_inplace(fmod_tensor_op if isinstance(other, Tensor) else fmod_op, self, (other,), {})


def lerp_(self, end, weight):
    _check_lerp(self, end, weight)
    if isinstance(weight, Tensor):
        return engine.call_inplace(lerp_tensor_op, self, (end, weight), {})
    return engine.call_inplace(lerp_op, self, (end,), {"weight": weight})


for _f in (add_, sub_, mul_, div_, pow_, clamp_, neg_, relu_, floor_divide_, remainder_, fmod_, lerp_):
    export(_f.__name__, function=False)(_f)
export("subtract_", function=False)(sub_)
export("multiply_", function=False)(mul_)
export("divide_", function=False)(div_)
export("clip_", function=False)(clamp_)
export("true_divide_", function=False)(div_)


@export(function=False)
def negative(input):
    """``-input``."""
    _check_neg(input)
    return call(neg_op, input)


export("neg")(negative)
export("negative")(negative)
