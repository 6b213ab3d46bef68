"""The in-place forms (add_, mul_, clamp_, ...) and the few left-hand-side-only methods."""
from ..table import export
from .._util import call
from ...tensor import Tensor
from ... import engine
from ... import dtypes as _dt
from .arithmetic import (_bound, _check_alpha, _check_lerp, _check_neg, _check_rounding, _check_sub,
                         _int_exponent, add_op, div, div_op, floor_divide_op, fmod_op, fmod_tensor_op, lerp_op,
                         lerp_tensor_op, mul_op, neg_op, pow_op, pow_scalar_op, remainder_op, remainder_tensor_op,
                         rounded_div_op, sub_op)
from .unary import clamp_op, clamp_tensor_op, round_op, relu_op
from .logical import _bitwise_and, _bitwise_not, _bitwise_or, _bitwise_xor, _lshift_op, _rshift_op


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
    from ..shape import copy_
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
