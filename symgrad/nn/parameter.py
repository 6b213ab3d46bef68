"""``Parameter``: a tensor that a ``Module`` registers as trainable."""
from ..tensor import Tensor, _init, _wrap


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and that ``Module``
    registers when assigned as an attribute.  It shares storage with ``data``.

    >>> import symgrad as sg
    >>> sg.nn.Parameter(sg.ones(2))
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..creation import empty
            data = empty(0)
        self = object.__new__(cls)
        _init(self, data._data, None, -1)
        self._vc = data._vc
        if requires_grad and self._data.dtype.kind != "f":
            from ..creation import NO_GRAD_DTYPE
            raise RuntimeError(NO_GRAD_DTYPE)
        self._rg = bool(requires_grad)
        return self

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data.copy(), self._rg))


def _rebuild(arr, requires_grad):
    return Parameter(_wrap(arr), requires_grad)
