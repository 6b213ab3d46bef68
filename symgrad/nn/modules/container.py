"""Containers: Sequential and ModuleList."""
from collections import OrderedDict

from .module import Module, _indent


# ================================================================ containers
class _ModuleSequence(Module):
    """What Sequential and ModuleList share: children kept in order, indexed
    by position, renumbered "0", "1", ... after an insertion or deletion."""

    def _index(self, idx):
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return list(self._modules)[idx % n]

    def _renumber(self, mods):
        self.__dict__["_modules"] = {}
        for k, m in enumerate(mods):
            self.add_module(str(k), m)

    def __setitem__(self, idx, module):
        setattr(self, self._index(idx), module)

    def __delitem__(self, idx):
        mods = list(self._modules.values())
        del mods[idx]
        self._renumber(mods)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def append(self, module):
        """Add ``module`` at the end.

        >>> import symgrad as sg
        >>> len(sg.nn.Sequential(sg.nn.ReLU()).append(sg.nn.Tanh()))
        2
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Add each of ``modules`` at the end.

        >>> import symgrad as sg
        >>> len(sg.nn.ModuleList().extend([sg.nn.ReLU(), sg.nn.Tanh()]))
        2
        """
        for m in modules:
            self.append(m)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index``.

        >>> import symgrad as sg
        >>> ml = sg.nn.ModuleList([sg.nn.ReLU()]); ml.insert(0, sg.nn.Tanh()); ml[0]
        Tanh()
        """
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._renumber(mods)

    def pop(self, index=-1):
        """Remove and return the module at ``index``.

        >>> import symgrad as sg
        >>> seq = sg.nn.Sequential(sg.nn.ReLU(), sg.nn.Tanh()); seq.pop(0), len(seq)
        (ReLU(), 1)
        """
        m = self[index]
        del self[index]
        return m


class Sequential(_ModuleSequence):
    """Modules applied in order; ``Sequential(a, b)(x) == b(a(x))``.

    >>> import symgrad as sg
    >>> net = sg.nn.Sequential(sg.nn.Linear(784, 256), sg.nn.ReLU(), sg.nn.Linear(256, 10))
    >>> net
    Sequential(
      (0): Linear(in_features=784, out_features=256, bias=True)
      (1): ReLU()
      (2): Linear(in_features=256, out_features=10, bias=True)
    )
    >>> net(sg.zeros(5, 784)).shape
    symgrad.Size([5, 10])
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for k, m in enumerate(args):
                self.add_module(str(k), m)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[self._index(idx)]

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def insert(self, index, module):
        """Insert ``module`` before position ``index``; returns the Sequential."""
        super().insert(index, module)
        return self

    def __add__(self, other):
        """A new Sequential of this one's modules, then ``other``'s (the same objects).

        >>> import symgrad as sg
        >>> len(sg.nn.Sequential(sg.nn.ReLU()) + sg.nn.Sequential(sg.nn.Tanh()))
        2
        """
        if not isinstance(other, Sequential):
            raise ValueError("add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        return Sequential(*self, *other)

    def __mul__(self, n):
        """A new Sequential repeating these modules ``n`` times (the same objects)."""
        if not isinstance(n, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(n)}")
        if n <= 0:
            raise ValueError(f"Non-positive multiplication factor {n} for {type(self)}")
        return Sequential(*(list(self) * n))

    __rmul__ = __mul__


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered.

    >>> import symgrad as sg
    >>> layers = sg.nn.ModuleList([sg.nn.Linear(4, 4) for _ in range(3)])
    >>> len(list(layers.parameters()))
    6
    >>> layers
    ModuleList(
      (0-2): 3 x Linear(in_features=4, out_features=4, bias=True)
    )
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[self._index(idx)]

    def __add__(self, other):
        """A new ModuleList of this one's modules, then ``other``'s."""
        return ModuleList([*self, *other])

    def _child_lines(self):
        # runs of identical children print once, as "(0-2): 3 x Linear(...)"
        items = [(name, repr(m)) for name, m in self._modules.items()]
        lines, k = [], 0
        while k < len(items):
            j = k
            while j + 1 < len(items) and items[j + 1][1] == items[k][1]:
                j += 1
            text = _indent(items[k][1], 2)
            if j == k:
                lines.append(f"({items[k][0]}): {text}")
            else:
                lines.append(f"({items[k][0]}-{items[j][0]}): {j - k + 1} x {text}")
            k = j + 1
        return lines
