"""The jax.numpy array namespace: the op table's forward formulas run on it
so that ``symgrad.crosscheck`` can replay a recorded graph as a pure JAX
function and differentiate it with ``jax.vjp``.

It is jax.numpy plus the helpers numpy_ns adds, written functionally with
``.at[]`` (JAX arrays are immutable).  Float dtypes map to float64: replays
run under ``jax.enable_x64``.  Importing this module imports JAX.
"""
import math as _math

import numpy as _np
import jax as _jax
import jax.numpy as _jnp
from jax.numpy import *      # noqa: F401,F403  (the namespace *is* jax.numpy)
from jax.numpy import linalg  # noqa: F401


def _float(dtype):
    """A dtype as JAX sees it in a replay: floats become float64."""
    dt = _np.dtype(getattr(dtype, "np", dtype))
    return _np.dtype(_np.float64) if dt.kind == "f" else dt


def sign(a):
    """PyTorch's sign: 0 at NaN and at -0.0."""
    a = _jnp.asarray(a)
    if a.dtype.kind == "f":
        return (a > 0).astype(a.dtype) - (a < 0).astype(a.dtype)
    return _jnp.sign(a)


def index_add(shape, dtype, key, g):
    """zeros(shape) with ``g`` added at ``key`` (duplicates accumulate)."""
    return _jnp.zeros(shape, _float(dtype)).at[key].add(g)


def sort_indices(a, axis, descending):
    """Indices sorting ``a`` along ``axis``, stable, NaN largest."""
    if not descending:
        return _jnp.argsort(a, axis=axis, stable=True)
    n = a.shape[axis]
    return n - 1 - _jnp.flip(_jnp.argsort(_jnp.flip(a, axis), axis=axis, stable=True), axis)


def index_put(a, key, v):
    """``a`` with ``a[key] = v``."""
    return _jnp.asarray(a).at[key].set(v)


def _along_index(index, axis):
    axis = axis % index.ndim
    grids = list(_np.ogrid[tuple(slice(0, s) for s in index.shape)])
    grids[axis] = index
    return tuple(grids)


def _head(src, index):
    if _np.ndim(src) == 0:
        return src
    return src[tuple(slice(0, s) for s in index.shape)]


def scatter_add(shape, dtype, axis, index, src):
    """zeros(shape) with ``src`` added along ``axis`` at ``index`` (torch's scatter_add)."""
    return _jnp.zeros(shape, _float(dtype)).at[_along_index(index, axis)].add(_head(src, index))


def scatter_put(a, axis, index, src):
    """``a`` with ``src`` written along ``axis`` at ``index`` (torch's scatter)."""
    return _jnp.asarray(a).at[_along_index(index, axis)].set(_head(src, index))


def gather(a, axis, index):
    return _jnp.asarray(a)[_along_index(index, axis)]


def sigmoid(a):
    return _jax.nn.sigmoid(a)


def erf(a):
    return _jax.scipy.special.erf(a)


def copy(a, order="K"):
    return _jnp.array(a, copy=True)


def astype(a, dtype):
    return _jnp.asarray(a).astype(_float(dtype))


ln2 = _math.log(2)
ln10 = _math.log(10)
two_over_sqrt_pi = 2 / _math.sqrt(_math.pi)


from .numpy_ns import log_scalar  # noqa: E402,F401  (a Python number: the same on every backend)


def einsum(subscripts, *operands):
    return _jnp.einsum(subscripts, *operands, precision=_jax.lax.Precision.HIGHEST)


def diagonal_scatter(a, src, offset=0, axis1=0, axis2=1):
    """``a`` with ``src`` written onto its ``offset`` diagonal over ``axis1``/``axis2``."""
    a = _jnp.asarray(a)
    out = _jnp.moveaxis(a.astype(_jnp.result_type(a, src)), (axis1, axis2), (-2, -1))
    n = _jnp.diagonal(a, offset, axis1, axis2).shape[-1]
    i = _np.arange(n)
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    out = out.at[..., rows, cols].set(src)
    return _jnp.moveaxis(out, (-2, -1), (axis1, axis2))


def adjugate(a):
    """adj(A) = det(A) inv(A), also for singular A: with A = U S Vh it is
    det(U Vh) Vh^T diag(prod_{j != i} s_j) U^T."""
    if a.shape[-1] == 0:
        return _jnp.zeros_like(a)
    u, s, vh = _jnp.linalg.svd(a)
    ones = _jnp.ones(s.shape[:-1] + (1,), s.dtype)
    left = _jnp.cumprod(_jnp.concatenate([ones, s[..., :-1]], -1), -1)
    right = _jnp.flip(_jnp.cumprod(_jnp.concatenate([ones, _jnp.flip(s[..., 1:], -1)], -1), -1), -1)
    sign = _jnp.linalg.det(u) * _jnp.linalg.det(vh)
    vp = _jnp.swapaxes(vh, -1, -2) * (left * right)[..., None, :]
    return sign[..., None, None] * _jnp.matmul(vp, _jnp.swapaxes(u, -1, -2))


def shift(a, axis, finite=True):
    """As numpy_ns.shift."""
    m = _jnp.max(a, axis=axis, keepdims=True, initial=-_jnp.inf)
    return _jnp.where(_jnp.isfinite(m), m, 0) if finite else m
