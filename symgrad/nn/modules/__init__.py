"""``Module`` and the containers, layers, activations and losses built on it."""
from .module import Module, _clear_grad  # noqa: F401
from .container import Sequential, ModuleList  # noqa: F401
from .linear import Linear, Identity, Flatten, Dropout  # noqa: F401
from .activation import ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, GELU, SiLU, LeakyReLU, ELU, Softplus  # noqa: F401
from .loss import (MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss,  # noqa: F401
                   BCEWithLogitsLoss)
