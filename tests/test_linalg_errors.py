"""Shape and dtype errors of the linear algebra ops carry PyTorch's messages
(the expected texts were taken from PyTorch)."""
import re

import numpy as np
import pytest

import symgrad as sg


def t(*shape, dtype=None):
    return sg.ones(*shape, dtype=dtype)


CASES = [
    # mm
    (lambda: sg.mm(t(2, 3), t(4, 5)), "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    (lambda: sg.mm(t(3), t(3, 5)), "self must be a matrix"),
    (lambda: sg.mm(t(2, 3), t(3)), "mat2 must be a matrix"),
    (lambda: sg.mm(t(2, 3, 3), t(3, 3)), "self must be a matrix"),
    (lambda: sg.mm(t(2, 3), t(3, 3, dtype=sg.float64)),
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    # matmul, through each of PyTorch's routes
    (lambda: sg.matmul(sg.tensor(1.), t(3)), "both arguments to matmul need to be at least 1D, but they are 0D and 1D"),
    (lambda: t(3) @ t(4), "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of "
                          "elements, but got 3 and 4 elements respectively"),
    (lambda: t(2, 3) @ t(4), "size mismatch, got input (2), mat (2x3), vec (4)"),
    (lambda: t(3) @ t(4, 5), "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)"),
    (lambda: t(2, 3) @ t(4, 5), "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"),
    (lambda: t(2, 2, 3) @ t(4), "size mismatch, got input (4), mat (4x3), vec (4)"),
    (lambda: t(2, 2, 3) @ t(5, 4), "mat1 and mat2 shapes cannot be multiplied (4x3 and 5x4)"),
    (lambda: t(4) @ t(2, 2, 3), "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: "
                                "[2, 2]."),
    (lambda: t(2, 3) @ t(2, 5, 4), "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: "
                                   "[2, 5]."),
    (lambda: t(2, 3).requires_grad_() @ t(2, 5, 4), "mat1 and mat2 shapes cannot be multiplied (8x5 and 3x2)"),
    (lambda: t(3).requires_grad_() @ t(2, 5, 4), "size mismatch, got input (8), mat (8x5), vec (3)"),
    (lambda: t(2, 2, 3) @ t(2, 4, 5), "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: "
                                      "[2, 4]."),
    (lambda: t(2, 1, 2, 3) @ t(3, 4, 5), "Expected size for first two dimensions of batch2 tensor to be: [6, 3] but "
                                         "got: [6, 4]."),
    (lambda: t(2, 2, 3) @ t(3, 4, 5), "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
                                      "dimension 0"),
    (lambda: t(2, 3, 2).mT @ t(5, 4), "Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: "
                                      "[2, 5]."),
    (lambda: t(2, 3) @ t(3, 3, dtype=sg.float64),
     "expected m1 and m2 to have the same dtype, but got: float != double"),
    (lambda: t(2, 2, 3) @ t(2, 3, 3, dtype=sg.float64), "expected scalar type Float but found Double"),
    (lambda: t(3) @ t(3, dtype=sg.float64),
     "dot : expected both vectors to have same dtype, but found Float and Double"),
    (lambda: t(2, 3) @ t(3, dtype=sg.float64),
     "addmv input tensors must have the same dtype, but got Double, Float, and Double"),
    # bmm, mv, dot
    (lambda: sg.bmm(t(2, 2, 3), t(2, 4, 5)), "Expected size for first two dimensions of batch2 tensor to be: [2, 3] "
                                             "but got: [2, 4]."),
    (lambda: sg.bmm(t(2, 3), t(2, 3, 3)), "batch1 must be a 3D tensor"),
    (lambda: sg.bmm(t(2, 2, 2), t(2, 2, 2, dtype=sg.float64)), "expected scalar type Float but found Double"),
    (lambda: sg.mv(t(2, 3), t(4)), "size mismatch, got input (2), mat (2x3), vec (4)"),
    (lambda: sg.mv(t(2, 3), t(3, 1)), "vector + matrix @ vector expected, got 1, 2, 2"),
    (lambda: sg.dot(t(3, 1), t(3)), "1D tensors expected, but got 2D and 1D tensors"),
    # products with a bias
    (lambda: sg.addmm(t(2), t(3, 2), t(2, 3)),
     "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 1.  Target "
     "sizes: [3, 3].  Tensor sizes: [2]"),
    (lambda: sg.addmm(t(3, 3), t(3, 2), t(3, 3)), "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x3)"),
    (lambda: sg.addmm(t(2, 2), t(2, 2, 2), t(2, 2)), "mat1 must be a matrix, got 3-D tensor"),
    (lambda: sg.addmm(t(2, 2), t(2, 2), t(2, 2, dtype=sg.float64)),
     "self and mat2 must have the same dtype, but got Float and Double"),
    (lambda: sg.addmm(t(2, 2), t(2, 2, dtype=sg.float64), t(2, 2)),
     "mat1 and mat2 must have the same dtype, but got Double and Float"),
    (lambda: sg.addmm(t(2, 2, dtype=sg.float64), t(2, 2), t(2, 2, dtype=sg.float64)),
     "mat1 and mat2 must have the same dtype, but got Float and Double"),
    (lambda: sg.addbmm(t(3, 4), t(2, 3, 5), t(3, 5, 4)), "batch1 and batch2 must have same number of batches, got 2 "
                                                         "and 3"),
    (lambda: sg.addbmm(t(3, 4), t(2, 3, 5), t(2, 4, 4)), "Incompatible matrix sizes for bmm (3x5 and 4x4)"),
    (lambda: sg.baddbmm(t(2, 3, 4), t(2, 3, 5), t(2, 4, 4)), "Expected size for first two dimensions of batch2 tensor "
                                                             "to be: [2, 5] but got: [2, 4]."),
    (lambda: sg.baddbmm(t(3, 4, dtype=sg.float64), t(2, 3, 5), t(2, 5, 4)),
     "Input dtypes must be the same, got: input double, batch1: float, batch2: float"),
    (lambda: sg.addmv(t(4), t(3, 5), t(5)), "size mismatch, got input (4), mat (3x5), vec (5)"),
    (lambda: sg.addmv(t(3), t(3, 2), t(2, dtype=sg.float64)),
     "addmv input tensors must have the same dtype, but got Float, Float, and Double"),
    (lambda: sg.addr(t(3, 3), t(3, 1), t(4)), "addr: Expected 1-D argument vec1, but got 2-D"),
    (lambda: sg.addr(sg.ones(2, 2, dtype=sg.int64), sg.ones(2, dtype=sg.int64), sg.ones(2, dtype=sg.int64), beta=0.5),
     "For integral input tensors, argument beta must not be a floating point number."),
    # cross, outer, diagonals
    (lambda: sg.cross(t(3, 2), t(3, 2), dim=1), "linalg.cross: inputs dimension 1 must have length 3. Got 2 and 2"),
    (lambda: sg.linalg.cross(t(4, 1, 3), t(2, 3)), "linalg.cross: inputs must have the same number of dimensions."),
    (lambda: sg.linalg.cross(t(4, 3), t(2, 3)), "The size of tensor a (4) must match the size of tensor b (2) at "
                                                "non-singleton dimension 0"),
    (lambda: sg.linalg.cross(t(3), t(3, dtype=sg.float64)), "expected scalar type Float but found Double"),
    (lambda: sg.outer(t(3, 3), t(3)), "outer: Expected 1-D argument self, but got 2-D"),
    (lambda: sg.trace(t(3)), "trace: expected a matrix, but got tensor with dim 1"),
    (lambda: sg.diag(t(2, 2, 2)), "diag(): Supports 1D or 2D tensors. Got 3D"),
    (lambda: sg.diagonal(t(3, 4), 0, 0, 0), "diagonal dimensions cannot be identical 0, 0"),
    (lambda: sg.diagonal_scatter(t(3, 4), t(2), 1), "expected src to have a size equal to the slice of self. src size "
                                                    "= [2], slice size = [3]"),
    (lambda: sg.triu(t(3)), "triu: input tensor must have at least 2 dimensions"),
    (lambda: sg.tril(sg.tensor(1.)), "tril: input tensor must have at least 2 dimensions"),
    # inverse, det, svd
    (lambda: sg.linalg.inv(t(2, 3)), "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda: sg.linalg.inv(t(3)), "linalg.inv: The input tensor A must have at least 2 dimensions."),
    (lambda: sg.linalg.inv(sg.eye(3, dtype=sg.int64)),
     "linalg.inv: Expected a floating point or complex tensor as input. Got Long"),
    (lambda: sg.linalg.inv(sg.tensor([[1., 2.], [2., 4.]])),
     "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is "
     "singular."),
    (lambda: sg.inverse(sg.tensor([[1., 0, 0], [0, 0, 0], [0, 0, 1]])),
     "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is "
     "singular."),
    (lambda: sg.linalg.inv(sg.stack([sg.eye(2), sg.zeros(2, 2)])),
     "linalg.inv: (Batch element 1): The diagonal element 1 is zero, the inversion could not be completed because "
     "the input matrix is singular."),
    (lambda: sg.linalg.det(t(2, 3)), "linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda: sg.det(sg.eye(3, dtype=sg.int64)), "linalg.det: Expected a floating point or complex tensor as input. "
                                                "Got Long"),
    (lambda: sg.linalg.svd(t(3)), "linalg.svd: The input tensor A must have at least 2 dimensions."),
    # norms
    (lambda: sg.linalg.vector_norm(sg.arange(3)), "linalg.vector_norm: Expected a floating point or complex tensor as "
                                                  "input. Got Long"),
    (lambda: sg.linalg.matrix_norm(t(3, 3), 3), "linalg.matrix_norm: Order 3 not supported."),
    (lambda: sg.linalg.matrix_norm(t(2, 2), dim=(1, -1)), "linalg.matrix_norm: dims must be different. Got (1, 1)"),
    (lambda: sg.linalg.norm(t(3), "fro"), "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."),
    (lambda: sg.linalg.norm(t(2, 3, 4), 2), "linalg.norm: If dim is not specified but ord is, the input must be 1D or "
                                            "2D. Got 3D."),
    # einsum
    (lambda: sg.einsum("ij,jk->ik", t(2, 3), t(4, 4)), "einsum(): subscript j has size 4 for operand 1 which does not "
                                                       "broadcast with previously seen size 3"),
    (lambda: sg.einsum("ij->ik", t(3, 3)), "einsum(): output subscript k does not appear in the equation for any "
                                           "input operand"),
    (lambda: sg.einsum("ijk->ij", t(3, 3)), "einsum(): the number of subscripts in the equation (3) does not match the "
                                            "number of dimensions (2) for operand 0 and no ellipsis was given"),
    (lambda: sg.einsum("ij,jk->ik", t(3, 3)), "einsum(): fewer operands were provided than specified in the equation"),
    (lambda: sg.einsum("ij->ij", t(3, 3), t(3, 3)), "einsum(): more operands were provided than specified in the "
                                                    "equation"),
    (lambda: sg.einsum("ij->jj", t(3, 3)), "einsum(): output subscript j appears more than once in the output"),
    (lambda: sg.einsum("ii->i", t(3, 4)), "einsum(): subscript i is repeated for operand 0 but the sizes don't match, "
                                          "4 != 3"),
    (lambda: sg.einsum("i1->i", t(3, 4)), "einsum(): invalid subscript given at index 1 in the equation string, "
                                          "subscripts must be in [a-zA-Z]"),
    (lambda: sg.einsum("...ij...->ij", t(2, 3)), "einsum(): found '.' for operand 0 for which an ellipsis was already "
                                                 "found"),
    (lambda: sg.einsum("i.j", t(2, 3)), "einsum(): found '.' for operand 0 that is not part of any ellipsis"),
    (lambda: sg.einsum("ij...->", t(2)), "einsum(): the number of subscripts in the equation (2) is more than the "
                                         "number of dimensions (1) for operand 0"),
]


@pytest.mark.parametrize("fn,message", CASES, ids=[f"{k}" for k in range(len(CASES))])
def test_error_message(fn, message):
    with pytest.raises(RuntimeError, match=re.escape(message) + "$"):
        fn()


def test_einsum_argument_errors():
    with pytest.raises(ValueError, match="at least one operand"):
        sg.einsum("ij,jk->ik")
    with pytest.raises(ValueError, match=re.escape("not within the valid range [0, 52)")):
        sg.einsum(t(2, 3), [0, 52])
    with pytest.raises(TypeError, match="expected Tensor as element 0 in argument 1, but got int"):
        sg.einsum("i", [1, 2])


def test_errors_leave_no_partial_results():
    # a failed out= call must not have written into ``out``
    out = sg.full((2, 2), 7.)
    with pytest.raises(RuntimeError):
        sg.mm(t(2, 3), t(2, 2), out=out)
    np.testing.assert_array_equal(out.numpy(), 7.)


def test_singular_matrix_raises_linalg_error_which_is_a_runtime_error():
    a = sg.tensor([[1., 2.], [2., 4.]])
    for f in (sg.linalg.inv, sg.inverse):
        with pytest.raises(sg.linalg.LinAlgError):
            f(a)
    assert issubclass(sg.linalg.LinAlgError, RuntimeError)
