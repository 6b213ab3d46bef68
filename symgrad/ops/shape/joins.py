"""Shape copies and joins: clone, contiguous, flip, repeat, cat, stack, split, chunk, unbind."""
import numpy as np

from ..table import Op, export
from .._util import call, with_out, shape_kw
from .._util import dims as _dims         # (flip takes a parameter named dims)
from ...tensor import _wrapdim, like_layout
from ... import engine
from ... import dtypes as _dt
from .views import _shape_args, view_call, getitem_op, link_view

clone_op = Op("clone", "CloneBackward0", lambda xp, a: xp.copy(a), (lambda xp, g, ans, a: g,))
# clone keeps a transposed layout (as PyTorch's preserve_format); contiguous copies in row-major order
contiguous_op = Op("contiguous", "CloneBackward0", lambda xp, a: xp.copy(a, "C"), (lambda xp, g, ans, a: g,))
to_op = Op("to_copy", "ToCopyBackward0", lambda xp, a, dtype: xp.astype(a, dtype),
           (lambda xp, g, ans, a, dtype: g,))
flip_op = Op("flip", "FlipBackward0", lambda xp, a, dims: xp.flip(a, dims) if dims else xp.copy(a),
             (lambda xp, g, ans, a, dims: xp.flip(g, dims) if dims else g,))


def _tile_fwd(xp, a, reps):
    return xp.tile(a, reps)


def _tile_vjp(xp, g, ans, a, reps):
    shp = (1,) * (len(reps) - len(a.shape)) + tuple(a.shape)
    split = []
    for r, s in zip(reps, shp):
        split += [r, s]
    g = xp.reshape(g, tuple(split))
    return xp.sum(g, axis=tuple(range(0, 2 * len(reps), 2)))


repeat_op = Op("repeat", "RepeatBackward0", _tile_fwd, (_tile_vjp,))


# a size of None: a legacy empty input (shape (0,)), which PyTorch's cat skips
# whatever the other inputs' shapes, and whose gradient is empty
def _cat_vjp(xp, k, g, ans, *ts, dim, sizes):
    if sizes[k] is None:
        return xp.reshape(g, (-1,))[:0]
    start = sum(s for s in sizes[:k] if s is not None)
    return g[(slice(None),) * dim + (slice(start, start + sizes[k]),)]


cat_op = Op("cat", "CatBackward0",
            lambda xp, *ts, dim, sizes: xp.concatenate([t for t, n in zip(ts, sizes) if n is not None], axis=dim),
            _cat_vjp)
stack_op = Op("stack", "StackBackward0", lambda xp, *ts, dim: xp.stack(ts, axis=dim),
              lambda xp, k, g, ans, *ts, dim: g[(slice(None),) * dim + (k,)])


def _split_fwd(xp, a, dim, sizes):
    out, start = [], 0
    for s in sizes:
        out.append(a[(slice(None),) * dim + (slice(start, start + s),)])
        start += s
    return tuple(out)


def _split_vjp(xp, g, ans, a, dim, sizes):
    return xp.concatenate(g, axis=dim)


# split(int) and split(list of sizes) are two ops in PyTorch, each with its node name
split_op = Op("split", "SplitBackward0", _split_fwd, (_split_vjp,), n_out=-1)
split_with_sizes_op = Op("split_with_sizes", "SplitWithSizesBackward0", _split_fwd, (_split_vjp,), n_out=-1)
unbind_op = Op("unbind", "UnbindBackward0",
               lambda xp, a, dim: tuple(a[(slice(None),) * dim + (k, Ellipsis)] for k in range(a.shape[dim])),
               (lambda xp, g, ans, a, dim: xp.stack(g, axis=dim),), n_out=-1)


@export()
def clone(input, *, memory_format=None):
    """A copy recorded in the graph (gradients flow back to ``input``).

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]).clone(memory_format=sg.contiguous_format)
    tensor([1, 2])
    """
    _dt.check_memory_format("clone", memory_format, input._data.ndim)
    if memory_format is _dt.contiguous_format:
        return call(contiguous_op, input)
    return call(clone_op, input)


@export()
def contiguous(input, *, memory_format=None):
    """``input`` itself when C-contiguous, else a contiguous copy."""
    _dt.check_memory_format("contiguous", memory_format, input._data.ndim)
    if input._data.flags.c_contiguous:
        return input
    return call(contiguous_op, input)


def to_dtype(input, dtype, copy=False):
    if dtype is input.dtype and not copy:
        return input
    return call(to_op, input, dtype=dtype)


@export()
def flip(input, *args, dims=None):
    """Reverse the order of elements along ``dims`` (a copy).

    >>> import symgrad as sg
    >>> sg.tensor([1, 2, 3]).flip(0)
    tensor([3, 2, 1])
    """
    dims = _shape_args(args if dims is None else (dims,))
    ds = _dims(list(dims), input._data.ndim)
    r = call(flip_op, input, dims=ds or ())
    r._data = like_layout(input._data, r._data)     # PyTorch lays the copy out as the input
    return r


@export()
def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


@export()
def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


@export(function=False)
def repeat(self, *sizes, repeats=None):
    """Tile the tensor ``sizes`` times along each dim (a copy).

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    reps = _shape_args(shape_kw("repeat", "repeats", sizes, repeats))
    if len(reps) < self._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    return call(repeat_op, self, reps=reps)


@export()
def tile(input, *args, dims=None):
    """``repeat`` with ``dims`` padded with leading 1s to the tensor's dims.

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2]]).tile(2)
    tensor([[1, 2, 1, 2]])
    """
    reps = _shape_args(args if dims is None else (dims,))
    reps = (1,) * (input._data.ndim - len(reps)) + reps
    return repeat(input, *reps)


@export(method=False)
def cat(tensors, dim=0, *, out=None):
    """Concatenate along an existing dim.

    >>> import symgrad as sg
    >>> sg.cat([sg.tensor([1, 2]), sg.tensor([3])])
    tensor([1, 2, 3])
    """
    tensors = [t for t in tensors]
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    legacy = [t._data.shape == (0,) for t in tensors]
    ref = next((t for t, e in zip(tensors, legacy) if not e), tensors[0])
    d = _wrapdim(dim, ref._data.ndim)
    if all(legacy):
        legacy = [False] * len(tensors)
    for k, t in enumerate(tensors):
        if legacy[k]:
            continue
        if t._data.ndim != ref._data.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref._data.ndim} and {t._data.ndim}")
        for j, (a, b) in enumerate(zip(t._data.shape, ref._data.shape)):
            if j != d and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{b} but got size {a} for tensor number {k} in the list.")
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = _dt.promote_types(dt, t.dtype)
    tensors = [to_dtype(t, dt) for t in tensors]
    sizes = tuple(None if e else t._data.shape[d] for t, e in zip(tensors, legacy))
    r = call(cat_op, *tensors, dim=d, sizes=sizes)
    if not r._data.flags.c_contiguous:      # numpy keeps transposed inputs' layout; PyTorch's result is contiguous
        r._data = np.ascontiguousarray(r._data)
    return with_out(r, out, "cat")


concat = export("concat", method=False)(cat)
concatenate = export("concatenate", method=False)(cat)


@export(method=False)
def stack(tensors, dim=0, *, out=None):
    """Join along a new dim.

    >>> import symgrad as sg
    >>> sg.stack([sg.tensor([1, 2]), sg.tensor([3, 4])], dim=1)
    tensor([[1, 3],
            [2, 4]])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for k, t in enumerate(tensors):
        if t._data.shape != tensors[0]._data.shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} "
                               f"at entry 0 and {list(t.shape)} at entry {k}")
    d = _wrapdim(dim, tensors[0]._data.ndim + 1)
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = _dt.promote_types(dt, t.dtype)
    tensors = [to_dtype(t, dt) for t in tensors]
    r = call(stack_op, *tensors, dim=d)
    if not r._data.flags.c_contiguous:
        r._data = np.ascontiguousarray(r._data)
    return with_out(r, out, "stack")


@export(method=False)
def hstack(tensors):
    tensors = [t.reshape(1) if not t._data.ndim else t for t in tensors]     # atleast_1d
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


@export(method=False)
def vstack(tensors):
    return cat([t if t._data.ndim > 1 else t.reshape(1, -1) for t in tensors], 0)


def _multi_view(res, x, op, params):
    for k, r in enumerate(res):
        if r._node is not None or np.may_share_memory(r._data, x._data):
            start = sum(params["sizes"][:k]) if "sizes" in params else k
            d = params["dim"]
            key = (slice(None),) * d + ((slice(start, start + params["sizes"][k]),) if "sizes" in params else (k,))
            link_view(r, x, getitem_op, {"key": key + (Ellipsis,), "name": "SliceBackward0"}, True)
    return res


@export(method=False, numpy=False)
def split(tensor, split_size_or_sections, dim=0):
    """Split into pieces of a given size (or list of sizes) along ``dim`` (views).

    >>> import symgrad as sg
    >>> sg.arange(5).split(2)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    d = _wrapdim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    single = isinstance(split_size_or_sections, (int, np.integer))
    if single:
        s = int(split_size_or_sections)
        if s <= 0 and n:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = tuple(min(s, n - i) for i in range(0, n, s)) if n else (0,)
    else:
        sizes = tuple(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's "
                               f"size at dimension {d}), but got split_sizes={list(sizes)}")
    op = split_op if single else split_with_sizes_op
    params = {"dim": d, "sizes": sizes}
    return _multi_view(engine.call(op, tensor, **params), tensor, op, params)


def _split_method(self, split_size, dim=0):
    """``split(self, split_size, dim)``.

    >>> import symgrad as sg
    >>> sg.arange(4).split(split_size=[1, 3])
    (tensor([0]), tensor([1, 2, 3]))
    """
    return split(self, split_size, dim)


# named as PyTorch's Python-level method, which Python's argument errors quote
_split_method.__name__, _split_method.__qualname__ = "split", "Tensor.split"
export("split", function=False, numpy=False)(_split_method)


@export()
def chunk(input, chunks, dim=0):
    """Split into ``chunks`` nearly equal pieces (views).

    >>> import symgrad as sg
    >>> len(sg.arange(5).chunk(2))
    2
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrapdim(dim, input._data.ndim)
    n = input._data.shape[d]
    if not n:               # as PyTorch: ``chunks`` empty pieces
        return split(input, [0] * chunks, d)
    return split(input, -(-n // chunks), d)


@export()
def tensor_split(input, indices_or_sections, dim=0):
    """``sections`` nearly equal pieces along ``dim``, or the pieces between
    the given ``indices`` (views; as PyTorch, each an ordinary slice).

    >>> import symgrad as sg
    >>> sg.tensor_split(sg.arange(5), [1, 3])
    (tensor([0]), tensor([1, 2]), tensor([3, 4]))
    """
    d = _wrapdim(dim, input._data.ndim)
    n = input._data.shape[d]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        sizes = [n // k + (1 if j < n % k else 0) for j in range(k)]
        cuts = list(np.cumsum(sizes[:-1]))
    else:
        cuts = [int(c) for c in indices_or_sections]
    bounds = [0] + cuts + [None]
    return tuple(view_call(getitem_op, input, key=(slice(None),) * d + (slice(a, b), Ellipsis), name="SliceBackward0")
                 for a, b in zip(bounds[:-1], bounds[1:]))


@export()
def unbind(input, dim=0):
    """Remove ``dim`` and return the slices along it (views).

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2], [3, 4]]).unbind(1)
    (tensor([1, 3]), tensor([2, 4]))
    """
    if not input._data.ndim:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrapdim(dim, input._data.ndim)
    params = {"dim": d}
    res = engine.call(unbind_op, input, **params)
    return _multi_view(res, input, unbind_op, params)


index_scatter_op = Op("index_scatter", "IndexBackwardBackward0",
                      lambda xp, g, shape, key: xp.index_add(shape, g.dtype, key, g),
                      (lambda xp, gg, ans, g, shape, key: gg[key],))
