"""The autograd engine: recording ops, grad mode, and the backward pass.

A recorded op becomes a ``Node`` (the ``grad_fn`` users see).  A node holds the
graph skeleton (op, params, edges to its inputs, input shapes and dtypes),
which outlives ``backward()``, and the values its VJP rules read, which are
released after ``backward()`` unless ``retain_graph``.  Nodes never reference
their output tensors, so no reference cycle forms between a tensor and its
graph.
"""
import math
from itertools import zip_longest
from weakref import ref as _weakref
from functools import partial

import numpy as np

from . import dtypes as _dt
from .backends import numpy_ns
from .tensor import Tensor, _wrap, _Meta, _clock

_FROM_NP = _dt._FROM_NP

# ----------------------------------------------------------------- grad mode
_state = {"grad": True, "anomaly": False, "symbolic": True}


def modified(t):
    """Count an in-place write to ``t``'s values (a write outside any graph
    also advances the clock that accumulated gradients compare)."""
    t._vc[0] += 1
    if t._node is None:
        _clock[0] += 1


def set_symbolic(enabled):
    """Switch the closed-form bookkeeping on or off.  Off, the numbers are
    unchanged but gradients computed meanwhile have no closed form
    (``.expr`` raises), and constants are not kept for closed forms.

    >>> import symgrad as sg
    >>> sg.set_symbolic(False); sg.is_symbolic_enabled()
    False
    >>> sg.set_symbolic(True)
    """
    _state["symbolic"] = bool(enabled)


def is_symbolic_enabled():
    """True while closed-form bookkeeping is recorded (the default)."""
    return _state["symbolic"]


def is_grad_enabled():
    """True when new ops are recorded for autograd.

    >>> import symgrad as sg
    >>> sg.is_grad_enabled()
    True
    """
    return _state["grad"]


class _GradMode:
    """Context manager and decorator that sets grad mode, as ``torch.no_grad``."""
    _mode = None

    def __enter__(self):
        self._prev = _state["grad"]
        _state["grad"] = self._mode

    def __exit__(self, *exc):
        _state["grad"] = self._prev

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.__class__():
                return fn(*a, **k)
        return wrapper


class no_grad(_GradMode):
    """Disable recording inside a ``with`` block or a decorated function.

    >>> import symgrad as sg
    >>> x = sg.ones(2, requires_grad=True)
    >>> with sg.no_grad():
    ...     print((x * 2).requires_grad)
    False
    """
    _mode = False


class enable_grad(_GradMode):
    """Re-enable recording inside ``no_grad``.

    >>> import symgrad as sg
    >>> with sg.no_grad(), sg.enable_grad():
    ...     print(sg.is_grad_enabled())
    True
    """
    _mode = True


class set_grad_enabled(_GradMode):
    """Set grad mode: as a function call it takes effect at once; as a context
    manager or decorator it restores the previous mode afterwards.

    >>> import symgrad as sg
    >>> with sg.set_grad_enabled(False):
    ...     print(sg.is_grad_enabled())
    False
    """

    def __init__(self, mode):
        self._prev = _state["grad"]
        self._mode = bool(mode)
        _state["grad"] = self._mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        _state["grad"] = self._prev
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            prev = _state["grad"]
            _state["grad"] = self._mode
            try:
                return fn(*a, **k)
            finally:
                _state["grad"] = prev
        return wrapper


class inference_mode(no_grad):
    """Alias of ``no_grad`` (symgrad has no separate inference tensors)."""

    def __init__(self, mode=True):
        self._mode = not mode


# ---------------------------------------------------------------- the graph
class Node:
    """A recorded op: the object behind ``tensor.grad_fn``."""
    __slots__ = ("op", "params", "edges", "meta", "saved", "ans", "checks",
                 "hooks", "freed", "out_meta", "shape", "__weakref__")

    def name(self):
        return type(self).__name__

    @property
    def next_functions(self):
        return tuple((_edge_fn(e), e[1] if type(e) is tuple else 0) for e in self.edges)

    def register_hook(self, fn):
        raise NotImplementedError("Node.register_hook is not supported; use Tensor.register_hook")

    @property
    def metadata(self):
        return {}

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"


def _edge_fn(e):
    if e is None:
        return None
    if isinstance(e, Node):
        return e
    if isinstance(e, tuple):
        return e[0]
    return AccumulateGrad(e)


class AccumulateGrad:
    """The sink of a leaf in ``next_functions``; ``.variable`` is the leaf."""
    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    next_functions = ()

    def name(self):
        return "AccumulateGrad"

    def __eq__(self, other):
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self):
        return id(self.variable)

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


_NODE_CLASSES = {}


def node_class(name):
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


# An edge is: None (no gradient flows), a leaf Tensor (accumulate into .grad),
# a Node (single output) or (Node, output index) for multi-output nodes.
def edge_of(t):
    if t._base is not None:
        _refresh_view(t)
    n = t._node
    if n is None:
        return t if t._rg else None
    return n if t._out == -1 else (n, t._out)


def _refresh_view(t):
    # a view whose base was modified in place since the view's node was made
    # reads the base's new history: rebuild the view's node from the base
    b = t._base
    if t._vbase_node is not b._node:
        from .ops import shape as _shape
        _shape.rebuild_view(t)


class Contribution:
    """What a gradient remembers of the backward pass that produced it: the
    root edges and the seed gradients (None: ones).  Its closed form is built
    from this skeleton only when asked for."""
    __slots__ = ("roots", "seeds", "cache", "hooked", "clock", "__weakref__")

    def __init__(self, roots, seeds):
        self.roots = roots
        self.seeds = seeds
        self.cache = None
        self.hooked = False     # a hook replaced a gradient: the closed form is unknown
        self.clock = _clock[0]


# ----------------------------------------------------------------- recording
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
    cat = -1
    scalars = op.elementwise
    for t in inputs:
        if isinstance(t, Tensor):
            a = t._data
            if t._node is not None or t._rg:
                rg = True
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
        if cat == 1 and npdt.kind in "iu":
            # as PyTorch, a Python int converts to the integer dtype it computes in, wrapping around
            for k, a in enumerate(arrs):
                if type(a) is int:
                    arrs[k] = _int_scalar(a, npdt)
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
        if rg and _state["grad"]:
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
        return _wrap(out)
    outs = tuple(o if type(o) is np.ndarray else np.asarray(o) for o in out)
    if rg and _state["grad"] and op.differentiable:
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
                checks.append((t._vc, t._vc[0], k))
            elif edges[k] is None and symbolic:
                saved[k] = _Meta(a.shape, a.dtype, _weakref(t), a, t._skel, t._vc, t._vc[0])
            else:
                saved[k] = _Meta(a.shape, a.dtype)
    node.saved = saved
    node.ans = out if read_ans else None
    node.shape = out.shape if out is not None and type(out) is not tuple else None
    node.checks = checks
    return node


# ------------------------------------------------------------------ backward
_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors "
          "after they have already been freed). Saved intermediate values of the graph are freed "
          "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
          "backward through the graph a second time or if you need to access saved tensors after "
          "calling backward.")


_LEGACY_TYPE = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor",
                "uint8": "ByteTensor", "bool": "BoolTensor"}


def _short_name(node):
    # PyTorch names the producer without its "Backward<n>" suffix: "Mul", "Exp"
    name = node.name()
    if name == "CopySlices":
        return "symgrad::autograd::CopySlices"
    cut = name.rfind("Backward")
    return name[:cut] if cut > 0 and name[cut + 8:].isdigit() else name


def _raise_modified(node, now, ver, k):
    # as PyTorch: a saved output names the node that saved it; a saved input names
    # its current producer (the in-place op, once it has one); a leaf names none
    if k < 0:
        a = node.ans if node.out_meta is None else node.ans[-k - 1]
        shape, dtname, producer, idx = a.shape, _dt._FROM_NP[a.dtype].name, node, -k - 1
    else:
        t = node.saved[k]
        shape, dtname = t.shape, t.dtype.name
        producer, idx = t.grad_fn, max(t._out, 0)
    which = "" if producer is None else f", which is output {idx} of {_short_name(producer)},"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [symgrad.{_LEGACY_TYPE[dtname]} {list(shape)}]{which} is at version {now}; "
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
    if g.dtype != dt.np:
        g = g.astype(dt.np)
    return g


def _grad_tensor(g, meta):
    from .backends import tensor_ns
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


def _useful(order, targets):
    # nodes from which some target node or leaf is reachable (for inputs=/grad)
    useful = set()
    changed = True
    tset = set(id(t) for t in targets)
    # process in reverse discovery order repeatedly until fixpoint (graphs are DAGs;
    # reverse DFS-discovery order is usually already topological)
    while changed:
        changed = False
        for n in reversed(order):
            if n in useful:
                continue
            for e in n.edges:
                if e is None:
                    continue
                m = e[0] if type(e) is tuple else e
                if (isinstance(m, Node) and m in useful) or id(m) in tset or (
                        isinstance(m, Tensor) and id(m) in tset):
                    useful.add(n)
                    changed = True
                    break
    return useful


def run_backward(roots, grads, retain_graph=False, create_graph=False, inputs=None,
                 accumulate=True, allow_unused=False, seeds=None):
    """Backpropagate ``grads`` (one per root tensor).

    With ``accumulate`` the leaves' ``.grad`` receive the result (``backward``,
    restricted to ``inputs`` when given); otherwise the gradients of ``inputs``
    are returned (``autograd.grad``).
    """
    if create_graph:
        from .backends import tensor_ns as xp
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
    contrib = None if create_graph or not _state["symbolic"] else \
        Contribution(tuple(root_edges), tuple(seeds or [None] * len(roots)))
    ready = [n for n in order if n not in deps]
    while ready:
        node = ready.pop()
        gbuf = buffers.pop(node, None)
        if gbuf is None or (useful is not None and node not in useful):
            in_grads = [None] * len(node.edges)
        else:
            grads_out = _prepare(node, gbuf, xp)
            if node.hooks:
                _HOOKED[0] = False
                grads_out = _run_hooks(node, grads_out)
                if _HOOKED[0] and contrib is not None:
                    contrib.hooked = True
            for k, g in enumerate(grads_out):
                for i in capture.get((node, k), ()):
                    results[i] = g if create_graph or g is None else _wrap(g)
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
        if accumulate:
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
    in_grads = _apply_vjps(node, (g,), numpy_ns, False)
    _release(node, retain_graph)
    contrib = Contribution((node,), tuple(seeds or (None,))) if _state["symbolic"] else None
    taken = set()
    for leaf in leaves:
        total = None
        for e, gi in zip(edges, in_grads):
            if e is leaf:
                total = gi if total is None else total + gi
        total, leaf_contrib = _finish_leaf(leaf, total, _grad_array, contrib)
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
            r = fn(g if isinstance(g, Tensor) else _wrap(g))
            if r is not None:
                g = r if isinstance(g, Tensor) else r._data.copy()     # the caller may hold r
                hooked = True
        if hooked and contrib is not None:
            contrib = Contribution(contrib.roots, contrib.seeds)
            contrib.hooked = True
    return g, contrib


def _useful(order, capture):
    # nodes from which a captured node or leaf is reachable; reverse discovery
    # order visits children first, so the fixpoint loop usually runs twice
    targets = {k[0] for k in capture}
    useful = set()
    changed = True
    while changed:
        changed = False
        for n in reversed(order):
            if n in useful:
                continue
            if n in targets:
                useful.add(n)
                changed = True
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


def _run_hooks(node, grads_out):
    grads_out = list(grads_out)
    for k, fns in node.hooks.items():
        for fn in fns:
            g = grads_out[k]
            if g is None:
                continue
            gt = g if isinstance(g, Tensor) else _wrap(g)
            r = fn(gt)
            if r is not None:
                grads_out[k] = r if isinstance(g, Tensor) else r._data.copy()     # the caller may hold r
                _HOOKED[0] = True
    return tuple(grads_out)


_HOOKED = [False]


def _apply_vjps(node, grads_out, xp, create_graph):
    quiet = _quiet()
    try:
        return _vjps(node, grads_out, xp, create_graph)
    finally:
        _loud(quiet)


def _vjps(node, grads_out, xp, create_graph):
    op = node.op
    if node.freed:
        raise RuntimeError(_FREED)
    for vc, ver, k in node.checks:
        if vc[0] != ver:
            _raise_modified(node, vc[0], ver, k)
    if hasattr(op, "backward_node"):
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
        for t in saved:
            ins.append(t._data if isinstance(t, Tensor) else t)
        if op.elementwise and not grads_out[0].ndim:
            # a 0-d output has 0-d inputs: compute on numpy scalars, as forward does
            ins = [a[()] if type(a) is np.ndarray else a for a in ins]
            grads_out = (grads_out[0][()],)
            if ans is not None:
                ans = ans[()]
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
    return _checked(node, res) if _state["anomaly"] else res


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


def _result(g, contrib, key):
    t = _wrap(g)
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
            from .ops.shape import copy_op
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
    elif cur._node is not None or cur._rg:
        prev = cur
        leaf._grad = _wrap(cur._data + g)
        leaf._grad._gsrc = [("tensor", prev), entry]
    else:
        rec = cur._gsrc
        if rec is None:
            # a gradient the user assigned: its closed form is known only if it is zero
            rec = cur._gsrc = [("const", 0) if not cur._data.any() else ("unknown",)]
        d = cur._data
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
                m = _Meta(a.shape, a.dtype, _weakref(t), a, t._skel, t._vc, t._vc[0])
                m.held = t.__dict__.get("_held")      # a closed form built before keeps its identity
                t = m
            else:
                t = _Meta(a.shape, a.dtype)
        saved.append(t)
    node.saved = saved
    node.ans = None


# ------------------------------------------------------------------ in-place
_TORCH_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char",
                "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}


def check_inplace(target):
    if not _state["grad"]:
        return
    if target._node is None and target._rg:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    b = target._base
    if b is not None and b._node is None and b._rg:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def call_inplace(op, target, others, params):
    """Run ``op(target, *others)`` and write the result into ``target``'s storage.

    The graph sees the functional version: ``target`` becomes the output of a
    new node whose input is its old value; for a view, its base gets a
    ``CopySlices`` node that writes the new view value into the old base.
    """
    check_inplace(target)
    if not target._data.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers "
                           "to a single memory location. Please clone() the tensor before performing the operation.")
    inputs = (target,) + tuple(others)
    arrs = [t._data if isinstance(t, Tensor) else t for t in inputs]
    tdt = target.dtype
    if op.dtypes != "keep":
        dt = _dt.result_type(*inputs)
        if op.dtypes == "float" and dt._cat < 2:
            dt = _dt._DEFAULT[0]
        if dt._cat > tdt._cat:
            raise RuntimeError(f"result type {_TORCH_NAMES[dt.name]} can't be cast to the desired output "
                               f"type {_TORCH_NAMES[tdt.name]}")
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
    rg = _state["grad"] and op.differentiable and any(
        isinstance(t, Tensor) and (t._node is not None or t._rg or
                                   (t._base is not None and t._base.requires_grad)) for t in inputs)
    snap = None
    if rg:
        need = set()
        reads = op.reads()
        for k, t in enumerate(inputs):
            if isinstance(t, Tensor) and t.requires_grad and k < len(reads):
                need |= reads[k][1]
        snap = _snapshot(target, copy=0 in need)
    old_base = _base_before_write(target) if rg else None
    target._data[...] = out
    modified(target)
    if target._gsrc is not None:
        target._gsrc[:] = [("unknown",)]
    if rg:
        node = record(op, (snap,) + tuple(others), params, target._data)
        if node.ans is not None:
            node.checks.append((target._vc, target._vc[0], -1))
        _rebind(target, node, old_base)
    return target


def _base_before_write(target):
    # a constant base about to be partly overwritten through a view: its old
    # values enter the closed form; keep them when that is free (uniform values)
    b = target._base
    if b is None or b._node is not None or b._rg:
        return None
    a = b._data
    if a.size and (a == a.flat[0]).all():
        return np.broadcast_to(a.flat[0], a.shape)
    return None


def _snapshot(t, copy):
    s = _wrap(t._data.copy() if copy else t._data, t._node, t._out)
    s._rg = t._rg
    s._base = t._base
    s._view = t._view
    s._vbase_node = t._vbase_node
    if not copy:
        s._vc = t._vc
    return s


def _rebind(target, node, old_base=None):
    b = target._base
    if b is None:
        target._node = node
        target._out = -1
        return
    from .ops.shape import copy_slices_op
    value = _wrap(target._data, node, -1)
    bsnap = _snapshot(b, copy=False)
    if old_base is not None:
        bsnap._data, bsnap._vc = old_base, [0]
    cs = record(copy_slices_op, (bsnap, value), {"chain": target._view}, None)
    cs.shape = b._data.shape
    b._node = cs
    b._out = -1
    target._node = node
    target._out = -1
    target._vbase_node = cs


def leaves_of(roots, edges=None):
    """The leaves that require grad reachable from ``roots`` (or from their
    ``edges``, taken earlier), in discovery order."""
    out, seen = [], set()
    stack = [edge_of(t) for t in roots] if edges is None else list(edges)
    nodes = set()
    while stack:
        e = stack.pop()
        if e is None:
            continue
        n = e[0] if type(e) is tuple else e
        if isinstance(n, Node):
            if n in nodes:
                continue
            nodes.add(n)
            stack.extend(reversed(n.edges))
        elif id(n) not in seen:
            seen.add(id(n))
            out.append(n)
    return out
