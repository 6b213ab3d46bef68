"""Tensor factories and random numbers."""
import math
import warnings

import numpy as np

from . import dtypes as _dt
from .tensor import Tensor, Size, _wrap, check_device, GIVEN_NAMES, contiguous_strides, like_layout
from .ops.table import export, Op
from .ops._util import shape_kw
from . import engine

_rng = [np.random.default_rng()]


def manual_seed(seed):
    """Seed symgrad's random generator (draws differ from PyTorch's).

    >>> import symgrad as sg
    >>> _ = sg.manual_seed(0); a = sg.rand(2)
    >>> _ = sg.manual_seed(0); bool((a == sg.rand(2)).all())
    True
    """
    _rng[0] = np.random.default_rng(int(seed))
    return _rng[0]


def seed():
    _rng[0] = np.random.default_rng()


def _sizes(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be a sequence of ints, but got {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


SCALAR_OF_GRAD = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                  "Consider using tensor.detach() first.")
# factories and Parameter say it this way; requires_grad_() in lower case without "complex"
NO_GRAD_DTYPE = "Only Tensors of floating point and complex dtype can require gradients"


def _size_arg(fn, size, kw):
    """``*size``, or ``size=`` among the keywords ``kw`` (no other keyword is taken)."""
    for k in kw:
        if k != "size":
            raise TypeError(f"{fn}() got an unexpected keyword argument '{k}'")
    return shape_kw(fn, "size", size, kw.get("size"))


def _finish(arr, requires_grad=False, name=None, device=None):
    check_device(device)
    t = _wrap(contiguous_strides(arr))
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError(NO_GRAD_DTYPE)
        t._rg = True
    t._name = name
    if name:
        GIVEN_NAMES.add(name)
    return t


def _infer_dtype(data):
    """dtype of nested Python data, as ``torch.tensor`` infers it."""
    kinds = set()
    _kinds(data, kinds)
    if not kinds:
        return _dt.get_default_dtype()
    res = None
    for k in kinds:
        res = k if res is None else _dt.promote_types(res, k)
    return res


# module-level recursion: a recursive closure is a reference cycle, freed only by the collector
def _kinds(x, kinds):
    if isinstance(x, Tensor):
        kinds.add(x.dtype)
    elif isinstance(x, np.ndarray):
        kinds.add(_dt.from_numpy_dtype(x.dtype))
    elif isinstance(x, (list, tuple)):
        for y in x:
            _kinds(y, kinds)
    elif isinstance(x, np.generic):       # a numpy scalar keeps its dtype, as a 0-d array
        kinds.add(_dt.from_numpy_dtype(x.dtype))
    elif isinstance(x, bool):
        kinds.add(_dt.bool)
    elif isinstance(x, int):
        kinds.add(_dt.int64)
    elif isinstance(x, float):
        kinds.add(_dt.get_default_dtype())
    else:
        raise TypeError(f"Could not infer dtype of {type(x).__name__}")


def _unwrap(x, from_grad):
    if isinstance(x, Tensor):       # inside a list: a number, as float(x)
        x._scalar()
        if x.requires_grad:
            from_grad.append(True)
        return x._data.reshape(())
    if isinstance(x, (list, tuple)):
        return [_unwrap(y, from_grad) for y in x]
    return x


def _to_array(data, dtype):
    from_grad = []
    data = _unwrap(data, from_grad)
    if from_grad:
        warnings.warn(SCALAR_OF_GRAD, UserWarning, stacklevel=3)
    if dtype.np.kind in "iu":
        return _int_array(data, dtype)
    with np.errstate(over="ignore"):  # out-of-range values become inf, silently
        return np.array(data, dtype=dtype.np)


def _int_array(data, dtype):
    """``data`` as integer ``dtype`` by PyTorch's rule, each number by its own
    type: an int out of range is an error, except that an unsigned type takes
    -max..-1 and wraps it (-1 -> 255); a float must lie within the range.  An
    ndarray is cast, unchecked, as PyTorch casts one."""
    if isinstance(data, np.ndarray):
        return data.astype(dtype.np)
    try:
        raw = np.array(data)
    except OverflowError:
        raw = np.array(data, dtype=object)
    info = np.iinfo(dtype.np)
    if raw.size and raw.dtype.kind in "iuf" and not (raw.dtype.kind == "f" and info.min == 0 and raw.min() < 0) \
            and not (raw.dtype == np.uint64 and raw.max() >= 2 ** 63):
        lo = -info.max if info.min == 0 and raw.dtype.kind != "f" else info.min
        with np.errstate(invalid="ignore"):
            if not (lo <= raw.min() and raw.max() <= info.max):        # (nan compares false)
                raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")
            return raw.astype(dtype.np)
    if raw.dtype.kind in "iufO":
        raw = np.array(_checked_ints(data, dtype, info), dtype=object)
    return raw.astype(dtype.np)


def _checked_ints(v, dtype, info):
    # the number-by-number path of ``_int_array`` (mixed or huge numbers)
    if isinstance(v, (np.ndarray, np.generic)):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [_checked_ints(x, dtype, info) for x in v]
    if isinstance(v, int) and not -2 ** 63 <= v < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    lo = -info.max if info.min == 0 and isinstance(v, int) else info.min
    if not lo <= v <= info.max:
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")
    return int(v) % (1 << info.bits) if v < 0 and info.min == 0 else int(v)


@export(method=False)
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False, name=None):
    """A new tensor holding a copy of ``data`` (nested lists, numbers, ndarrays).

    ``name`` is the leaf's name in closed-form expressions.

    >>> import symgrad as sg
    >>> sg.tensor([5.5, 3])
    tensor([5.5000, 3.0000])
    >>> sg.tensor([[1, 2]], dtype=sg.float64)
    tensor([[1., 2.]], dtype=symgrad.float64)
    """
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than symgrad.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        arr = data._data.astype((dtype or data.dtype).np, copy=True)
    elif isinstance(data, np.ndarray) and dtype is None:
        _dt.from_numpy_dtype(data.dtype)
        arr = data.copy()
    else:
        arr = _to_array(data, dtype or _infer_dtype(data))
    if requires_grad and arr.dtype.kind != "f":
        raise RuntimeError(NO_GRAD_DTYPE)
    return _finish(arr, requires_grad, name, device)


@export(method=False)
def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with an ndarray or tensor when possible."""
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)       # a conversion keeps the graph
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


@export(method=False)
def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``.

    >>> import numpy as np, symgrad as sg
    >>> a = np.ones(2); b = sg.from_numpy(a); a += 1; b
    tensor([2., 2.], dtype=symgrad.float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def _factory(fill, doc_call, doc_out):
    fname = doc_call.split("(")[0]

    def fn(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
           memory_format=None, name=None, **kw):
        shp = _sizes(_size_arg(fname, size, kw))
        dt = dtype or _dt.get_default_dtype()
        arr = fill(shp, dt.np)
        if out is not None:
            out._data = arr
            return out
        return _finish(arr, requires_grad, name, device)
    fn.__doc__ = f"""{doc_out[0]}

    >>> import symgrad as sg
    >>> sg.{doc_call}
    {doc_out[1]}
    """
    return fn


zeros = export("zeros", method=False)(_factory(np.zeros, "zeros(2, 3)",
                                                ("A tensor of zeros.", "tensor([[0., 0., 0.],\n            [0., 0., 0.]])")))
ones = export("ones", method=False)(_factory(np.ones, "ones(2)", ("A tensor of ones.", "tensor([1., 1.])")))
empty = export("empty", method=False)(_factory(np.zeros, "empty(2).shape",
                                                ("An uninitialised tensor (zero-filled).", "symgrad.Size([2])")))


@export(method=False)
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, name=None, out=None):
    """A tensor filled with ``fill_value`` (dtype inferred from it).

    >>> import symgrad as sg
    >>> sg.full((2,), 7)
    tensor([7, 7])
    """
    if isinstance(fill_value, Tensor) and fill_value._data.ndim:
        raise TypeError("full(): argument 'fill_value' (position 2) must be Number, not Tensor")
    # as PyTorch, a 0-d tensor or numpy scalar fills as the Python number it holds
    v = fill_value.item() if isinstance(fill_value, (Tensor, np.generic)) else fill_value
    dt = dtype or _infer_dtype(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        from .ops.elementwise import _bound
        v = _bound(v, dt)           # PyTorch's overflow error, not numpy's (or a silent wrap)
    return _finish(np.full(_sizes((size,)) if isinstance(size, int) else _sizes(tuple(size)), v, dt.np),
                   requires_grad, name, device)


@export(method=False)
def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, name=None):
    """The identity matrix.

    >>> import symgrad as sg
    >>> sg.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    dt = dtype or _dt.get_default_dtype()
    return _finish(np.eye(n, n if m is None else m, dtype=dt.np), requires_grad, name, device)


@export(method=False)
def arange(start=None, end=None, step=1, *, dtype=None, device=None, requires_grad=False, name=None):
    """Values from ``start`` to ``end`` (exclusive) by ``step``.

    >>> import symgrad as sg
    >>> sg.arange(1, 3)
    tensor([1, 2])
    """
    if end is None:
        if start is None:
            _arange_unbounded(dtype is None and device is None and not requires_grad and name is None)
        start, end = 0, start
    elif start is None:
        start = 0
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if dtype is _dt.int64 and any(isinstance(v, float) for v in vals):
        vals = [int(v) for v in vals]      # PyTorch casts the bounds and step to int64 first
        if vals[2] == 0:
            raise ValueError("step must be nonzero")
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dtype = _dt.int64 if all(isinstance(v, (int, np.integer)) for v in vals) else _dt.get_default_dtype()
    if dtype.is_floating_point:
        n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
        arr = (vals[0] + np.arange(max(n, 0), dtype=np.float64) * vals[2]).astype(dtype.np)
    else:
        arr = np.arange(*vals, dtype=dtype.np)
    return _finish(arr, requires_grad, name, device)


def _arange_unbounded(no_arguments):
    if not no_arguments:
        raise TypeError('arange() missing 1 required positional arguments: "end"')
    opts = "symgrad.dtype dtype = None, symgrad.layout layout = None, symgrad.device device = None, " \
           "bool pin_memory = False, bool requires_grad = False)"
    raise TypeError("arange() received an invalid combination of arguments - got (), but expected one of:\n"
                    f" * (Number end, *, Tensor out = None, {opts}\n"
                    f" * (Number start, Number end, *, {opts}\n"
                    f" * (Number start, Number end, Number step = 1, *, Tensor out = None, {opts}\n")


@export(method=False)
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False, name=None):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> import symgrad as sg
    >>> sg.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    dt = dtype or _dt.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps <= 1:
        return _finish(np.full(steps, start).astype(dt.np), requires_grad, name, device)
    # PyTorch's CPU kernel: the first half counts up from start and the rest
    # down from end; float32 products and sums are fused (one rounding), so
    # they are carried in a wider type.
    st = np.float64 if dt.np.kind in "iub" else dt.np.type
    s, e = st(dt.np.type(start)), st(dt.np.type(end))
    step = (e - s) / st(steps - 1)
    wide = {np.float32: np.float64, np.float64: np.longdouble}.get(st, st)
    i = np.arange(steps)
    h = steps // 2
    vals = np.concatenate([(wide(s) + wide(step) * i[:h].astype(wide)).astype(st),
                           (wide(e) - wide(step) * (steps - 1 - i[h:]).astype(wide)).astype(st)])
    return _finish(vals.astype(dt.np), requires_grad, name, device)


@export(method=False)
def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    dt = dtype or _dt.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # PyTorch's CPU kernel: exponents count up from start for the first half and down from end for
    # the rest, each raised by a double-precision pow
    st = np.float64 if dt.np.kind in "iub" else dt.np.type
    s, e = st(start), st(end)
    step = (e - s) / st(steps - 1) if steps > 1 else st(0)
    h = max(steps // 2, 1)
    ex = [s + step * st(i) if i < h else e - step * st(steps - 1 - i) for i in range(steps)]
    vals = np.array([math.pow(float(base), float(x)) for x in ex], np.float64)
    return _finish(vals.astype(dt.np), requires_grad, None, device)


def _float_dtype(dtype, kernel):
    dt = dtype or _dt.get_default_dtype()
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt.scalar_name}\'')
    return dt


@export(method=False)
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, name=None, **kw):
    """Uniform samples on [0, 1).

    >>> import symgrad as sg
    >>> sg.rand(5, 3).shape
    symgrad.Size([5, 3])
    """
    dt = _float_dtype(dtype, "check_uniform_bounds")
    g = generator or _rng[0]
    return _finish(g.random(_sizes(_size_arg("rand", size, kw))).astype(dt.np), requires_grad, name, device)


@export(method=False)
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, name=None, **kw):
    """Standard normal samples.

    >>> import symgrad as sg
    >>> sg.randn(2, 2).dtype
    symgrad.float32
    """
    dt = _float_dtype(dtype, "normal_kernel_cpu")
    g = generator or _rng[0]
    return _finish(g.standard_normal(_sizes(_size_arg("randn", size, kw))).astype(dt.np), requires_grad, name, device)


_C_NAME = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int", "int64": "long"}


@export(method=False)
def randint(low=0, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers uniform on [low, high).

    >>> import symgrad as sg
    >>> sg.randint(0, 10, (3,)).dtype
    symgrad.int64
    """
    if size is None:            # randint(high, size)
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    dt = dtype or _dt.int64
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt.np.kind in "iu":
        info, c = np.iinfo(dt.np), _C_NAME.get(dt.np.name, dt.np.name)
        if not info.min <= low <= info.max:
            raise RuntimeError(f"from is out of bounds for {c}")
        if not info.min <= high - 1 <= info.max:
            raise RuntimeError(f"to - 1 is out of bounds for {c}")
    g = generator or _rng[0]
    return _finish(g.integers(low, high, size=_sizes((size,)) if isinstance(size, int) else tuple(size)).astype(dt.np),
                   requires_grad, None, device)


@export(method=False)
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of ``0..n-1``.

    >>> import symgrad as sg
    >>> sorted(sg.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    dt = dtype or _dt.int64
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dt.np.kind == "b":
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    if dt.np.kind in "iu" and n - 1 > np.iinfo(dt.np).max:
        raise RuntimeError(f"value cannot be converted to type {dt.np.name}_t without overflow")
    g = generator or _rng[0]
    return _finish(g.permutation(n).astype(dt.np), requires_grad, None, device)


@export(method=False)
def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples; ``mean``/``std`` may be tensors (their broadcast shape) or numbers with ``size``.

    >>> import symgrad as sg
    >>> sg.normal(2., 3., size=(2,)).shape
    symgrad.Size([2])
    """
    g = generator or _rng[0]
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if isinstance(std, Tensor):
        if (s < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif s < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {s:g}")
    if size is None:
        size = np.broadcast_shapes(np.shape(m), np.shape(s))
    dt = dtype or (mean.dtype if isinstance(mean, Tensor) else std.dtype if isinstance(std, Tensor)
                   else _dt.get_default_dtype())
    if dt.np.kind != "f":
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for \'{dt.scalar_name}\'')
    sample = (m + s * g.standard_normal(tuple(size))).astype(dt.np)
    grads = [isinstance(v, Tensor) and v.requires_grad for v in (mean, std)]
    if any(grads) and engine.is_grad_enabled():
        # as PyTorch: recorded, passing zero gradients back to the mean and std
        return engine.call(_NORMAL[grads[0] + 2 * grads[1]], mean, std, sample=sample)
    return _finish(sample, requires_grad, None, device)


_NORMAL = {k: Op(f"normal_sample{k}", f"NormalBackward{k}", lambda xp, mean, std, sample: sample,
                 (lambda xp, g, ans, mean, std, sample: xp.zeros_like(g),) * 2) for k in (1, 2, 3)}


@export(method=False)
def bernoulli(input, p=None, *, generator=None):
    g = generator or _rng[0]
    prob = input._data if p is None else np.full(input._data.shape, p)
    return _wrap((g.random(input._data.shape) < prob).astype(input._data.dtype))


# ------------------------------------------------------------ *_like, new_*
def _like(fill_fn):
    def fn(input, *, dtype=None, device=None, requires_grad=False, memory_format=None, name=None):
        _dt.check_memory_format(fill_fn.__name__ + "_like", memory_format, input._data.ndim)
        return _preserve_layout(input, fill_fn(*input.shape, dtype=dtype or input.dtype, device=device,
                                               requires_grad=requires_grad, name=name))
    return fn


def _preserve_layout(input, r):
    r._data = like_layout(input._data, r._data)
    return r


zeros_like = export("zeros_like", method=False)(_like(zeros))
ones_like = export("ones_like", method=False)(_like(ones))
empty_like = export("empty_like", method=False)(_like(empty))
rand_like = export("rand_like", method=False)(_like(rand))
randn_like = export("randn_like", method=False)(_like(randn))
zeros_like.__doc__ = """Zeros with ``input``'s shape and dtype.

    >>> import symgrad as sg
    >>> sg.zeros_like(sg.tensor([1, 2]))
    tensor([0, 0])
    """
ones_like.__doc__ = "Ones with ``input``'s shape and dtype."
empty_like.__doc__ = "An uninitialised tensor with ``input``'s shape and dtype."
rand_like.__doc__ = "Uniform samples with ``input``'s shape (and dtype unless given)."
randn_like.__doc__ = """Normal samples with ``input``'s shape (and dtype unless given).

    >>> import symgrad as sg
    >>> sg.randn_like(sg.ones(2, dtype=sg.float64), dtype=sg.float).dtype
    symgrad.float32
    """


@export(method=False)
def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _preserve_layout(input, full(input.shape, fill_value, dtype=dtype or input.dtype, device=device,
                                        requires_grad=requires_grad))


@export(method=False)
def randint_like(input, low=0, high=None, *, dtype=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype)


def _new(fill_fn):
    def fn(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return fill_fn(*size, **kw, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
    return fn


new_ones = export("new_ones", function=False)(_new(ones))
new_zeros = export("new_zeros", function=False)(_new(zeros))
new_empty = export("new_empty", function=False)(_new(empty))
new_ones.__doc__ = """Ones with ``self``'s dtype unless given.

    >>> import symgrad as sg
    >>> sg.tensor([1.]).new_ones(2, dtype=sg.float64)
    tensor([1., 1.], dtype=symgrad.float64)
    """


@export(function=False)
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


@export(function=False)
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
