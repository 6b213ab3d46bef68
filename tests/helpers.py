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


def sin_function(backward):
    """A custom Function computing sin, with the given ``backward(ctx, g)``
    (the input is ``ctx.saved_tensors[0]``): for tests of wrong or special backwards."""
    return type("Sin", (sg.autograd.Function,), {
        "forward": staticmethod(lambda ctx, a: (ctx.save_for_backward(a), a.sin())[1]),
        "backward": staticmethod(backward)})
