"""Whole-matrix ops: diagonals, triangles, trace, inverse, det and svd."""
import numpy as np

from ..table import Op, export
from .._util import call, with_out
from ..return_types import ReturnType
from ...tensor import _wrapdim
from ... import dtypes as _dt
from ... import engine
from .products import _tn


# ======================================================= diagonals, triangles
def _diag_put(xp, a, sub, offset, axis1, axis2):
    return xp.diagonal_scatter(a, sub, offset, axis1, axis2)


diagonal_op = Op("diagonal", "DiagonalBackward0",
                 lambda xp, a, offset, axis1, axis2: xp.diagonal(a, offset, axis1, axis2),
                 (lambda xp, g, ans, a, offset, axis1, axis2:
                  xp.diagonal_scatter(xp.zeros(a.shape, g.dtype), g, offset, axis1, axis2),),
                 view=_diag_put)
diag_copy_op = Op("diagonal_copy", "DiagonalBackward0_copy",
                  lambda xp, a, offset, axis1, axis2: xp.copy(xp.diagonal(a, offset, axis1, axis2)),
                  diagonal_op.vjp)
diagonal_scatter_op = Op("diagonal_scatter", "DiagonalScatterBackward0", _diag_put,
                         (lambda xp, g, ans, a, sub, offset, axis1, axis2:
                          xp.diagonal_scatter(g, xp.zeros(sub.shape, g.dtype), offset, axis1, axis2),
                          lambda xp, g, ans, a, sub, offset, axis1, axis2: xp.diagonal(g, offset, axis1, axis2)),
                         dtypes="promote")


def _embed_fwd(xp, a, offset, axis1, axis2):
    m = a.shape[-1] + abs(offset)
    shape = list(a.shape[:-1])
    for ax in sorted((axis1, axis2)):
        shape.insert(ax, m)
    return xp.diagonal_scatter(xp.zeros(tuple(shape), a.dtype), a, offset, axis1, axis2)


diag_embed_op = Op("diag_embed", "DiagEmbedBackward0", _embed_fwd,
                   (lambda xp, g, ans, a, offset, axis1, axis2: xp.diagonal(g, offset, axis1, axis2),))
trace_op = Op("trace", "TraceBackward0", lambda xp, a: xp.trace(a),
              (lambda xp, g, ans, a: xp.diagonal_scatter(xp.zeros(a.shape, g.dtype),
                                                         xp.broadcast_to(g, (min(a.shape),)), 0, 0, 1),))
triu_op = Op("triu", "TriuBackward0", lambda xp, a, k: xp.triu(a, k), (lambda xp, g, ans, a, k: xp.triu(g, k),))
tril_op = Op("tril", "TrilBackward0", lambda xp, a, k: xp.tril(a, k), (lambda xp, g, ans, a, k: xp.tril(g, k),))


def _diag_dims(input, dim1, dim2):
    nd = input._data.ndim
    d1, d2 = _wrapdim(dim1, nd), _wrapdim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def _writeable_diagonal(r, x, offset, d1, d2):
    # numpy hands out read-only diagonals; PyTorch's diagonal is a writable view
    if r._data.flags.writeable or not x._data.flags.writeable or r._data.size == 0:
        return r
    key = [slice(None)] * x._data.ndim
    key[d1 if offset < 0 else d2] = slice(abs(offset), None)
    start = x._data[tuple(key)]
    r._data = np.lib.stride_tricks.as_strided(start, r._data.shape, r._data.strides)
    return r


@export()
def diagonal(input, offset=0, dim1=0, dim2=1):
    """View of the diagonal over ``dim1``/``dim2``, appended as the last dim.

    >>> import symgrad as sg
    >>> sg.arange(9.).reshape(3, 3).diagonal(1)
    tensor([1., 5.])
    """
    from ..shape import view_call
    d1, d2 = _diag_dims(input, dim1, dim2)
    r = view_call(diagonal_op, input, offset=offset, axis1=d1, axis2=d2)
    return _writeable_diagonal(r, input, offset, d1, d2)


@export()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """Copy of ``input`` with ``src`` written onto its diagonal.

    >>> import symgrad as sg
    >>> sg.diagonal_scatter(sg.zeros(2, 2), sg.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    d1, d2 = _diag_dims(input, dim1, dim2)
    want = np.diagonal(input._data, offset, d1, d2).shape
    if src._data.shape != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(want)}")
    return call(diagonal_scatter_op, input, src, offset=offset, axis1=d1, axis2=d2)


@export()
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Tensor whose ``dim1``/``dim2`` diagonals are the last dim of ``input``.

    >>> import symgrad as sg
    >>> sg.diag_embed(sg.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    nd = input._data.ndim + 1
    d1, d2 = _wrapdim(dim1, nd), _wrapdim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return call(diag_embed_op, input, offset=offset, axis1=d1, axis2=d2)


@export()
def diag(input, diagonal=0, *, out=None):
    """1-d input: a matrix with it on the ``diagonal``; 2-d input: that diagonal.

    >>> import symgrad as sg
    >>> sg.diag(sg.tensor([1., 2.]), 1)
    tensor([[0., 1., 0.],
            [0., 0., 2.],
            [0., 0., 0.]])
    >>> sg.diag(sg.tensor([[1., 2.], [3., 4.]]))
    tensor([1., 4.])
    """
    nd = input._data.ndim
    if nd == 1:
        r = call(diag_embed_op, input, offset=diagonal, axis1=0, axis2=1)
    elif nd == 2:
        r = call(diag_copy_op, input, offset=diagonal, axis1=0, axis2=1)
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    return with_out(r, out, "diag")


@export()
def trace(input):
    """Sum of the main diagonal of a 2-d tensor.

    >>> import symgrad as sg
    >>> sg.arange(6).reshape(2, 3).trace()
    tensor(4)
    """
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    if input.dtype is _dt.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    if input._data.dtype.kind in "biu":
        input = input.to(_dt.int64)
    return call(trace_op, input)


def _triangle(op, name, input, diagonal, out):
    _at_least_2d(input, name)
    return with_out(call(op, input, k=diagonal), out, name)


def _at_least_2d(input, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


@export()
def triu(input, diagonal=0, *, out=None):
    """Upper triangle of the last two dims (elements on and above ``diagonal``).

    >>> import symgrad as sg
    >>> sg.ones(2, 2).triu()
    tensor([[1., 1.],
            [0., 1.]])
    """
    return _triangle(triu_op, "triu", input, diagonal, out)


@export()
def tril(input, diagonal=0, *, out=None):
    """Lower triangle of the last two dims (elements on and below ``diagonal``).

    >>> import symgrad as sg
    >>> sg.ones(2, 2).tril(-1)
    tensor([[0., 0.],
            [1., 0.]])
    """
    return _triangle(tril_op, "tril", input, diagonal, out)


@export(function=False)
def triu_(self, diagonal=0):
    """In-place ``triu``; returns ``self``."""
    _at_least_2d(self, "triu")
    return engine.call_inplace(triu_op, self, (), {"k": diagonal})


@export(function=False)
def tril_(self, diagonal=0):
    """In-place ``tril``; returns ``self``."""
    _at_least_2d(self, "tril")
    return engine.call_inplace(tril_op, self, (), {"k": diagonal})


# ============================================================== inverse, det
inverse_op = Op("inverse", "LinalgInvExBackward0", lambda xp, a: xp.linalg.inv(a),
                (lambda xp, g, ans, a: -xp.matmul(xp.swapaxes(ans, -1, -2), xp.matmul(g, xp.swapaxes(ans, -1, -2))),))
# d det(A) / dA is the cofactor matrix, adj(A)^T; it stays defined for singular A
det_op = Op("det", "LinalgDetBackward0", lambda xp, a: xp.linalg.det(a),
            (lambda xp, g, ans, a: xp.expand_dims(g, (-2, -1)) * xp.swapaxes(xp.adjugate(a), -1, -2),))


def _square(A, name, square=True, kernel=None):
    """PyTorch's checks of a (batch of) matrices for the LAPACK-backed ops;
    ``kernel`` names the routine that lacks a half-precision version."""
    if A._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A._data.dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tn(A)}")
    m, n = A._data.shape[-2:]
    if square and m != n:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {m} by {n} matrices")
    if A.dtype is _dt.float16:
        if kernel is None:
            raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Half'")


def _zero_pivot(a):
    """1-based index of the first zero pivot of LU with partial pivoting, as LAPACK reports it."""
    a = np.array(a, dtype=np.float64)
    n = a.shape[0]
    for j in range(n):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            return j + 1
        a[[j, p]] = a[[p, j]]
        a[j + 1:, j:] -= np.outer(a[j + 1:, j] / a[j, j], a[j, j:])
    return n


class LinAlgError(RuntimeError):
    """A matrix the operation is undefined for (singular for ``inv``), as
    ``torch.linalg.LinAlgError``; a ``RuntimeError``, as there."""


LinAlgError.__module__ = "symgrad.linalg"


def _singular(A):
    batch = A._data.reshape((-1,) + A._data.shape[-2:])
    for b, m in enumerate(batch):
        try:
            np.linalg.inv(m)
        except np.linalg.LinAlgError:
            where = f"(Batch element {b}): " if A._data.ndim > 2 else ""
            raise LinAlgError(f"linalg.inv: {where}The diagonal element {_zero_pivot(m)} is zero, the inversion "
                               "could not be completed because the input matrix is singular.") from None


def linalg_inv(A, *, out=None):
    """Inverse of a square matrix (or a batch of them).

    >>> import symgrad as sg
    >>> sg.linalg.inv(sg.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _square(A, "linalg.inv")
    try:
        r = call(inverse_op, A)
    except np.linalg.LinAlgError:
        _singular(A)
        raise
    return with_out(r, out, "linalg_inv")


@export()
def inverse(input, *, out=None):
    """Inverse of a square matrix (or a batch of them).

    >>> import symgrad as sg
    >>> sg.tensor([[1., 1.], [0., 1.]]).inverse()
    tensor([[ 1., -1.],
            [ 0.,  1.]])
    """
    return linalg_inv(input, out=out)


def linalg_det(A, *, out=None):
    """Determinant of a square matrix (or a batch of them).

    >>> import symgrad as sg
    >>> sg.linalg.det(sg.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _square(A, "linalg.det", kernel="lu_cpu")
    return with_out(call(det_op, A), out, "linalg_det")


@export()
def det(input):
    """Determinant of a square matrix (or a batch of them).

    >>> import symgrad as sg
    >>> sg.tensor([[2., 0.], [0., 3.]]).det()
    tensor(6.)
    """
    return linalg_det(input)


# ======================================================================= svd
def _svd_vjp(xp, g, ans, a, full_matrices):
    gU, gS, gVh = g
    U, S, Vh = ans
    m, n = a.shape[-2:]
    k = min(m, n)
    if full_matrices and m != n:
        # columns past min(m, n) are an arbitrary basis: their gradient is ignored
        U, gU, Vh, gVh = U[..., :, :k], gU[..., :, :k], Vh[..., :k, :], gVh[..., :k, :]
    # without cotangents for U and Vh their terms are exact zeros even where a
    # denominator vanishes (repeated or zero singular values): keep them zero.
    # With such cotangents U and Vh are not differentiable there: 0/0 gives nan
    live = xp.any(gU != 0) | xp.any(gVh != 0)

    def div(num, den):
        return num / xp.where((den == 0) & ~live, 1, den)
    Ut, V = xp.swapaxes(U, -1, -2), xp.swapaxes(Vh, -1, -2)
    UtgU = xp.matmul(Ut, gU)
    VtgV = xp.matmul(Vh, xp.swapaxes(gVh, -1, -2))
    Sr, Sc = xp.expand_dims(S, -2), xp.expand_dims(S, -1)
    num = (UtgU - xp.swapaxes(UtgU, -1, -2)) * Sr + Sc * (VtgV - xp.swapaxes(VtgV, -1, -2))
    gap = xp.where(np.eye(k, dtype=bool), 1, Sr * Sr - Sc * Sc)
    gA = xp.matmul(xp.matmul(U, div(num, gap)) + U * xp.expand_dims(gS, -2), Vh)
    if m > k:
        gA = gA + xp.matmul(div(gU - xp.matmul(U, UtgU), Sr), Vh)
    if n > k:
        gA = gA + xp.matmul(U, div(gVh - xp.matmul(xp.matmul(gVh, V), Vh), Sc))
    return gA


svd_op = Op("svd", "LinalgSvdBackward0", lambda xp, a, full_matrices: tuple(xp.linalg.svd(a, full_matrices)),
            (_svd_vjp,), n_out=3)


def _svd_check(A, name):
    _square(A, name, square=False, kernel="linalg_svd_cpu")


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """``A = U @ diag(S) @ Vh`` with orthonormal ``U``, ``Vh`` and descending ``S``.

    Gradients through ``U`` and ``Vh`` need distinct singular values; with
    ``full_matrices=True`` the columns past ``min(m, n)`` get no gradient.

    >>> import symgrad as sg
    >>> U, S, Vh = sg.linalg.svd(sg.tensor([[3., 0.], [0., -4.]]))
    >>> S
    tensor([4., 3.])
    """
    _svd_check(A, "linalg.svd")
    U, S, Vh = call(svd_op, A, full_matrices=bool(full_matrices))
    return SVD(U, S, Vh)


def linalg_svdvals(A, *, driver=None, out=None):
    """Singular values, in descending order.

    >>> import symgrad as sg
    >>> sg.linalg.svdvals(sg.tensor([[0., 2.], [1., 0.]]))
    tensor([2., 1.])
    """
    _svd_check(A, "linalg.svdvals")
    return with_out(call(svd_op, A, full_matrices=False)[1], out, "linalg_svdvals")


@export()
def svd(input, some=True, compute_uv=True, *, out=None):
    """``input = U @ diag(S) @ V.mT``; ``some=False`` gives square ``U`` and ``V``.

    >>> import symgrad as sg
    >>> U, S, V = sg.svd(sg.tensor([[0., 2.], [1., 0.]]))
    >>> S
    tensor([2., 1.])
    >>> (U @ sg.diag(S) @ V.mT).round()
    tensor([[0., 2.],
            [1., 0.]])
    """
    _svd_check(input, "linalg.svd")
    if not compute_uv:
        from ...creation import zeros
        m, n = input._data.shape[-2:]
        S = call(svd_op, input, full_matrices=False)[1]
        b = tuple(input.shape[:-2])
        return SVD_V(zeros(b + (m, m), dtype=input.dtype), S, zeros(b + (n, n), dtype=input.dtype))
    U, S, Vh = call(svd_op, input, full_matrices=not some)
    return SVD_V(U, S, Vh.mT)


class SVD(ReturnType):
    """``(U, S, Vh)``, as returned by ``linalg.svd``."""
    __slots__ = ()
    _fields, _name = ("U", "S", "Vh"), "linalg_svd"


class SVD_V(ReturnType):
    """``(U, S, V)``, as returned by ``svd``."""
    __slots__ = ()
    _fields, _name = ("U", "S", "V"), "svd"



def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``diagonal`` with the last two dims as defaults.

    >>> import symgrad as sg
    >>> sg.linalg.diagonal(sg.eye(2).expand(3, 2, 2)).shape
    symgrad.Size([3, 2])
    """
    return diagonal(A, offset, dim1, dim2)
