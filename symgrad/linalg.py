"""``symgrad.linalg``: PyTorch's ``torch.linalg`` functions.

>>> import symgrad as sg
>>> sg.linalg.det(sg.eye(3) * 2)
tensor(8.)
"""
from .ops.linalg import (linalg_inv as inv, linalg_det as det, linalg_svd as svd,  # noqa: F401
                         linalg_svdvals as svdvals, linalg_cross as cross, linalg_norm as norm,
                         linalg_vector_norm as vector_norm, linalg_matrix_norm as matrix_norm,
                         linalg_diagonal as diagonal, matmul)
from .ops.linalg.matrices import LinAlgError  # noqa: F401

__all__ = ["inv", "det", "svd", "svdvals", "cross", "norm", "vector_norm", "matrix_norm", "matmul", "diagonal",
           "LinAlgError"]
