"""Named result tuples, printed as PyTorch prints its ``return_types``."""


class ReturnType(tuple):
    """A tuple with named fields.

    >>> import symgrad as sg
    >>> r = sg.tensor([[1, 5], [7, 2]]).max(1)
    >>> type(r).__name__, r.indices
    ('max', tensor([1, 0]))
    """
    __slots__ = ()
    _fields = ()
    _name = ""

    def __new__(cls, *xs):
        return tuple.__new__(cls, xs)

    def __getattr__(self, name):
        if name in self._fields:
            return self[self._fields.index(name)]
        raise AttributeError(name)

    def __repr__(self):
        body = ",\n".join(f"{f}={x!r}" for f, x in zip(self._fields, self))
        return f"symgrad.return_types.{self._name}(\n{body})"


_VALUES_INDICES = {}


def values_indices(name):
    """The ``(values, indices)`` result type of op ``name`` (max, min, sort, topk)."""
    cls = _VALUES_INDICES.get(name)
    if cls is None:
        cls = _VALUES_INDICES[name] = type(name, (ReturnType,), {
            "__slots__": (), "_fields": ("values", "indices"), "_name": name,
            "__module__": "symgrad.return_types", "__doc__": f"``(values, indices)`` of ``{name}``."})
    return cls
