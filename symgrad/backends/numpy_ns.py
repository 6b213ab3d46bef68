"""The numpy array namespace the op table's formulas run on (the CPU backend).

It is numpy itself plus the few functional helpers the formulas need that
numpy spells as in-place mutation; jax.numpy, symgrad's tensor namespace and
the symbolic templates provide the same names.
"""
import numpy as _np
from numpy import linalg     # noqa: F401


def __getattr__(name):
    # The namespace *is* numpy.  Names resolve on first use and are then
    # cached here: ``from numpy import *`` would import numpy's lazy
    # submodules (f2py, testing, ...) and double the import time.
    value = getattr(_np, name)
    globals()[name] = value
    return value


# numpy's sum, max, min and expand_dims are Python wrappers that cost more
# than the work on small arrays; on an ndarray they are exactly these calls
def sum(a, axis=None, dtype=None, keepdims=False):
    if type(a) is _np.ndarray:
        return _np.add.reduce(a, axis=axis, dtype=dtype, keepdims=keepdims)
    return _np.sum(a, axis=axis, dtype=dtype, keepdims=keepdims)


def max(a, axis=None, keepdims=False):
    if type(a) is _np.ndarray:
        return _np.maximum.reduce(a, axis=axis, keepdims=keepdims)
    return _np.max(a, axis=axis, keepdims=keepdims)


def min(a, axis=None, keepdims=False):
    if type(a) is _np.ndarray:
        return _np.minimum.reduce(a, axis=axis, keepdims=keepdims)
    return _np.min(a, axis=axis, keepdims=keepdims)


def expand_dims(a, axis):
    if type(a) is _np.ndarray and type(axis) is int and -a.ndim - 1 <= axis <= a.ndim:
        k = axis % (a.ndim + 1)
        return a.reshape(a.shape[:k] + (1,) + a.shape[k:])
    return _np.expand_dims(a, axis)


def sign(a):
    """PyTorch's sign: 0 at NaN and at -0.0 (numpy gives nan and -0.0)."""
    if a.dtype.kind == "f":
        return _np.subtract(a > 0, a < 0, dtype=a.dtype)
    if a.dtype.kind == "b":
        return a.copy()
    return _np.sign(a)


def log_scalar(c):
    """log of a Python number base, as PyTorch takes it: nan below 0."""
    return __import__("math").log(c) if c > 0 else -_np.inf if c == 0 else _np.nan


def sort_indices(a, axis, descending):
    """Indices sorting ``a`` along ``axis``, stable, NaN largest.  Descending:
    sorting the reversed axis and reversing back keeps ties in order."""
    if not descending:
        return _np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    return n - 1 - _np.flip(_np.argsort(_np.flip(a, axis), axis=axis, kind="stable"), axis)


def mean(a, axis=None, dtype=None, keepdims=False):
    if getattr(a, "size", 1):
        return _np.mean(a, axis=axis, dtype=dtype, keepdims=keepdims)
    import warnings
    with warnings.catch_warnings():         # numpy's "Mean of empty slice": PyTorch gives nan silently
        warnings.simplefilter("ignore", RuntimeWarning)
        return _np.mean(a, axis=axis, dtype=dtype, keepdims=keepdims)


def index_add(shape, dtype, key, g):
    """zeros(shape) with ``g`` added at ``key`` (duplicates accumulate)."""
    out = _np.zeros(shape, dtype)
    _np.add.at(out, key, g)
    return out


def index_put(a, key, v):
    """Copy of ``a`` with ``a[key] = v``."""
    out = _np.array(a, copy=True)
    out[key] = v
    return out


def scatter_add(shape, dtype, axis, index, src):
    """zeros(shape) with ``src`` added along ``axis`` at ``index`` (torch's scatter_add)."""
    out = _np.zeros(shape, dtype)
    idx = _along_index(index, axis)
    _np.add.at(out, idx, src[tuple(slice(0, s) for s in index.shape)])
    return out


def scatter_put(a, axis, index, src):
    """Copy of ``a`` with ``src`` written along ``axis`` at ``index`` (torch's scatter)."""
    out = _np.array(a, copy=True)
    idx = _along_index(index, axis)
    out[idx] = src[tuple(slice(0, s) for s in index.shape)] if _np.ndim(src) else src
    return out


def scatter_reduce(a, axis, index, src, reduce):
    """Copy of ``a`` with ``src`` added (``reduce="add"``) or multiplied in
    along ``axis`` at ``index`` (torch's ``scatter(..., reduce=)``)."""
    out = _np.array(a, copy=True)
    ufunc = _np.add if reduce == "add" else _np.multiply
    ufunc.at(out, _along_index(index, axis), src[tuple(slice(0, s) for s in index.shape)] if _np.ndim(src) else src)
    return out


def gather(a, axis, index):
    return a[_along_index(index, axis)]


def _along_index(index, axis):
    # open grids as np.ogrid builds them, at a tenth of its cost
    nd = index.ndim
    axis = axis % nd
    grids = []
    for d, s in enumerate(index.shape):
        grids.append(index if d == axis else _np.arange(s).reshape((1,) * d + (s,) + (1,) * (nd - d - 1)))
    return tuple(grids)


def sigmoid(a):
    # PyTorch's formula, so that saturation happens where it does there
    # (sigmoid(37.) is exactly 1); exp(-a) overflowing to inf gives 0
    with _np.errstate(over="ignore"):
        return 1 / (1 + _np.exp(-a))


_erf = _np.frompyfunc(__import__("math").erf, 1, 1)


def erf(a):
    a = _np.asarray(a)
    return _np.asarray(_erf(a), dtype=a.dtype if a.dtype.kind == "f" else _np.float64)


def flip(a, axis=None):
    # a copy: torch.flip never returns a view
    return _np.flip(a, axis).copy()


def copy(a, order="K"):
    # as PyTorch's clone, the order of the strides is kept (a transposed copy
    # stays transposed), except for an expanded tensor, copied row-major
    if order == "K" and isinstance(a, _np.ndarray) and 0 in a.strides and a.size > 1:
        order = "C"
    return _np.array(a, copy=True, order=order)


def astype(a, dtype):
    return a.astype(getattr(dtype, "np", dtype))


# exact constants the formulas use; the symbolic namespace gives SymPy's exact values
ln2 = __import__("math").log(2)
ln10 = __import__("math").log(10)
two_over_sqrt_pi = 2 / __import__("math").sqrt(__import__("math").pi)


def einsum(subscripts, *operands):
    # numpy returns views for pure transpositions and diagonals; a result must
    # never alias an operand, since it may be written in place later
    r = _np.einsum(subscripts, *operands, optimize=len(operands) > 1)
    # (this module's ``any`` is numpy's, hence the list)
    if [o for o in operands if _np.may_share_memory(r, o)]:
        r = r.copy(order="K")               # a copy with the view's layout, as PyTorch's view would have
    elif len(operands) > 1 and not r.flags.c_contiguous:
        r = _np.ascontiguousarray(r)        # a contraction's result is contiguous in PyTorch (view works)
    return r


def diagonal_scatter(a, src, offset=0, axis1=0, axis2=1):
    """Copy of ``a`` with ``src`` written onto its ``offset`` diagonal over ``axis1``/``axis2``."""
    out = _np.array(a, dtype=_np.result_type(a, src), copy=True)
    n = _np.diagonal(a, offset, axis1, axis2).shape[-1]
    i = _np.arange(n)
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    _np.moveaxis(out, (axis1, axis2), (-2, -1))[..., rows, cols] = src
    return out


def adjugate(a):
    """adj(A) = det(A) inv(A), also for singular A: with A = U S Vh it is
    det(U Vh) Vh^T diag(prod_{j != i} s_j) U^T, free of any division."""
    if a.shape[-1] == 0:
        return _np.zeros_like(a)
    u, s, vh = _np.linalg.svd(a)
    ones = _np.ones(s.shape[:-1] + (1,), s.dtype)
    left = _np.cumprod(_np.concatenate([ones, s[..., :-1]], -1), -1)
    right = _np.flip(_np.cumprod(_np.concatenate([ones, _np.flip(s[..., 1:], -1)], -1), -1), -1)
    sign = _np.linalg.det(u) * _np.linalg.det(vh)
    vp = _np.swapaxes(vh, -1, -2) * (left * right)[..., None, :]
    return sign[..., None, None] * _np.matmul(vp, _np.swapaxes(u, -1, -2))


def shift(a, axis, finite=True):
    """The max along ``axis``, subtracted before ``exp`` for stability; with
    ``finite`` a non-finite max becomes 0 (logsumexp; softmax lets an
    infinite max make the slice NaN, as PyTorch)."""
    m = amax_keepdims(a, axis)
    return _np.where(_np.isfinite(m), m, 0) if finite else m


def amax_keepdims(a, axis):
    """``np.max(a, axis, keepdims=True)``.  Over a short innermost axis numpy
    runs one tiny loop per row (a (128, 10) max costs as much as 20 exps);
    moving the axis outermost first makes it one vectorised pass per slice."""
    if (axis == -1 or axis == a.ndim - 1) and a.ndim > 1 and a.shape[-1] <= 32 and a.size >= 256:
        return _np.ascontiguousarray(a.T).max(axis=0).T[..., None]
    if a.size == 0:          # no maximum to take: -inf, which shift turns into 0
        return _np.max(a, axis=axis, keepdims=True, initial=-_np.inf)
    return _np.max(a, axis=axis, keepdims=True)


def _via_double(f):
    # numpy's float32 log2/log10 are an ulp off at exact powers (log10(100) is
    # not 2); computing in double and rounding once gives the exact result
    def g(a):
        a = _np.asarray(a)
        if a.dtype.kind == "f" and a.dtype.itemsize < 8:
            return f(a.astype(_np.float64)).astype(a.dtype)
        return f(a)
    return g


log2 = _via_double(_np.log2)
log10 = _via_double(_np.log10)
