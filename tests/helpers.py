"""Small helpers the engine tests share."""
import numpy as np

import symgrad as sg

F64 = sg.float64


def t64(a, rg=True):
    """A float64 tensor of ``a`` that requires grad (unless ``rg`` is False)."""
    return sg.tensor(np.asarray(a, dtype=np.float64), dtype=F64, requires_grad=rg)


def close(a, b, tol=1e-10):
    """Assert a tensor (or array) equals ``b`` to ``tol``."""
    a = a.detach().numpy() if isinstance(a, sg.Tensor) else np.asarray(a)
    np.testing.assert_allclose(a, np.asarray(b), rtol=tol, atol=tol)
