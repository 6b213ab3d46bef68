"""The backward pass: an iterative topological walk from the roots that
applies each node's VJP rules and hands the leaves' totals to ``accumulate``."""
from itertools import zip_longest
from weakref import ref as _weakref

import numpy as np

from .. import dtypes as _dt
from ..backends import numpy_ns
from ..tensor import Tensor, _wrap, _Meta, RETAIN
from .accumulate import _accumulate, _result
from .graph import Node, Contribution, edge_of
from .mode import _state
from .record import _quiet, _loud

_FROM_NP = _dt._FROM_NP


_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
          "after they have already been freed). Saved intermediate values of the graph are freed "
          "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
          "backward through the graph a second time or if you need to access saved tensors after "
          "calling backward.")




def _short_name(node):
    # PyTorch names the producer without its "Backward<n>" suffix: "Mul", "Exp"
    name = node.name()
    cut = name.rfind("Backward")
    custom = hasattr(node.op, "backward_node") and name.endswith("Backward")     # a Function's node: F
    return name[:cut] if cut > 0 and (name[cut + 8:].isdigit() or custom) else name


def _raise_modified(node, now, ver, k):
    # as PyTorch: a saved output names the node that saved it; a saved input names
    # its current producer (the in-place op, once it has one); a leaf names none
    if k < 0:
        a = node.ans if node.out_meta is None else node.ans[-k - 1]
        shape, dt, producer, idx = a.shape, _dt._FROM_NP[a.dtype], node, -k - 1
    else:
        t = node.saved[k]
        shape, dt = t.shape, _dt._FROM_NP[np.dtype(t.dtype.name)]
        producer, idx = t.grad_fn, max(t._out, 0)
    which = "" if producer is None else f", which is output {idx} of {_short_name(producer)},"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [symgrad.{dt.scalar_name}Tensor {list(shape)}]{which} is at version {now}; "
        f"expected version {ver} instead. Hint: enable anomaly detection to find the operation that failed "
        "to compute its gradient, with symgrad.autograd.set_detect_anomaly(True, check_nan=False).")


def unbroadcast(xp, g, shape):
    """Sum a cotangent over the dims that broadcasting added or stretched."""
    gs = g.shape
    if tuple(gs) == tuple(shape):
        return g
    nd = len(gs) - len(shape)
    if nd < 0:
        return xp.reshape(g, shape)
    axes = tuple(range(nd)) + tuple(i + nd for i, s in enumerate(shape) if s == 1 and gs[i + nd] != 1)
    if axes:
        g = xp.sum(g, axis=axes)
    if xp is np and type(g) is np.ndarray and g.shape == tuple(shape):
        return g            # already shaped; a reshape would only make a view (which accumulation copies)
    return xp.reshape(g, shape)


def _grad_array(g, meta):
    shape, dt = meta
    if type(g) is not np.ndarray:
        g = np.asarray(g)
    if g.shape != shape:
        g = unbroadcast(np, g, shape)
        if type(g) is not np.ndarray:
            g = np.asarray(g)           # a sum over every axis is a numpy scalar
    if g.dtype != dt.np:
        g = g.astype(dt.np)
    return g


def _grad_tensor(g, meta):
    from ..backends import tensor_ns
    shape, dt = meta
    if not isinstance(g, Tensor):
        g = _wrap(np.asarray(g, dtype=dt.np))
    if tuple(g.shape) != shape:
        g = unbroadcast(tensor_ns, g, shape)
    if g.dtype is not dt:
        g = g.to(dt)
    return g


def _collect(root_edges):
    """Iterative DFS: dependency counts of every node reachable from the roots."""
    deps = {}
    stack = [e[0] if type(e) is tuple else e for e in root_edges if e is not None]
    stack = [n for n in stack if isinstance(n, Node)]
    seen = set()
    order = []
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        for e in n.edges:
            if e is None:
                continue
            m = e[0] if type(e) is tuple else e
            if isinstance(m, Node):
                deps[m] = deps.get(m, 0) + 1
                if m not in seen:
                    stack.append(m)
    return deps, order


def run_backward(roots, grads, retain_graph=False, create_graph=False, inputs=None,
                 accumulate=True, allow_unused=False, seeds=None):
    """Backpropagate ``grads`` (one per root tensor).

    With ``accumulate`` the leaves' ``.grad`` receive the result (``backward``,
    restricted to ``inputs`` when given); otherwise the gradients of ``inputs``
    are returned (``autograd.grad``).
    """
    if create_graph:
        from ..backends import tensor_ns as xp
        conv = _grad_tensor
    else:
        xp = numpy_ns
        conv = _grad_array
    capture = {}          # (node or leaf, output index) -> positions in inputs
    if inputs is not None:
        for k, t in enumerate(inputs):
            e = edge_of(t) if t._node is not None else t
            key = e if type(e) is tuple else (e, 0)
            capture.setdefault(key, []).append(k)
    results = [None] * (len(inputs) if inputs is not None else 0)

    buffers = {}
    root_edges = []
    for t, g in zip(roots, grads):
        e = edge_of(t)
        root_edges.append(e)
        if e is not None:
            _accum_edge(buffers, e, g)
    deps, order = _collect(root_edges)
    useful = None if inputs is None else _useful(order, capture)
    captured = {key[0] for key in capture}      # hooks run only where gradients are needed, as PyTorch
    contrib = None if create_graph or not _state["symbolic"] else \
        Contribution(tuple(root_edges), tuple(seeds or [None] * len(roots)))
    ready = [n for n in order if n not in deps]
    while ready:
        node = ready.pop()
        gbuf = buffers.pop(node, None)
        if gbuf is None:
            in_grads = [None] * len(node.edges)
        else:
            # outputs no gradient reached (an unused sibling of a split) are
            # zeros for the rules, but None to hooks and to the caller
            missing = () if node.out_meta is None else [k for k, g in enumerate(gbuf) if g is None]
            grads_out = _prepare(node, gbuf, xp)
            if node.hooks and (useful is None or node in useful or node in captured):
                _HOOKED[0] = False
                grads_out = _run_hooks(node, grads_out, missing)
                if _HOOKED[0] and contrib is not None:
                    contrib.hooked = True
            for k, g in enumerate(grads_out):
                if k in missing:
                    continue
                for i in capture.get((node, k), ()):
                    results[i] = g if create_graph or g is None else _wrap(g if g.flags.writeable else g.copy())
            if useful is not None and node not in useful:
                in_grads = [None] * len(node.edges)
            else:
                in_grads = _apply_vjps(node, grads_out, xp, create_graph)
                _release(node, retain_graph)
        for e, g in zip(node.edges, in_grads):
            if e is None:
                continue
            m = e[0] if type(e) is tuple else e
            if g is not None:
                _accum_edge(buffers, e, g)
            if isinstance(m, Node):
                deps[m] -= 1
                if deps[m] == 0:
                    ready.append(m)
    taken = set()
    for leaf, g in buffers.items():
        if not isinstance(leaf, Tensor):
            continue
        hit = capture.get((leaf, 0))
        if inputs is not None and hit is None:
            continue
        g, entry_contrib = _finish_leaf(leaf, g, conv, contrib)
        for i in hit or ():
            results[i] = g if create_graph else _result(g, entry_contrib, _weakref(leaf))
        if accumulate and leaf._rg:         # not a leaf that stopped requiring grad since
            _accumulate(leaf, g, create_graph, entry_contrib, taken)
    unused = [k for k, r in enumerate(results) if r is None]
    if not accumulate and not allow_unused and unused:
        raise RuntimeError(f"The differentiated Tensor at index {unused[0]} appears to not have been used "
                           "in the graph. Set allow_unused=True if this is the desired behavior.")
    return results


def backward_one_node(root, g, retain_graph, seeds):
    """``backward()`` of the common small graph: ``root`` made by one
    single-output node whose inputs are leaves or constants, with no hooks and
    anomaly detection off.  Does what ``run_backward`` does and returns the
    leaves (as ``leaves_of``); returns None, having done nothing, for any
    other graph."""
    node = root._node
    if node is None or root._base is not None or root._out != -1 or node.hooks or _state["anomaly"]:
        return None
    edges = node.edges
    leaves = []
    for e in edges:
        if e is None:
            continue
        if not isinstance(e, Tensor):
            return None
        for seen in leaves:
            if seen is e:
                break
        else:
            leaves.append(e)
    quiet = _quiet()
    try:
        in_grads = _vjps(node, (g,), numpy_ns, False)
    finally:
        _loud(quiet)
    _release(node, retain_graph)
    contrib = Contribution((node,), tuple(seeds or (None,))) if _state["symbolic"] else None
    taken = set()
    for leaf in leaves:
        if len(edges) == 1:
            total = in_grads[0]
        else:
            total = None
            for e, gi in zip(edges, in_grads):
                if e is leaf:
                    total = gi if total is None else total + gi
        a = leaf._data
        if leaf._hooks or total.shape != a.shape or total.dtype != a.dtype:
            total, leaf_contrib = _finish_leaf(leaf, total, _grad_array, contrib)
        else:
            leaf_contrib = contrib
        if leaf._rg:
            _accumulate(leaf, total, False, leaf_contrib, taken)
    return leaves


def _finish_leaf(leaf, g, conv, contrib):
    """A leaf's total gradient after its hooks, and the contribution record
    its closed form refers to (a copy marked hooked if a hook changed it)."""
    a = leaf._data
    g = conv(g, (a.shape, _FROM_NP[a.dtype]))
    hooks = leaf._hooks
    if hooks:
        hooked = False
        for fn in list(hooks.values()):
            gt = g if isinstance(g, Tensor) else _wrap(g)
            r = _checked_hook(fn, gt, fn(gt))
            if r is not None:
                g = r if isinstance(g, Tensor) else r._data.copy()     # the caller may hold r
                hooked = True
            elif not isinstance(g, Tensor):
                g = g.copy()        # the hook may keep what it saw: the .grad is apart from it
        if hooked and contrib is not None:
            contrib = Contribution(contrib.roots, contrib.seeds)
            contrib.hooked = True
    return g, contrib


def _useful(order, capture):
    # nodes whose rules must run: those with a captured node or leaf among
    # their inputs' ancestry (a captured node itself only receives its
    # gradient, as in PyTorch: its rules, version checks and release do not
    # run); reverse discovery order visits children first, so the fixpoint
    # loop usually runs twice
    targets = {k[0] for k in capture}
    useful = set()
    changed = True
    while changed:
        changed = False
        for n in reversed(order):
            if n in useful:
                continue
            for e in n.edges:
                m = e[0] if type(e) is tuple else e
                if m is not None and (m in useful or m in targets):
                    useful.add(n)
                    changed = True
                    break
    return useful


def _accum_edge(buffers, e, g):
    if type(e) is tuple:
        node, k = e
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * len(node.out_meta)
        buf[k] = g if buf[k] is None else buf[k] + g
    else:
        prev = buffers.get(e)
        buffers[e] = g if prev is None else prev + g


def _prepare(node, gbuf, xp):
    if node.out_meta is None:
        return (gbuf,)
    if gbuf is None:
        gbuf = [None] * len(node.out_meta)
    if hasattr(node.op, "backward_node"):
        return tuple(gbuf)
    out = []
    for g, meta in zip(gbuf, node.out_meta):
        if g is None:
            g = np.zeros(meta[0], meta[1].np)
            if xp is not numpy_ns:
                g = _wrap(g)
        out.append(g)
    return tuple(out)


def _run_hooks(node, grads_out, missing=()):
    grads_out = list(grads_out)
    for k, fns in node.hooks.items():
        if k in missing:
            continue
        # the hooks there were when the pass reached the node (one that adds or removes
        # hooks changes the next pass), retain_grad's last, as PyTorch
        keep = fns.get(RETAIN)
        for fn in [fn for key, fn in fns.items() if key is not RETAIN] + ([keep] if keep else []):
            g = grads_out[k]
            if g is None:
                continue
            gt = g if isinstance(g, Tensor) else _wrap(g)
            r = _checked_hook(fn, gt, fn(gt))
            if r is not None:
                grads_out[k] = r if isinstance(g, Tensor) else r._data.copy()     # the caller may hold r
                _HOOKED[0] = True
            elif fn is not keep and not isinstance(g, Tensor):
                grads_out[k] = g.copy()     # the hook may keep what it saw: what flows on (to a .grad) is apart
    return tuple(grads_out)


_HOOKED = [False]


def _checked_hook(fn, g, r):
    # a hook may replace a gradient, not change its shape or dtype (PyTorch's checks)
    if r is None:
        return r
    name = getattr(fn, "__name__", type(fn).__name__)
    if not isinstance(r, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")
    if r._data.shape != g._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    if r.dtype is not g.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was symgrad.{g.dtype.scalar_name}Tensor "
                           f"got symgrad.{r.dtype.scalar_name}Tensor)")
    return r


def _apply_vjps(node, grads_out, xp, create_graph):
    quiet = _quiet()
    try:
        return _vjps(node, grads_out, xp, create_graph)
    finally:
        _loud(quiet)


def _vjps(node, grads_out, xp, create_graph):
    op = node.op
    custom = hasattr(op, "backward_node")
    if node.freed and not custom:       # a custom backward raises only if it reads what was freed
        raise RuntimeError(_FREED)
    for vc, ver, k in node.checks:
        if vc[0] != ver:
            _raise_modified(node, vc[0], ver, k)
    if custom:
        return _checked(node, op.backward_node(node, grads_out, create_graph))
    saved = node.saved
    ans = node.ans
    if create_graph:
        ins = saved
        if ans is not None:
            ans = (_wrap(ans, node, -1) if node.out_meta is None
                   else tuple(_wrap(a, node, k) for k, a in enumerate(ans)))
    else:
        ins = []
        if op.elementwise and not grads_out[0].ndim:
            # a 0-d output has 0-d inputs: compute on numpy scalars, as forward does
            for t in saved:
                ins.append(t._data[()] if isinstance(t, Tensor) else t[()] if type(t) is np.ndarray else t)
            grads_out = (grads_out[0][()],)
            if ans is not None:
                ans = ans[()]
        else:
            for t in saved:
                ins.append(t._data if isinstance(t, Tensor) else t)
    g = grads_out[0] if node.out_meta is None else grads_out
    conv = _grad_tensor if create_graph else _grad_array
    res = []
    params = node.params
    meta = node.meta
    vjp = op.vjp
    variadic = op.variadic
    for k, e in enumerate(node.edges):
        if e is None:
            res.append(None)
        elif variadic:
            res.append(conv(vjp(xp, k, g, ans, *ins, **params), meta[k]))
        else:
            res.append(conv(vjp[k](xp, g, ans, *ins, **params), meta[k]))
    if create_graph and op.backward_kernel:
        res = [r if r is None or r.requires_grad else _linked(node, k, r, ins, ans) for k, r in enumerate(res)]
    return _checked(node, res) if _state["anomaly"] else res


def _linked(node, k, r, ins, ans):
    # its own gradient is then zeros, not an error (Op.backward_kernel)
    ra, idx = node.op.reads()[0 if node.op.variadic else k]
    deps = [ins[i] for i in (range(len(ins)) if idx == "all" else idx) if i < len(ins)
            if isinstance(ins[i], Tensor) and ins[i].requires_grad]
    if ra and ans is not None:
        deps += [a for a in (ans if isinstance(ans, tuple) else (ans,)) if a.requires_grad]
    if not deps:
        return r
    from .record import call
    from ..ops.table import derivative_link_op
    return call(derivative_link_op, r, *deps, name=type(node).__name__.rstrip("0123456789") + "Backward0")


def _checked(node, res):
    if _state["anomaly"]:
        for k, r in enumerate(res):
            if r is not None:
                _check_nan(node, k, r)
    return res


def _check_nan(node, k, r):
    a = r._data if isinstance(r, Tensor) else r
    if a.dtype.kind == "f" and np.isnan(a).any():
        raise RuntimeError(f"Function '{node.name()}' returned nan values in its {k}th output.")


def _release(node, retain_graph):
    # inputs read only for their metadata are swapped for metadata stubs, so
    # the node keeps no arrays alive; nodes whose rules read values are marked
    # freed and refuse a second backward
    if retain_graph or not (node.checks or node.ans is not None):
        return
    node.freed = True
    symbolic = _state["symbolic"]
    saved = []
    for t, e in zip_longest(node.saved, node.edges):
        if isinstance(t, Tensor):
            a = t._data
            if e is None and symbolic:
                m = _Meta(a.shape, a.dtype, _weakref(t), a, t._skel, t._vc, t._vc[0], t._name)
                m.held = t.__dict__.get("_held")      # a closed form built before keeps its identity
                t = m
            else:
                t = _Meta(a.shape, a.dtype)
        saved.append(t)
    node.saved = saved
    node.ans = None
