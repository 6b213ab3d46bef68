"""The recorded graph: nodes (what ``grad_fn`` shows), their edges, and walks
over them.  A node holds the skeleton (op, params, edges, input shapes and
dtypes), which outlives ``backward()``, and the values its rules read."""
from weakref import ref as _weakref

from ..tensor import _clock
from .mode import _tls


class Node:
    """A recorded op: the object behind ``tensor.grad_fn``."""
    __slots__ = ("op", "params", "edges", "meta", "saved", "ans", "checks",
                 "hooks", "freed", "out_meta", "shape", "__weakref__")

    def name(self):
        n = type(self).__name__
        # PyTorch's nodes not generated from its derivative table carry their C++ namespace
        return "symgrad::autograd::CopySlices" if n == "CopySlices" else n

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
    # one sink per leaf, as PyTorch: every node using the leaf shows the same object
    acc = e.__dict__.get("_grad_acc")
    if acc is None:
        acc = e._grad_acc = AccumulateGrad(e)
    return acc


class AccumulateGrad:
    """The sink of a leaf in ``next_functions``; ``.variable`` is the leaf."""
    __slots__ = ("_leaf",)

    def __init__(self, variable):
        self._leaf = _weakref(variable)         # held by its leaf: no reference cycle

    @property
    def variable(self):
        return self._leaf()

    next_functions = ()

    def name(self):
        return "symgrad::autograd::AccumulateGrad"

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
    if t._cmeta is not None and t._vc[0] != t._vver and (t._node is not None or b._node is not None or b._rg):
        raise RuntimeError(view_write_error(t, indirect=True))
    if t._vbase_node is not b._node:
        det = b.__dict__.get("_detached")
        if b._node is None and t._vbase_node is not None and det is not None and det[0] is t._vbase_node \
                and det[1] == b._vc[0]:
            return          # the base was detached in place: a view taken before keeps its history, until a write
        from ..ops import shape as _shape
        _shape.rebuild_view(t)
    elif t._node is None and b._rg and t._vver != t._vc[0]:
        # a view taken before its leaf base required grad, the base written since: as PyTorch, it
        # now reads the base (unwritten, it stays as it was)
        from ..ops import shape as _shape
        _shape.rebuild_view(t)


def mark_view(r, x, multi):
    """Record how view ``r`` of ``x`` was made: PyTorch forbids writing into
    one of several views an op returned, and into a view made under no_grad
    once grad mode is on (the write's history would be ambiguous)."""
    if x._base is not None and x._cmeta is not None:
        r._cmeta = x._cmeta
    elif not _tls.grad:
        r._cmeta = "no_grad"
    elif multi:
        r._cmeta = "multi"


_WHY = {"multi": " This view is the output of a function that returns multiple views. Such functions do not allow "
                 "the output views to be modified inplace. You should replace the inplace operation by an "
                 "out-of-place one.",
        "no_grad": " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your "
                   "code by moving both the view and the inplace either both inside the no_grad block (if you "
                   "don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."}


def view_write_error(t, indirect):
    """PyTorch's text for a write into (``indirect``: through the base or
    another view of) a view marked by ``mark_view``."""
    what = "its base or another view of its base has been" if indirect else "is being"
    n = t._node
    fn = "" if n is None else f"Output {max(t._out, 0)} of {type(n).__name__.rsplit('Backward', 1)[0]} is a view"
    if n is None or t._cmeta == "no_grad":
        fn = "A view was created in" if n is None else fn + " of a view which was created in"
        msg = f"{fn} no_grad mode and {what} modified inplace with grad mode enabled."
    else:
        msg = f"{fn} and {what} modified inplace."
    return msg + _WHY[t._cmeta]


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
