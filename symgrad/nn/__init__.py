"""``symgrad.nn``: modules, parameters, losses and initialisers, as ``torch.nn``.

>>> import symgrad as sg
>>> model = sg.nn.Sequential(sg.nn.Linear(4, 3), sg.nn.Tanh(), sg.nn.Linear(3, 2))
>>> loss_fn = sg.nn.CrossEntropyLoss()
>>> def backprop(x, y):
...     loss_fn(model(x), y).backward()
>>> backprop(sg.ones(5, 4), sg.tensor([0, 1, 1, 0, 1]))
>>> model[0].weight.grad.shape
symgrad.Size([3, 4])
"""
from .parameter import Parameter  # noqa: F401
from .modules import (Module, Sequential, ModuleList, Linear, Identity, Flatten, Dropout,  # noqa: F401
                      ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, GELU, SiLU, LeakyReLU, ELU, Softplus,
                      MSELoss, L1Loss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss,
                      BCEWithLogitsLoss)
from . import functional, init  # noqa: F401
