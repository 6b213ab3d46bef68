"""diff, tensordot, var_mean/std_mean, aminmax and median."""
import numpy as np

from .table import Op, export
from ._util import call, with_out, dims as _dims
from .return_types import ReturnType, values_indices
from .reduce import (_mean_vjp, _var_vjp, _std_vjp, _extreme_vjp, _extreme_all_vjp, _select_vjp,
                     _correction, _moment, _nonzero_dims)
from .shape import narrow, cat, permute, reshape, copy_
from .elementwise import sub, logical_xor
from .linalg import mm
from .reduce import sum as _sum
from ..tensor import Tensor, _wrapdim, as_int
from .. import dtypes as _dt


# ------------------------------------------------------------------ diff
@export()
def diff(input, n=1, dim=-1, prepend=None, append=None):
    """``n``-th forward difference along ``dim``, after joining ``prepend``
    and ``append`` to ``input`` there (for bool tensors: ``logical_xor``).

    >>> import symgrad as sg
    >>> sg.diff(sg.tensor([1, 4, 9, 16]))
    tensor([3, 5, 7])
    >>> sg.tensor([[1., 2., 4.]]).diff(n=2, prepend=sg.tensor([[0.]]))
    tensor([[0., 1.]])
    """
    k = as_int(n)
    if k is None or isinstance(n, bool):
        raise TypeError(f"diff(): argument 'n' must be int, not {type(n).__name__}")
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if k < 0:
        raise RuntimeError(f"order must be non-negative but got {k}")
    if k == 0:          # as PyTorch: a copy written into a fresh tensor
        from ..creation import zeros_like
        return copy_(zeros_like(input), input)
    d = _wrapdim(dim, nd)
    parts = []
    for t in (prepend, input, append):
        if t is None:
            continue
        if t._data.ndim != nd:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        for j in range(nd):
            if j != d and t._data.shape[j] != input._data.shape[j]:
                raise RuntimeError("diff expects the shape of tensor to prepend or append to match that of input "
                                   f"except along the differencing dimension; input.size({j}) = "
                                   f"{input._data.shape[j]}, but got tensor.size({j}) = {t._data.shape[j]}")
        parts.append(t)
    x = cat(parts, d) if len(parts) > 1 else input
    step = logical_xor if x.dtype is _dt.bool else sub
    for _ in range(min(k, x._data.shape[d])):
        m = x._data.shape[d] - 1
        x = step(narrow(x, d, 1, m), narrow(x, d, 0, m))
    return x


# ------------------------------------------------------------- tensordot
def _dims_list(v, arg, pos):
    if isinstance(v, Tensor):
        v = v.tolist()
    if not isinstance(v, (list, tuple)):
        raise TypeError(f"tensordot(): argument '{arg}' (position {pos}) must be tuple of ints, not "
                        f"{type(v).__name__}")
    out = [as_int(x) for x in v]
    if None in out:
        bad = v[out.index(None)]
        raise TypeError(f"tensordot(): argument '{arg}' (position {pos}) must be tuple of ints, but found "
                        f"element of type {type(bad).__name__} at pos {out.index(None)}")
    return out


@export(method=False)
def tensordot(a, b, dims=2, out=None):
    """Sum of products over the dims ``dims[0]`` of ``a`` and ``dims[1]`` of
    ``b`` (or the last ``dims`` of ``a`` with the first ``dims`` of ``b``); the
    result has ``a``'s remaining dims, then ``b``'s.

    >>> import symgrad as sg
    >>> sg.tensordot(sg.ones(2, 3), sg.ones(3, 4), dims=1).shape
    symgrad.Size([2, 4])
    >>> sg.tensordot(sg.tensor([[1., 2.], [3., 4.]]), sg.tensor([[1., 0.], [0., 1.]]), dims=([0, 1], [0, 1]))
    tensor(5.)
    """
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.numel() > 1 else dims.item()
    if isinstance(dims, (list, tuple)):
        da, db = dims
        da, db = _dims_list(da, "dims_self", 3), _dims_list(db, "dims_other", 4)
    elif isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a._data.ndim, b._data.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] "
                           f"containing two lists, but got dims={dims}")
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    sa, sb = a._data.shape, b._data.shape
    for i, j in zip(da, db):
        m, n = sa[_wrapdim(i, len(sa))], sb[_wrapdim(j, len(sb))]
        # as PyTorch, a contracted dim of size 1 broadcasts: the other side is summed over it
        if n == 1:
            a = _sum(a, i, True)
        elif m == 1:
            b = _sum(b, j, True)
        elif m != n:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {m} in dim {i} and "
                               f"second has size {n} in dim {j}")
    _dims(da, len(sa)), _dims(db, len(sb))         # PyTorch's error for a repeated dim
    ca = [_wrapdim(i, len(sa)) for i in da]       # in the pairing order, not sorted
    cb = [_wrapdim(j, len(sb)) for j in db]
    fa = [k for k in range(len(sa)) if k not in ca]
    fb = [k for k in range(len(sb)) if k not in cb]
    sa, sb = a._data.shape, b._data.shape
    csize = int(np.prod([sa[k] for k in ca]))
    pa = reshape(permute(a, *(fa + ca)), int(np.prod([sa[k] for k in fa])), csize)
    pb = reshape(permute(b, *(cb + fb)), csize, int(np.prod([sb[k] for k in fb])))
    r = reshape(mm(pa, pb), *([sa[k] for k in fa] + [sb[k] for k in fb]))
    return with_out(r, out, "tensordot")


# ---------------------------------------------------- var_mean, std_mean
def _var_mean_vjp(xp, g, ans, a, dim, correction, keepdim):
    return _var_vjp(xp, g[0], ans[0], a, dim, correction, keepdim) + _mean_vjp(xp, g[1], ans[1], a, dim, keepdim)


def _std_mean_vjp(xp, g, ans, a, dim, correction, keepdim):
    return _std_vjp(xp, g[0], ans[0], a, dim, correction, keepdim) + _mean_vjp(xp, g[1], ans[1], a, dim, keepdim)


var_mean_op = Op("var_mean", "VarMeanBackward0",
                 lambda xp, a, dim, correction, keepdim: (xp.var(a, axis=dim, ddof=correction, keepdims=keepdim),
                                                          xp.mean(a, axis=dim, keepdims=keepdim)),
                 (_var_mean_vjp,), n_out=2)
std_mean_op = Op("std_mean", "StdMeanBackward0",
                 lambda xp, a, dim, correction, keepdim: (xp.std(a, axis=dim, ddof=correction, keepdims=keepdim),
                                                          xp.mean(a, axis=dim, keepdims=keepdim)),
                 (_std_mean_vjp,), n_out=2)


def _moment_mean(op, name, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name} only support floating point and complex dtypes")
    return tuple(_moment(op, name, input, _dims(dim, input._data.ndim), _correction(unbiased, correction), keepdim))


@export(method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` over ``dim`` (all dims by default), the variance
    Bessel-corrected unless ``correction``/``unbiased`` say otherwise.

    >>> import symgrad as sg
    >>> sg.var_mean(sg.tensor([1., 2., 3., 4.]))
    (tensor(1.6667), tensor(2.5000))
    """
    return _moment_mean(var_mean_op, "var_mean", input, dim, unbiased, keepdim, correction)


@export(method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` over ``dim``, as ``var_mean``.

    >>> import symgrad as sg
    >>> sg.std_mean(sg.tensor([[1., 3.], [2., 2.]]), dim=1, correction=0)
    (tensor([1., 0.]), tensor([2., 2.]))
    """
    return _moment_mean(std_mean_op, "std_mean", input, dim, unbiased, keepdim, correction)


# ---------------------------------------------------------------- aminmax
aminmax_result = type("aminmax", (ReturnType,), {
    "__slots__": (), "_fields": ("min", "max"), "_name": "aminmax", "__module__": "symgrad.return_types",
    "__doc__": "``(min, max)`` of ``aminmax``."})


def _aminmax_vjp(xp, g, ans, a, dim, keepdim):
    # each side as amin/amax: ties share the gradient evenly
    return _extreme_vjp(xp, g[0], ans[0], a, dim, keepdim) + _extreme_vjp(xp, g[1], ans[1], a, dim, keepdim)


aminmax_op = Op("aminmax", "AminmaxBackward0",
                lambda xp, a, dim, keepdim: (xp.min(a, axis=dim, keepdims=keepdim),
                                             xp.max(a, axis=dim, keepdims=keepdim)),
                (_aminmax_vjp,), n_out=2)


@export()
def aminmax(input, *, dim=None, keepdim=False):
    """``(min, max)`` over ``dim``, or over all elements.

    >>> import symgrad as sg
    >>> sg.tensor([[3, 1], [0, 5]]).aminmax(dim=1)
    symgrad.return_types.aminmax(
    min=tensor([1, 0]),
    max=tensor([3, 5]))
    """
    if dim is not None and as_int(dim) is None:
        raise TypeError(f"aminmax(): argument 'dim' must be int, not {type(dim).__name__}")
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation "
                               "has no identity.")
        d = None
    else:
        d = _dims(dim, input._data.ndim)
        if d and input._data.shape[d[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d[0]} to have non-zero size.")
    return aminmax_result(*call(aminmax_op, input, dim=d, keepdim=bool(keepdim)))


# ----------------------------------------------------------------- median
def _lower_median(xp, a, dim):
    """The lower median along ``dim`` (kept, size 1) and its index; a slice
    holding NaN gives its first NaN, as PyTorch."""
    n = a.shape[dim]
    idx = xp.sort_indices(a, dim, False)          # stable, NaN last
    nans = xp.sum(xp.isnan(a), axis=dim, keepdims=True)
    pos = xp.where(nans > 0, n - nans, (n - 1) // 2)
    at = xp.take_along_axis(idx, pos, axis=dim)
    return xp.take_along_axis(a, at, axis=dim), at


def _median_dim(xp, a, dim, keepdim):
    v, i = _lower_median(xp, a, dim[0])
    if not keepdim:
        v, i = xp.squeeze(v, axis=dim[0]), xp.squeeze(i, axis=dim[0])
    return v, i


median_op = Op("median", "MedianBackward0",
               lambda xp, a, dim, keepdim: xp.reshape(_lower_median(xp, xp.reshape(a, (-1,)), 0)[0], ()),
               (_extreme_all_vjp,))
median_dim_op = Op("median_dim", "MedianBackward1", _median_dim, (_select_vjp,), n_out=2)


@export()
def median(input, dim=None, keepdim=False):
    """The lower median of all elements, or ``(values, indices)`` along
    ``dim``; the gradient goes to the median element (shared among equal
    values in the all-elements form).  NaN is the median of a slice holding one.

    >>> import symgrad as sg
    >>> sg.tensor([4., 1., 3., 2.]).median()
    tensor(2.)
    >>> sg.tensor([[3, 1, 2], [0, 9, 5]]).median(1)
    symgrad.return_types.median(
    values=tensor([2, 5]),
    indices=tensor([2, 2]))
    """
    if input.dtype is _dt.bool:
        raise NotImplementedError(f"\"{'median_cpu' if dim is None else 'median_out'}\" not implemented for 'Bool'")
    if dim is None:
        if keepdim:
            raise TypeError('median() missing 1 required positional arguments: "dim"')
        if input._data.size == 0:
            # PyTorch's value for no elements: NaN, or the lowest integer
            return input.new_full((), float("nan") if input._data.dtype.kind == "f"
                                  else np.iinfo(input._data.dtype).min)
        return call(median_op, input, dim=None, keepdim=False)
    if as_int(dim) is None:
        raise TypeError(f"median(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
    d = _wrapdim(dim, input._data.ndim)
    if input._data.ndim == 0:       # the value itself, index 0
        input, keepdim = input.reshape(1), False
    _nonzero_dims(input, "median", (d,))
    return values_indices("median")(*call(median_dim_op, input, dim=(d,), keepdim=bool(keepdim)))
