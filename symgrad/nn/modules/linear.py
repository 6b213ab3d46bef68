"""Layers with parameters or fixed reshaping: Linear, Identity, Flatten, Dropout."""
import math

from .. import functional as F, init
from ..parameter import Parameter
from ...tensor import check_device
from .module import Module


# =================================================================== layers
class Linear(Module):
    """``y = x @ weight.T + bias`` with weight and bias drawn from
    U(-1/sqrt(in_features), 1/sqrt(in_features)), as PyTorch initialises them.

    >>> import symgrad as sg
    >>> fc = sg.nn.Linear(784, 256)
    >>> fc
    Linear(in_features=784, out_features=256, bias=True)
    >>> fc(sg.zeros(3, 784)).shape
    symgrad.Size([3, 256])
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        from ...creation import empty
        check_device(device)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw weight and bias from PyTorch's default distribution."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input.

    >>> import symgrad as sg
    >>> sg.nn.Identity()(sg.tensor([1.]))
    tensor([1.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` (all but the batch dim by default).

    >>> import symgrad as sg
    >>> sg.nn.Flatten()(sg.zeros(2, 1, 28, 28)).shape
    symgrad.Size([2, 784])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """``F.dropout`` while training, the identity after ``eval()``.

    >>> import symgrad as sg
    >>> sg.nn.Dropout(0.2)
    Dropout(p=0.2, inplace=False)
    >>> sg.nn.Dropout().eval()(sg.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
