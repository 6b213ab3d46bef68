"""dtypes and PyTorch's type-promotion rules."""
import numpy as np

__all__ = ["dtype", "float16", "half", "float32", "float", "float64", "double",
           "int8", "uint8", "int16", "short", "int32", "int", "int64", "long", "bool",
           "get_default_dtype", "set_default_dtype", "promote_types", "result_type"]


class dtype:
    """A tensor element type; prints as ``symgrad.float32`` etc."""
    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_signed", "_cat", "scalar_name", "c_name")

    def __init__(self, name, np_type, cat, scalar_name, c_name):
        self.name = name
        self.scalar_name = scalar_name      # PyTorch's name in error texts; + "Tensor": the legacy type
        self.c_name = c_name                # its C++ type, which other PyTorch error texts name
        self.np = np.dtype(np_type)
        self.itemsize = self.np.itemsize
        self.is_floating_point = cat == 2
        self.is_signed = name not in ("uint8", "bool")
        self._cat = cat

    def __repr__(self):
        return "symgrad." + self.name

    def __reduce__(self):
        return self.name


float16 = half = dtype("float16", np.float16, 2, "Half", "c10::Half")
float32 = float = dtype("float32", np.float32, 2, "Float", "float")
float64 = double = dtype("float64", np.float64, 2, "Double", "double")
int8 = dtype("int8", np.int8, 1, "Char", "signed char")
uint8 = dtype("uint8", np.uint8, 1, "Byte", "unsigned char")
int16 = short = dtype("int16", np.int16, 1, "Short", "short int")
int32 = int = dtype("int32", np.int32, 1, "Int", "int")
int64 = long = dtype("int64", np.int64, 1, "Long", "long int")
bool = dtype("bool", np.bool_, 0, "Bool", "bool")

_ALL = (float16, float32, float64, int8, uint8, int16, int32, int64, bool)
_FROM_NP = {d.np: d for d in _ALL}
_DEFAULT = [float32]


def from_numpy_dtype(np_dtype):
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types are: "
                        "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None


def get_default_dtype():
    """The dtype of new floating tensors (``float32`` unless changed).

    >>> import symgrad as sg
    >>> sg.get_default_dtype()
    symgrad.float32
    """
    return _DEFAULT[0]


def set_default_dtype(d):
    """Set the dtype used for new floating tensors and Python floats.

    >>> import symgrad as sg
    >>> sg.set_default_dtype(sg.float64); sg.tensor([1.5]).dtype
    symgrad.float64
    >>> sg.set_default_dtype(sg.float32)
    """
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _DEFAULT[0] = d


def promote_types(a, b):
    """PyTorch's ``promote_types``: the higher category wins, else numpy's lattice.

    >>> import symgrad as sg
    >>> sg.promote_types(sg.int64, sg.float16)
    symgrad.float16
    """
    if a is b:
        return a
    if a._cat != b._cat:
        return a if a._cat > b._cat else b
    return _FROM_NP[np.promote_types(a.np, b.np)]


def _scalar_dtype(v):
    t = type(v)
    if t not in _NUMBERS:
        if isinstance(v, (complex, np.complexfloating)):
            raise TypeError("complex numbers are not supported: symgrad has no complex dtype")
        if not isinstance(v, (_numbers.Number, np.ndarray)):
            raise TypeError(f"unsupported operand type(s): 'Tensor' and '{t.__name__}'")
    if t is builtins_bool or isinstance(v, np.bool_):
        return bool
    if t is builtins_int or isinstance(v, np.integer):
        return int64
    return _DEFAULT[0]


import builtins as _b
import numbers as _numbers
builtins_bool, builtins_int = _b.bool, _b.int
_NUMBERS = {_b.bool, _b.int, _b.float}


def result_type(*operands):
    """Result dtype of an elementwise op, by PyTorch's three tiers:
    dimensioned tensors, then 0-d tensors, then Python scalars, where a later tier
    counts only if its category (bool < int < float) is higher."""
    dim = zero = scal = None
    for o in operands:
        d = getattr(o, "dtype", None)
        if isinstance(d, dtype):
            if o.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif o is not None:
            s = _scalar_dtype(o)
            scal = s if scal is None or s._cat > scal._cat else scal
    res = dim
    if zero is not None and (res is None or zero._cat > res._cat):
        res = zero
    if scal is not None and (res is None or scal._cat > res._cat):
        res = scal
    return res


class memory_format:
    """A memory layout name, as PyTorch's.  symgrad keeps every tensor in
    numpy's row-major (or transposed-view) layouts: the formats are accepted
    and checked but do not reorder storage.

    >>> import symgrad as sg
    >>> sg.contiguous_format
    symgrad.contiguous_format
    """
    __slots__ = ("_name",)
    __module__ = "symgrad"

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"symgrad.{self._name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


def check_memory_format(fn, value, ndim):
    """PyTorch's errors for ``memory_format=value`` given to ``fn`` on a tensor of ``ndim`` dims."""
    if value is None:
        return
    if not isinstance(value, memory_format):
        raise TypeError(f"{fn}(): argument 'memory_format' must be symgrad.memory_format, not {type(value).__name__}")
    rank = {"channels_last": 4, "channels_last_3d": 5}.get(value._name)
    if rank is not None and ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {value._name} format")
