"""Linear algebra: products, whole-matrix ops, einsum and norms.  Importing
the package registers every op; ``symgrad.linalg`` re-exports the
``torch.linalg`` face."""
from .products import matmul, mm, addmm, linalg_cross  # noqa: F401
from .matrices import linalg_inv, linalg_det, linalg_svd, linalg_svdvals, linalg_diagonal  # noqa: F401
from .einsum import einsum  # noqa: F401
from .norms import linalg_vector_norm, linalg_matrix_norm, linalg_norm  # noqa: F401
