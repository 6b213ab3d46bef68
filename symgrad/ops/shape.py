"""Shape ops: views (view, reshape, getitem, transpose, ...), copies and joins.

A view op's entry also carries ``view=put``, the functional inverse that
writes a new value of the view back into its base; in-place ops on views use
it (through ``copy_slices``) so their gradients reach the base.
"""
import math

import numpy as np

from .table import Op, export
from ._util import call, with_out, dims, shape_kw
from ._util import dims as _dims         # (flip takes a parameter named dims)
from ..tensor import Size, _wrap, _wrapdim, as_int, like_layout
from .. import engine
from .. import dtypes as _dt


def _reshape_put(xp, a, sub, **p):
    return xp.reshape(sub, a.shape)


def _permute_put(xp, a, sub, axes):
    return xp.transpose(sub, _inverse(axes))


def _inverse(axes):
    inv = [0] * len(axes)
    for i, a in enumerate(axes):
        inv[a] = i
    return tuple(inv)


def _reshape_fwd(xp, a, shape):
    return xp.reshape(a, shape)


def _reshape_vjp(xp, g, ans, a, shape):
    return xp.reshape(g, a.shape)


def _permute_fwd(xp, a, axes):
    return xp.transpose(a, axes)


def _permute_vjp(xp, g, ans, a, axes):
    return xp.transpose(g, _inverse(axes))


# ==================================================================== views
view_op = Op("view", "ViewBackward0", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
reshape_alias_op = Op("reshape_alias", "ReshapeAliasBackward0", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
unsafe_view_op = Op("reshape_copy", "UnsafeViewBackward0", _reshape_fwd, (_reshape_vjp,))
squeeze_op = Op("squeeze", "SqueezeBackward1", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
squeeze_dims_op = Op("squeeze_dims", "SqueezeBackward2", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
# squeeze_(dim) of a fresh result, as PyTorch's matmul of a vector by a matrix does: not a view
squeeze_dim_inplace_op = Op("squeeze_dim_", "SqueezeBackward4", _reshape_fwd, (_reshape_vjp,))
squeeze_all_op = Op("squeeze_all", "SqueezeBackward0", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
unsqueeze_op = Op("unsqueeze", "UnsqueezeBackward0", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
# the in-place forms (squeeze_, unsqueeze_): PyTorch names their nodes apart
squeeze_all_inplace_op = Op("squeeze_all_", "SqueezeBackward3", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
squeeze_inplace_op = Op("squeeze_", "SqueezeBackward4", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
squeeze_dims_inplace_op = Op("squeeze_dims_", "SqueezeBackward5", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
unsqueeze_inplace_op = Op("unsqueeze_", "UnsqueezeBackward1", _reshape_fwd, (_reshape_vjp,), view=_reshape_put)
permute_op = Op("permute", "PermuteBackward0", _permute_fwd, (_permute_vjp,), view=_permute_put)
transpose_op = Op("transpose", "TransposeBackward0", _permute_fwd, (_permute_vjp,), view=_permute_put)
t_op = Op("t", "TBackward0", _permute_fwd, (_permute_vjp,), view=_permute_put)
transpose_inplace_op = Op("transpose_", "TransposeBackward1", _permute_fwd, (_permute_vjp,), view=_permute_put)
t_inplace_op = Op("t_", "TBackward1", _permute_fwd, (_permute_vjp,), view=_permute_put)
alias_op = Op("alias", "AliasBackward0", lambda xp, a: a, (lambda xp, g, ans, a: g,),
              view=lambda xp, a, sub: sub)
expand_op = Op("expand", "ExpandBackward0",
               # to its own shape: a plain (writable) view, as PyTorch allows writing through it
               lambda xp, a, shape: a[...] if tuple(a.shape) == tuple(shape) else xp.broadcast_to(a, shape),
               # only an expand to its own shape is written through with a history (call_inplace)
               (lambda xp, g, ans, a, shape: g,), view=lambda xp, a, sub, shape: sub)


def _getitem_name(p):
    return p["name"]


def _getitem_put(xp, a, sub, key, name):
    return xp.index_put(a, key, sub)


getitem_op = Op("getitem", _getitem_name, lambda xp, a, key, name: a[key],
                (lambda xp, g, ans, a, key, name: xp.index_add(a.shape, g.dtype, key, g),),
                view=_getitem_put)
index_op = Op("index", "IndexBackward0", lambda xp, a, key: a[key],
              (lambda xp, g, ans, a, key: xp.index_add(a.shape, g.dtype, key, g),))
index_put_op = Op("index_put", "IndexPutBackward0", lambda xp, a, v, key: xp.index_put(a, key, v),
                  (lambda xp, g, ans, a, v, key: xp.index_put(g, key, 0),
                   lambda xp, g, ans, a, v, key: g[key]))
copy_op = Op("copy", "CopyBackwards", lambda xp, dst, src: xp.broadcast_to(src, dst.shape),
             (lambda xp, g, ans, dst, src: xp.zeros_like(g),
              lambda xp, g, ans, dst, src: g))
# writes of values that do not depend on the old ones: PyTorch names them apart from copy_
zero_op, fill_op, fill_key_op, normal_op, uniform_op = (
    Op(name, grad_fn, copy_op.forward, copy_op.vjp)
    for name, grad_fn in (("zero", "ZeroBackward0"), ("fill", "FillBackward2"), ("fill_key", "FillBackward3"),
                          ("normal", "NormalBackward0"), ("uniform", "UniformBackward0")))


def view_get(xp, a, chain):
    for op, params in chain:
        a = op.forward(xp, a, **params)
    return a


def view_put(xp, a, chain, v):
    """``a`` with the region that ``chain`` views replaced by ``v`` (functional)."""
    if not chain:
        return xp.broadcast_to(v, a.shape)
    op, params = chain[0]
    sub = op.forward(xp, a, **params)
    return op.view(xp, a, view_put(xp, sub, chain[1:], v), **params)


copy_slices_op = Op("copy_slices", "CopySlices", lambda xp, base, value, chain: view_put(xp, base, chain, value),
                    (lambda xp, g, ans, base, value, chain: view_put(xp, g, chain, 0),
                     lambda xp, g, ans, base, value, chain: view_get(xp, g, chain)))


def _as_view(r, x, op, params):
    """Mark ``r`` (the output of view op ``op`` on ``x``) as a view of ``x``'s base."""
    if r._data.size and not np.may_share_memory(r._data, x._data):
        return r            # numpy copied (an empty result is a view whatever the layout, as in PyTorch)
    base = x._base if x._base is not None else x
    r._base = base
    r._view = view_chain(x) + ((op, params),)
    r._vlay = len(base._relayout)
    if x._base is not None:
        r._vsrc = x
    r._vbase_node = base._node
    r._vc = x._vc
    r._vver = x._vc[0]
    if r._data.dtype.kind == "f":
        engine.mark_view(r, x, False)
    return r


def view_call(op, x, **params):
    return _as_view(call(op, x, **params), x, op, params)


def view_chain(t):
    """The (op, params) steps that make view ``t`` from its base as the base
    is laid out now: a base whose layout changed in place since the view was
    made (``t_``, ``squeeze_``, ...) is first brought back to its old layout."""
    if t._base is None:
        return ()
    undo = t._base._relayout[t._vlay:]
    return tuple(reversed(undo)) + t._view if undo else t._view


def rebuild_view(t):
    b = t._base
    if b._node is None:
        cur = b             # a leaf: the edge must reach it, for its .grad
    else:
        cur = _wrap(b._data, b._node, b._out)
    prev = engine._tls.grad
    engine._tls.grad = True
    try:
        for op, params in view_chain(t):
            cur = call(op, cur, **params)
    finally:
        engine._tls.grad = prev
    t._node = cur._node
    t._out = cur._out
    t._vbase_node = b._node


# ------------------------------------------------------------- view, reshape
def _infer_shape(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = shape[0]
    out = tuple(map(as_int, shape))
    if None in out:         # a float or a bool: PyTorch's TypeError (int() would truncate it silently)
        k = out.index(None)
        raise TypeError(f"argument must be tuple of ints, but found element of type {type(shape[k]).__name__} "
                        f"at pos {k}")
    return out


@export(function=False)
def view(self, *shape, size=None):
    """A tensor with the same data and a new shape (shares memory).

    >>> import symgrad as sg
    >>> x = sg.arange(6.)
    >>> x.view(2, -1)
    tensor([[0., 1., 2.],
            [3., 4., 5.]])
    """
    shape = shape_kw("view", "size", shape, size)
    if len(shape) == 1 and isinstance(shape[0], _dt.dtype):
        d = shape[0]
        if d.itemsize != self._data.itemsize:
            raise RuntimeError("view(dtype) with a different element size is not supported")
        return _wrap(self._data.view(d.np))
    shp = _infer_shape(_shape_args(shape), self._data.size)
    try:
        a = self._data.view()
        a.shape = shp
    except AttributeError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                           "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
    return view_call(view_op, self, shape=shp)


@export(function=False)
def view_as(self, other):
    """``self.view(other.shape)``."""
    return view(self, other.shape)


@export()
def reshape(input, *shape_, shape=None):
    """Reshape; a view when the memory layout allows, else a copy.

    >>> import symgrad as sg
    >>> sg.arange(4).reshape(2, 2)
    tensor([[0, 1],
            [2, 3]])
    """
    shp = _infer_shape(_shape_args(shape_kw("reshape", "shape", shape_, shape)), input._data.size)
    if input._data.flags.c_contiguous:
        return view_call(view_op, input, shape=shp)
    # as PyTorch: a non-contiguous input is aliased when a view has this shape,
    # else copied contiguously (CloneBackward0) and the copy viewed
    if shp == input._data.shape or _reshapes_in_place(input._data, shp):
        return view_call(reshape_alias_op, input, shape=shp)
    return call(unsafe_view_op, call(contiguous_op, input), shape=shp)


def _reshapes_in_place(a, shape):
    try:
        np.reshape(a, shape, copy=False)
    except ValueError:
        return False
    return True


@export(function=False)
def reshape_as(self, other):
    return reshape(self, other.shape)


@export()
def flatten(input, start_dim=0, end_dim=-1):
    """Flatten dims ``start_dim..end_dim`` into one.

    >>> import symgrad as sg
    >>> sg.zeros(2, 3, 4).flatten(1).shape
    symgrad.Size([2, 12])
    """
    nd = input._data.ndim
    if nd == 0:
        return reshape(input, 1)
    s, e = _wrapdim(start_dim, nd), _wrapdim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shp = input._data.shape
    return reshape(input, shp[:s] + (math.prod(shp[s:e + 1]),) + shp[e + 1:])


@export()
def unflatten(input, dim, sizes):
    """Split one dim into ``sizes``."""
    d = _wrapdim(dim, input._data.ndim)
    shp = input._data.shape
    sizes = list(_shape_args((sizes,)))
    if -1 in sizes:         # inferred from the dim alone (so an empty dim unflattens too)
        known = math.prod(k for k in sizes if k != -1)
        sizes[sizes.index(-1)] = shp[d] // known if known else 0
    return reshape(input, shp[:d] + tuple(sizes) + shp[d + 1:])


@export()
def squeeze(input, dim=None):
    """Remove size-1 dims (all, or the given ones).

    >>> import symgrad as sg
    >>> sg.zeros(2, 1, 3).squeeze().shape
    symgrad.Size([2, 3])
    """
    op = squeeze_all_op if dim is None else squeeze_dims_op if isinstance(dim, (tuple, list)) else squeeze_op
    return view_call(op, input, shape=_squeezed(input._data.shape, dim))


@export(function=False)
def squeeze_(self, dim=None):
    """In-place ``squeeze``.

    >>> import symgrad as sg
    >>> sg.zeros(2, 1, 3).squeeze_().shape
    symgrad.Size([2, 3])
    """
    op = squeeze_all_inplace_op if dim is None else \
        squeeze_dims_inplace_op if isinstance(dim, (tuple, list)) else squeeze_inplace_op
    return _inplace_view(self, op, shape=_squeezed(self._data.shape, dim))


def _squeezed(shape, dim):
    if dim is None:
        return tuple(s for s in shape if s != 1)
    ds = dims(dim, len(shape)) or ()
    return tuple(s for k, s in enumerate(shape) if not (k in ds and s == 1))


@export()
def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim``.

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]).unsqueeze(1).shape
    symgrad.Size([2, 1])
    """
    return view_call(unsqueeze_op, input, shape=_unsqueezed(input._data.shape, dim))


@export(function=False)
def unsqueeze_(self, dim):
    """In-place ``unsqueeze``.

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]).unsqueeze_(0).shape
    symgrad.Size([1, 2])
    """
    return _inplace_view(self, unsqueeze_inplace_op, shape=_unsqueezed(self._data.shape, dim))


def _unsqueezed(shape, dim):
    d = _wrapdim(dim, len(shape) + 1)
    return shape[:d] + (1,) + shape[d:]


@export()
def permute(input, *dims_, dims=None):
    """Reorder dims (a view).

    >>> import symgrad as sg
    >>> sg.zeros(2, 3, 4).permute(2, 0, 1).shape
    symgrad.Size([4, 2, 3])
    """
    nd = input._data.ndim
    axes = tuple(_wrapdim(d, nd) for d in _shape_args(shape_kw("permute", "dims", dims_, dims)))
    if sorted(axes) != list(range(nd)):
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match "
                           "the length of the desired ordering of dimensions i.e. input.dim() = "
                           f"{nd} is not equal to len(dims) = {len(axes)}")
    return view_call(permute_op, input, axes=axes)


@export()
def transpose(input, dim0, dim1):
    """Swap two dims (a view).

    >>> import symgrad as sg
    >>> sg.zeros(2, 3).transpose(0, 1).shape
    symgrad.Size([3, 2])
    """
    nd = input._data.ndim
    axes = list(range(nd))
    d0, d1 = _wrapdim(dim0, nd), _wrapdim(dim1, nd)
    if nd:                  # a 0-d tensor takes dim 0 (or -1) and stays as it is
        axes[d0], axes[d1] = axes[d1], axes[d0]
    return view_call(transpose_op, input, axes=tuple(axes))




@export()
def swapaxes(input, axis0, axis1):
    """``transpose`` under numpy's name."""
    return transpose(input, axis0, axis1)


swapdims = export("swapdims")(transpose)


def _inplace_view(self, op, **params):
    """Give ``self`` the view ``op`` makes of it: its storage stays, its shape
    and history change (a view stays a view of the same base)."""
    engine.check_inplace(self)
    old = self._data.shape
    r = view_call(op, self, **params)
    self._data, self._node, self._out = r._data, r._node, r._out
    self._vc[0] += 1                # values unchanged, but it counts as a write (PyTorch's version)
    engine.written(self)
    if self._base is not None:
        self._view, self._vlay, self._vbase_node = r._view, r._vlay, r._vbase_node
    else:
        # views taken before follow the old layout: record how to get back to it
        undo = (permute_op, {"axes": _inverse(params["axes"])}) if "axes" in params else (view_op, {"shape": old})
        self._relayout = self._relayout + (undo,)
    return self


@export(function=False)
def transpose_(self, dim0, dim1):
    """In-place ``transpose``.

    >>> import symgrad as sg
    >>> sg.zeros(2, 3).transpose_(0, 1).shape
    symgrad.Size([3, 2])
    """
    nd = self._data.ndim
    axes = list(range(nd))
    d0, d1 = _wrapdim(dim0, nd), _wrapdim(dim1, nd)
    if nd:                  # a 0-d tensor takes dim 0 (or -1) and stays as it is
        axes[d0], axes[d1] = axes[d1], axes[d0]
    return _inplace_view(self, transpose_inplace_op, axes=tuple(axes))


@export(function=False)
def t_(self):
    """In-place ``t``.

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2]]).t_()
    tensor([[1],
            [2]])
    """
    nd = self._data.ndim
    if nd > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return _inplace_view(self, t_inplace_op, axes=tuple(range(nd))[::-1])


@export()
def t(input):
    """Transpose of a matrix (0-d and 1-d tensors are returned as is).

    >>> import symgrad as sg
    >>> sg.tensor([[1, 2]]).t()
    tensor([[1],
            [2]])
    """
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return view_call(t_op, input, axes=tuple(range(nd))[::-1])


@export()
def movedim(input, source, destination):
    """Move dims from ``source`` to ``destination``."""
    nd = input._data.ndim
    src = [source] if isinstance(source, (int, np.integer)) else list(source)
    dst = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src}) and destination ({dst}) "
                           "must have the same number of elements")
    given = {"source": src, "destination": dst}
    src = [_wrapdim(s, nd) for s in src]
    dst = [_wrapdim(d, nd) for d in dst]
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) < len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given[name]})")
    if not nd:
        return permute(input)
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, *order)


@export()
def expand(input, *sizes, size=None):
    """Broadcast to a larger shape without copying (``-1`` keeps a dim).

    >>> import symgrad as sg
    >>> sg.tensor([[1], [2]]).expand(2, 3)
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    sizes = _shape_args(shape_kw("expand", "size", sizes, size))
    return view_call(expand_op, input, shape=_expanded(input, sizes))


def _expanded(input, sizes):
    """The shape ``input`` expands to (``-1`` keeps a size), or PyTorch's error."""
    shp = input._data.shape
    nd = len(sizes) - len(shp)
    if nd < 0:
        raise RuntimeError(f"expand(symgrad.{input.dtype.scalar_name}Tensor{{{list(shp)}}}, "
                           f"size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be greater "
                           f"or equal to the number of dimensions in the tensor ({len(shp)})")
    out = []
    for k in range(len(sizes) - 1, -1, -1):         # PyTorch checks from the last dim
        s = sizes[k]
        if k < nd:
            if s == -1:
                raise RuntimeError("The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   "non-existing dimension 0")
            out.append(s)
        else:
            cur = shp[k - nd]
            if s == -1:
                out.append(cur)
            elif cur != s and cur != 1:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size "
                                   f"({cur}) at non-singleton dimension {k}.  Target sizes: {list(sizes)}.  "
                                   f"Tensor sizes: {list(shp)}")
            else:
                out.append(s)
    return tuple(out[::-1])


@export(function=False)
def expand_as(self, other):
    return expand(self, other.shape)


@export()
def broadcast_to(input, size):
    """``input.expand(size)``."""
    return expand(input, *size)


@export(function=False)
def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast) into ``self`` in place.

    >>> import symgrad as sg
    >>> sg.zeros(2).copy_(sg.tensor([1, 2]))
    tensor([1., 2.])
    """
    return engine.call_inplace(copy_op, self, (src,), {})


@export()
def narrow(input, dim, start, length):
    """A slice of ``length`` elements along ``dim`` from ``start`` (a view).

    >>> import symgrad as sg
    >>> sg.arange(5).narrow(0, 1, 2)
    tensor([1, 2])
    """
    d = _wrapdim(dim, input._data.ndim)
    n = input._data.shape[d]
    start, length = _shape_args((start, length))
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    # always a slice node, whole or not, as PyTorch's narrow
    return view_call(getitem_op, input, key=(slice(None),) * d + (slice(start, start + length), Ellipsis),
                     name="SliceBackward0")


@export()
def select(input, dim, index):
    """``input[..., index, ...]`` at ``dim``."""
    d = _wrapdim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 0
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input._data.shape)} at "
                         f"dimension {d}")
    from .indexing import getitem
    return getitem(input, (slice(None),) * d + (index,))


# ========================================================= copies and joins
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
            base = x._base if x._base is not None else x
            r._base = base
            start = sum(params["sizes"][:k]) if "sizes" in params else k
            d = params["dim"]
            key = (slice(None),) * d + ((slice(start, start + params["sizes"][k]),) if "sizes" in params else (k,))
            key = key + (Ellipsis,)
            r._view = view_chain(x) + ((getitem_op, {"key": key, "name": "SliceBackward0"}),)
            r._vlay = len(base._relayout)
            if x._base is not None:
                r._vsrc = x
            r._vbase_node = base._node
            r._vc = x._vc
            r._vver = x._vc[0]
            if r._data.dtype.kind == "f":
                engine.mark_view(r, x, True)
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
