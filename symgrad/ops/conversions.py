"""Tensor methods for dtype/device conversion and filling."""
import numpy as np

from .table import export
from ..tensor import Tensor, _wrap, _clock, check_device, device as _device
from .. import dtypes as _dt
from .. import engine
from .shape import copy_op, zero_op, fill_op, normal_op, uniform_op


@export(function=False)
def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False, memory_format=None):
    """Convert dtype and/or device: ``t.to(sg.float64)``, ``t.to("cpu", sg.double)``,
    ``t.to(other)``.  Only the CPU holds tensors; other devices raise.

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]).to(sg.float64)
    tensor([1., 2.], dtype=symgrad.float64)
    """
    _dt.check_memory_format("to", memory_format, self._data.ndim)
    for a in args:
        if isinstance(a, _dt.dtype):
            dtype = a
        elif isinstance(a, (str, _device)):
            device = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
    check_device(device)
    from .shape import to_dtype
    return to_dtype(self, dtype or self.dtype, copy)


@export(function=False)
def type(self, dtype=None):
    if dtype is None:
        return f"symgrad.{self.dtype.scalar_name}Tensor"
    return to(self, dtype)


@export(function=False)
def type_as(self, other):
    return to(self, other.dtype)


def _caster(d):
    def f(self, memory_format=None):
        return to(self, d)
    f.__doc__ = f"``self.to({d!r})``."
    return f


for _n, _d in (("float", _dt.float32), ("double", _dt.float64), ("half", _dt.float16), ("long", _dt.int64),
               ("int", _dt.int32), ("short", _dt.int16), ("char", _dt.int8), ("byte", _dt.uint8),
               ("bool", _dt.bool)):
    export(_n, function=False)(_caster(_d))


@export(function=False)
def cpu(self, memory_format=None):
    """The tensor itself (tensors live on the CPU)."""
    return self


@export(function=False)
def cuda(self, device=None, non_blocking=False):
    check_device("cuda")


@export(function=False)
def zero_(self):
    """Fill with zeros in place (not recorded when no graph requires it).

    >>> import symgrad as sg
    >>> sg.ones(2).zero_()
    tensor([0., 0.])
    """
    return _fill(self, 0, zero_op)


@export(function=False)
def fill_(self, value):
    """Fill with ``value`` in place.

    >>> import symgrad as sg
    >>> sg.zeros(2).fill_(3)
    tensor([3., 3.])
    """
    return _fill(self, value, fill_op)


def _fill(self, value, op, overlap_ok=True):
    # overlap_ok: fill_ and zero_ may write one value into elements sharing memory; t[key] = v may not
    if self._node is None and self._base is None and not self._rg and not isinstance(value, Tensor):
        # a tensor outside any graph (a .grad, its .data): nothing to check or record
        try:
            self._data[...] = value
        except ValueError:          # read-only: a view of an expanded tensor
            engine.destination(self, overlap_ok)[...] = value
        self._vc[0] += 1
        _clock[0] += 1
        if self._gsrc is not None:          # written() inline: this is the seed loop's zero_
            self._gsrc[:] = [("const", value)]
        return self
    v = value.item() if isinstance(value, Tensor) and not value.requires_grad else value
    if isinstance(v, Tensor):
        return engine.call_inplace(copy_op, self, (v,), {})
    return _write_new(self, np.asarray(v, self._data.dtype), op, ("const", v), overlap_ok)


@export(function=False)
def masked_fill_(self, mask, value):
    """In-place ``masked_fill``; returns ``self``."""
    from .index import masked_fill_inplace
    return masked_fill_inplace(self, mask, value)


@export(function=False)
def uniform_(self, a=0.0, b=1.0, generator=None):
    """Fill with draws from U(a, b) in place.

    >>> import symgrad as sg
    >>> sg.zeros(3).uniform_(2, 3).ge(2).all()
    tensor(True)
    """
    from ..creation import _rng, _float_dtype
    _float_dtype(self.dtype, "check_uniform_bounds")
    return _write_new(self, (generator or _rng[0]).uniform(a, b, self._data.shape), uniform_op, ("unknown",))


@export(function=False)
def normal_(self, mean=0.0, std=1.0, generator=None):
    """Fill with draws from N(mean, std**2) in place.

    >>> import symgrad as sg
    >>> sg.zeros(2, 3).normal_(0, 1e-9).abs().lt(1e-6).all()
    tensor(True)
    """
    from ..creation import _rng, _float_dtype
    _float_dtype(self.dtype, "normal_kernel_cpu")
    return _write_new(self, mean + std * (generator or _rng[0]).standard_normal(self._data.shape), normal_op,
                      ("unknown",))


def _write_new(self, values, op, now, overlap_ok=False):
    # values that do not depend on the old ones: recorded in a graph (the old
    # values get no gradient), otherwise written; ``now``: the closed form after
    engine.check_inplace(self)
    if self._node is not None or (self._base is not None and self._base.requires_grad):
        return engine.call_inplace(op, self, (_wrap(values.astype(self._data.dtype, copy=False)),), {})
    engine.destination(self, overlap_ok)[...] = values
    engine.modified(self)
    engine.written(self, now=now)
    return self
