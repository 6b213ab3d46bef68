"""Shape views: view, reshape, squeeze, permute, transpose, expand, narrow, select.

A view op's entry also carries ``view=put``, the functional inverse that
writes a new value of the view back into its base; in-place ops on views use
it (through ``copy_slices``) so their gradients reach the base.
"""
import math

import numpy as np

from ..table import Op, export
from .._util import call, dims, shape_kw
from ...tensor import Size, _wrap, _wrapdim, as_int
from ... import engine
from ... import dtypes as _dt


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


def _none_strides(a, key, r):
    """``r = a[key]`` with each dim a None in ``key`` made strided as PyTorch's
    unsqueeze makes it (numpy gives such dims stride 0, PyTorch does not)."""
    if not isinstance(r, np.ndarray) or not isinstance(key, tuple) or None not in key:
        return r
    nd = sum(k is not None and k is not Ellipsis for k in key)
    st, i, new = list(r.strides), 0, 0
    for k in key:
        if k is None:
            st[new] = a.shape[i] * a.strides[i] if i < a.ndim else a.itemsize
            new += 1
        elif k is Ellipsis:
            i += a.ndim - nd
            new += a.ndim - nd
        elif isinstance(k, slice):
            i += 1
            new += 1
        elif isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
            i += 1
        else:
            return r
    return np.lib.stride_tricks.as_strided(r, strides=st, writeable=r.flags.writeable)


def _unsqueeze_strides(a, r, d):
    """``r``, ``a`` with a size-1 dim inserted at ``d``, strided as PyTorch's
    unsqueeze: the other dims keep their strides (numpy's reshape may change
    those of size-1 dims), the new one gets size * stride of the dim after it."""
    st = list(a.strides)
    st.insert(d, a.shape[d] * a.strides[d] if d < a.ndim else a.itemsize)
    if tuple(st) == r.strides:
        return r
    return np.lib.stride_tricks.as_strided(r, strides=st, writeable=r.flags.writeable)


getitem_op = Op("getitem", _getitem_name, lambda xp, a, key, name: _none_strides(a, key, a[key]),
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
    return link_view(r, x, op, params, False)


def link_view(r, x, op, params, multi):
    """Record ``r`` as made from ``x`` by view op ``op``: its base, the chain
    of view ops from that base, and the version counter they share
    (``multi``: one of several views an op returned)."""
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
        engine.mark_view(r, x, multi)
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
    from .joins import contiguous_op
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
    r = view_call(unsqueeze_op, input, shape=_unsqueezed(input._data.shape, dim))
    r._data = _unsqueeze_strides(input._data, r._data, _wrapdim(dim, input._data.ndim + 1))
    return r


@export(function=False)
def unsqueeze_(self, dim):
    """In-place ``unsqueeze``.

    >>> import symgrad as sg
    >>> sg.tensor([1, 2]).unsqueeze_(0).shape
    symgrad.Size([1, 2])
    """
    d = _wrapdim(dim, self._data.ndim + 1)
    return _inplace_view(self, unsqueeze_inplace_op, restride=lambda a, r: _unsqueeze_strides(a, r, d),
                         shape=_unsqueezed(self._data.shape, dim))


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


def _inplace_view(self, op, restride=None, **params):
    """Give ``self`` the view ``op`` makes of it: its storage stays, its shape
    and history change (a view stays a view of the same base)."""
    engine.check_inplace(self)
    old = self._data.shape
    r = view_call(op, self, **params)
    if restride is not None:
        r._data = restride(self._data, r._data)
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
    from ..indexing import getitem
    return getitem(input, (slice(None),) * d + (index,))
