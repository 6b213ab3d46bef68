"""Arithmetic: add, sub, mul, div, pow, remainder, lerp and their relatives."""
import math
from functools import partial
from numbers import Number
import numpy as np

from ..table import Op as _Op, export, no_derivative
from .._util import call, with_out
from ...tensor import Tensor
from ... import engine
from ... import dtypes as _dt

Op = partial(_Op, elementwise=True)     # every op of this module maps elements to elements


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
        from ...engine.record import _int_scalar
        other = _int_scalar(other, input._data.dtype)       # wraps, as PyTorch converts it
    if rounding_mode == "floor":
        return with_out(call(floor_divide_op, input, other), out, "div")
    if rounding_mode == "trunc":
        rt = _dt.result_type(input, other)
        if not rt.is_floating_point:
            _int_divisor(0, other._data if isinstance(other, Tensor) else other)
        r = call(div_op, input, other)
        from .unary import trunc
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
    from ... import dtypes as _dt
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
        from ..index import nonzero
        return nonzero(condition, as_tuple=True)
    if isinstance(condition, Tensor) and condition._data.dtype != np.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype.scalar_name}")
    from ... import dtypes as _dt
    dt = _dt.result_type(input, other)
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = other.to(dt) if isinstance(other, Tensor) else other
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        from ...creation import tensor as _t
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


def inplace(op, self, *others, **params):
    return engine.call_inplace(op, self, others, params)
