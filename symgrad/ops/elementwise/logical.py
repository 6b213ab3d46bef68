"""Comparisons, logical and bitwise ops, and predicates (isnan, isclose, equal)."""
from functools import partial
import numpy as np

from ..table import Op as _Op, export
from .._util import call, with_out
from ...tensor import Tensor
from ... import engine
from ... import dtypes as _dt

Op = partial(_Op, elementwise=True)     # every op of this module maps elements to elements


def _compare(name, fwd, aliases=()):
    op = Op(name, None, fwd, dtypes="compare", differentiable=False)

    def fn(input, other, *, out=None):
        return with_out(call(op, input, other), out, name)
    fn.__name__ = name
    fn.__doc__ = (f"Elementwise ``{name}`` comparison, a bool tensor.\n\n    >>> import symgrad as sg\n"
                  f"    >>> sg.{name}(sg.tensor([1, 2]), 2).dtype\n    symgrad.bool\n")

    def fn_(self, other):
        from ..shape import copy_
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
    from ...tensor import _wrap
    return _wrap(np.asarray(np.isclose(input._data, other._data if isinstance(other, Tensor) else other,
                                       rtol=rtol, atol=atol, equal_nan=equal_nan)))
