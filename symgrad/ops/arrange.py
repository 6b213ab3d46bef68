"""Rearranging ops: roll, repeat_interleave, index_add, meshgrid."""
import warnings

import numpy as np

from .table import Op, export
from ._util import call
from .shape import unsqueeze, expand, contiguous, view, flatten, movedim
from .index import index_select
from ..tensor import Tensor, _wrap, _wrapdim, as_int
from .. import engine


def _roll(xp, a, shifts, dims):
    if dims is None:            # the flattened tensor, rolled along its one dim
        return xp.reshape(_roll(xp, xp.reshape(a, (-1,)), shifts, (0,)), a.shape)
    for s, d in zip(shifts, dims):
        n = a.shape[d]
        s = s % n if n else 0
        if s:
            head = (slice(None),) * d
            a = xp.concatenate([a[head + (slice(n - s, None),)], a[head + (slice(0, n - s),)]], axis=d)
    return xp.copy(a)


roll_op = Op("roll", "RollBackward0", _roll,
             (lambda xp, g, ans, a, shifts, dims: _roll(xp, g, tuple(-s for s in shifts), dims),))


def _ints(v, fn, arg, pos):
    """``v`` (an int or a sequence of them) as a tuple of ints, or PyTorch's TypeError."""
    vs = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    out = tuple(as_int(x) for x in vs)
    if None in out:
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be tuple of ints, not "
                        f"{type(v if len(vs) == 1 and not isinstance(v, (tuple, list)) else vs[out.index(None)]).__name__}")
    return out


def _dim_of_nonscalar(dim, ndim):
    if not ndim:        # as PyTorch, which does not take dim 0 of a 0-d tensor here
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrapdim(dim, ndim)


@export()
def roll(input, shifts, dims=None):
    """Shift elements along ``dims`` by ``shifts``, wrapping around; with no
    ``dims``, the flattened tensor is rolled and the shape restored.

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2, 3], [4, 5, 6]]).roll(1, 1)
    tensor([[3, 1, 2],
            [6, 4, 5]])
    >>> sg.roll(sg.tensor([[1, 2], [3, 4]]), 1)
    tensor([[4, 1],
            [2, 3]])
    """
    shifts = _ints(shifts, "roll", "shifts", 2)
    dims = () if dims is None else _ints(dims, "roll", "dims", 3)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if not dims and len(shifts) == 1:
        return call(roll_op, input, shifts=shifts, dims=None)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    nd = input._data.ndim
    return call(roll_op, input, shifts=shifts, dims=tuple(_dim_of_nonscalar(d, nd) for d in dims))


def _repeats_index(repeats, n, output_size, dim=0):
    """Positions along a dim of size ``n``, each ``repeats[i]`` times."""
    r = repeats._data
    if r.dtype != np.int64 and r.dtype != np.int32:
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{repeats.dtype.scalar_name}'")
    if r.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if r.size == 1:
        r = np.broadcast_to(r.reshape(1), (n,))
    if r.shape != (n,):
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{r.size} and input.size({dim}) = {n}")
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    if output_size is not None and output_size != r.sum():
        raise RuntimeError("allocated size does not match required size")
    return np.repeat(np.arange(n, dtype=np.int64), r)


@export(method=False)
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (an int, or a tensor with one count
    per element) along ``dim``, or along the flattened tensor when ``dim`` is
    None.  Given one integer tensor only, the positions ``0, 1, ...`` each as
    often as that tensor says.

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2], [3, 4]]).repeat_interleave(2, dim=0)
    tensor([[1, 2],
            [1, 2],
            [3, 4],
            [3, 4]])
    >>> sg.repeat_interleave(sg.tensor([1, 2]), sg.tensor([2, 1]))
    tensor([1, 1, 2])
    >>> sg.repeat_interleave(sg.tensor([1, 0, 2]))
    tensor([0, 2, 2])
    """
    if output_size is not None and as_int(output_size) is None:
        raise TypeError(f"repeat_interleave(): argument 'output_size' must be int, not {type(output_size).__name__}")
    if repeats is None:
        r = input._data
        if r.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        idx = _repeats_index(input, r.shape[0], output_size)
        return _wrap(idx.astype(r.dtype, copy=False))
    if dim is None:
        x, d = flatten(input), 0
    else:
        x, d = input, _wrapdim(dim, input._data.ndim)
    if isinstance(repeats, Tensor):
        if dim is not None:
            d = _dim_of_nonscalar(dim, input._data.ndim)
        return index_select(x, d, _wrap(_repeats_index(repeats, x._data.shape[d], output_size, d)))
    k = as_int(repeats)
    if k is None:
        types = ", ".join(type(v).__name__ if not isinstance(v, Tensor) else "Tensor"
                          for v in (input, repeats) + (() if dim is None else (dim,)))
        raise TypeError(f"repeat_interleave() received an invalid combination of arguments - got ({types}), "
                        "but expected one of:\n"
                        " * (Tensor input, Tensor repeats, int dim = None, *, int output_size = None)\n"
                        " * (Tensor repeats, *, int output_size = None)\n"
                        " * (Tensor input, int repeats, int dim = None, *, int output_size = None)\n")
    if k < 0:
        raise RuntimeError("Repeats must be non-negative")
    # as PyTorch: each element along a new dim after ``d``, expanded, copied and merged into ``d``
    shape = list(x._data.shape)
    if output_size is not None and output_size != shape[d] * k:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {shape[d] * k} but got {output_size}")
    u = unsqueeze(x, d + 1)
    e = expand(u, *shape[:d + 1], k, *shape[d + 1:])
    shape[d] *= k
    return view(contiguous(e), *shape)


@export("repeat_interleave", function=False)
def _repeat_interleave_method(self, repeats, dim=None, *, output_size=None):
    """``repeat_interleave(self, repeats, dim)``.

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    """
    return repeat_interleave(self, repeats, dim, output_size=output_size)


def _index_add_fwd(xp, a, src, dim, index, alpha):
    if index is None:           # a 0-d input: its one element, once
        return a + (src if alpha == 1 else alpha * src)
    added = xp.index_add(a.shape, a.dtype, (slice(None),) * dim + (index,), src)
    return a + (added if alpha == 1 else alpha * added)


def _index_add_src_vjp(xp, g, ans, a, src, dim, index, alpha):
    g = g if index is None else g[(slice(None),) * dim + (index,)]
    return g if alpha == 1 else alpha * g


index_add_op = Op("index_add", "IndexAddBackward0", _index_add_fwd,
                  (lambda xp, g, ans, a, src, dim, index, alpha: g, _index_add_src_vjp))


def _index_add_params(input, dim, index, source, alpha):
    d = _wrapdim(dim, input._data.ndim)
    idx = index._data
    if idx.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: "
                         f"{index.dtype.scalar_name} and size: {list(idx.shape)}")
    if idx.dtype != np.int64 and idx.dtype != np.int32:
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {index.dtype.scalar_name}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_add_(): self ({input.dtype.scalar_name}) and source "
                           f"({source.dtype.scalar_name}) must have the same scalar type")
    a, s = input._data.shape, source._data.shape
    if len(a) != len(s) or any(m != n for k, (m, n) in enumerate(zip(a, s)) if k != d):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(a)} source.shape = {list(s)}")
    idx = idx.reshape(-1)
    along = s[d] if s else 1
    if idx.size != along:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                           f"({along}), for dim: {d}")
    n = a[d] if a else 1
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        raise RuntimeError(f"index {idx[bad][0]} is out of bounds for dimension {d} with size {n}")
    if isinstance(alpha, Tensor):
        alpha = alpha.item()
    if not input.dtype.is_floating_point:
        alpha = int(alpha)      # PyTorch casts alpha to an integer input's dtype
    return {"dim": d, "index": idx.astype(np.int64, copy=False) if a else None, "alpha": alpha}


@export()
def index_add(input, dim, index, source, *, alpha=1):
    """Copy of ``input`` with ``alpha * source`` added at the positions ``index``
    along ``dim`` (repeated positions add up).

    >>> import symgrad as sg
    >>> sg.zeros(3, 2).index_add(0, sg.tensor([0, 2, 0]), sg.ones(3, 2), alpha=2)
    tensor([[4., 4.],
            [0., 0.],
            [2., 2.]])
    """
    return call(index_add_op, input, source, **_index_add_params(input, dim, index, source, alpha))


@export(function=False)
def index_add_(self, dim, index, source, *, alpha=1):
    """In-place ``index_add``; returns ``self``.

    >>> import symgrad as sg
    >>> sg.zeros(3).index_add_(0, sg.tensor([1, 1]), sg.tensor([1., 2.]))
    tensor([0., 3., 0.])
    """
    if isinstance(source, Tensor) and np.may_share_memory(source._data, self._data):
        # as PyTorch: rows added from the tensor being written, even all of it, are refused
        raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor refer "
                           "to a single memory location. Please clone() the tensor before performing the operation.")
    return engine.call_inplace(index_add_op, self, (source,), _index_add_params(self, dim, index, source, alpha))


_meshgrid_warned = [False]


@export(method=False)
def meshgrid(*tensors, indexing=None):
    """Coordinate grids of 0-d or 1-d tensors: output ``k`` holds tensor ``k``
    along dim ``k`` and is constant along the others (``indexing="ij"``, the
    default); ``"xy"`` swaps the first two dims of every output.  The outputs
    are expanded views of the inputs.

    >>> import symgrad as sg
    >>> x, y = sg.meshgrid(sg.tensor([1, 2, 3]), sg.tensor([4, 5]), indexing="xy")
    >>> x
    tensor([[1, 2, 3],
            [1, 2, 3]])
    >>> y
    tensor([[4, 4, 4],
            [5, 5, 5]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for k, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 0, but got {type(t).__name__}")
    if indexing is None:
        if not _meshgrid_warned[0]:         # as PyTorch, once a process
            _meshgrid_warned[0] = True
            warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
                          "argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        order[0], order[1] = 1, 0
    grid = [tensors[k]._data.size for k in order]
    out = []
    for k, t in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[order.index(k)] = -1
        out.append(expand(view(t, *shape), *grid))
    return tuple(out)


moveaxis = export("moveaxis")(movedim)
