"""Sorting along a dim: ``sort``, ``argsort`` and ``topk``.

The gradient of the values goes back to the positions they were taken from.
Sorting has no closed form: in templates it is an opaque function."""
from .table import Op, export
from ._util import call
from .return_types import values_indices
from ..tensor import _wrapdim


def _sorted(xp, a, dim, descending):
    idx = xp.sort_indices(a, dim, descending)
    return xp.take_along_axis(a, idx, axis=dim), idx


def _scatter_back(xp, g, ans, a, dim, **params):
    return xp.scatter_add(a.shape, g[0].dtype, dim, ans[1], g[0])


def _topk(xp, a, k, dim, largest):
    vals, idx = _sorted(xp, a, dim, largest)
    keep = xp.arange(k)
    return xp.take(vals, keep, axis=dim), xp.take(idx, keep, axis=dim)


sort_op = Op("sort", "SortBackward0", _sorted, (_scatter_back,), n_out=2)
topk_op = Op("topk", "TopkBackward0", _topk, (_scatter_back,), n_out=2)


def _pair(name, input, op, **params):
    flat = input._data.ndim == 0          # a 0-d tensor sorts as one element, index 0
    x = input.reshape(1) if flat else input
    vals, idx = call(op, x, **params)
    if flat:
        vals, idx = vals.reshape(()), idx.reshape(())
    return values_indices(name)(vals, idx)


@export()
def sort(input, dim=-1, descending=False, stable=False):
    """``(values, indices)`` sorted along ``dim``; equal elements keep their
    order, NaN sorts as the largest value.

    >>> import symgrad as sg
    >>> sg.tensor([3., 1., 2.]).sort()
    symgrad.return_types.sort(
    values=tensor([1., 2., 3.]),
    indices=tensor([1, 2, 0]))
    """
    d = _wrapdim(dim, max(input._data.ndim, 1))
    return _pair("sort", input, sort_op, dim=d, descending=bool(descending))


@export()
def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim``.

    >>> import symgrad as sg
    >>> sg.tensor([3., 1., 2.]).argsort(descending=True)
    tensor([0, 2, 1])
    """
    return sort(input, dim, descending).indices


@export()
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices.

    >>> import symgrad as sg
    >>> sg.tensor([1., 5., 3.]).topk(2)
    symgrad.return_types.topk(
    values=tensor([5., 3.]),
    indices=tensor([1, 2]))
    """
    d = _wrapdim(dim, max(input._data.ndim, 1))
    n = input._data.shape[d] if input._data.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    k = int(k) if input._data.ndim else 1          # a 0-d tensor is its one element, k 0 or 1 (PyTorch)
    return _pair("topk", input, topk_op, k=k, dim=d, largest=bool(largest))
