"""Index ops: gather/scatter, selection by index or mask, nonzero."""
import numpy as np

from .table import Op, export, no_derivative
from ._util import call
from ..tensor import Tensor, _wrap, _wrapdim
from .. import engine


def _idx(index):
    return index._data if isinstance(index, Tensor) else np.asarray(index)


def _along(input, dim, index, name):
    """``dim`` wrapped and ``index`` as int64 positions along it, checked as
    PyTorch checks them (numpy would wrap a negative index silently)."""
    idx = index._data
    if idx.dtype != np.int64 and idx.dtype != np.int32:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    d = _wrapdim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 1
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        raise RuntimeError(f"index {idx[bad].flat[0]} is out of bounds for dimension {d} with size {n}")
    return d, idx.astype(np.int64, copy=False)


# index None: a 0-d input, which index_select returns as it is
index_select_op = Op("index_select", "IndexSelectBackward0",
                     lambda xp, a, dim, index: xp.copy(a) if index is None else xp.take(a, index, axis=dim),
                     (lambda xp, g, ans, a, dim, index: g if index is None else
                      xp.index_add(a.shape, g.dtype, (slice(None),) * dim + (index,), g),))
gather_op = Op("gather", "GatherBackward0", lambda xp, a, dim, index: xp.gather(a, dim, index),
               (lambda xp, g, ans, a, dim, index: xp.scatter_add(a.shape, g.dtype, dim, index, g),))
scatter_op = Op("scatter", "ScatterBackward0",
                lambda xp, a, src, dim, index: xp.scatter_put(a, dim, index, src),
                (lambda xp, g, ans, a, src, dim, index: xp.scatter_put(g, dim, index, 0),
                 lambda xp, g, ans, a, src, dim, index: xp.gather(g, dim, index)))
scatter_value_op = Op("scatter_value", "ScatterBackward1",
                      lambda xp, a, dim, index, value: xp.scatter_put(a, dim, index, value),
                      (lambda xp, g, ans, a, dim, index, value: xp.scatter_put(g, dim, index, 0),))
scatter_add_op = Op("scatter_add", "ScatterAddBackward0",
                    lambda xp, a, src, dim, index: a + xp.scatter_add(a.shape, a.dtype, dim, index, src),
                    (lambda xp, g, ans, a, src, dim, index: g,
                     lambda xp, g, ans, a, src, dim, index: xp.gather(g, dim, index)))
masked_fill_op = Op("masked_fill", "MaskedFillBackward0",
                    lambda xp, a, mask, value: xp.where(mask, value, a),
                    (lambda xp, g, ans, a, mask, value: xp.where(mask, 0, g),))
# ``value`` where ``mask``: masked_fill with a tensor value, and ``t[mask] = v``
# with a mask of t's shape and one value (a formula in closed forms, not positions)
_masked_put = (lambda xp, a, mask, value: xp.where(mask, value, a),
               (lambda xp, g, ans, a, mask, value: xp.where(mask, 0, g), None,
                lambda xp, g, ans, a, mask, value: xp.sum(xp.where(mask, g, 0))))
masked_fill_t_op = Op("masked_fill_tensor", "MaskedFillBackward1", *_masked_put)
index_put_mask_op = Op("index_put_mask", "IndexPutBackward0", *_masked_put)
masked_select_op = Op("masked_select", "MaskedSelectBackward0",
                      lambda xp, a, mask: xp.broadcast_to(a, mask.shape)[mask],
                      (lambda xp, g, ans, a, mask: xp.index_add(mask.shape, g.dtype, mask, g),))
nonzero_op = Op("nonzero", None, lambda xp, a: xp.stack(xp.nonzero(a), axis=-1), differentiable=False)


@export()
def index_select(input, dim, index):
    """Entries along ``dim`` at the positions in the 1-d ``index``.

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2], [3, 4]]).index_select(1, sg.tensor([1]))
    tensor([[2],
            [4]])
    """
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index._data.dtype.kind not in "iu":
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    d = _wrapdim(dim, input._data.ndim)
    idx = index._data.reshape(-1)
    if not input._data.ndim:
        if idx.size != 1:
            raise IndexError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
        if idx[0] != 0:
            raise IndexError("index out of range in self")
        return call(index_select_op, input, dim=d, index=None)
    if idx.size and (idx.min() < 0 or idx.max() >= input._data.shape[d]):
        raise IndexError("index out of range in self")
    return call(index_select_op, input, dim=d, index=idx)


@export()
def gather(input, dim, index, *, sparse_grad=False):
    """``out[i][j] = input[index[i][j]][j]`` for ``dim=0`` (and so on).

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2], [3, 4]]).gather(1, sg.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    if input._data.ndim == 1 and not index._data.ndim:      # as PyTorch: one position, a 0-d result
        return gather(input, dim, index.reshape(1)).reshape(())
    if index._data.ndim != input._data.ndim and (input._data.ndim or index._data.ndim > 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    d, idx = _along(input, dim, index, "gather")
    if not input._data.ndim:            # the one element, as often as index asks
        return call(gather_op, input.reshape(1), dim=0, index=idx.reshape(-1)).reshape(idx.shape)
    return call(gather_op, input, dim=d, index=idx)


def _recorded(t):
    return lambda op, others, params: call(op, t, *others, **params)


def _in_place(t):
    return lambda op, others, params: engine.call_inplace(op, t, others, params)


# PyTorch has no derivative for ``scatter(..., reduce=)``: its node says so when backward reaches it
scatter_reduce_op = Op("scatter_reduce", "NotImplemented",
                       lambda xp, a, src, dim, index, reduce: xp.scatter_reduce(a, dim, index, src, reduce),
                       (lambda xp, g, ans, a, src, dim, index, reduce: no_derivative("scatter"),
                        lambda xp, g, ans, a, src, dim, index, reduce: no_derivative("scatter")))


def _scatter(run, input, dim, index, src, value, reduce, name):
    # ``run(op, others, params)``: recorded as a new tensor or written in place
    d, idx = _along(input, dim, index, name)
    if not input._data.ndim:            # through its one-element view
        flat, one = input.reshape(1), _wrap(idx.reshape(1))
        src = src.reshape(1) if isinstance(src, Tensor) else src
        if name.endswith("_"):
            _scatter(_in_place(flat), flat, 0, one, src, value, reduce, name)
            return input
        return _scatter(_recorded(flat), flat, 0, one, src, value, reduce, name).reshape(())
    if src is None:
        src = value
    if idx.ndim != input._data.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        if src._data.ndim != idx.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        if any(i > n or (k != d and i > m) for k, (i, n, m) in
               enumerate(zip(idx.shape, src._data.shape, input._data.shape))):
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(input.shape)} apart "
                               f"from dimension {d} and to be no larger size than src {list(src.shape)}")
    if name.startswith("scatter_add"):
        return run(scatter_add_op, (src,), {"dim": d, "index": idx})
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        return run(scatter_reduce_op, (src,), {"dim": d, "index": idx, "reduce": reduce})
    if not isinstance(src, Tensor):
        return run(scatter_value_op, (), {"dim": d, "index": idx, "value": src})
    return run(scatter_op, (src,), {"dim": d, "index": idx})


@export()
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Copy of ``input`` with ``src`` (or ``value``) written at ``index`` along ``dim``.

    >>> import symgrad as sg
    >>> sg.zeros(3).scatter(0, sg.tensor([2]), sg.tensor([5.]))
    tensor([0., 0., 5.])
    """
    return _scatter(_recorded(input), input, dim, index, src, value, reduce, "scatter")


@export(function=False)
def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """In-place ``scatter``; returns ``self``.

    >>> import symgrad as sg
    >>> sg.zeros(3).scatter_(0, sg.tensor([2]), 5.)
    tensor([0., 0., 5.])
    """
    return _scatter(_in_place(self), self, dim, index, src, value, reduce, "scatter_")


@export(function=False)
def scatter_add_(self, dim, index, src):
    """In-place ``scatter_add``; returns ``self``."""
    return _scatter(_in_place(self), self, dim, index, src, None, None, "scatter_add_")


@export()
def scatter_add(input, dim, index, src):
    """Copy of ``input`` with ``src`` added at ``index`` along ``dim``.

    >>> import symgrad as sg
    >>> sg.zeros(3).scatter_add(0, sg.tensor([1, 1]), sg.tensor([1., 2.]))
    tensor([0., 3., 0.])
    """
    return _scatter(_recorded(input), input, dim, index, src, None, None, "scatter_add")


@export()
def masked_fill(input, mask, value):
    """Copy of ``input`` with ``value`` where ``mask`` is True.

    >>> import symgrad as sg
    >>> sg.tensor([1., 2.]).masked_fill(sg.tensor([True, False]), 0.)
    tensor([0., 2.])
    """
    op, others, params = _masked_fill_args(input, mask, value)
    return call(op, input, *others, **params)


def _masked_fill_args(input, mask, value):
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.name}")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return masked_fill_t_op, (mask, value.to(input.dtype)), {}
    kind = input._data.dtype.kind
    if kind in "iu":         # the result keeps input's dtype; out of its range is an error
        from .elementwise import _bound
        value = _bound(int(value), input.dtype)
    elif kind == "b":
        value = bool(value)
    return masked_fill_op, (mask,), {"value": value}


def masked_fill_inplace(self, mask, value):
    op, others, params = _masked_fill_args(self, mask, value)
    return engine.call_inplace(op, self, others, params)


@export()
def masked_select(input, mask):
    """1-d tensor of the elements where ``mask`` (broadcast) is True.

    >>> import symgrad as sg
    >>> x = sg.tensor([1., -2., 3.])
    >>> sg.masked_select(x, x > 0)
    tensor([1., 3.])
    """
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = np.broadcast_shapes(input._data.shape, mask._data.shape)
    m = np.broadcast_to(mask._data, shape)
    return call(masked_select_op, input, _wrap(m))


@export()
def nonzero(input, *, as_tuple=False):
    """Indices of nonzero elements, one row per element (or a tuple per dim).

    >>> import symgrad as sg
    >>> sg.tensor([0, 3, 0, 4]).nonzero()
    tensor([[1],
            [3]])
    """
    a = input._data
    if as_tuple:            # a 0-d input counts as one element at position 0
        return tuple(_wrap(np.asarray(i, np.int64)) for i in np.nonzero(a.reshape(-1) if not a.ndim else a))
    return _wrap(np.argwhere(a).astype(np.int64).reshape(int(bool(a)) if not a.ndim else -1, a.ndim))


@export()
def argwhere(input):
    return nonzero(input)


@export()
def take(input, index):
    """Elements of the flattened input at ``index`` (a long tensor of any shape).

    >>> import symgrad as sg
    >>> sg.take(sg.tensor([[4, 5], [6, 7]]), sg.tensor([0, -1]))
    tensor([4, 7])
    """
    if index._data.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {index.dtype.scalar_name}")
    i, n = index._data, input._data.size
    if i.size and (i.min() < -n or i.max() >= n):
        bad = i[(i < -n) | (i >= n)].flat[0]
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return call(take_op, input, index=i)


take_op = Op("take", "TakeBackward0", lambda xp, a, index: xp.reshape(a, (-1,))[index],
             (lambda xp, g, ans, a, index:
              xp.reshape(xp.index_add((int(np.prod(a.shape)),), g.dtype, (index,), g), a.shape),))


scatter_zeros_op = Op("scatter_zeros", "GatherBackwardBackward0",
                      lambda xp, src, shape, dim, index: xp.scatter_add(shape, src.dtype, dim, index, src),
                      (lambda xp, g, ans, src, shape, dim, index: xp.gather(g, dim, index),))
