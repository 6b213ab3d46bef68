"""Python's indexing protocol, ``t[key]`` and ``t[key] = value``, by
PyTorch's rules: ints, slices and None make a view; index arrays, masks and
Python bools then index that view (a copy), placed by numpy's rules among
the dims that are left.  numpy alone would count ints as index arrays too,
which moves the indexed dims elsewhere."""
import warnings

import numpy as np

from .. import engine
from ..tensor import Tensor
from .shape import getitem_op, index_op, index_put_op, copy_op, fill_key_op, view_call, reshape, _expanded
from .conversions import _fill
from ..tensor import contiguous_strides

_BAD_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"
_FULL = slice(None)
_C_TYPE = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "int64_t", "int32": "int",
           "int8": "int8_t", "uint8": "uint8_t", "bool": "bool"}
_TRUE, _FALSE = np.zeros(1, np.int64), np.zeros(0, np.int64)    # a bool adds a dim: kept whole, or emptied


def _as_tuple(key):
    # PyTorch reads a short list holding a sequence, a slice, None, ... or a tensor as a tuple of keys
    if isinstance(key, tuple):
        return key
    if isinstance(key, list) and len(key) < 32 and any(
            k is None or k is Ellipsis or isinstance(k, (list, tuple, range, slice, Tensor, np.ndarray)) for k in key):
        return tuple(key)
    return (key,)


def _array(a):
    if a.dtype.kind not in "iub":
        raise IndexError(_BAD_DTYPE)
    if a.dtype == np.uint8:
        warnings.warn("indexing with dtype symgrad.uint8 is now deprecated, please use a dtype symgrad.bool "
                      "instead.", UserWarning, stacklevel=4)
        a = a.astype(np.bool_)
    if a.ndim == 0:             # a 0-d index is a number: an int selects, a bool adds a dim
        return bool(a) if a.dtype == np.bool_ else int(a)
    return a


def _item(k):
    if isinstance(k, Tensor):
        if k._data.dtype in (np.int8, np.int16) and k._data.ndim:
            raise IndexError(_BAD_DTYPE)
        return _array(k._data)
    if isinstance(k, np.ndarray):
        return _array(k.astype(np.int64) if k.dtype.kind == "f" else k)
    if isinstance(k, bool):
        return k
    if isinstance(k, (int, np.integer)):
        if not -2 ** 63 <= k < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")
        return int(k)
    if isinstance(k, (list, tuple, range)):
        a = np.asarray([x._data if isinstance(x, Tensor) else x for x in k])
        return _array(a if a.size and a.dtype.kind != "f" else a.astype(np.int64))      # [] and [[], []] index nothing
    if k is None or k is Ellipsis:
        return k
    if isinstance(k, slice):
        if k.step is not None and k.step <= 0:
            raise ValueError("slice step cannot be zero" if k.step == 0 else "step must be greater than zero")
        return k
    if isinstance(k, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(k).__name__}'")
    t = type(k)
    name = f"numpy.{t.__name__}" if t.__module__.startswith("numpy") else t.__name__
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     f"indices (got {name})")


def _width(k):
    # how many of the tensor's dims an item indexes
    if k is None or k is Ellipsis or type(k) is bool:
        return 0
    return k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1


def _full(k, size):
    return k.start in (None, 0) and (k.stop is None or k.stop >= size) and k.step in (None, 1)


def parse(key, shape):
    """``key`` on a tensor of ``shape`` as (view key, name of the view's
    node, index key for the view or None)."""
    if not shape and type(key) is int:
        if key == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"index {key} is out of bounds for dimension 0 with size 0")
    if not shape and any(isinstance(k, (np.ndarray, np.bool_)) for k in _as_tuple(key)):
        raise IndexError("too many indices for tensor of dimension 0")
    items = [_item(k) for k in _as_tuple(key)]
    nd = len(shape)
    if not shape and any(isinstance(k, slice) for k in items):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if not shape and any(isinstance(k, (np.ndarray, np.bool_)) for k in _as_tuple(key)):
        raise IndexError("too many indices for tensor of dimension 0")
    used = sum(_width(k) for k in items)
    if used > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    view, advanced = [], []
    name = "AliasBackward0"
    d = 0                   # the tensor's dim the next item indexes
    out = 0                 # the view's dim it lands on (an int removes its dim)
    for k in items:
        if k is Ellipsis:
            view += [_FULL] * max(min(nd - used, nd - d), 0)
            d += nd - used
            out += nd - used
        elif k is None or type(k) is bool:
            if type(k) is bool:
                advanced.append((out, _TRUE if k else _FALSE))
            view.append(None)
            name = "UnsqueezeBackward0"
            out += 1
        elif d >= nd:        # past the last dim, after more than one ellipsis
            if type(k) is int and d > nd:
                raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
            if type(k) is int:
                raise IndexError(f"index {k} is out of bounds for dimension {d} with size 0")
            raise IndexError(f"too many indices for tensor of dimension {nd} (got {d + _width(k)})")
        elif type(k) is int:
            if not -shape[d] <= k < shape[d]:
                raise IndexError(f"index {k} is out of bounds for dimension {d} with size {shape[d]}")
            view.append(k)
            name = "SelectBackward0"
            d += 1
        elif isinstance(k, slice):
            view.append(k)
            if not _full(k, shape[d]):
                name = "SliceBackward0"
            d += 1
            out += 1
        else:
            w = _width(k)
            advanced.append((out, k))
            view += [_FULL] * w
            d += w
            out += w
    if type(key) is slice:
        name = "SliceBackward0"         # PyTorch records a bare slice (x[:], x[0:n]) as one, whole or not
    if not advanced:
        return tuple(view) + (Ellipsis,), name, None
    index, at = [], 0
    for pos, k in advanced:
        index += [_FULL] * (pos - at) + [k]
        at = pos + (k.ndim if k.dtype == np.bool_ else 1)
    trivial = all(isinstance(v, slice) and v == _FULL for v in view)
    return (None if trivial else tuple(view) + (Ellipsis,)), name, tuple(index)


def _check_index(index, shape):
    """PyTorch's errors for index arrays and masks, before numpy words them."""
    arrays, d, k = [], 0, 0
    # PyTorch checks the positions only as it reads them: none for an empty result
    rest = [n for a, n in zip(index + (_FULL,) * len(shape), shape) if a is _FULL]
    sizes = [a.size if a.dtype != np.bool_ else int(np.count_nonzero(a)) for a in index if a is not _FULL]
    empty = 0 in rest or 0 in sizes
    for a in index:
        if a is _FULL:
            d += 1
            continue
        if a.dtype == np.bool_:
            for j, s in enumerate(a.shape):
                if d + j >= len(shape) or s != shape[d + j]:
                    raise IndexError(f"The shape of the mask {list(a.shape)} at index {j} does not match the "
                                     f"shape of the indexed tensor {list(shape)} at index {d + j}")
            arrays += [(int(np.count_nonzero(a)),)] * a.ndim      # PyTorch's view: the mask's nonzero() indices
            d += a.ndim
            k += a.ndim
            continue
        if a.size and not shape[d]:
            raise IndexError("index is out of bounds for dimension with size 0")
        if a.size and (a.min() < -shape[d] or a.max() >= shape[d]) and not empty:
            bad = a[(a < -shape[d]) | (a >= shape[d])].flat[0]
            raise IndexError(f"index {bad} is out of bounds for dimension {k} with size {shape[d]}")
        arrays.append(a.shape)
        d += 1
        k += 1
    try:
        np.broadcast_shapes(*arrays)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(s)) for s in arrays)) from None
    return empty


def _viewed(self, view, name):
    return self if view is None else view_call(getitem_op, self, key=view, name=name)


def getitem(self, key):
    view, name, index = parse(key, self._data.shape)
    v = _viewed(self, view, name)
    if index is None:
        return v
    if _check_index(index, v._data.shape):      # an empty result: out-of-range positions read nothing
        index = tuple(a if a is _FULL or a.dtype == np.bool_ else np.zeros_like(a) for a in index)
    r = engine.call(index_op, v, key=index)
    # numpy may lay the result out otherwise; PyTorch's is contiguous
    r._data = contiguous_strides(np.ascontiguousarray(r._data))
    return r


def _check_value(self, value):
    # PyTorch takes tensors, Python numbers (np.float64 is one) and numpy integers
    if isinstance(value, (Tensor, bool, int, float)) and not isinstance(value, np.generic) or \
            isinstance(value, np.float64):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, complex):
        raise RuntimeError(f"value cannot be converted to type {_C_TYPE.get(self.dtype.np.name, 'float')} "
                           "without overflow")
    t = type(value)
    name = f"numpy.{t.__name__}" if t.__module__.startswith("numpy") else t.__name__
    raise TypeError(f"can't assign a {name} to a symgrad.{self.dtype.scalar_name}Tensor")


def _drop_leading_ones(value, ndim):
    # as PyTorch: a value's leading size-1 dims beyond the target's are dropped
    extra = value._data.ndim - ndim
    if extra > 0 and all(s == 1 for s in value._data.shape[:extra]):
        return reshape(value, value._data.shape[extra:])
    return value


def setitem(self, key, value):
    if key is False:
        return          # PyTorch: nothing is written, nothing checked
    value = _check_value(self, value)
    if isinstance(value, (int, float)) and self._data.dtype.kind in "iu":
        from .elementwise import _bound
        value = _bound(value, self.dtype)         # nan or out of range: PyTorch's overflow error
    view, name, index = parse(key, self._data.shape)
    if index is None:
        if all(v is Ellipsis or isinstance(v, slice) and _full(v, n) for v, n in zip(view, self._data.shape)) \
                and len(view) - 1 <= self._data.ndim:
            v = self                                # x[...] = v, x[:] = v: a write into x itself
        else:
            v = view_call(getitem_op, self, key=view, name=name)
        if not isinstance(value, Tensor):
            _fill(v, value, fill_key_op, overlap_ok=False)
            return
        value = _drop_leading_ones(value, v._data.ndim)
        _expanded(value, v._data.shape)
        engine.call_inplace(copy_op, v, (value,), {})
        return
    mask = key._data if isinstance(key, Tensor) else key
    if isinstance(mask, np.ndarray) and mask.dtype == np.uint8 and mask.ndim and \
            not (isinstance(value, Tensor) and value.ndim):
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
    if (isinstance(key, Tensor) and key._data.dtype == np.bool_ and key._data.shape == self._data.shape
            and (isinstance(value, (int, float)) or isinstance(value, Tensor) and not value._data.ndim
                 and value.dtype is self.dtype)):
        from .index import index_put_mask_op
        engine.call_inplace(index_put_mask_op, self, (key, value), {})
        return
    v = _viewed(self, view, name)
    _check_index(index, v._data.shape)
    if isinstance(value, Tensor):
        # the value's dtype must be the tensor's, except for one element put by a single mask,
        # which PyTorch's index_put_ hands to masked_fill_
        arrays = [a for a in index if a is not _FULL]
        by_mask = len(arrays) == 1 and arrays[0].dtype == np.bool_ and value._data.size == 1
        if value.dtype is not self.dtype and not by_mask:
            raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                               f"{self.dtype.scalar_name} for the destination and {value.dtype.scalar_name} for "
                               "the source.")
        target = np.broadcast_to(np.zeros((), np.bool_), v._data.shape)[index].shape
        value = _drop_leading_ones(value, len(target))
        try:
            np.broadcast_shapes(value._data.shape, target)
            ok = len(value._data.shape) <= len(target)
        except ValueError:
            ok = False
        if not ok or np.broadcast_shapes(value._data.shape, target) != target:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(value._data.shape)} cannot be "
                               f"broadcast to indexing result of shape {list(target)}")
    engine.call_inplace(index_put_op, v, (value,), {"key": index})
