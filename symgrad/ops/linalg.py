"""Linear algebra: products, contractions, decompositions."""
import numpy as np

from .table import Op, export
from ._util import call, with_out
from ..tensor import Tensor, _wrap, _wrapdim
from .. import dtypes as _dt


def _mm_vjp_a(xp, g, ans, a, b):
    return xp.matmul(g, xp.swapaxes(b, -1, -2))


def _mm_vjp_b(xp, g, ans, a, b):
    return xp.matmul(xp.swapaxes(a, -1, -2), g)


mm_op = Op("mm", "MmBackward0", lambda xp, a, b: xp.matmul(a, b), (_mm_vjp_a, _mm_vjp_b), dtypes="promote")
bmm_op = Op("bmm", "BmmBackward0", lambda xp, a, b: xp.matmul(a, b), (_mm_vjp_a, _mm_vjp_b), dtypes="promote")
matmul_nd_op = Op("matmul_nd", "UnsafeViewBackward0", lambda xp, a, b: xp.matmul(a, b), (_mm_vjp_a, _mm_vjp_b),
                  dtypes="promote")
mv_op = Op("mv", "MvBackward0", lambda xp, a, v: xp.matmul(a, v),
           (lambda xp, g, ans, a, v: xp.expand_dims(g, -1) * v,
            lambda xp, g, ans, a, v: xp.matmul(xp.swapaxes(a, -1, -2), g)), dtypes="promote")
dot_op = Op("dot", "DotBackward0", lambda xp, a, b: xp.sum(a * b),
            (lambda xp, g, ans, a, b: g * b, lambda xp, g, ans, a, b: g * a), dtypes="promote")


def _same_dtype(name, a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_T[a.dtype.name]} != "
                           f"{_T[b.dtype.name]}")


_T = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
      "bool": "bool", "int8": "signed char", "uint8": "unsigned char", "int16": "short int"}


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
    _same_dtype("mm", input, mat2)
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
    _same_dtype("bmm", input, mat2)
    return with_out(call(bmm_op, input, mat2), out, "bmm")


@export()
def mv(input, vec, *, out=None):
    """Matrix-vector product.

    >>> import symgrad as sg
    >>> sg.mv(sg.eye(2), sg.tensor([1., 2.]))
    tensor([1., 2.])
    """
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {vec._data.ndim}, {input._data.ndim}, "
                           f"{vec._data.ndim}")
    if input._data.shape[1] != vec._data.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
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
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {input.dtype.name.capitalize()} "
                           f"and {tensor.dtype.name.capitalize()}")
    return with_out(call(dot_op, input, tensor), out, "dot")


inner_1d = dot


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
    if na == 2 and nb == 2:
        return mm(input, other, out=out)
    if na == 2 and nb == 1:
        return mv(input, other, out=out)
    from .shape import unsqueeze, squeeze
    if na == 1:
        r = matmul(unsqueeze(input, 0), other)
        return with_out(squeeze(r, -2), out, "matmul")
    if nb == 1:
        k = input._data.shape[-1]
        if k != other._data.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({input.shape[-2]}x{k}), vec ({other.shape[0]})")
        r = matmul(input, unsqueeze(other, 1))
        return with_out(squeeze(r, -1), out, "matmul")
    if input._data.shape[-1] != other._data.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0] if na == 3 else '?'}, {input.shape[-1]}] but got: "
                           f"[{other.shape[0] if nb == 3 else '?'}, {other.shape[-2]}].")
    _same_dtype("matmul", input, other)
    try:
        np.broadcast_shapes(input._data.shape[:-2], other._data.shape[:-2])
    except ValueError:
        from ..engine import broadcast_error
        broadcast_error(input._data.shape[:-2], other._data.shape[:-2])
    if na == 3 and nb == 3 and input._data.shape[0] == other._data.shape[0]:
        return with_out(call(bmm_op, input, other), out, "matmul")
    return with_out(call(matmul_nd_op, input, other), out, "matmul")
