"""Products: mm, bmm, mv, dot, matmul, the BLAS-style products with a bias
(addmm, baddbmm, addbmm, addmv, addr), outer and cross."""
import numpy as np

from ..table import Op, export
from .._util import call, with_out, user_warning
from ...tensor import _wrapdim
from ... import dtypes as _dt
from ... import engine


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
        from ..shape import unsqueeze, squeeze_dim_inplace_op
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
            from ...engine import broadcast_error
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
        from ..shape import expand
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
    from ..shape import reshape
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
    from ...engine import broadcast_error
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
