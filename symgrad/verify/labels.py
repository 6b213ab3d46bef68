"""What a tensor came from: the leaves a claim about it may name, and the
label (``∂out/∂x[i, j]``) it is shown under."""
import sys


def _related_leaves(t):
    """Leaves a claim about ``t`` may name besides those in its closed form:
    for a gradient, the leaf it is taken with respect to and the other
    leaves of the graph it came from."""
    from .. import engine
    from ..tensor import Tensor
    out, seen, todo = [], set(), [t]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if x._node is not None:
            out.extend(engine.leaves_of([x]))
            continue
        for item in x._gsrc or ():
            if item[0] == "bw":
                key = _deref(item[2])
                if isinstance(key, Tensor):
                    out.append(key)
                if item[1] is not None:
                    out.extend(_edge_leaves(item[1].roots))
            elif item[0] == "tensor":
                todo.append(item[1])
            elif item[0] == "stack":
                todo.extend(item[1])
    uniq, ids = [], set()
    for leaf in out:
        if id(leaf) not in ids:
            ids.add(id(leaf))
            uniq.append(leaf)
    return uniq


def _deref(key):
    # a backward record holds the leaf it was taken with respect to weakly
    import weakref
    return key() if isinstance(key, weakref.ref) else key


def _edge_leaves(roots):
    from .. import engine
    from ..tensor import Tensor
    out, seen, stack = [], set(), list(roots)
    while stack:
        e = stack.pop()
        if e is None:
            continue
        n = e[0] if type(e) is tuple else e
        if isinstance(n, engine.Node):
            if n not in seen:
                seen.add(n)
                stack.extend(n.edges)
        elif isinstance(n, Tensor):
            out.append(n)
    return out


def _label(t, ctx):
    from ..symbolic.graph import find_name, leaf_symbol
    from ..symbolic.printing import index_str
    idx = index_str(ctx.shape)
    rec = t._gsrc if t._node is None else None
    if rec and len(rec) == 1 and rec[0][0] == "bw" and rec[0][1] is not None:
        leaf = _deref(rec[0][2])
        if leaf is not None:
            lname = ctx.names.get(leaf_symbol(leaf))
            root = _root_name(rec[0][1].roots) or "out"
            return f"∂{root}/∂{lname or find_name(leaf) or 'x'}{idx}"
    return f"{find_name(t) or 't'}{idx}"


def _root_name(roots):
    """The caller's variable name for the tensor a backward pass started from."""
    import os
    from .. import engine
    from ..tensor import Tensor
    from ..symbolic.graph import _PKG
    e = next((r for r in roots if r is not None), None)
    if e is None:
        return None
    node, k = (e[0], e[1]) if type(e) is tuple else (e, -1)
    if not isinstance(node, engine.Node):
        return None
    f = sys._getframe(1)
    depth = 40
    while f is not None and depth:
        depth -= 1
        if not os.path.abspath(f.f_code.co_filename).startswith(_PKG):
            for scope in (f.f_locals, f.f_globals):
                for name, v in scope.items():
                    if isinstance(v, Tensor) and v._node is node and not name.startswith("_") and \
                            (k == -1 or v._out == k):
                        return name
        f = f.f_back
    return None
