"""Accumulating gradients into ``.grad``, with the record of backward
passes the gradient's closed form is built from."""
from weakref import ref as _weakref

import numpy as np

from ..tensor import _wrap
from .inplace import call_inplace, written, OVERLAP
from .mode import modified


def _result(g, contrib, key):
    t = _wrap(g if g.flags.writeable else g.copy())     # a broadcast cotangent is read-only
    t._gsrc = [("bw", contrib, key)]
    return t


_NO_CLOSED_FORM = ("bw", None, None)      # a gradient computed with symbolic recording off
MAX_PASSES = 64
_STALE = ("unknown", "this gradient sums backward passes between which a tensor outside the graphs was written "
                     "in place or through .data (a leaf, a constant, an optimizer step), so it may not be one "
                     "formula in the current values; zero the gradient between steps (optimizer.zero_grad()) to "
                     "record it again")
_TOO_MANY = ("unknown", f"this gradient sums more than {MAX_PASSES} backward passes; symgrad keeps the closed "
                        f"forms of at most {MAX_PASSES} (each holds its graph's constants); zero the gradient to "
                        "record it again")


def _accumulate(leaf, g, create_graph, contrib=None, taken=None):
    """Add ``g`` into ``leaf.grad``.  A first gradient is stored without a
    copy only when it is its own array and no other leaf of this pass took
    it (``taken``: ids of arrays already stored); rules pass cotangents
    through (``add``) and views share them, and a ``.grad`` must never alias
    another tensor, or accumulating into one would change the other."""
    if create_graph:
        if leaf._grad is None:
            # as PyTorch: a copy (CopyBackwards), never a tensor another leaf may hold
            from ..ops.shape import copy_op
            leaf._grad = call_inplace(copy_op, _wrap(np.empty(g.shape, g._data.dtype)), (g,), {})
        else:
            leaf._grad = leaf._grad + g
        return
    cur = leaf._grad
    entry = _NO_CLOSED_FORM if contrib is None else ("bw", contrib, _weakref(leaf))
    if cur is None:
        b = g.base
        if b is not None and type(b) is np.ndarray and b.base is None and b.shape == g.shape \
                and b.strides == g.strides:
            g = b           # a view that is all of its array, as a transposed product transposed back
        if taken is None or g.base is not None or not g.flags.writeable or id(g) in taken:
            g = g.copy()
        else:
            taken.add(id(g))
        leaf._grad = _wrap(g)
        leaf._grad._gsrc = [entry]
    elif cur._node is not None:
        # a gradient with a history (from create_graph): added in place, unrecorded,
        # as PyTorch does outside create_graph; it keeps its grad_fn
        np.add(cur._data, g, out=cur._data)
        modified(cur)
        written(cur, recorded=False)
    else:
        rec = cur._gsrc
        if rec is None:
            # a gradient the user assigned: its closed form is known only if it is zero
            rec = cur._gsrc = [("const", 0) if not cur._data.any() else ("unknown",)]
        d = cur._data
        if not d.flags.writeable:       # an expanded tensor assigned as .grad
            raise RuntimeError(OVERLAP)
        if d.ndim:
            np.add(d, g, out=d)
        else:
            d[()] += g[()]          # numpy's in-place ufunc on 0-d arrays is ~8x slower
        cur._vc[0] += 1
        if len(rec) == 1 and rec[0][0] == "const":
            rec.append(entry)           # the first pass after zeroing (the common case): nothing to compare
        else:
            _record(rec, entry)


def _record(rec, entry):
    last = rec[-1]
    if last[0] == "unknown" or last is _NO_CLOSED_FORM and entry is _NO_CLOSED_FORM:
        return                  # already without a closed form: keep the record small
    if entry[1] is not None and last[0] == "bw" and last[1] is not None and last[1].clock != entry[1].clock:
        rec[:] = [_STALE]
    elif len(rec) >= MAX_PASSES:
        rec[:] = [_TOO_MANY]
    else:
        rec.append(entry)
