"""Adam (with the AMSGrad variant and L2 or decoupled weight decay), by
PyTorch's update equations."""
import math
import numpy as np

from .. import dtypes as _dt

from .optimizer import Optimizer, check_nonneg, check_flags
from .. import engine
from ..tensor import _wrap


class Adam(Optimizer):
    """For each parameter with a gradient ``g``, at step ``t``::

        g = -g if maximize;  g = g + weight_decay * p   (p *= 1 - lr * weight_decay if decoupled)
        m = m + (1 - beta1) * (g - m)
        v = beta2 * v + (1 - beta2) * g * g
        v_hat = max(v_hat, v) if amsgrad else v
        p = p - lr / (1 - beta1 ** t) * m / (sqrt(v_hat) / sqrt(1 - beta2 ** t) + eps)

    >>> import symgrad as sg
    >>> w = sg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = sg.optim.Adam([w], lr=0.1)
    >>> w.grad = 2 * w.detach()          # the gradient of (w ** 2).sum()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_nonneg(lr, "learning rate")
        check_nonneg(eps, "epsilon value")
        for k, b in enumerate(betas):
            if not 0.0 <= b < 1.0:
                raise ValueError(f"Invalid beta parameter at index {k}: {b}")
        check_nonneg(weight_decay, "weight_decay value")
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        check_flags(defaults)
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = self._closure(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay, amsgrad, maximize = group["weight_decay"], group["amsgrad"], group["maximize"]
            decoupled = group["decoupled_weight_decay"]
            for p in group["params"]:
                if p._grad is None:
                    continue
                data = p._data
                g = p._grad._data
                if maximize:
                    g = -g
                state = self.state[p]
                if not state:
                    state["step"] = _wrap(np.zeros((), _dt.get_default_dtype().np))
                    state["exp_avg"] = _wrap(np.zeros_like(data))
                    state["exp_avg_sq"] = _wrap(np.zeros_like(data))
                    if amsgrad:
                        state["max_exp_avg_sq"] = _wrap(np.zeros_like(data))
                state["step"]._data += 1
                t = float(state["step"]._data)
                if weight_decay != 0:
                    if decoupled:
                        data *= 1 - lr * weight_decay
                    else:
                        g = g + weight_decay * data
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                m += (1 - beta1) * (g - m)
                v *= beta2
                v += (1 - beta2) * (g * g)
                if amsgrad:
                    vmax = state["max_exp_avg_sq"]._data
                    np.maximum(vmax, v, out=vmax)
                    v = vmax
                denom = np.sqrt(v) / math.sqrt(1 - beta2 ** t)
                denom += eps
                data -= (lr / (1 - beta1 ** t)) * (m / denom)
                engine.modified(p)
        return loss
