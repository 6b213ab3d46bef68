"""Closed forms of tensors, built lazily from the recorded graph skeleton.

A tensor's template is its node's forward formula evaluated on the templates
of its inputs; a gradient's template is the same backward pass the engine
runs, with every VJP rule evaluated on templates.  Leaves enter as
identity symbols ``_L<n>`` and are renamed (``x``, ``w``, ...) only when an
expression is handed to the user."""
import itertools
import sys
import os
import weakref

import numpy as np
import sympy as sp

from ..tensor import Tensor, _Meta
from .. import engine
from . import ns as tns
from .template import T, SLOTS

_serial = itertools.count()
_LEAVES = {}                    # n -> weakref to the tensor (for names and values)
_NODE_T = weakref.WeakKeyDictionary()


class IdWeakMap:
    """A weak-keyed map by identity (tensors compare elementwise, so
    ``WeakKeyDictionary`` cannot key on them)."""

    def __init__(self):
        self._d = {}

    def get(self, obj, default=None):
        hit = self._d.get(id(obj))
        return hit[1] if hit is not None and hit[0]() is obj else default

    def __setitem__(self, obj, value):
        k = id(obj)
        self._d[k] = (weakref.ref(obj, lambda r, k=k, d=self._d: d.pop(k, None)), value)


_BY_TENSOR = IdWeakMap()


def _no_value():
    return None


class Leaf(sp.IndexedBase):
    """A leaf tensor's identity in a template (renamed for display)."""


def leaf_symbol(t):
    n = _BY_TENSOR.get(t)
    if n is None:
        n = _BY_TENSOR[t] = next(_serial)
        _LEAVES[n] = weakref.ref(t)
    kind = {"f": {"real": True}, "b": {}, "i": {"integer": True}, "u": {"integer": True}}[t._data.dtype.kind]
    if t._data.ndim == 0:
        return sp.Symbol(f"_L{n}", **kind)
    return sp.IndexedBase(f"_L{n}", shape=t._data.shape, **kind)


def leaf_of(s):
    """The tensor (or held constant) a leaf symbol ``_L<n>`` stands for, or
    None once it is gone."""
    ref = _LEAVES.get(int(s.name[2:]))
    return ref() if ref is not None else None


def leaf_template(t):
    s = leaf_symbol(t)
    nd = t._data.ndim
    e = s if nd == 0 else s[tuple(SLOTS[:nd])]
    if t._data.dtype.kind == "b":
        e = sp.Ne(e, 0)
    return T(e, t._data.shape, t._data)


class _Held:
    """A constant input: its values (kept by the graph skeleton), a weak
    reference to its tensor, for its name, and the version the values had
    when the graph used them (``stale`` once written in place since)."""
    requires_grad = False
    _name = None

    def __init__(self, value, ref, vc=None, ver=None, name=None):
        self._data = value
        self.ref = ref
        self.vc, self.ver = vc, ver
        self._name = name       # the tensor's name=, which outlives it

    @property
    def stale(self):
        return self.vc is not None and self.vc[0] != self.ver


_HELD = weakref.WeakValueDictionary()     # id(array) -> its _Held, while a skeleton keeps it


def const_template(value, ref, fresh=True, owner=None, vc=None, ver=None, name=None):
    """A constant input.  Unnamed constants whose values are all equal (and
    still the values the graph used) are written as that number."""
    if fresh and value.size and value.dtype.kind in "fiu":
        t = ref() if ref is not None else None
        if name is None and (t is None or find_name(t) is None) and (value == value.flat[0]).all():
            v = value.flat[0].item()
            return T(tns.number(v), value.shape)
    if not fresh:
        return _anon(_Meta(value.shape, value.dtype, ref))
    held = _HELD.get(id(value))
    if held is None or held._data is not value or held.ver != ver:
        held = _HELD[id(value)] = _Held(value, ref, vc, ver, name)
    if owner is not None:
        owner(held)
    return leaf_template(held)


def _anon(meta):
    if meta.value is not None:
        fresh = meta.vc is None or meta.vc[0] == meta.ver
        return const_template(meta.value, meta.ref, fresh, owner=lambda h: setattr(meta, "held", h),
                              vc=meta.vc, ver=meta.ver, name=meta.name)
    n = next(_serial)
    _LEAVES[n] = _no_value
    nd = len(meta.shape)
    s = sp.Symbol(f"_L{n}", real=True) if nd == 0 else sp.IndexedBase(f"_L{n}", shape=meta.shape, real=True)
    return T(s if nd == 0 else s[tuple(SLOTS[:nd])], meta.shape)


def _node_of(e):
    if e is None:
        return None
    if type(e) is tuple:
        return e[0]
    return e if isinstance(e, engine.Node) else None


def _const_input(node, k):
    s = node.saved[k]
    # a skeleton (of a comparison, a cast) describes the values only while
    # the tensor is at version 0: written in place before this node used it,
    # it is a constant with the values it then had
    if isinstance(s, Tensor):
        ver = next((v for _, v, i in node.checks if i == k), s._vc[0])
        if s._skel is not None and ver == 0:
            return _with_value(node_template(s._skel), s._data)
        return const_template(s._data, weakref.ref(s), s._vc[0] == ver,
                              owner=lambda h: s.__dict__.__setitem__("_held", h), vc=s._vc, ver=ver, name=s._name)
    if isinstance(s, _Meta):
        if s.skel is not None and s.ver == 0:
            return _with_value(node_template(s.skel), s.value)
        return _anon(s)
    return s


def _with_value(t, value):
    return T(t.e, t.shape, value)


def input_template(node, k):
    e = node.edges[k]
    if e is None:
        return _const_input(node, k)
    if type(e) is tuple:
        return node_template(e[0])[e[1]]
    if isinstance(e, engine.Node):
        return node_template(e)
    return leaf_template(e)


def node_template(root):
    """Forward template(s) of a node's output(s), building inputs first
    (iteratively: deep graphs must not hit the recursion limit)."""
    hit = _NODE_T.get(root)
    if hit is not None:
        return hit
    stack = [root]
    while stack:
        n = stack[-1]
        if n in _NODE_T:
            stack.pop()
            continue
        todo = [m for m in map(_node_of, n.edges) if m is not None and m not in _NODE_T]
        todo += [m for m in map(_skel_of, n.saved or ()) if m is not None and m not in _NODE_T]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        _NODE_T[n] = _forward(n)
    return _NODE_T[root]


def _skel_of(s):
    return getattr(s, "_skel", None) if isinstance(s, Tensor) else getattr(s, "skel", None)


def _forward(n):
    ins = [input_template(n, k) for k in range(len(n.edges))]
    if getattr(n.op, "forward", None) is None:
        return _opaque(n, ins)
    try:
        out = n.op.forward(tns, *ins, **n.params)
    except tns.NoClosedForm:
        return _opaque(n, ins)
    if isinstance(out, (tuple, list)):
        return tuple(tns.as_t(o) for o in out)
    return tns.as_t(out)


class Opaque(sp.Function):
    """An op with no closed form, named after the op; args: the output slots."""


def _opaque(n, ins):
    name = n.op.name
    shapes = [m[0] for m in (n.out_meta or ())] or None
    f = sp.Function(name)
    if shapes is None:
        shape = _out_shape(n)
        return T(f(*SLOTS[:len(shape)]), shape)
    return tuple(T(sp.Function(f"{name}{k}")(*SLOTS[:len(s)]), s) for k, s in enumerate(shapes))


def _out_shape(n):
    return n.shape


def template(t):
    """The forward template of a tensor."""
    if t._base is not None:
        engine._refresh_view(t)
    if t._node is None:
        return leaf_template(t)
    tpl = node_template(t._node)
    return tpl if t._out == -1 else tpl[t._out]


# ---------------------------------------------------------------- backward
def _seed_template(root_edge, seed, shape):
    if seed is None:
        return T(sp.Integer(1), shape)
    if isinstance(seed, Tensor):
        a = seed._data
        if a.size and (a == 1).all():
            return T(sp.Integer(1), shape)
        if find_name(seed) is None and a.ndim and np.count_nonzero(a) == 1 and a.max() == 1:
            # an unnamed one-hot seed (a Jacobian row): exactly a Kronecker delta
            pos = np.unravel_index(int(np.argmax(a)), a.shape)
            e = sp.Integer(1)
            for d, p in enumerate(pos):
                e *= sp.KroneckerDelta(SLOTS[d], int(p))
            return T(e, shape)
        return leaf_template(seed)
    return T(sp.Integer(1), shape) if (seed == 1).all() else _anon(_Meta(shape, None))


def _edge_shape(e):
    if isinstance(e, Tensor):
        return e._data.shape
    if type(e) is tuple:
        return e[0].out_meta[e[1]][0]
    return e.shape


def backward_templates(roots, seeds):
    """The engine's backward pass with every VJP rule run on templates.
    Returns {leaf tensor or (node, k): gradient template}."""
    buffers = {}
    for e, s in zip(roots, seeds):
        if e is None:
            continue
        g = _seed_template(e, s, _edge_shape(e))
        engine._accum_edge(buffers, e, g)
    deps, order = engine._collect(list(roots))
    ready = [n for n in order if n not in deps]
    out = {}
    while ready:
        node = ready.pop()
        gbuf = buffers.pop(node, None)
        if node.out_meta is None:
            out[(node, 0)] = gbuf
            g = gbuf
        else:
            gbuf = gbuf or [None] * len(node.out_meta)
            g = tuple(b if b is not None else T(sp.Integer(0), m[0]) for b, m in zip(gbuf, node.out_meta))
            for k, b in enumerate(g):
                out[(node, k)] = b
        ins = [input_template(node, k) for k in range(len(node.edges))]
        ans = node_template(node)
        for k, e in enumerate(node.edges):
            if e is None:
                continue
            r = _vjp(node, k, g, ans, ins)
            r = engine.unbroadcast(tns, tns.as_t(r), node.meta[k][0])
            engine._accum_edge(buffers, e, r)
            m = _node_of(e)
            if m is not None:
                deps[m] -= 1
                if deps[m] == 0:
                    ready.append(m)
    for key, g in buffers.items():
        if isinstance(key, Tensor):
            out[key] = g
    return out


def _vjp(node, k, g, ans, ins):
    op = node.op
    if getattr(op, "vjp", None) is None:
        shape = node.meta[k][0]
        return T(sp.Function(f"grad_{op.name}_{k}")(*SLOTS[:len(shape)]), shape)
    try:
        if op.variadic:
            return op.vjp(tns, k, g, ans, *ins, **node.params)
        return op.vjp[k](tns, g, ans, *ins, **node.params)
    except tns.NoClosedForm:
        shape = node.meta[k][0]
        return T(sp.Function(f"grad_{op.name}_{k}")(*SLOTS[:len(shape)]), shape)


def gradient_template(gt):
    """Template of a gradient tensor from its record of contributions."""
    rec = gt._gsrc
    total = None
    shape = gt._data.shape
    for item in rec:
        kind = item[0]
        if kind == "tensor":
            part = tensor_template(item[1])
            total = part if total is None else total + part
            continue
        if kind == "stack":
            rows = [tensor_template(r) for r in item[1]]
            part = tns.reshape(tns.stack(rows, 0), shape)
            total = part if total is None else total + part
            continue
        if kind == "hooked":
            raise RuntimeError("a hook changed this gradient during backward, so its closed form is unknown "
                               "(the numbers include the hook's change)")
        if kind == "const":
            part = T(sp.Integer(0) if item[1] == 0 else tns.number(item[1]), shape)
        elif kind == "unknown":
            if len(item) > 1:
                raise RuntimeError(item[1])
            raise RuntimeError("this gradient's storage was modified in place outside autograd (for example "
                               "x.grad.data.mul_(...)), so its closed form is unknown; zero it or recompute it")
        else:
            contrib, key = item[1], item[2]
            if contrib is None:
                raise RuntimeError("this gradient was computed with symbolic recording switched off "
                                   "(sg.set_symbolic(False)); its closed form is unknown")
            if contrib.hooked:
                raise RuntimeError("a hook changed this gradient during backward, so its closed form is "
                                   "unknown (the numbers include the hook's change)")
            if isinstance(key, weakref.ref):
                key = key()
            if contrib.cache is None:
                contrib.cache = backward_templates(contrib.roots, contrib.seeds)
            part = contrib.cache.get(key)
            if part is None:
                part = T(sp.Integer(0), shape)
        total = part if total is None else total + part
    if total is None:
        total = T(sp.Integer(0), shape)
    return T(tns.at(total, shape), shape) if total.shape != shape else total


def tensor_template(t):
    if t._gsrc is not None and (t._node is None or t._gsrc[0][0] == "unknown"):
        return gradient_template(t)
    return template(t)


# ------------------------------------------------------------------- names
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_NAMECACHE = IdWeakMap()


def find_name(t, depth=40):
    """The variable name bound to ``t`` in the calling code (or the path of a
    parameter of a module bound to a variable, ``model.0.weight``), if any."""
    if isinstance(t, _Held):
        held, t = t, t.ref() if t.ref is not None else None
        if t is None:
            return held._name
    if t._name:
        return t._name
    alias = t.__dict__.get("_alias")
    if alias is not None and alias() is not None:
        return find_name(alias(), depth)
    hit = _NAMECACHE.get(t)
    if hit:
        return hit
    from ..nn import Module
    f = sys._getframe(1)
    while f is not None and depth:
        depth -= 1
        if not os.path.abspath(f.f_code.co_filename).startswith(_PKG):
            scopes = (f.f_locals, f.f_globals)
            for scope in scopes:
                for k, v in scope.items():
                    if v is t and not k.startswith("_"):
                        _NAMECACHE[t] = k
                        return k
            for scope in scopes:
                for k, v in list(scope.items()):
                    if isinstance(v, Module) and not k.startswith("_"):
                        for pname, p in v.named_parameters():
                            if p is t:
                                _NAMECACHE[t] = name = f"{k}.{pname}"
                                return name
        f = f.f_back
    return None


_ANON = {}


def _user_names(depth=40):
    """Names bound in the calling user code, and names given with ``name=``:
    a short name for an unnamed leaf must not read as one of them."""
    from ..tensor import GIVEN_NAMES
    out = set(GIVEN_NAMES)
    f = sys._getframe(1)
    while f is not None and depth:
        depth -= 1
        if not os.path.abspath(f.f_code.co_filename).startswith(_PKG):
            out.update(f.f_locals)
            out.update(f.f_globals)
        f = f.f_back
    return out


def _short_name(s, t):
    name = _ANON.get(s.name)
    if name is None:
        prefix = "c" if t is None or not t.requires_grad else "t"
        avoid = _user_names()
        n = len(_ANON)
        while prefix + str(n) in avoid:
            n += 1
        name = _ANON[s.name] = prefix + str(n)
    return name


def leaf_names(e):
    """{identity symbol: display symbol} for the leaves in ``e``: each leaf's
    own name where it can be found, else a short one; never two alike."""
    bases = {s for s in e.atoms(sp.IndexedBase) if s.name.startswith("_L")}
    labels = {b.label for b in bases}
    syms = bases | {s for s in e.atoms(sp.Symbol) if s.name.startswith("_L") and s not in labels}
    taken = {s.name for s in e.free_symbols if not s.name.startswith("_")}
    mapping = {}
    for s in sorted(syms, key=lambda s: int(s.name[2:])):
        t = leaf_of(s)
        name = find_name(t) if t is not None else None
        if name is None:
            # an unnamed leaf keeps the short name it was first shown with
            name = _short_name(s, t)
        cand, k = name, 1
        while cand in taken:
            cand = f"{name}_{k}"
            k += 1
        taken.add(cand)
        if isinstance(s, sp.IndexedBase):
            mapping[s] = sp.IndexedBase(cand, shape=s.shape, **s.assumptions0)
        else:
            mapping[s] = sp.Symbol(cand, **s.assumptions0)
    return mapping


def display(e):
    """``e`` with leaves renamed (``leaf_names``), numeric factors pulled out
    of sums, and summation dummies renamed to readable letters."""
    from .printing import rename_dummies
    mapping = leaf_names(e)
    e = e.xreplace(mapping) if mapping else e
    return rename_dummies(numeric_content(e), avoid={str(v) for v in mapping.values()})


def numeric_content(e):
    """Pull the numeric content out of every sum: ``3*x/2 + 3`` prints as
    ``3*(x + 2)/2`` (SymPy would otherwise distribute it back), and
    ``Σ -x/8`` as ``-(Σ x)/8``."""
    from sympy.core.mul import _keep_coeff

    def pull(a):
        if isinstance(a, sp.Sum):
            if not isinstance(a.function, sp.Expr):
                return a
            c, f = a.function.as_coeff_Mul()
            # a sign or a fraction moves out; Σ 3*(x + 2)**2 reads as written
            return c * type(a)(f, *a.limits) if c.is_negative or not c.is_Integer else a
        c, p = a.as_content_primitive()
        return _keep_coeff(c, p) if c != 1 else a
    return e.replace(lambda a: isinstance(a, (sp.Add, sp.Sum)), pull)
