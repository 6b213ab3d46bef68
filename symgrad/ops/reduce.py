"""Reductions, scans and normalisations along dims."""
import numpy as np

from .table import Op, export
from .return_types import values_indices
from ._util import call, with_out, dims, keep, reduced_count, user_warning
from ..tensor import Tensor, _wrapdim
from .. import dtypes as _dt


def _sum_fwd(xp, a, dim, keepdim):
    return xp.sum(a, axis=dim, keepdims=keepdim)


def _sum_vjp(xp, g, ans, a, dim, keepdim):
    return xp.broadcast_to(keep(xp, g, dim, keepdim), a.shape)


def _mean_fwd(xp, a, dim, keepdim):
    return xp.mean(a, axis=dim, keepdims=keepdim)


def _mean_vjp(xp, g, ans, a, dim, keepdim):
    return xp.broadcast_to(keep(xp, g, dim, keepdim) / reduced_count(a.shape, dim), a.shape)


def _extreme_vjp(xp, g, ans, a, dim, keepdim):
    # amax/amin: ties share the gradient evenly; a NaN extreme matches no
    # element, and (g / 0) * 0 is NaN throughout, as in PyTorch
    mask = a == keep(xp, ans, dim, keepdim)
    return keep(xp, g, dim, keepdim) / xp.sum(mask, axis=dim, keepdims=True) * mask


def _extreme_all_vjp(xp, g, ans, a, dim, keepdim):
    # max()/min(): as amax, but a NaN extreme sends the gradient to the NaNs
    # (``a`` has a NaN exactly when the extreme is NaN)
    mask = (a == keep(xp, ans, dim, keepdim)) | xp.isnan(a)
    return xp.where(mask, keep(xp, g, dim, keepdim) / xp.sum(mask, axis=dim, keepdims=True), 0)


def _select_vjp(xp, g, ans, a, dim, keepdim):
    # max/min along a dim: the gradient goes to the returned index only
    gv, idx = keep(xp, g[0], dim, keepdim), keep(xp, ans[1], dim, keepdim)
    return xp.scatter_add(a.shape, gv.dtype, dim[0], idx, gv)


def _prod_vjp(xp, g, ans, a, dim, keepdim):
    # product of the other elements, by exclusive cumulative products from both
    # ends: exact when some elements are zero, unlike ans / a
    if dim is None:
        flat = xp.reshape(a, (-1,))
        return xp.reshape(g * _others_product(xp, flat, 0), a.shape)
    return keep(xp, g, dim, keepdim) * _others_product(xp, a, dim[0])


def _others_product(xp, a, axis):
    n = a.shape[axis]
    if n == 0:
        return a
    ones = xp.ones_like(xp.take(a, xp.arange(1), axis=axis))
    head = xp.take(a, xp.arange(n - 1), axis=axis)
    left = xp.cumprod(xp.concatenate([ones, head], axis=axis), axis=axis)
    right = xp.flip(xp.cumprod(xp.concatenate([ones, xp.flip(xp.take(a, xp.arange(1, n), axis=axis), axis)],
                                              axis=axis), axis=axis), axis)
    return left * right


def _dvar(xp, a, dim, correction):
    # d var / d a; as PyTorch, a full reduction with no degrees of freedom left
    # has an infinite derivative (NaN where a value equals the mean: inf * 0)
    dof = reduced_count(a.shape, dim) - correction
    centred = a - xp.mean(a, axis=dim, keepdims=True)
    if dof <= 0 and (dim is None or not len(a.shape)):
        return xp.where(centred == 0, float("nan"), float("inf"))
    return 2 * centred / dof


def _var_vjp(xp, g, ans, a, dim, correction, keepdim):
    return keep(xp, g, dim, keepdim) * _dvar(xp, a, dim, correction)


def _std_vjp(xp, g, ans, a, dim, correction, keepdim):
    # as PyTorch: where the std is 0 (all values equal) its gradient is 0, not 0/0
    gs = keep(xp, xp.where(ans == 0, 0, g / (2 * xp.where(ans == 0, 1, ans))), dim, keepdim)
    return gs * _dvar(xp, a, dim, correction)


def _norm_fwd(xp, a, ord, dim, keepdim):
    if ord == 2:
        return xp.sqrt(xp.sum(a * a, axis=dim, keepdims=keepdim))
    if ord == float("inf"):
        return xp.max(xp.abs(a), axis=dim, keepdims=keepdim)
    if ord == -float("inf"):
        return xp.min(xp.abs(a), axis=dim, keepdims=keepdim)
    if ord == 1:
        return xp.sum(xp.abs(a), axis=dim, keepdims=keepdim)
    if ord == 0:        # the number of non-zeros
        return xp.sum(xp.where(a != 0, xp.ones_like(a), xp.zeros_like(a)), axis=dim, keepdims=keepdim)
    return xp.sum(xp.abs(a) ** ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)


def _norm_vjp(xp, g, ans, a, ord, dim, keepdim):
    gk, nk = keep(xp, g, dim, keepdim), keep(xp, ans, dim, keepdim)
    if ord == 2:
        # 0 at the zero vector, as PyTorch; its own derivative there is NaN
        # (from a / 0), as PyTorch's and JAX's: the norm has none at 0
        return gk * xp.where(nk == 0, 0, a / nk)
    if ord == 1:
        return gk * xp.sign(a)
    if ord == 0:
        return xp.zeros_like(a)
    if abs(ord) == float("inf"):
        mask = xp.abs(a) == nk
        return xp.where(mask, xp.sign(a) * (gk / xp.sum(mask, axis=dim, keepdims=True)), 0)
    # a zero entry has gradient 0 (for p < 2, |a|**(p-2) is inf there: 0 * inf);
    # so has an infinite one for p < 0, as PyTorch (its limit; inf * 0 otherwise)
    skip = (a == 0) | (xp.abs(a) == float("inf")) if ord < 0 else a == 0
    safe = xp.where(skip, 1, a)
    return gk * xp.where((nk == 0) | skip, 0,
                         safe * xp.abs(safe) ** (ord - 2) / xp.where(nk == 0, 1, nk) ** (ord - 1))


# ``xp.shift`` is the max along the dims on arrays (for stability) and 0 on
# templates: subtracting it and adding it back cancels mathematically.
def _lse_fwd(xp, a, dim, keepdim):
    m = xp.shift(a, dim)
    r = xp.log(xp.sum(xp.exp(a - m), axis=dim, keepdims=True)) + m
    return r if keepdim else xp.squeeze(r, axis=dim)


def _cumsum_vjp(xp, g, ans, a, dim):
    if len(g.shape) == 0:          # a scan over a 0-dim tensor is the identity
        return g
    return xp.flip(xp.cumsum(xp.flip(g, dim), axis=dim), dim)


def _softmax_fwd(xp, a, dim):
    e = xp.exp(a - xp.shift(a, dim, finite=False))
    return e / xp.sum(e, axis=dim, keepdims=True)


def _log_softmax_fwd(xp, a, dim):
    s = a - xp.shift(a, dim, finite=False)
    return s - xp.log(xp.sum(xp.exp(s), axis=dim, keepdims=True))


sum_op = Op("sum", "SumBackward0", _sum_fwd, (_sum_vjp,))
sum_dim_op = Op("sum_dim", "SumBackward1", _sum_fwd, (_sum_vjp,))
nansum_op = Op("nansum", "NansumBackward0",
               lambda xp, a, dim, keepdim: xp.sum(xp.where(xp.isnan(a), 0, a), axis=dim, keepdims=keepdim),
               (lambda xp, g, ans, a, dim, keepdim: xp.where(xp.isnan(a), 0, _sum_vjp(xp, g, ans, a, dim, keepdim)),))
mean_op = Op("mean", "MeanBackward0", _mean_fwd, (_mean_vjp,))
mean_dim_op = Op("mean_dim", "MeanBackward1", _mean_fwd, (_mean_vjp,))
max_all_op = Op("max_all", "MaxBackward1", lambda xp, a, dim, keepdim: xp.max(a, axis=dim, keepdims=keepdim),
                (_extreme_all_vjp,))
min_all_op = Op("min_all", "MinBackward1", lambda xp, a, dim, keepdim: xp.min(a, axis=dim, keepdims=keepdim),
                (_extreme_all_vjp,))
amax_op = Op("amax", "AmaxBackward0", lambda xp, a, dim, keepdim: xp.max(a, axis=dim, keepdims=keepdim),
             (_extreme_vjp,))
amin_op = Op("amin", "AminBackward0", lambda xp, a, dim, keepdim: xp.min(a, axis=dim, keepdims=keepdim),
             (_extreme_vjp,))
max_dim_op = Op("max_dim", "MaxBackward0",
                lambda xp, a, dim, keepdim: (xp.max(a, axis=dim, keepdims=keepdim),
                                             _argext(xp, a, dim, keepdim, xp.argmax)),
                (_select_vjp,), n_out=2)
min_dim_op = Op("min_dim", "MinBackward0",
                lambda xp, a, dim, keepdim: (xp.min(a, axis=dim, keepdims=keepdim),
                                             _argext(xp, a, dim, keepdim, xp.argmin)),
                (_select_vjp,), n_out=2)
prod_op = Op("prod", "ProdBackward0", lambda xp, a, dim, keepdim: xp.prod(a, axis=dim, keepdims=keepdim),
             (_prod_vjp,), backward_kernel=True)
prod_dim_op = Op("prod_dim", "ProdBackward1", lambda xp, a, dim, keepdim: xp.prod(a, axis=dim, keepdims=keepdim),
                 (_prod_vjp,), backward_kernel=True)
var_op = Op("var", "VarBackward0",
            lambda xp, a, dim, correction, keepdim: xp.var(a, axis=dim, ddof=correction, keepdims=keepdim),
            (_var_vjp,))
std_op = Op("std", "StdBackward0",
            lambda xp, a, dim, correction, keepdim: xp.std(a, axis=dim, ddof=correction, keepdims=keepdim),
            (_std_vjp,))
norm_op = Op("norm", "LinalgVectorNormBackward0", _norm_fwd, (_norm_vjp,))
logsumexp_op = Op("logsumexp", "LogsumexpBackward0", _lse_fwd,
                  (lambda xp, g, ans, a, dim, keepdim:
                   keep(xp, g, dim, keepdim) * xp.exp(a - keep(xp, ans, dim, keepdim)),))


def _cumsum(xp, a, dim):
    if not len(a.shape):
        return a + 0
    if a.dtype == np.float16:       # PyTorch accumulates half in float32
        return xp.astype(xp.cumsum(xp.astype(a, np.float32), axis=dim), np.float16)
    return xp.cumsum(a, axis=dim)


cumsum_op = Op("cumsum", "CumsumBackward0",
               lambda xp, a, dim: _cumsum(xp, a, dim), (_cumsum_vjp,))
def _cumprod_vjp(xp, g, ans, a, dim):
    # d out_i / d a_k = prod_{j <= i, j != k} a_j.  Before the first zero along
    # dim that is out_i / a_k; at the first zero it is the cumprod with that zero
    # replaced by one; after it, zero.  Exact with zeros, unlike sum(g*ans) / a.
    if len(a.shape) == 0:
        return g
    if getattr(xp, "differentiated", False):
        return _cumprod_vjp_products(xp, g, a, dim)
    zero = a == 0
    first = zero & (xp.cumsum(zero, axis=dim) == 1)
    before = _cumsum_vjp(xp, g * ans, None, None, dim) / xp.where(zero, 1, a)
    at = _cumsum_vjp(xp, g * xp.cumprod(xp.where(first, 1, a), axis=dim), None, None, dim)
    return xp.where(first, at, before)


def _cumprod_vjp_products(xp, g, a, dim):
    # the same gradient as sums of products, with no division and no mask that
    # depends on values: its own derivatives are exact with any number of
    # zeros (the formula above is exact only at first order), at O(n^2) cost
    n = a.shape[dim]
    k = np.arange(n)
    row = xp.expand_dims(xp.swapaxes(a, dim, -1), -2)             # a_j along the last axis
    after = xp.cumprod(xp.where(k[None, :] > k[:, None], row, 1), axis=-1)      # [k, i]: prod of a_j, k < j <= i
    upto = xp.cumprod(xp.where(k[None, :] < k[:, None], row, 1), axis=-1)       # [k, j]: prod of a_j, j < k
    gi = xp.expand_dims(xp.swapaxes(g, dim, -1), -2)
    total = xp.sum(xp.where(k[None, :] >= k[:, None], after * gi, 0), axis=-1)
    lead = xp.squeeze(xp.take(upto, np.arange(n - 1, n), axis=-1), -1) if n else total
    return xp.swapaxes(lead * total, dim, -1)


cumprod_op = Op("cumprod", "CumprodBackward0",
                lambda xp, a, dim: xp.cumprod(a, axis=dim) if len(a.shape) else a * 1,
                (_cumprod_vjp,))
softmax_op = Op("softmax", "SoftmaxBackward0", _softmax_fwd,
                (lambda xp, g, ans, a, dim: ans * (g - xp.sum(g * ans, axis=dim, keepdims=True)),))
log_softmax_op = Op("log_softmax", "LogSoftmaxBackward0", _log_softmax_fwd,
                    (lambda xp, g, ans, a, dim: g - xp.exp(ans) * xp.sum(g, axis=dim, keepdims=True),))
argmax_op = Op("argmax", None, lambda xp, a, dim, keepdim: _argext(xp, a, dim, keepdim, xp.argmax),
               differentiable=False)
argmin_op = Op("argmin", None, lambda xp, a, dim, keepdim: _argext(xp, a, dim, keepdim, xp.argmin),
               differentiable=False)
all_op = Op("all", None, lambda xp, a, dim, keepdim: xp.all(a, axis=dim, keepdims=keepdim), differentiable=False)
any_op = Op("any", None, lambda xp, a, dim, keepdim: xp.any(a, axis=dim, keepdims=keepdim), differentiable=False)


def _argext(xp, a, dim, keepdim, fn):
    if dim is None:
        r = fn(xp.reshape(a, (-1,)))
        return xp.reshape(r, (1,) * len(a.shape)) if keepdim else r
    return fn(a, axis=dim[0], keepdims=keepdim)


_NOT_FLOAT = {      # ops whose PyTorch check is worded differently
    "var": "std and var only support floating point and complex dtypes",
    "std": "std and var only support floating point and complex dtypes",
    "linalg.vector_norm": "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {}",
}


def _float_input(input, name):
    if input._data.dtype.kind != "f":
        if name in _NOT_FLOAT:
            raise RuntimeError(_NOT_FLOAT[name].format(input.dtype.scalar_name))
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating "
                           f"point or complex dtype. Got: {input.dtype.scalar_name}")


def _cast(input, dtype):
    return input.to(dtype) if dtype is not None else input


def _as(r, dtype):
    # numpy sums small integers in int64; an asked-for dtype is the result's
    return r if dtype is None or r.dtype is dtype else r.to(dtype)


def _accumulating(input, dtype):
    # sums and products: ``dtype`` if given, else bools and small integers in
    # int64 (also when ``dtype`` is a small integer: the result wraps into it)
    if dtype is not None and (dtype.is_floating_point or dtype is _dt.int64):
        return input.to(dtype)
    if input._data.dtype.kind in "bu" or input._data.dtype in (np.int8, np.int16, np.int32):
        return input.to(_dt.int64)
    return input


@export()
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum of all elements, or along ``dim`` (int or tuple).

    >>> import symgrad as sg
    >>> sg.tensor([[1., 2.], [3., 4.]]).sum(0)
    tensor([4., 6.])
    """
    input = _accumulating(input, dtype)
    d = dims(dim, input._data.ndim)
    op = sum_op if dim is None and not keepdim else sum_dim_op     # as PyTorch picks its overload
    return with_out(_as(call(op, input, dim=d, keepdim=keepdim), dtype), out, "sum")


@export()
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum treating NaN as zero (integers have none: a plain sum).

    >>> import symgrad as sg
    >>> sg.nansum(sg.tensor([1., float("nan"), 2.]))
    tensor(3.)
    """
    if input._data.dtype.kind != "f":
        return sum(input, dim, keepdim, dtype=dtype)
    input = _accumulating(input, dtype)
    return _as(call(nansum_op, input, dim=dims(dim, input._data.ndim), keepdim=keepdim), dtype)


@export()
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of all elements, or along ``dim``.

    >>> import symgrad as sg
    >>> sg.tensor([[1., 2.], [3., 4.]]).mean()
    tensor(2.5000)
    """
    input = _cast(input, dtype)
    _float_input(input, "mean")
    d = dims(dim, input._data.ndim)
    op = mean_op if dim is None and not keepdim else mean_dim_op
    return with_out(call(op, input, dim=d, keepdim=keepdim), out, "mean")


def _nonempty(input, name, dim):
    if input._data.size == 0 and dim is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")


def _nonzero_dims(input, name, d):
    if d is None and input._data.size == 0:
        _nonempty(input, name, None)
    for k in (range(input._data.ndim) if d is None else d):
        if input._data.shape[k] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {k} to have non-zero size.")


def _single_dim(name, dim, kind):
    """PyTorch's argument-parser error for a ``dim`` that is not one int (keyword form)."""
    if dim is None or isinstance(dim, (int, np.integer)):
        return
    tn = type(dim).__name__
    if kind == "arg":
        raise TypeError(f"{name}(): argument 'dim' must be int, not {tn}")
    head = f"{name}() received an invalid combination of arguments - got (dim={tn}, ), but expected one of:\n"
    if kind == "prod":
        raise TypeError(head + " * (*, symgrad.dtype dtype = None)\n"
                        " * (int dim, bool keepdim = False, *, symgrad.dtype dtype = None)\n")
    bad = "      didn't match because some of the keywords were incorrect: dim\n"
    raise TypeError(head + " * ()\n" + bad + " * (Tensor other)\n" + bad + " * (int dim, bool keepdim = False)\n")


def _extreme(input, dim, keepdim, other, all_op, dim_op, name, pair_fn):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return pair_fn(input, other)
    _single_dim(name, dim, "extreme")
    if dim is None:
        _nonempty(input, name, None)
        return call(all_op, input, dim=None, keepdim=False)
    d = (_wrapdim(dim, input._data.ndim),)
    if input._data.ndim == 0:      # dim 0 of a 0-dim tensor: the value itself, index 0
        input, keepdim = input.reshape(1), False
    _nonzero_dims(input, name, d)
    return values_indices(name)(*call(dim_op, input, dim=d, keepdim=keepdim))


@export()
def max(input, dim=None, keepdim=False, *, other=None):
    """Maximum of all elements, or ``(values, indices)`` along ``dim``, or
    elementwise ``maximum`` with another tensor.

    >>> import symgrad as sg
    >>> sg.tensor([[1, 5], [7, 2]]).max(1)
    symgrad.return_types.max(
    values=tensor([5, 7]),
    indices=tensor([1, 0]))
    """
    from .elementwise import maximum
    return _extreme(input, dim, keepdim, other, max_all_op, max_dim_op, "max", maximum)


@export()
def min(input, dim=None, keepdim=False, *, other=None):
    """Minimum of all elements, or ``(values, indices)`` along ``dim``.

    >>> import symgrad as sg
    >>> sg.tensor([3., 1., 2.]).min()
    tensor(1.)
    """
    from .elementwise import minimum
    return _extreme(input, dim, keepdim, other, min_all_op, min_dim_op, "min", minimum)


@export()
def amax(input, dim=(), keepdim=False):
    """Maximum over ``dim`` (all dims by default); ties share the gradient."""
    d = dims(dim, input._data.ndim)
    _nonzero_dims(input, "amax", d)
    return call(amax_op, input, dim=d, keepdim=keepdim)


@export()
def amin(input, dim=(), keepdim=False):
    """Minimum over ``dim`` (all dims by default); ties share the gradient."""
    d = dims(dim, input._data.ndim)
    _nonzero_dims(input, "amin", d)
    return call(amin_op, input, dim=d, keepdim=keepdim)


@export()
def argmax(input, dim=None, keepdim=False):
    """Index of the maximum (of the flattened tensor when ``dim`` is None).

    >>> import symgrad as sg
    >>> sg.tensor([[1, 5], [7, 2]]).argmax()
    tensor(2)
    """
    return _arg(argmax_op, "argmax", input, dim, keepdim)


@export()
def argmin(input, dim=None, keepdim=False):
    """Index of the minimum."""
    return _arg(argmin_op, "argmin", input, dim, keepdim)


def _arg(op, name, input, dim, keepdim):
    _single_dim(name, dim, "arg")
    if input._data.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    d = None if dim is None else (_wrapdim(dim, input._data.ndim),)
    if d is not None and input._data.ndim == 0:
        input, keepdim = input.reshape(1), False
    if d is not None and input._data.shape[d[0]] == 0 or d is None and input._data.size == 0:
        raise IndexError(f"{name}(): Expected reduction dim {0 if d is None else d[0]} to have non-zero size.")
    return call(op, input, dim=d, keepdim=keepdim)


@export()
def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or along one ``dim``.

    >>> import symgrad as sg
    >>> sg.tensor([1., 2., 3.]).prod()
    tensor(6.)
    """
    _single_dim("prod", dim, "prod")
    input = _accumulating(input, dtype)
    if dim is None:
        return _as(call(prod_op, input, dim=None, keepdim=False), dtype)
    d = (_wrapdim(dim, input._data.ndim),)
    if input._data.ndim == 0:
        input, keepdim = input.reshape(1), False
    return _as(call(prod_dim_op, input, dim=d, keepdim=keepdim), dtype)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _moment(op, name, input, d, correction, keepdim):
    if reduced_count(input._data.shape, d) - correction > 0:
        return call(op, input, dim=d, correction=correction, keepdim=keepdim)
    user_warning(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                 "reduction factor (input numel divided by output numel).")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)       # numpy's own note on the same
        return call(op, input, dim=d, correction=correction, keepdim=keepdim)


@export()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance (Bessel-corrected by default).

    >>> import symgrad as sg
    >>> sg.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    _float_input(input, "var")
    return _moment(var_op, "var", input, dims(dim, input._data.ndim), _correction(unbiased, correction), keepdim)


@export()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation (Bessel-corrected by default).

    >>> import symgrad as sg
    >>> sg.tensor([1., 2., 3., 4.]).std()
    tensor(1.2910)
    """
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    _float_input(input, "std")
    return _moment(std_op, "std", input, dims(dim, input._data.ndim), _correction(unbiased, correction), keepdim)


@export()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector p-norm (2 by default; ``"fro"`` is 2, ``inf`` the max-norm).

    >>> import symgrad as sg
    >>> sg.tensor([3., 4.]).norm()
    tensor(5.)
    """
    input = _cast(input, dtype)
    _float_input(input, "linalg.vector_norm")
    p = 2 if p in ("fro", None) else p
    if p == "nuc":
        raise NotImplementedError("nuclear norm is not supported")
    return call(norm_op, input, ord=float(p) if p not in (1, 2) else p, dim=dims(dim, input._data.ndim),
                keepdim=keepdim)


@export()
def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(input), dim))``, computed stably.

    >>> import symgrad as sg
    >>> sg.tensor([0., 0.]).logsumexp(0)
    tensor(0.6931)
    """
    if input._data.dtype.kind != "f":
        input = input.to(_dt.get_default_dtype())
    return call(logsumexp_op, input, dim=dims(dim, input._data.ndim), keepdim=keepdim)


@export()
def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along ``dim``.

    >>> import symgrad as sg
    >>> sg.tensor([1, 2, 3]).cumsum(0)
    tensor([1, 3, 6])
    """
    input = _accumulating(input, dtype)
    return _as(call(cumsum_op, input, dim=_wrapdim(dim, input._data.ndim)), dtype)


@export()
def cumprod(input, dim, *, dtype=None):
    """Cumulative product along ``dim``.

    >>> import symgrad as sg
    >>> sg.tensor([1., 2., 3.]).cumprod(0)
    tensor([1., 2., 6.])
    """
    input = _accumulating(input, dtype)
    return _as(call(cumprod_op, input, dim=_wrapdim(dim, input._data.ndim)), dtype)


def _float(input, dtype, kernel, dim):
    if dtype is not None:
        return input.to(dtype)
    if input._data.dtype.kind != "f":
        last = "_lastdim" if dim in (-1, input._data.ndim - 1) or input._data.ndim == 0 else ""
        raise NotImplementedError(f"\"{kernel}{last}_kernel_impl\" not implemented for "
                                  f"'{input.dtype.scalar_name}'")
    return input


@export()
def softmax(input, dim, dtype=None):
    """``exp(x) / sum(exp(x), dim)``, computed stably.

    >>> import symgrad as sg
    >>> sg.tensor([0., 0.]).softmax(0)
    tensor([0.5000, 0.5000])
    """
    input = _float(input, dtype, "softmax", dim)
    return call(softmax_op, input, dim=_softmax_dim(input, dim, "softmax"))


@export()
def log_softmax(input, dim, dtype=None):
    """``log(softmax(x, dim))``, computed stably.

    >>> import symgrad as sg
    >>> sg.tensor([0., 0.]).log_softmax(0)
    tensor([-0.6931, -0.6931])
    """
    input = _float(input, dtype, "log_softmax", dim)
    return call(log_softmax_op, input, dim=_softmax_dim(input, dim, "log_softmax"))


def _softmax_dim(input, dim, name):
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    nd = input._data.ndim
    d = _wrapdim(dim, nd or 1)
    return d if nd else ()          # a 0-d tensor: nothing to normalise over


@export()
def all(input, dim=None, keepdim=False):
    """True where all elements (along ``dim``) are nonzero.

    >>> import symgrad as sg
    >>> sg.tensor([1, 0]).all()
    tensor(False)
    """
    return _logical_reduce(all_op, input, dim, keepdim)


@export()
def any(input, dim=None, keepdim=False):
    """True where any element (along ``dim``) is nonzero.

    >>> import symgrad as sg
    >>> sg.tensor([1, 0]).any()
    tensor(True)
    """
    return _logical_reduce(any_op, input, dim, keepdim)


def _logical_reduce(op, input, dim, keepdim):
    # as PyTorch: dim=() reduces nothing, and uint8 in gives uint8 out
    d = () if isinstance(dim, (tuple, list)) and not dim else dims(dim, input._data.ndim)
    r = call(op, input, dim=d, keepdim=keepdim)
    return r.to(_dt.uint8) if input._data.dtype == np.uint8 else r


@export()
def count_nonzero(input, dim=None):
    from .elementwise import ne
    return sum(ne(input, 0), dim)
