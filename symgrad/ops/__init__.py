"""The op table, by family; importing this package attaches every registered
method and operator to ``Tensor``."""
import warnings

from . import table, elementwise, reduce, shape, conversions  # noqa: F401
from . import index, indexing, linalg, nn, sorting, arrange, stats  # noqa: F401
from .table import OPS, FUNCTIONS, METHODS
from ..tensor import Tensor
from ..creation import from_numpy, tensor
import numpy as np


def _mT(self):
    nd = self._data.ndim
    if nd == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    if nd == 0:
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=2)
        return self
    return shape.transpose(self, -2, -1)


def numpy_T(self):
    nd = self._data.ndim
    if nd == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=2)
    elif nd != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                      "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                      "matrices or `x.permute(*symgrad.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of "
                      "a tensor.", UserWarning, stacklevel=2)
    return shape.permute(self, *range(nd - 1, -1, -1))


def attach():
    """Attach every registered method and operator to ``Tensor``."""
    for name, fn in METHODS.items():
        setattr(Tensor, name, fn)
    ew = elementwise

    def rsub(self, other):
        return ew.rsub(self, other)

    def rtruediv(self, other):
        return ew.reciprocal(self) * other

    def rfloordiv(self, other):
        return ew.floor_divide(other, self)

    def rpow(self, other):
        return ew.pow(other, self)

    def rmod(self, other):
        return ew.remainder(other, self)

    def matmul_(self, other):
        return linalg.matmul(self, other) if isinstance(other, Tensor) else NotImplemented

    def rmatmul(self, other):
        return linalg.matmul(other, self) if isinstance(other, Tensor) else NotImplemented

    operand = (Tensor, int, float, complex, np.generic, np.ndarray)
    numbers = {float, int, bool}

    def equality(fn):
        # as PyTorch, == and != with a non-number (None, a string, a list) compare identity
        def f(self, other):
            return fn(self, other) if isinstance(other, operand) else NotImplemented
        return f

    def binary(fn):
        # any other operand is Python's to refuse, with its own message
        # ("unsupported operand type(s) for +: 'Tensor' and 'str'"); an ndarray
        # takes part as a tensor of its dtype, as in PyTorch
        def f(self, other):
            if type(other) in numbers or isinstance(other, Tensor):
                return fn(self, other)
            if isinstance(other, np.ndarray):
                return fn(self, from_numpy(other) if other.ndim else tensor(other))
            if isinstance(other, (np.generic, complex)):
                return fn(self, other)
            return NotImplemented
        return f

    arithmetic = {
        "__add__": ew.add, "__radd__": ew.add, "__sub__": ew.sub, "__rsub__": rsub,
        "__mul__": ew.mul, "__rmul__": ew.mul, "__truediv__": ew.div, "__rtruediv__": rtruediv,
        "__floordiv__": ew.floor_divide, "__rfloordiv__": rfloordiv, "__mod__": ew.remainder,
        "__rmod__": rmod, "__pow__": ew.pow, "__rpow__": rpow,
        "__lt__": ew.lt, "__le__": ew.le, "__gt__": ew.gt, "__ge__": ew.ge,
        "__and__": ew.bitwise_and, "__or__": ew.bitwise_or, "__xor__": ew.bitwise_xor,
        "__rand__": ew.bitwise_and, "__ror__": ew.bitwise_or, "__rxor__": ew.bitwise_xor,
        "__lshift__": ew.bitwise_left_shift, "__rshift__": ew.bitwise_right_shift,
        "__rlshift__": lambda self, other: ew.bitwise_left_shift(other, self),
        "__rrshift__": lambda self, other: ew.bitwise_right_shift(other, self),
        "__iand__": METHODS["bitwise_and_"], "__ior__": METHODS["bitwise_or_"],
        "__ixor__": METHODS["bitwise_xor_"], "__ilshift__": METHODS["bitwise_left_shift_"],
        "__irshift__": METHODS["bitwise_right_shift_"],
        "__iadd__": METHODS["add_"], "__isub__": METHODS["sub_"], "__imul__": METHODS["mul_"],
        "__itruediv__": METHODS["div_"], "__ipow__": METHODS["pow_"],
        "__ifloordiv__": METHODS["floor_divide_"], "__imod__": METHODS["remainder_"],
    }
    ops = {
        "__matmul__": matmul_, "__rmatmul__": rmatmul, "__neg__": ew.negative, "__abs__": ew.abs,
        "__eq__": equality(ew.eq), "__ne__": equality(ew.ne), "__invert__": ew._invert,
        "__getitem__": indexing.getitem, "__setitem__": indexing.setitem,
        "__pos__": lambda self: self,
    }
    for k, v in arithmetic.items():
        setattr(Tensor, k, binary(v))
    for k, v in ops.items():
        setattr(Tensor, k, v)
    Tensor.__hash__ = object.__hash__          # identity, at C speed (__eq__ is elementwise)
    Tensor.T = property(numpy_T)
    Tensor.mT = property(_mT)

