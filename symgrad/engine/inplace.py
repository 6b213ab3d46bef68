"""In-place ops: the write, and the graph's functional view of it (a new
node for the target, ``CopySlices`` on the base of a view)."""
import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor, _wrap, RETAIN, _inference
from .graph import view_write_error, _refresh_view
from .mode import _tls, modified
from .record import record, _forward, _int_scalar


def check_inplace(target, others=()):
    if not _inference.on and target.is_inference():
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
                           "clone to get a normal tensor before doing inplace update.See "
                           "https://github.com/pytorch/rfcs/pull/17 for more details.")
    if not _tls.grad:
        return
    if target._cmeta is not None and (target.requires_grad or target._base.requires_grad or any(
            isinstance(t, Tensor) and t.requires_grad for t in others)):
        raise RuntimeError(view_write_error(target, indirect=False))
    if target._node is None and target._rg:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    b = target._base
    if b is None:
        return
    v = target
    while b is not None:        # the base, then the views in between (one may have become a leaf since)
        if b._node is None and b._rg:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                               "operation.")
        b = v = v._vsrc


OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation.")


def destination(t, overlap_ok=False):
    """The array to write ``t``'s new values into: its own, or for a view of
    an expanded tensor, which numpy marks read-only, a writable alias of the
    same memory.  Elements that share memory (an expanded dim) get PyTorch's
    error unless ``overlap_ok`` (``fill_`` writes one value to all of them)."""
    a = t._data
    if a.flags.writeable:
        return a
    if not overlap_ok and any(s == 0 and n > 1 for s, n in zip(a.strides, a.shape)):
        raise RuntimeError(OVERLAP)
    owner = a
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    if not owner.flags.writeable or not (owner.flags.c_contiguous or owner.flags.f_contiguous):
        raise RuntimeError("this tensor's memory is read-only (a NumPy array that is not writable); clone() it "
                           "before writing in place")
    start = a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    return np.ndarray(a.shape, a.dtype, owner.reshape(-1, order="A").view(np.uint8), start, a.strides)


def call_inplace(op, target, others, params):
    """Run ``op(target, *others)`` and write the result into ``target``'s storage.

    The graph sees the functional version: ``target`` becomes the output of a
    new node whose input is its old value; for a view, its base gets a
    ``CopySlices`` node that writes the new view value into the old base.
    """
    check_inplace(target, others)
    dst = destination(target)
    inputs = (target,) + tuple(others)
    arrs = [t._data if isinstance(t, Tensor) else t for t in inputs]
    ta = arrs[0]
    for a in arrs[1:]:
        if type(a) is np.ndarray and a is not ta and np.may_share_memory(a, ta) and not _same_region(a, ta):
            raise RuntimeError("unsupported operation: some elements of the input tensor and the written-to tensor "
                               "refer to a single memory location. Please clone() the tensor before performing "
                               "the operation.")
    tdt = target.dtype
    if op.dtypes != "keep":
        dt = _dt.result_type(*inputs)
        if op.dtypes == "float" and dt._cat < 2:
            dt = _dt._DEFAULT[0]
        if dt._cat > tdt._cat:
            raise RuntimeError(f"result type {dt.scalar_name} can't be cast to the desired output "
                               f"type {tdt.scalar_name}")
        for k, a in enumerate(arrs):
            if type(a) is np.ndarray and a.dtype != dt.np:
                arrs[k] = a.astype(dt.np)
            elif type(a) is int and dt._cat == 1:
                arrs[k] = _int_scalar(a, dt.np)
    out = np.asarray(_forward(op, arrs, params))
    if out.shape != target._data.shape:
        try:
            out = np.broadcast_to(out, target._data.shape)
        except ValueError:
            raise RuntimeError(f"output with shape {list(target._data.shape)} doesn't match the broadcast "
                               f"shape {list(out.shape)}") from None
    rg = _tls.grad and op.differentiable and any(
        isinstance(t, Tensor) and (t._node is not None or t._rg or
                                   (t._base is not None and t._base.requires_grad)) for t in inputs)
    snap = None
    if rg and dst is not target._data:
        # PyTorch records this through the base's strides (AsStrided); a chain of
        # view ops cannot say which of the expanded copies a write lands in
        raise RuntimeError("symgrad does not record in-place writes into a view of an expanded tensor; "
                           "clone() the expanded tensor, or write under no_grad()")
    if rg:
        need = set()
        reads = op.reads()
        for k, t in enumerate(inputs):
            if isinstance(t, Tensor) and t.requires_grad and k < len(reads):
                need |= reads[k][1]
        snap = _snapshot(target, copy=0 in need, before_write=True)
        # recorded before the write: an input that aliases the target (y.mul_(y))
        # is saved at the version the write makes stale, so backward refuses it
        node = record(op, (snap,) + tuple(others), params, target._data)
        old_base = _base_before_write(target)
    dst[...] = out
    modified(target)
    if rg:
        if node.ans is not None:
            node.checks.append((target._vc, target._vc[0], -1))
        _rebind(target, node, old_base)
    written(target, recorded=rg)
    return target


def _same_region(a, b):
    return a.shape == b.shape and a.strides == b.strides and \
        a.__array_interface__["data"][0] == b.__array_interface__["data"][0]


_UNRECORDED = ("unknown", "this tensor was written in place where autograd did not record the write (under "
                          "no_grad, or by accumulating a gradient), so its closed form is unknown")


def written(t, recorded=True, now=("unknown",)):
    """After a write into ``t`` (and so its base): a gradient's record of
    backward passes, shared with its ``.data``, no longer holds (``now`` is
    what ``t`` holds instead); a tensor with a history is described by its
    new node, or, written where autograd did not record it, by nothing
    (PyTorch keeps the old node; so does symgrad)."""
    for u, rec in ((t, now), (t._base, ("unknown",))):
        if u is None:
            continue
        if u._gsrc is not None:
            u._gsrc[:] = [rec]
        if u._node is not None:
            u._gsrc = None if recorded else [_UNRECORDED]


def _base_before_write(target):
    # a constant base about to be partly overwritten through a view: its old
    # values enter the closed form; keep them when that is free (uniform values)
    b = target._base
    if b is None or b._node is not None or b._rg:
        return None
    return _if_uniform(b._data)


def _if_uniform(a):
    # a constant about to be overwritten: its old values enter the closed
    # form; keeping them is free when they are all equal
    if a.size and (a == a.flat[0]).all():
        return np.broadcast_to(a.flat[0], a.shape)
    return None


def _snapshot(t, copy, before_write=False):
    a = t._data
    if before_write and not copy and t._node is None and not t._rg:
        u = _if_uniform(a)
        if u is not None:
            return _wrap(u)
    if t._base is not None:
        _refresh_view(t)
    # the value before the write, with the history it had: not a view, so
    # nothing rebuilds its node from the base's later history
    s = _wrap(a.copy() if copy else a, t._node, t._out)
    s._rg = t._rg
    if not copy:
        s._vc = t._vc
    return s


def _rebind(target, node, old_base=None):
    # a tensor (or the base of a view) that retains its grad retains the new
    # version's, as in PyTorch
    moved = [t for t in (target, target._base) if t is not None and "_kept" in t.__dict__]
    for t in moved:
        t.__dict__.pop("_kept").pop(RETAIN)
    _rebind_node(target, node, old_base)
    for t in moved:
        t.retain_grad()


def _rebind_node(target, node, old_base):
    b = target._base
    if b is None:
        target._node = node
        target._out = -1
        return
    from ..ops.shape import copy_slices_op, view_chain
    value = _wrap(target._data, node, -1)
    bsnap = _snapshot(b, copy=False)
    if old_base is not None:
        bsnap._data, bsnap._vc = old_base, [0]
    cs = record(copy_slices_op, (bsnap, value), {"chain": view_chain(target)}, None)
    cs.shape = b._data.shape
    b._node = cs
    b._out = -1
    target._node = node
    target._out = -1
    target._vbase_node = cs
