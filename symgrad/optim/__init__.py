"""``symgrad.optim``: optimisers updating parameters in place, as ``torch.optim``.

>>> import symgrad as sg
>>> model = sg.nn.Linear(3, 1)
>>> opt = sg.optim.Adam(model.parameters(), lr=0.01)
>>> def train_step(x):
...     opt.zero_grad()
...     model(x).pow(2).mean().backward()
...     opt.step()
>>> train_step(sg.ones(4, 3))
"""
from .optimizer import Optimizer  # noqa: F401
from .sgd import SGD  # noqa: F401
from .adam import Adam  # noqa: F401
