"""Running an op forward on numpy and recording it as a node."""
from functools import partial
from weakref import ref as _weakref

import numpy as np

from .. import dtypes as _dt
from ..backends import numpy_ns
from ..tensor import Tensor, _wrap, _Meta
from .graph import node_class, _refresh_view
from .mode import _state, _tls

_FROM_NP = _dt._FROM_NP


# categories of Python scalars in type promotion (None: an absent optional input)
_SCALAR_CAT = {float: 2, int: 1, bool: 0, type(None): -1}
_KIND_CAT = {"f": 2, "i": 1, "u": 1, "b": 0}


# PyTorch is silent on 0/0, log(0) and overflow.  ``np.errstate`` costs
# ~2.5 µs per use, a third of a small op; setting numpy's error-state context
# variable directly costs ~0.2 µs (the public context manager where absent).
try:
    from numpy._core.umath import _extobj_contextvar, _make_extobj
    _QUIET = _make_extobj(all="ignore")
    _quiet = partial(_extobj_contextvar.set, _QUIET)
    _loud = _extobj_contextvar.reset
except ImportError:                         # pragma: no cover
    def _quiet():
        e = np.errstate(all="ignore")
        e.__enter__()
        return e

    def _loud(e):
        e.__exit__(None, None, None)


def _int_scalar(v, npdt):
    """A Python int as PyTorch converts it to an integer dtype: through 64 bits, wrapping."""
    info = np.iinfo(npdt)
    if info.min <= v <= info.max:
        return v
    if not -2 ** 63 <= v < 2 ** 64:
        raise OverflowError("int too big to convert")
    span = 1 << info.bits
    return (v - info.min) % span + info.min


def call(op, *inputs, **params):
    """Run ``op`` forward on numpy and record it when gradients are needed."""
    arrs = []
    rg = False
    npdt = None         # the tensors' dtype while all agree and no scalar outranks it
    plain = True
    skel = False        # an input is a formula kept for closed forms only (a comparison's mask)
    cat = -1
    scalars = op.elementwise
    for t in inputs:
        if isinstance(t, Tensor):
            a = t._data
            b = t._base
            if b is not None and (t._vbase_node is not b._node or t._cmeta is not None or
                                  t._node is None and b._rg) and _tls.grad:
                _refresh_view(t)        # its base was written in place since: it may require grad now
            if t._node is not None or t._rg:
                rg = True
            elif b is not None and t._cmeta == "no_grad" and b.requires_grad:
                rg = True       # as PyTorch: recorded from, though its graph reaches nothing
            elif t._skel is not None:
                skel = True
            if a.ndim or not scalars:
                arrs.append(a)
            else:
                arrs.append(a[()])       # a numpy scalar computes ~4x faster than a 0-d array
            if npdt is None:
                npdt = a.dtype
            elif a.dtype != npdt:
                plain = False
        else:
            arrs.append(t)
            c = _SCALAR_CAT.get(type(t))
            if c is None:
                plain = False
            elif c > cat:
                cat = c
    rule = op.dtypes
    if rule != "keep":
        if plain and npdt is not None and cat <= _KIND_CAT.get(npdt.kind, -1):
            cast = rule == "float" and npdt.kind != "f"
            if cast:
                npdt = _dt._DEFAULT[0].np
        else:
            dt = _dt.result_type(*inputs)
            if rule == "float" and dt._cat < 2:
                dt = _dt._DEFAULT[0]
            npdt = dt.np
            cast = True
        if cast:
            for k, t in enumerate(inputs):
                if isinstance(t, Tensor) and arrs[k].dtype != npdt:
                    arrs[k] = arrs[k].astype(npdt)
        if cat == 1:
            # as PyTorch, a Python int converts to the integer dtype it computes in, wrapping
            # around; to any dtype only through 64 bits
            for k, a in enumerate(arrs):
                if type(a) is int:
                    if npdt.kind in "iu":
                        arrs[k] = _int_scalar(a, npdt)
                    elif not -2 ** 63 <= a < 2 ** 64:
                        raise OverflowError("int too big to convert")
    quiet = _quiet()
    try:
        out = op.forward(numpy_ns, *arrs, **params)
    except ValueError as e:
        _forward_error(e, arrs)
        raise
    finally:
        _loud(quiet)
    if op.n_out == 1:
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        if rule != "keep" and rule != "compare" and out.dtype != npdt:
            out = out.astype(npdt)
        if rg and _tls.grad:
            if op.differentiable and out.dtype.kind == "f":      # integer results never require grad
                node = record(op, inputs, params, out)
                res = _wrap(out, node, -1)
                if node.ans is not None:
                    node.checks.append((res._vc, 0, -1))
                return res
            res = _wrap(out)
            if _state["symbolic"]:
                # not differentiable (a comparison, a cast to integers): keep the skeleton, for closed forms only
                res._skel = record(op, inputs, params, out)
            return res
        res = _wrap(out)
        if skel and _state["symbolic"]:
            # computed from such a formula: a formula too, not numbers frozen at today's values
            res._skel = record(op, inputs, params, out)
        return res
    outs = tuple(o if type(o) is np.ndarray else np.asarray(o) for o in out)
    if rg and _tls.grad and op.differentiable:
        node = record(op, inputs, params, outs)
        node.out_meta = tuple((o.shape, _dt._FROM_NP[o.dtype]) for o in outs)
        return _check_outputs(node, tuple(_wrap(o, node, k) if o.dtype.kind == "f" else _wrap(o)
                                          for k, o in enumerate(outs)))
    return tuple(_wrap(o) for o in outs)


def _check_outputs(node, ts):
    # a rule that reads the op's outputs needs them unchanged at backward time
    if node.ans is not None:
        read = node.op.ans_outputs()
        node.checks.extend((t._vc, 0, -k - 1) for k, t in enumerate(ts) if read is None or k in read)
    return ts


def _forward(op, arrs, params):
    quiet = _quiet()
    try:
        return op.forward(numpy_ns, *arrs, **params)
    except ValueError as e:
        _forward_error(e, arrs)
        raise
    finally:
        _loud(quiet)


def _forward_error(e, arrs):
    # a numpy broadcasting failure becomes PyTorch's message
    if "broadcast" in str(e):
        shapes = [a.shape for a in arrs if type(a) is np.ndarray]
        for i, a in enumerate(shapes):
            for b in shapes[i + 1:]:
                broadcast_error(a, b)


def broadcast_error(shape_a, shape_b):
    """Raise PyTorch's error if ``shape_a`` and ``shape_b`` do not broadcast.

    >>> broadcast_error((2, 3), (2, 4))
    Traceback (most recent call last):
    ...
    RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1
    """
    n = max(len(shape_a), len(shape_b))
    for d in range(1, n + 1):
        a = shape_a[-d] if d <= len(shape_a) else 1
        b = shape_b[-d] if d <= len(shape_b) else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) "
                               f"at non-singleton dimension {n - d}")


_NEVER_WRITTEN = (0,)


INFERENCE_SAVED = ("Inference tensors cannot be saved for backward. Please do not use Tensors created in inference "
                   "mode in computation tracked by autograd. To work around this, you can make a clone to get a "
                   "normal tensor and use it in autograd, or use `symgrad.no_grad()` instead of "
                   "`symgrad.inference_mode()`.")


def record(op, inputs, params, out):
    cls = op._node_cls
    if cls is None:
        if callable(op.grad_fn):
            cls = node_class(op.grad_fn(params))
        else:
            cls = op._node_cls = node_class(op.grad_fn or op.name)
    node = cls()
    node.op = op
    node.params = params
    reads = op._reads or op.reads()
    variadic = op.variadic
    read_ans = False
    idx = ()            # inputs whose values some rule reads
    edges = []
    meta = []
    for k, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            edges.append(None)
            meta.append(None)
            continue
        if t._base is not None:
            _refresh_view(t)
        n = t._node
        if n is None and not t._rg:
            edges.append(None)
            meta.append(None)
            continue
        edges.append(t if n is None else n if t._out == -1 else (n, t._out))     # as edge_of
        a = t._data
        meta.append((a.shape, _FROM_NP[a.dtype]))
        if not variadic and k < len(reads):      # a skeleton-only node has no rules
            ra, i = reads[k]
            if ra:
                read_ans = True
            if i:
                idx = i if not idx else idx | i
    if variadic:
        read_ans, i = reads[0]
        idx = range(len(inputs)) if i == "all" else i
    node.edges = edges
    node.meta = meta
    node.hooks = None
    node.freed = False
    node.out_meta = None
    checks = []
    saved = list(inputs)
    symbolic = _state["symbolic"]
    for k, t in enumerate(inputs):
        if isinstance(t, Tensor):
            a = t._data
            if k in idx:
                if t._inf or t._base is not None and t.is_inference():
                    raise RuntimeError(INFERENCE_SAVED)
                checks.append((t._vc, t._vc[0], k))
            elif edges[k] is None and symbolic:
                saved[k] = _Meta(a.shape, a.dtype, _weakref(t), a, t._skel, t._vc, t._vc[0], t._name)
            else:
                saved[k] = _Meta(a.shape, a.dtype)
        elif k in idx and t is not None:
            # a number a rule reads is saved, as PyTorch saves it: a second
            # backward without retain_graph is refused here too
            checks.append((_NEVER_WRITTEN, 0, k))
    node.saved = saved
    node.ans = out if read_ans else None
    node.shape = out.shape if out is not None and type(out) is not tuple else None
    node.checks = checks
    return node
