"""symgrad's own differentiable namespace: the op table's VJP formulas run on
it when ``create_graph=True``, so gradients are themselves recorded and
higher derivatives come from the same single formulas."""
import math as _math
import numpy as _np

from ..tensor import Tensor as _T, _wrap
from ..ops import elementwise as _ew, reduce as _rd, shape as _sh, index as _ix, linalg as _la
from ..ops.linalg import matrices as _lm
from ..ops._util import call as _call
from .. import dtypes as _dt

linalg = None  # set below
# gradients computed here are differentiated again: rules pick formulas exact at every order
differentiated = True
pi = _math.pi
newaxis = None


def _t(x, like=None):
    if isinstance(x, _T):
        return x
    return _wrap(_np.asarray(x, dtype=like._data.dtype if like is not None and not isinstance(x, _np.ndarray)
                             else None))


def _ax(axis):
    return axis


exp, log, sin, cos, tan, sqrt, sign, abs = _ew.exp, _ew.log, _ew.sin, _ew.cos, _ew.tan, _ew.sqrt, _ew.sign, _ew.abs
sinh, cosh, tanh, sigmoid, erf = _ew.sinh, _ew.cosh, _ew.tanh, _ew.sigmoid, _ew.erf
floor, ceil, trunc, expm1, log1p = _ew.floor, _ew.ceil, _ew.trunc, _ew.expm1, _ew.log1p
arcsin, arccos, arctan, arctan2 = _ew.asin, _ew.acos, _ew.atan, _ew.atan2
maximum, minimum, isfinite, isnan = _ew.maximum, _ew.minimum, _ew.isfinite, _ew.isnan
fmax, fmin = _ew.fmax, _ew.fmin
matmul = _la.matmul


def where(c, a, b):
    if not isinstance(a, _T) and not isinstance(b, _T):
        raise TypeError("where needs a tensor branch")
    return _ew.where(c, a, b)


def sum(a, axis=None, keepdims=False):
    if isinstance(axis, tuple) and len(axis) == 0:
        return a
    return _rd.sum(_t(a), axis, keepdims)


def mean(a, axis=None, keepdims=False):
    return _rd.mean(a, axis, keepdims)


def max(a, axis=None, keepdims=False):
    return _rd.amax(a, () if axis is None else axis, keepdims)


def broadcast_to(a, shape):
    return _sh.expand(_t(a), *shape)


def reshape(a, shape):
    return _sh.reshape(a, *shape)


def transpose(a, axes):
    return _sh.permute(a, *axes)


def swapaxes(a, i, j):
    return _sh.transpose(a, i, j)


def expand_dims(a, axis):
    axes = axis if isinstance(axis, tuple) else (axis,)
    nd = a.ndim + len(axes)
    for d in sorted(x % nd for x in axes):
        a = _sh.unsqueeze(a, d)
    return a


def squeeze(a, axis=None):
    return _sh.squeeze(a, axis)


def flip(a, axis):
    return _sh.flip(a, axis)


def cumsum(a, axis):
    return _rd.cumsum(a, axis)


def cumprod(a, axis):
    return _rd.cumprod(a, axis)


def concatenate(ts, axis=0):
    return _sh.cat([_t(x) for x in ts], axis)


def stack(ts, axis=0):
    return _sh.stack([_t(x) for x in ts], axis)


def take(a, idx, axis):
    return _ix.index_select(a, axis, _t(idx))


def arange(*args):
    from ..creation import arange as _ar
    return _ar(*args)


def ones_like(a):
    return _wrap(_np.ones(a.shape, a._data.dtype))


def zeros_like(a):
    return _wrap(_np.zeros(a.shape, a._data.dtype))


def zeros(shape, dtype=None):
    return _wrap(_np.zeros(shape, (dtype or _dt.get_default_dtype()).np))


def tile(a, reps):
    return _sh.repeat(a, *reps)


def copy(a, order="K"):
    return _sh.contiguous(a) if order == "C" else _sh.clone(a)


def astype(a, dtype):
    return a.to(dtype)


def ndim(a):
    return a.ndim


def shape(a):
    return tuple(a.shape)


def _key(key):
    # index arrays reach here as tensors (saved inputs are wrapped); keys hold arrays
    if isinstance(key, tuple):
        return tuple(_key(k) for k in key)
    return key._data if isinstance(key, _T) else key


def index_add(shape, dtype, key, g):
    return _sh.call(_sh.index_scatter_op, g, shape=tuple(shape), key=_key(key))


def index_put(a, key, v):
    return _sh.call(_sh.index_put_op, _t(a), _t(v, a), key=_key(key))


def scatter_add(shape, dtype, axis, index, src):
    return _sh.call(_ix.scatter_zeros_op, src, shape=tuple(shape), dim=axis, index=_ix._idx(index))


def scatter_put(a, axis, index, src):
    if isinstance(src, _T):
        return _sh.call(_ix.scatter_op, a, src, dim=axis, index=_ix._idx(index))
    return _sh.call(_ix.scatter_value_op, a, dim=axis, index=_ix._idx(index), value=src)


def gather(a, axis, index):
    return _sh.call(_ix.gather_op, a, dim=axis, index=_ix._idx(index))


class _Linalg:
    def inv(self, a):
        return _lm.inverse(a)

    def det(self, a):
        return _lm.det(a)


linalg = _Linalg()


# exact constants the formulas use; the symbolic namespace gives SymPy's exact values
ln2 = __import__("math").log(2)
ln10 = __import__("math").log(10)
two_over_sqrt_pi = 2 / __import__("math").sqrt(__import__("math").pi)


from .numpy_ns import log_scalar  # noqa: E402,F401  (a Python number: the same on every backend)


# ---------------------------------------------------------- linear algebra
def einsum(subscripts, *operands):
    return _la.einsum(subscripts, *[_t(o) for o in operands])


def cross(a, b, axis=-1):
    return _la.linalg_cross(a, b, dim=axis)


def triu(a, k=0):
    return _lm.triu(a, k)


def tril(a, k=0):
    return _lm.tril(a, k)


def trace(a):
    return _lm.trace(a)


def diagonal(a, offset=0, axis1=0, axis2=1):
    return _lm.diagonal(a, offset, axis1, axis2)


def diagonal_scatter(a, src, offset=0, axis1=0, axis2=1):
    return _lm.diagonal_scatter(_t(a), _t(src, a), offset, axis1, axis2)


def adjugate(a):
    # det(A) inv(A) where every matrix is well conditioned; otherwise the
    # cofactors, adj(A)[j, i] = (-1)^(i+j) det(A without row i and column j),
    # which are exact, and differentiable again, at any rank (det(A) inv(A)
    # loses its derivative to cancellation near singular A, and has none at it)
    n = a.shape[-1]
    s = _np.linalg.svd(a._data, compute_uv=False) if n else None
    good = None if s is None else s[..., -1] > s[..., 0] * _np.sqrt(_np.finfo(s.dtype).eps)
    if s is None or good.all():
        return expand_dims(_lm.det(a), (-2, -1)) * _lm.inverse(a)
    if n <= _COFACTOR_MAX:
        return _cofactors(a)
    # too large for its n^2 minors: as PyTorch, NaN where A is near singular, never a wrong number
    eye = _np.eye(n, dtype=a._data.dtype)
    safe = where(_wrap(good[..., None, None]), a, _wrap(eye))
    return where(_wrap(good[..., None, None]), expand_dims(_lm.det(safe), (-2, -1)) * _lm.inverse(safe),
                 _wrap(_np.asarray(_np.nan, a._data.dtype)))


_COFACTOR_MAX = 32


def _cofactors(a):
    n = a.shape[-1]
    if n == 1:
        return _wrap(_np.ones(a.shape, a._data.dtype))
    rest = _np.array([[k for k in range(n) if k != i] for i in range(n)])
    minors = a[..., rest[:, None, :, None], rest[None, :, None, :]]        # (..., n, n, n-1, n-1)
    sign = _wrap((-1.0) ** _np.add.outer(_np.arange(n), _np.arange(n)).astype(a._data.dtype))
    return swapaxes(_lm.det(minors) * sign, -1, -2)


def _svd(self, a, full_matrices=True):
    return _call(_lm.svd_op, a, full_matrices=full_matrices)


_Linalg.svd = _svd


def any(a, axis=None, keepdims=False):
    return _rd.any(a, axis, keepdims)
