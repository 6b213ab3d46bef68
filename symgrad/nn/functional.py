"""``symgrad.nn.functional``: losses, activations, ``linear`` and ``dropout``
as in ``torch.nn.functional``.  Losses with a PyTorch backward node of their
own are primitives in ``symgrad/ops/nn.py``; the rest compose existing ops.
"""
import warnings
import math

import numpy as np

from ..ops.nn import (mse_loss, l1_loss, smooth_l1_loss, huber_loss, nll_loss, cross_entropy,  # noqa: F401
                      binary_cross_entropy, binary_cross_entropy_with_logits, gelu, silu)
from ..ops import elementwise as _ew, reduce as _rd, linalg as _la
from ..tensor import _wrap


def relu(input, inplace=False):
    """``max(input, 0)``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.relu(sg.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return input.relu_() if inplace else _ew.relu(input)


def sigmoid(input):
    """``1 / (1 + exp(-input))``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.sigmoid(sg.tensor([0.]))
    tensor([0.5000])
    """
    return _ew.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.tanh(sg.tensor([0.]))
    tensor([0.])
    """
    return _ew.tanh(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``input`` where positive, else ``negative_slope * input``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.leaky_relu(sg.tensor([-2., 3.]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    if inplace:
        from .. import engine
        return engine.call_inplace(_ew.leaky_relu_op, input, (), {"negative_slope": negative_slope})
    return _ew.leaky_relu(input, negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """``input`` where positive, else ``alpha * (exp(input) - 1)``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.elu(sg.tensor([-1., 1.]))
    tensor([-0.6321,  1.0000])
    """
    if inplace:
        from .. import engine
        return engine.call_inplace(_ew.elu_op, input, (), {"alpha": alpha})
    return _ew.elu(input, alpha)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * input)) / beta``, linear where ``beta * input > threshold``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.softplus(sg.tensor([0., 30.]))
    tensor([ 0.6931, 30.0000])
    """
    return _ew.softplus(input, beta, threshold)


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(input) / sum(exp(input), dim)``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.softmax(sg.tensor([[0., 0.]]), dim=1)
    tensor([[0.5000, 0.5000]])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return _rd.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(input, dim))``, computed stably.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.log_softmax(sg.tensor([[0., 0.]]), dim=1)
    tensor([[-0.6931, -0.6931]])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return _rd.log_softmax(input, dim, dtype)


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``; inputs with other than two dims are
    flattened to a matrix and reshaped back, as PyTorch does.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.linear(sg.tensor([[1., 2.]]), sg.tensor([[1., 1.], [0., 3.]]), sg.tensor([0.5, 0.]))
    tensor([[3.5000, 6.0000]])
    """
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {input.ndim}D "
                           f"and {weight.ndim}D")
    if input.ndim == 2 and weight.ndim == 2:
        return _linear2d(input, weight, bias)
    if weight.ndim == 1 and bias is not None and input.ndim == 2:
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    if bias is not None and weight.ndim == 2 and input.is_contiguous():
        lead = tuple(input.shape[:-1])
        flat = input.reshape(math.prod(lead), input.shape[-1])
        return _linear2d(flat, weight, bias).reshape(*lead, weight.shape[0])
    out = _la.matmul(input, weight.t() if weight.ndim == 2 else weight)
    return out if bias is None else out + bias


def _linear2d(input, weight, bias):
    wt = weight.t()
    if bias is None:
        return _la.matmul(input, wt)
    return _la.addmm(bias, input, wt)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)`` while ``training``; the identity otherwise.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> x = sg.ones(4)
    >>> F.dropout(x, 0.5, training=False) is x
    True
    >>> sorted(set(F.dropout(x, 0.5).tolist()) | {0.0, 2.0})
    [0.0, 2.0]
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    from ..creation import _rng
    dt = input._data.dtype
    if dt.kind != "f":
        if p < 1:
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{input.dtype.scalar_name}")
        return input.mul_(_wrap(np.zeros((), dt))) if inplace else input * _wrap(np.zeros(input._data.shape, dt))
    keep = _rng[0].random(input._data.shape) >= p
    mask = _wrap(np.zeros(input._data.shape, dt) if p == 1 else keep.astype(dt) / dt.type(1 - p))
    return input.mul_(mask) if inplace else input * mask


__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "relu", "sigmoid", "tanh", "softmax",
           "log_softmax", "linear", "gelu", "silu", "leaky_relu", "elu", "softplus", "dropout"]
