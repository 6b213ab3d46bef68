"""Linear algebra: products, contractions, decompositions."""
import numpy as np

from .table import Op, export
from ._util import call, with_out, user_warning
from .return_types import ReturnType
from ..tensor import Tensor, _wrapdim
from .. import dtypes as _dt
from .. import engine


def _mm_vjp_a(xp, g, ans, a, b):
    return xp.matmul(g, xp.swapaxes(b, -1, -2))


def _mm_vjp_b(xp, g, ans, a, b):
    return xp.matmul(xp.swapaxes(a, -1, -2), g)


mm_op = Op("mm", "MmBackward0", lambda xp, a, b: xp.matmul(a, b), (_mm_vjp_a, _mm_vjp_b), dtypes="promote")
bmm_op = Op("bmm", "BmmBackward0", lambda xp, a, b: xp.matmul(a, b), (_mm_vjp_a, _mm_vjp_b), dtypes="promote")


def _matmul_vjp_a(xp, g, ans, a, b):
    if b.ndim == 1:
        return xp.expand_dims(g, -1) * b
    r = xp.matmul(g if a.ndim > 1 else xp.expand_dims(g, -2), xp.swapaxes(b, -1, -2))
    return r if a.ndim > 1 else xp.squeeze(r, -2)


def _matmul_vjp_b(xp, g, ans, a, b):
    if a.ndim == 1:
        return xp.expand_dims(a, -1) * xp.expand_dims(g, -2)
    r = xp.matmul(xp.swapaxes(a, -1, -2), g if b.ndim > 1 else xp.expand_dims(g, -1))
    return r if b.ndim > 1 else xp.squeeze(r, -1)


matmul_nd_op = Op("matmul_nd", "UnsafeViewBackward0", lambda xp, a, b: xp.matmul(a, b),
                  (_matmul_vjp_a, _matmul_vjp_b), dtypes="promote")
# PyTorch folds a batched operand against a matrix from the left by transposing,
# then copies the result back to row-major: the node users see is a clone
matmul_fold_t_op = Op("matmul_fold_t", "CloneBackward0", lambda xp, a, b: xp.matmul(a, b),
                      (_matmul_vjp_a, _matmul_vjp_b), dtypes="promote")
mv_op = Op("mv", "MvBackward0", lambda xp, a, v: xp.matmul(a, v),
           (lambda xp, g, ans, a, v: xp.expand_dims(g, -1) * v,
            lambda xp, g, ans, a, v: xp.matmul(xp.swapaxes(a, -1, -2), g)), dtypes="promote")
dot_op = Op("dot", "DotBackward0", lambda xp, a, b: xp.sum(a * b),
            (lambda xp, g, ans, a, b: g * b, lambda xp, g, ans, a, b: g * a), dtypes="promote")


def _mm_dtypes(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype.c_name} != "
                           f"{b.dtype.c_name}")


def _mv_dtypes(mat, vec):
    if mat.dtype is not vec.dtype:
        res = _dt.promote_types(mat.dtype, vec.dtype)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {res.scalar_name}, "
                           f"{_tn(mat)}, and {_tn(vec)}")


def _tn(t):
    return t.dtype.scalar_name


def _no_bool(t, kernel):
    if t.dtype is _dt.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")




@export()
def mm(input, mat2, *, out=None):
    """Matrix product of two 2-d tensors.

    >>> import symgrad as sg
    >>> sg.mm(sg.tensor([[1., 2.]]), sg.tensor([[3.], [4.]]))
    tensor([[11.]])
    """
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise RuntimeError(f"{'self' if input._data.ndim != 2 else 'mat2'} must be a matrix")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    _mm_dtypes(input, mat2)
    _no_bool(input, "addmm_impl_cpu_")
    return with_out(call(mm_op, input, mat2), out, "mm")


@export()
def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-d tensors.

    >>> import symgrad as sg
    >>> sg.bmm(sg.ones(2, 1, 3), sg.ones(2, 3, 1)).shape
    symgrad.Size([2, 1, 1])
    """
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if input._data.ndim != 3 else "batch2 must be a 3D tensor")
    if input._data.shape[0] != mat2._data.shape[0] or input._data.shape[2] != mat2._data.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"expected scalar type {_tn(input)} but found {_tn(mat2)}")
    _no_bool(input, "bmm")
    return with_out(call(bmm_op, input, mat2), out, "bmm")


@export()
def mv(input, vec, *, out=None):
    """Matrix-vector product.

    >>> import symgrad as sg
    >>> sg.mv(sg.eye(2), sg.tensor([1., 2.]))
    tensor([1., 2.])
    """
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    _mv_dtypes(input, vec)
    _no_bool(input, "addmv_impl_cpu")
    return with_out(call(mv_op, input, vec), out, "mv")


@export()
def dot(input, tensor, *, out=None):
    """Inner product of two 1-d tensors.

    >>> import symgrad as sg
    >>> sg.dot(sg.tensor([2, 3]), sg.tensor([2, 1]))
    tensor(7)
    """
    if input._data.ndim != 1 or tensor._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {tensor._data.ndim}D tensors")
    if input._data.shape[0] != tensor._data.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
                           f"[{tensor.shape[0]}] to have the same number of elements, but got "
                           f"{input.shape[0]} and {tensor.shape[0]} elements respectively")
    if input.dtype is not tensor.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {_tn(input)} and "
                           f"{_tn(tensor)}")
    _no_bool(input, "dot")
    return with_out(call(dot_op, input, tensor), out, "dot")


inner_1d = dot


def _should_fold(a, b):
    """PyTorch's choice between folding the batched operand into a matrix (mm
    or mv) and broadcasting batches through bmm; error messages follow it."""
    na, nb = a._data.ndim, b._data.ndim
    big, small = (a, b) if na >= nb else (b, a)
    if big._data.ndim < 3 or small._data.ndim > 2:
        return False
    if small.requires_grad:
        return True
    if na == 2:
        return False
    shape, st = list(big._data.shape), list(big.stride())
    if na < nb:
        shape[-2:], st[-2:] = shape[:-3:-1], st[:-3:-1]
    if big._data.size == 0:
        return True
    return all(st[i] == st[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


@export()
def matmul(input, other, *, out=None):
    """Matrix product with NumPy's rules for 1-d and batched operands.

    >>> import symgrad as sg
    >>> (sg.ones(2, 3) @ sg.ones(3)).shape
    symgrad.Size([2])
    """
    na, nb = input._data.ndim, other._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if na == 1 and nb == 1:
        return dot(input, other, out=out)
    if na == 2 and nb == 1:
        return mv(input, other, out=out)
    if na <= 2 and nb <= 2:
        from .shape import unsqueeze, squeeze_dim_inplace_op
        if na == 2:
            return mm(input, other, out=out)
        r = mm(unsqueeze(input, 0), other)
        return with_out(call(squeeze_dim_inplace_op, r, shape=r._data.shape[1:]), out, "matmul")
    sa, sb = input._data.shape, other._data.shape
    _no_bool(input, "addmm_impl_cpu_" if _should_fold(input, other) else "bmm")
    op = matmul_nd_op
    if _should_fold(input, other):
        # the larger operand is folded into a matrix: (rows x k) against t2
        if na >= nb:
            rows, k, t2 = int(np.prod(sa[:-1])), sa[-1], sb
        else:
            rows, k = int(np.prod(sb[:-2])) * sb[-1], sb[-2]
            t2 = sa[::-1]
            op = matmul_fold_t_op if na == 2 else op
        if len(t2) == 2 and k != t2[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {t2[0]}x{t2[1]})")
        if len(t2) == 1 and k != t2[0]:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k}), vec ({t2[0]})")
        if input.dtype is not other.dtype:
            (_mv_dtypes if len(t2) == 1 else _mm_dtypes)(*((input, other) if na >= nb else (other, input)))
    else:
        try:
            batch = np.broadcast_shapes(sa[:-2] if na > 1 else (), sb[:-2] if nb > 1 else ())
        except ValueError:
            from ..engine import broadcast_error
            broadcast_error(sa[:-2], sb[:-2])
        n_b = int(np.prod(batch))
        m1, m2 = sa[-1], sb[-2] if nb > 1 else sb[0]
        if m1 != m2:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n_b}, {m1}] "
                               f"but got: [{n_b}, {m2}].")
        if input.dtype is not other.dtype:
            raise RuntimeError(f"expected scalar type {_tn(input)} but found {_tn(other)}")
    return with_out(call(op, input, other), out, "matmul")


# ====================================================== products with a bias
def _biased(xp, c, p, beta, alpha):
    p = p if alpha == 1 else alpha * p
    return _plus_bias(xp, c, p, beta)


def _blas(xp, c, p, beta, alpha):
    # addmm, addmv, addbmm: as BLAS, alpha == 0 ignores the product too
    return _plus_bias(xp, c, xp.zeros_like(p) if alpha == 0 else p if alpha == 1 else alpha * p, beta)


def _plus_bias(xp, c, p, beta):
    # beta == 0 ignores ``input`` entirely, so nan/inf in it do not propagate
    if beta == 0:
        return p
    return p + (c if beta == 1 else beta * c)


def _bias_vjp(xp, g, ans, c, *mats, beta, alpha):
    return g if beta == 1 else beta * g


def _scaled(g, alpha):
    return g if alpha == 1 else alpha * g


def _m1_vjp(xp, g, ans, c, a, b, beta, alpha):
    return _scaled(xp.matmul(g, xp.swapaxes(b, -1, -2)), alpha)


def _m2_vjp(xp, g, ans, c, a, b, beta, alpha):
    return _scaled(xp.matmul(xp.swapaxes(a, -1, -2), g), alpha)


def _m2t_vjp(xp, g, ans, c, a, b, beta, alpha):
    # (gᵀa)ᵀ: laid out as a transposed mat2 (F.linear's ``weight.t()``), so
    # the weight's gradient needs no transposing copy, as PyTorch arranges it
    return _scaled(xp.swapaxes(xp.matmul(xp.swapaxes(g, -1, -2), a), -1, -2), alpha)


addmm_op = Op("addmm", "AddmmBackward0",
              lambda xp, c, a, b, beta, alpha: _blas(xp, c, xp.matmul(a, b), beta, alpha),
              (_bias_vjp, _m1_vjp, _m2t_vjp), dtypes="promote")
baddbmm_op = Op("baddbmm", "BaddbmmBackward0",
                lambda xp, c, a, b, beta, alpha: _biased(xp, c, xp.matmul(a, b), beta, alpha),
                (_bias_vjp, _m1_vjp, _m2_vjp), dtypes="promote")
addbmm_op = Op("addbmm", "AddbmmBackward0",
               lambda xp, c, a, b, beta, alpha: _blas(xp, c, xp.sum(xp.matmul(a, b), axis=0), beta, alpha),
               (_bias_vjp, _m1_vjp, _m2_vjp), dtypes="promote")
addmv_op = Op("addmv", "AddmvBackward0",
              lambda xp, c, a, v, beta, alpha: _blas(xp, c, xp.matmul(a, v), beta, alpha),
              (_bias_vjp,
               lambda xp, g, ans, c, a, v, beta, alpha: _scaled(xp.expand_dims(g, -1) * v, alpha),
               lambda xp, g, ans, c, a, v, beta, alpha: _scaled(xp.matmul(xp.swapaxes(a, -1, -2), g), alpha)),
              dtypes="promote")
addr_op = Op("addr", "AddrBackward0",
             lambda xp, c, u, v, beta, alpha: _biased(xp, c, xp.expand_dims(u, -1) * v, beta, alpha),
             (_bias_vjp,
              lambda xp, g, ans, c, u, v, beta, alpha: _scaled(xp.matmul(g, v), alpha),
              lambda xp, g, ans, c, u, v, beta, alpha: _scaled(xp.matmul(u, g), alpha)),
             dtypes="promote")


def _scalars(name, tensors, beta, alpha):
    # integral tensors: PyTorch truncates float scalars, except addr, which refuses them
    if any(t._data.dtype.kind == "f" for t in tensors):
        return beta, alpha
    if name == "addr":
        for arg, v in (("beta", beta), ("alpha", alpha)):
            if isinstance(v, float):
                raise RuntimeError(f"For integral input tensors, argument {arg} must not be a floating point number.")
    return int(beta), int(alpha)


def _check_bias(input, shape):
    s = input._data.shape
    if s == shape or s == shape[-1:]:         # the usual bias: nothing to check further
        return
    try:
        ok = np.broadcast_shapes(input._data.shape, shape) == tuple(shape)
    except ValueError:
        ok = False
    if not ok:
        from .shape import expand
        expand(input, *shape)           # raises PyTorch's error
        raise RuntimeError(f"input of shape {list(input.shape)} does not broadcast to {list(shape)}")


def _check_addmm(input, mat1, mat2):
    for t, n in ((mat1, "mat1"), (mat2, "mat2")):
        if t._data.ndim != 2:
            raise RuntimeError(f"{n} must be a matrix, got {t._data.ndim}-D tensor")
    (m, k), (k2, p) = mat1._data.shape, mat2._data.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{p})")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_tn(input)} and {_tn(mat2)}")
    if mat1.dtype is not mat2.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_tn(mat1)} and {_tn(mat2)}")
    _check_bias(input, (m, p))


def _batches(b1, b2):
    for t, n in ((b1, "batch1"), (b2, "batch2")):
        if t._data.ndim != 3:
            raise RuntimeError(f"{n} must be a 3D tensor")
    return b1._data.shape + b2._data.shape


def _check_baddbmm(input, batch1, batch2):
    b, n, m, bb, m2, p = _batches(batch1, batch2)
    if (bb, m2) != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {m}] but got: "
                           f"[{bb}, {m2}].")
    if batch1.dtype is not batch2.dtype:
        raise RuntimeError(f"expected scalar type {_tn(batch1)} but found {_tn(batch2)}")
    if input.dtype is not batch1.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {input.dtype.c_name}, batch1: "
                           f"{batch1.dtype.c_name}, batch2: {batch2.dtype.c_name}")
    _check_bias(input, (b, n, p))


def _check_addbmm(input, batch1, batch2):
    b, n, m, bb, m2, p = _batches(batch1, batch2)
    if b != bb:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {b} and {bb}")
    if m != m2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{m} and {m2}x{p})")
    if batch1.dtype is not batch2.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_tn(batch1)} and {_tn(batch2)}")
    if input.dtype is not batch1.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_tn(input)} and {_tn(batch1)}")
    _check_bias(input, (n, p))


def _check_addmv(input, mat, vec):
    if mat._data.ndim != 2 or vec._data.ndim != 1 or input._data.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {mat._data.ndim}, "
                           f"{vec._data.ndim}")
    n, m = mat._data.shape
    if m != vec._data.shape[0] or input._data.shape not in ((), (1,), (n,)):
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input._data.ndim else 1}), "
                           f"mat ({n}x{m}), vec ({vec.shape[0]})")
    if not input.dtype is mat.dtype is vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {_tn(input)}, {_tn(mat)}, "
                           f"and {_tn(vec)}")


def _check_addr(input, vec1, vec2):
    for t, n in ((vec1, "vec1"), (vec2, "vec2")):
        if t._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {n}, but got {t._data.ndim}-D")
    _check_bias(input, (vec1._data.shape[0], vec2._data.shape[0]))


def _bias_call(name, op, check, input, a, b, beta, alpha, out):
    check(input, a, b)
    beta, alpha = _scalars(name, (input, a, b), beta, alpha)
    return with_out(call(op, input, a, b, beta=beta, alpha=alpha), out, name)


def _bias_call_(name, op, check, self, a, b, beta, alpha):
    check(self, a, b)
    beta, alpha = _scalars(name, (self, a, b), beta, alpha)
    return engine.call_inplace(op, self, (a, b), {"beta": beta, "alpha": alpha})


@export()
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts.

    >>> import symgrad as sg
    >>> sg.addmm(sg.ones(2), sg.eye(2), sg.tensor([[1., 2.], [3., 4.]]), beta=2)
    tensor([[3., 4.],
            [5., 6.]])
    """
    return _bias_call("addmm", addmm_op, _check_addmm, input, mat1, mat2, beta, alpha, out)


@export()
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``; ``input`` broadcasts.

    >>> import symgrad as sg
    >>> sg.baddbmm(sg.zeros(1), sg.ones(2, 1, 3), sg.ones(2, 3, 1), alpha=0.5).flatten()
    tensor([1.5000, 1.5000])
    """
    return _bias_call("baddbmm", baddbmm_op, _check_baddbmm, input, batch1, batch2, beta, alpha, out)


@export()
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``; ``input`` broadcasts.

    >>> import symgrad as sg
    >>> sg.addbmm(sg.zeros(1, 1), sg.ones(2, 1, 3), sg.ones(2, 3, 1))
    tensor([[6.]])
    """
    return _bias_call("addbmm", addbmm_op, _check_addbmm, input, batch1, batch2, beta, alpha, out)


@export()
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``; ``input`` broadcasts.

    >>> import symgrad as sg
    >>> sg.addmv(sg.tensor([1., 1.]), sg.eye(2), sg.tensor([2., 3.]), alpha=2)
    tensor([5., 7.])
    """
    return _bias_call("addmv", addmv_op, _check_addmv, input, mat, vec, beta, alpha, out)


@export()
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``; ``input`` broadcasts.

    >>> import symgrad as sg
    >>> sg.addr(sg.zeros(2, 2), sg.tensor([1., 2.]), sg.tensor([1., 3.]))
    tensor([[1., 3.],
            [2., 6.]])
    """
    return _bias_call("addr", addr_op, _check_addr, input, vec1, vec2, beta, alpha, out)


@export(function=False)
def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
    """In-place ``addmm``; returns ``self``."""
    return _bias_call_("addmm", addmm_op, _check_addmm, self, mat1, mat2, beta, alpha)


@export(function=False)
def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    """In-place ``baddbmm``; returns ``self``."""
    return _bias_call_("baddbmm", baddbmm_op, _check_baddbmm, self, batch1, batch2, beta, alpha)


@export(function=False)
def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    """In-place ``addbmm``; returns ``self``."""
    return _bias_call_("addbmm", addbmm_op, _check_addbmm, self, batch1, batch2, beta, alpha)


@export(function=False)
def addmv_(self, mat, vec, *, beta=1, alpha=1):
    """In-place ``addmv``; returns ``self``."""
    return _bias_call_("addmv", addmv_op, _check_addmv, self, mat, vec, beta, alpha)


@export(function=False)
def addr_(self, vec1, vec2, *, beta=1, alpha=1):
    """In-place ``addr``; returns ``self``."""
    return _bias_call_("addr", addr_op, _check_addr, self, vec1, vec2, beta, alpha)


@export()
def outer(input, vec2, *, out=None):
    """Outer product of two 1-d tensors.

    >>> import symgrad as sg
    >>> sg.outer(sg.tensor([1., 2.]), sg.tensor([1., 0., -1.]))
    tensor([[ 1.,  0., -1.],
            [ 2.,  0., -2.]])
    """
    for t, n in ((input, "self"), (vec2, "vec2")):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {n}, but got {t._data.ndim}-D")
    from .shape import reshape
    return with_out(reshape(input, input._data.shape[0], 1) * vec2, out, "outer")


@export()
def ger(input, vec2, *, out=None):
    """Alias of ``outer``.

    >>> import symgrad as sg
    >>> sg.ger(sg.tensor([1., 2.]), sg.tensor([3.]))
    tensor([[3.],
            [6.]])
    """
    return outer(input, vec2, out=out)


# ========================================================== cross product
cross_op = Op("cross", "LinalgCrossBackward0", lambda xp, a, b, dim: xp.cross(a, b, axis=dim),
              (lambda xp, g, ans, a, b, dim: xp.cross(b, g, axis=dim),
               lambda xp, g, ans, a, b, dim: xp.cross(g, a, axis=dim)))


def linalg_cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (the other dims broadcast).

    >>> import symgrad as sg
    >>> sg.linalg.cross(sg.tensor([1., 0., 0.]), sg.tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _wrapdim(dim, input._data.ndim)
    if input._data.shape[d] != 3 or other._data.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input._data.shape[d]} and {other._data.shape[d]}")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {_tn(input)} but found {_tn(other)}")
    from ..engine import broadcast_error
    broadcast_error(input._data.shape, other._data.shape)
    return with_out(call(cross_op, input, other, dim=d), out, "linalg_cross")


@export()
def cross(input, other, dim=None, *, out=None):
    """Cross product along ``dim``; without ``dim``, along the first dim of size 3.

    >>> import symgrad as sg
    >>> sg.cross(sg.tensor([[1., 0., 0.]]), sg.tensor([[0., 0., 1.]]), dim=1)
    tensor([[ 0., -1.,  0.]])
    """
    if dim is None:
        user_warning("Using symgrad.cross without specifying the dim arg is deprecated.\nPlease either pass the "
                     "dim explicitly or simply use symgrad.linalg.cross.\nThe default value of dim will change "
                     "to agree with that of linalg.cross in a future release.")
        shape = np.broadcast_shapes(input._data.shape, other._data.shape) \
            if input._data.ndim == other._data.ndim else input._data.shape
        dim = next((k for k, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim, out=out)


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
    from .shape import view_call
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


def _singular(A):
    batch = A._data.reshape((-1,) + A._data.shape[-2:])
    for b, m in enumerate(batch):
        try:
            np.linalg.inv(m)
        except np.linalg.LinAlgError:
            where = f"(Batch element {b}): " if A._data.ndim > 2 else ""
            raise RuntimeError(f"linalg.inv: {where}The diagonal element {_zero_pivot(m)} is zero, the inversion "
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
        from ..creation import zeros
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


# ==================================================================== einsum
_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _terms(eq):
    lhs, out = eq.split("->")
    return lhs.split(","), out


def _einsum_name(p):
    ins, out = _terms(p["eq"])
    contracted = bool(set("".join(ins)) - set(out))
    if len(ins) == 1:
        return "SumBackward1" if contracted else "PermuteBackward0"
    return "ViewBackward0" if contracted else "MulBackward0"


def _einsum_vjp(xp, k, g, ans, *ops, eq):
    # the cotangent of operand k is the einsum of g with the other operands,
    # broadcast along labels only operand k carries and put back on the
    # diagonals of labels it repeats
    ins, out = _terms(eq)
    sub = ins[k]
    others = [j for j in range(len(ins)) if j != k]
    have = set(out).union(*(ins[j] for j in others))
    uniq = "".join(dict.fromkeys(sub))
    kept = "".join(c for c in uniq if c in have)
    r = xp.einsum(",".join([out] + [ins[j] for j in others]) + "->" + kept, g, *(ops[j] for j in others))
    size = {c: ops[k].shape[sub.index(c)] for c in uniq}
    if kept != uniq:
        r = xp.reshape(r, tuple(size[c] if c in kept else 1 for c in uniq))
        r = xp.broadcast_to(r, tuple(size[c] for c in uniq))
    if uniq != sub:
        fresh = iter(c for c in _LABELS if c not in eq)
        target, deltas = list(sub), []
        for c in uniq:
            prev = c
            for p in [i for i, x in enumerate(sub) if x == c][1:]:
                target[p] = next(fresh)
                deltas.append((prev + target[p], size[c]))
                prev = target[p]
        eyes = [np.eye(n, dtype=bool) for _, n in deltas]
        r = xp.einsum(",".join([uniq] + [d for d, _ in deltas]) + "->" + "".join(target), r, *eyes)
    return r


einsum_op = Op("einsum", _einsum_name, lambda xp, *ops, eq: xp.einsum(eq, *ops), _einsum_vjp, dtypes="promote")


def _einsum_args(args):
    if not args or (isinstance(args[0], str) and len(args) == 1):
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        ops = list(args[1:])
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = list(ops[0])
        return args[0], ops

    def letters(sub):
        s = ""
        for n in sub:
            if n is Ellipsis:
                s += "..."
            elif isinstance(n, int) and 0 <= n < 52:
                s += _LABELS[n]
            else:
                raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
        return s
    ops = list(args[0:len(args) - len(args) % 2:2])
    eq = ",".join(letters(s) for s in args[1::2][:len(ops)])
    if len(args) % 2:
        eq += "->" + letters(args[-1])
    return eq, ops


def _scan(eq, start, stop, what):
    """Split ``eq[start:stop]`` into terms of labels; ``None`` marks an ellipsis."""
    terms, cur, dots, seen = [], [], 0, False
    for i in range(start, stop):
        c = eq[i]
        if c == " ":
            continue
        if c == ",":
            if what == "output":
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                                   "subscripts must be in [a-zA-Z]")
            if dots:
                raise RuntimeError(f"einsum(): found '.' for operand {len(terms)} that is not part of any ellipsis")
            terms.append(cur)
            cur, seen = [], False
        elif c == ".":
            name = "output" if what == "output" else f"operand {len(terms)}"
            if seen:
                raise RuntimeError(f"einsum(): found '.' for {name} for which an ellipsis was already found")
            dots += 1
            if dots == 3:
                cur.append(None)
                dots, seen = 0, True
        elif c in _LABELS and not dots:
            cur.append(c)
        else:
            if dots:
                name = "output" if what == "output" else f"operand {len(terms)}"
                raise RuntimeError(f"einsum(): found '.' for {name} that is not part of any ellipsis")
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
    if dots:
        name = "output" if what == "output" else f"operand {len(terms)}"
        raise RuntimeError(f"einsum(): found '.' for {name} that is not part of any ellipsis")
    terms.append(cur)
    return terms


def _canonical(eq, ops):
    """Expand ellipses into fresh labels and check sizes: the op's equation,
    and the operands with their broadcast (size-1) dims squeezed out."""
    arrow = eq.find("->")
    terms = _scan(eq, 0, len(eq) if arrow < 0 else arrow, "input")
    if len(terms) < len(ops):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    if len(terms) > len(ops):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    out = None if arrow < 0 else _scan(eq, arrow + 2, len(eq), "output")[0]
    n_ell = 0
    for k, (t, x) in enumerate(zip(terms, ops)):
        nl, nd = len([c for c in t if c is not None]), x._data.ndim
        if None in t:
            if nl > nd:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) is more than the "
                                   f"number of dimensions ({nd}) for operand {k}")
            n_ell = max(n_ell, nd - nl)
        elif nl != nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) does not match the "
                               f"number of dimensions ({nd}) for operand {k} and no ellipsis was given")
    used = set(eq)
    ell = [c for c in _LABELS if c not in used][:n_ell]
    if len(ell) < n_ell:
        raise RuntimeError("einsum(): too many subscripts in the equation")
    size, ell_size, labels = {}, [None] * n_ell, []
    for k, (t, x) in enumerate(zip(terms, ops)):
        shape = x._data.shape
        e = len(shape) - (len(t) - 1) if None in t else 0
        lab, d = [], 0
        for c in t:
            if c is None:
                for j in range(e):
                    s, slot = shape[d], n_ell - e + j
                    if ell_size[slot] not in (None, 1, s) and s != 1:
                        raise RuntimeError(f"einsum(): dimension {d} covered by ellipsis in operand {k}has size {s} "
                                           "which does not broadcast with previously seen ellipsis with size "
                                           f"{ell_size[slot]} for the respective dimension")
                    ell_size[slot] = s if ell_size[slot] in (None, 1) else ell_size[slot]
                    size[ell[slot]] = ell_size[slot]
                    lab.append(ell[slot])
                    d += 1
                continue
            s = shape[d]
            if c in lab and shape[lab.index(c)] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{s} != {shape[lab.index(c)]}")
            if c not in lab and size.get(c, 1) not in (1, s) and s != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which does not broadcast "
                                   f"with previously seen size {size[c]}")
            size[c] = s if size.get(c, 1) == 1 else size[c]
            lab.append(c)
            d += 1
        labels.append(lab)
    flat = [c for lab in labels for c in lab]
    if out is None:
        once = sorted(c for c in set(flat) if flat.count(c) == 1 and c not in ell)
        out_labels = ell + once
    else:
        out_labels = []
        for c in out:
            if c is None:
                out_labels += ell
                continue
            if c in out_labels:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
            if c not in flat:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   "operand")
            out_labels.append(c)
    from .shape import reshape
    subs, squeezed = [], []
    for lab, x in zip(labels, ops):
        keep = [i for i, c in enumerate(lab) if not (x._data.shape[i] == 1 and size[c] != 1)]
        if len(keep) != len(lab):
            x = reshape(x, *[x._data.shape[i] for i in keep]) if keep else reshape(x, ())
        subs.append("".join(lab[i] for i in keep))
        squeezed.append(x)
    return ",".join(subs) + "->" + "".join(out_labels), squeezed


@export(method=False)
def einsum(*args):
    """Einstein summation over the operands' labelled dims.

    Labels repeated in one operand take its diagonal; ``...`` stands for
    broadcast dims; size-1 dims broadcast.  Also accepts the sublist form
    ``einsum(op1, [0, 1], op2, [1, 2], [0, 2])``.

    >>> import symgrad as sg
    >>> sg.einsum("ij,j->i", sg.tensor([[1., 2.], [3., 4.]]), sg.tensor([1., 1.]))
    tensor([3., 7.])
    >>> sg.einsum("ii", sg.eye(3))
    tensor(3.)
    """
    eq, ops = _einsum_args(args)
    for k, x in enumerate(ops):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got {type(x).__name__}")
    if not ops:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    eq, ops = _canonical(eq, ops)
    dt = _einsum_dtype(eq, ops)
    return call(einsum_op, *(x if x.dtype is dt else x.to(dt) for x in ops), eq=eq)


def _einsum_dtype(eq, ops):
    # as PyTorch, which contracts pairs with bmm (one dtype, no bools) and sums
    # lone labels with sum (integers widen to int64)
    ins, out = eq.split("->")
    terms = ins.split(",")
    if len(ops) > 1 and any(c not in out and sum(c in t for t in terms) > 1 for c in set(ins) - {","}):
        first = ops[0].dtype
        for x in ops[1:]:
            if x.dtype is not first:
                raise RuntimeError(f"expected scalar type {first.scalar_name} but found {x.dtype.scalar_name}")
        if first is _dt.bool:
            raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
        return first
    dt = _dt.result_type(*ops)
    if not dt.is_floating_point and any(c not in out for c in ins if c != ","):
        return _dt.int64
    return dt


# ===================================================================== norms
# the 0-"norm" counts nonzeros: piecewise constant, so its gradient is zero
norm0_op = Op("norm0", "LinalgVectorNormBackward0",
              lambda xp, a, dim, keepdim: xp.astype(xp.sum(a != 0, axis=dim, keepdims=keepdim), a.dtype),
              (lambda xp, g, ans, a, dim, keepdim: xp.zeros(a.shape, g.dtype),))


def _norm_input(x, name, dtype):
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tn(x)}")
    if dtype is not None:
        if _dt.promote_types(x.dtype, dtype) is not dtype:
            raise RuntimeError(f"{name}: the dtype of the input ({_tn(x)}) should be convertible without narrowing "
                               f"to the specified dtype ({dtype.scalar_name})")
        x = x.to(dtype)
    return x


def linalg_vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """Vector ``ord``-norm over ``dim`` (all elements when ``None``).

    >>> import symgrad as sg
    >>> sg.linalg.vector_norm(sg.tensor([3., -4.]))
    tensor(5.)
    >>> sg.linalg.vector_norm(sg.tensor([3., -4.]), ord=float("inf"))
    tensor(4.)
    """
    from . import reduce as _rd
    from ._util import dims
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str")
    x = _norm_input(x, "linalg.vector_norm", dtype)
    d = dims(dim, x._data.ndim)
    if ord < 0 or ord == float("inf"):
        if x._data.size == 0 and (d is None or any(x._data.shape[k] == 0 for k in d)):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                               "operation does not have an identity")
    if ord == 0:
        r = call(norm0_op, x, dim=d, keepdim=keepdim)
    else:
        r = call(_rd.norm_op, x, ord=ord if ord in (1, 2) else float(ord), dim=d, keepdim=keepdim)
    return with_out(r, out, "linalg_vector_norm")


def linalg_matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norm over the two dims ``dim``: ``'fro'``, ``'nuc'``, ``±1``, ``±2``, ``±inf``.

    >>> import symgrad as sg
    >>> sg.linalg.matrix_norm(sg.tensor([[1., 2.], [2., 4.]]))
    tensor(5.)
    >>> sg.linalg.matrix_norm(sg.tensor([[1., 2.], [2., 4.]]), 1)
    tensor(6.)
    """
    from . import reduce as _rd
    inf = float("inf")
    if ord not in ("fro", "nuc") and (isinstance(ord, str) or abs(ord) not in (1, 2, inf)):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if A._data.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    A = _norm_input(A, "linalg.matrix_norm", dtype)
    dim = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (_wrapdim(d, A._data.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    if ord == "fro":
        r = call(_rd.norm_op, A, ord=2, dim=tuple(sorted((d0, d1))), keepdim=keepdim)
    elif ord in ("nuc", 2, -2):
        from .shape import permute
        if A.dtype is _dt.float16:
            raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. Got Half")
        perm = [k for k in range(A._data.ndim) if k not in (d0, d1)] + [d0, d1]
        S = linalg_svdvals(permute(A, perm))
        # no singular values (an empty matrix): every one of these norms is 0
        empty = S._data.shape[-1] == 0
        r = S.sum(-1, keepdim) if ord == "nuc" or empty else S.amax(-1, keepdim) if ord == 2 else S.amin(-1, keepdim)
        if keepdim:
            r = permute(r.unsqueeze(-1), [perm.index(k) for k in range(len(perm))])
    else:
        if abs(ord) == inf:
            d0, d1 = d1, d0
        r = linalg_vector_norm(A, 1, d0, keepdim)
        d1 = d1 - 1 if not keepdim and d0 < d1 else d1
        r = r.amax(d1, keepdim) if ord > 0 else r.amin(d1, keepdim)
    return with_out(r, out, "linalg_matrix_norm")


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """Vector norm, or matrix norm when ``dim`` is a 2-tuple (or ``A`` is 2-d and ``ord`` is given).

    >>> import symgrad as sg
    >>> sg.linalg.norm(sg.tensor([[1., 2.], [2., 4.]]))
    tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A._data.ndim}D.")
    if isinstance(ord, str) or (ord is not None and (len(dim) == 2 if dim is not None else A._data.ndim == 2)):
        return linalg_matrix_norm(A, ord, (0, 1) if dim is None else dim, keepdim, dtype=dtype, out=out)
    return linalg_vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``diagonal`` with the last two dims as defaults.

    >>> import symgrad as sg
    >>> sg.linalg.diagonal(sg.eye(2).expand(3, 2, 2)).shape
    symgrad.Size([3, 2])
    """
    return diagonal(A, offset, dim1, dim2)
