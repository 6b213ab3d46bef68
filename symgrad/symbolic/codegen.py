"""Closed forms back to array code.

A template compiles once into a tree of closures over *labelled arrays*: a
value is an array plus the index symbols its axes stand for, so a
subexpression has an axis only for the indices it depends on.  A leaf read
``x[i, m]`` is the leaf itself (sliced when the range is a part of the
axis), other reads are fancy indexing; a sum of a product is a contraction
done pairwise with ``matmul``.  Subexpressions are keyed with their indices
renamed in order of appearance, so the same sum written with different
letters (``Σ_m W[i, m] x[l, m]`` and ``Σ_p W[n, p] x[l, p]``) is compiled
and evaluated once per call."""
import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from . import ns as tns
from .template import SLOTS


class Unevaluable(RuntimeError):
    """The closed form contains an opaque function and cannot be evaluated."""


class LogSumExp(sp.Function):
    """``log(Σ exp(u))`` of its one argument, a ``Sum`` of ``exp``: evaluated
    with the largest ``u`` taken out, so that it neither overflows nor
    underflows where the closed form's value is finite."""
    nargs = 1


def _expsum(e):
    return isinstance(e, sp.Sum) and isinstance(e.function, sp.exp)


def stabilize(e, factor=False):
    """``e`` with every ``Σ exp`` that is logged or divided by written through
    ``LogSumExp``: ``exp(a)/Σ exp(u)`` is ``exp(a - LogSumExp)``.  Softmax,
    log-softmax and cross-entropy closed forms then give finite numbers for
    large logits, as the numeric path (which shifts by the maximum) does.

    >>> import sympy as sp
    >>> x, k = sp.IndexedBase("x"), sp.Symbol("k", integer=True)
    >>> stabilize(sp.exp(x[0]) / sp.Sum(sp.exp(x[k]), (k, 0, 2)))
    exp(-LogSumExp(Sum(exp(x[k]), (k, 0, 2))) + x[0])
    """
    if e.is_Atom or isinstance(e, (sp.Indexed, sp.IndexedBase)):
        return e
    args = tuple(stabilize(a, isinstance(e, sp.Mul)) for a in e.args)
    if args != e.args:
        e = e.func(*args)
    if isinstance(e, sp.log):
        (a,) = e.args
        if _expsum(a):
            return LogSumExp(a)
        if isinstance(a, sp.exp):
            return a.args[0]            # real exponents: log(exp(w)) = w, exp(w) may underflow
        return e
    if isinstance(e, sp.Mul) or (isinstance(e, sp.Pow) and not factor):     # a factor waits for its product
        factors = e.args if isinstance(e, sp.Mul) else (e,)
        if not any(f.is_Pow and _expsum(f.base) and f.exp.is_negative for f in factors):
            return e
        rest, w = [], []
        for f in factors:
            if isinstance(f, sp.exp):
                w.append(f.args[0])
            elif _expsum(f):
                w.append(LogSumExp(f))
            elif f.is_Pow and _expsum(f.base) and f.exp.is_Integer:
                w.append(f.exp * LogSumExp(f.base))
            else:
                rest.append(f)
        return sp.Mul(*rest, sp.exp(sp.Add(*w)))
    return e


_FUNCS = {
    sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.sinh: "sinh",
    sp.cosh: "cosh", sp.tanh: "tanh", sp.asin: "arcsin", sp.acos: "arccos", sp.atan: "arctan",
    sp.asinh: "arcsinh", sp.acosh: "arccosh", sp.atanh: "arctanh", sp.Abs: "abs",
    sp.floor: "floor", sp.ceiling: "ceil",
}
_RELS = {"==": lambda x, y: x == y, "!=": lambda x, y: x != y, "<": lambda x, y: x < y,
         "<=": lambda x, y: x <= y, ">": lambda x, y: x > y, ">=": lambda x, y: x >= y}
_REDUCED = (sp.Sum, sp.Product, tns.MaxOver)
_CANON = [sp.Symbol(f"_c{k}", integer=True, nonnegative=True) for k in range(64)]


def _sign(xp):
    if xp is np:
        from ..backends.numpy_ns import sign
    else:
        from ..backends.jax_ns import sign
    return sign


class Compiler:
    """``compile(e, scope)`` -> ``f(env, memo) -> (value, labels)``; ``scope``
    maps each index symbol in scope to its range ``(lo, size)``."""

    def __init__(self, xp, leaves):
        self.xp = xp
        self.leaves = leaves          # symbol/IndexedBase -> position in the argument list
        self.done = {}

    def compile(self, e, scope):
        if e.is_Atom:
            return self._compile(e, scope)
        order = list(dict.fromkeys(_index_symbols(e, self.leaves)))
        if len(order) > len(_CANON):
            return self._memo(self._compile(e, scope))
        rename = dict(zip(order, _CANON))
        free = [s for s in order if s in scope]
        key = (e.xreplace(rename), tuple(scope[s] for s in free))
        hit = self.done.get(key)
        if hit is None:
            cscope = {rename[s]: scope[s] for s in free}
            hit = self.done[key] = self._memo(self._compile(key[0], cscope))
        back = {rename[s]: s for s in free}
        if all(c is s for c, s in back.items()):
            return hit
        return lambda env, memo: _relabel(hit(env, memo), back)

    def _memo(self, f):
        def g(env, memo):
            v = memo.get(g)
            if v is None:
                v = memo[g] = f(env, memo)
            return v
        return g

    def _compile(self, e, scope):
        xp = self.xp
        if e.is_Number or e in (sp.pi, sp.E):
            v = np.nan if e is sp.nan else int(e) if e.is_Integer and abs(e) < 2 ** 63 else float(e)
            return lambda env, memo: (v, ())
        if e is sp.zoo:
            # a division by an exact zero, its sign lost: the only float that claims no sign is NaN
            return lambda env, memo: (np.nan, ())
        if e is sp.true or e is sp.false:
            v = bool(e)
            return lambda env, memo: (v, ())
        if e.is_Symbol:
            if e in scope:
                lo, size = scope[e]
                grid = (np.arange(lo, lo + size), (e,))
                return lambda env, memo: grid
            if e in self.leaves:
                k = self.leaves[e]
                return lambda env, memo: (env[k], ())
            raise Unevaluable(f"free symbol {e} in closed form")
        if isinstance(e, sp.Indexed):
            return self._read(e, scope)
        if isinstance(e, sp.Add):
            return self._elementwise(lambda *v: _fold(lambda x, y: x + y, v), e.args, scope)
        if isinstance(e, sp.Mul):
            # a / b, not a * (1/b): the numeric path divides, and floor or
            # fmod of the quotient must not see 1/b's rounding
            num = [f for f in e.args if not (f.is_Pow and f.exp.is_Integer and f.exp < 0)]
            den = [f.base ** -f.exp for f in e.args if f.is_Pow and f.exp.is_Integer and f.exp < 0]
            k = len(num)
            if not den or not num:
                return self._elementwise(lambda *v: _fold(lambda x, y: x * y, v), e.args, scope)
            return self._elementwise(lambda *v: _fold(lambda x, y: x * y, v[:k]) / _fold(lambda x, y: x * y, v[k:]),
                                     num + den, scope)
        if isinstance(e, sp.Pow):
            if e.exp == sp.Rational(1, 2):
                return self._elementwise(xp.sqrt, (e.base,), scope)
            if e.exp == -1:
                return self._elementwise(lambda b: 1 / b, (e.base,), scope)
            return self._elementwise(lambda b, p: b ** p, e.args, scope)
        if isinstance(e, _REDUCED):
            return self._reduce(e, scope)
        if isinstance(e, LogSumExp):
            return self._logsumexp(e.args[0], scope)
        if isinstance(e, sp.Piecewise):
            def pw(*vals):
                out = vals[-2]
                for k in range(len(vals) - 4, -1, -2):
                    out = xp.where(vals[k + 1], vals[k], out)
                return out
            f = self._elementwise(pw, [a for vc in e.args for a in vc], scope)
            return _floating(f) if all(v.is_Number for v, _ in e.args) else f
        if isinstance(e, Relational):
            return self._elementwise(_RELS[e.rel_op], (e.lhs, e.rhs), scope)
        if isinstance(e, (sp.And, sp.Or)):
            f = xp.logical_and if isinstance(e, sp.And) else xp.logical_or
            return self._elementwise(lambda *v: _fold(f, v), e.args, scope)
        if isinstance(e, sp.ITE):
            return self._elementwise(xp.where, e.args, scope)
        if isinstance(e, sp.Not):
            return self._elementwise(xp.logical_not, e.args, scope)
        if isinstance(e, tns.FloatTest):
            return self._elementwise(getattr(xp, e.numpy_name), e.args, scope)
        if isinstance(e, sp.KroneckerDelta):
            return _floating(self._elementwise(lambda a, b: a == b, e.args, scope))
        if isinstance(e, (sp.Max, sp.Min)):
            f = xp.maximum if isinstance(e, sp.Max) else xp.minimum
            return self._elementwise(lambda *v: _fold(f, v), e.args, scope)
        if isinstance(e, (sp.floor, sp.ceiling)):
            # index arithmetic in integers: floor(m/12 - 1/12) in floats is
            # floor(0.99999...) = 0 at m = 13
            num, den = sp.fraction(sp.together(e.args[0]))
            if den.is_Integer and den > 0 and (num.is_integer or all(r.is_Integer for r in num.atoms(sp.Rational))):
                q = int(den)
                if isinstance(e, sp.floor):
                    return self._elementwise(lambda a: a // q, (num,), scope)
                return self._elementwise(lambda a: -((-a) // q), (num,), scope)
        if isinstance(e, sp.Mod):
            return self._elementwise(xp.mod, e.args, scope)
        if isinstance(e, sp.atan2):
            return self._elementwise(xp.arctan2, e.args, scope)
        if isinstance(e, sp.erf):
            return self._elementwise(_erf(xp), e.args, scope)
        if isinstance(e, (sp.re, sp.im)):
            # SymPy's complex-domain rewrites (abs(exp(z)) = exp(re(z))) of a
            # real closed form: where the value is real, re is the value and
            # im is 0; where it is not, the numeric path has NaN
            if isinstance(e, sp.re):
                return self.compile(e.args[0], scope)
            return self._elementwise(lambda v: xp.where(xp.isnan(v), v, 0.0), e.args, scope)
        if isinstance(e, sp.sign):         # as the numeric path: 0 at NaN
            return self._elementwise(_sign(xp), e.args, scope)
        if isinstance(e, tns._Rounding):
            return self._elementwise(getattr(xp, e.numpy_name), e.args, scope)
        for cls, name in _FUNCS.items():
            if isinstance(e, cls):
                return self._elementwise(getattr(xp, name), e.args, scope)
        raise Unevaluable(f"no array code for {type(e).__name__}: {e}")

    def _elementwise(self, f, args, scope):
        parts = [self.compile(a, scope) for a in args]
        xp = self.xp

        def run(env, memo):
            arrays, labels = _align(xp, [p(env, memo) for p in parts])
            return f(*arrays), labels
        return run

    def _read(self, e, scope):
        xp = self.xp
        base = e.base
        if base in self.leaves:
            k = self.leaves[base]
            get = lambda env: env[k]
        else:
            const = tns.const_values(base)
            if const is None:
                raise Unevaluable(f"unknown array {base}")
            get = lambda env: const
        plain = [_plain(i, scope) for i in e.indices]
        simple = all(p is not None for p in plain)
        if simple:
            def sliced(env, memo):
                arr = get(env)
                key, labels = [], []
                for (s, start), n in zip(plain, arr.shape):
                    if s is None:
                        if not 0 <= start < n:
                            return gathered(env, memo)
                        key.append(start)
                        continue
                    size = scope[s][1]
                    if start < 0 or start + size > n:
                        return gathered(env, memo)
                    key.append(slice(start, start + size))
                    labels.append(s)
                return _dedupe(xp, arr[tuple(key)], labels)
        idx = [self.compile(i, scope) for i in e.indices]

        def gathered(env, memo):
            arr = get(env)
            if 0 in arr.shape:      # read only in a branch never selected: any value will do
                arr = xp.zeros(tuple(max(n, 1) for n in arr.shape), arr.dtype)
            ii, labels = _align(xp, [f(env, memo) for f in idx])
            # both branches of a Piecewise are evaluated: clip the reads the
            # branch that is not selected makes out of range
            ii = [xp.clip(_as_index(i), 0, n - 1) for i, n in zip(ii, arr.shape)]
            return arr[tuple(ii)], labels
        return sliced if simple else gathered

    def _bounds(self, lo, hi, scope):
        # the smallest low and largest high limit over the enclosing ranges
        c = Compiler(np, {})
        try:
            lo_v, hi_v = (c.compile(b, scope)([], {})[0] for b in (lo, hi))
        except Unevaluable:
            raise Unevaluable(f"cannot bound the limits {lo}, {hi}") from None
        return int(np.min(lo_v)), int(np.max(hi_v))

    def _logsumexp(self, s, scope):
        xp = self.xp
        inner, masks, sizes = dict(scope), [], {}
        for d, lo, hi in reversed(s.limits):         # outermost first: inner limits may use it
            fixed = lo.is_Integer and hi.is_Integer
            lo_min, hi_max = (int(lo), int(hi)) if fixed else self._bounds(lo, hi, inner)
            size = hi_max - lo_min + 1
            if size <= 0:
                return lambda env, memo: (-np.inf, ())
            inner[d], sizes[d] = (lo_min, size), size
            if not fixed:
                masks.append(sp.And(d >= lo, d <= hi))
        f_u = self.compile(s.function.args[0], inner)
        f_mask = self.compile(sp.And(*masks), inner) if masks else None

        def run(env, memo):
            v, labels = f_u(env, memo)
            if f_mask is not None:
                (v, m), labels = _align(xp, [(v, labels), f_mask(env, memo)])
                v = xp.where(m, v, -np.inf)
            axes = tuple(labels.index(d) for d in sizes if d in labels)
            extra = sum(np.log(n) for d, n in sizes.items() if d not in labels)
            if axes:
                top = xp.max(v, axis=axes, keepdims=True)
                top = xp.where(xp.isfinite(top), top, 0)
                v = xp.log(xp.sum(xp.exp(v - top), axis=axes)) + xp.squeeze(top, axis=axes)
                labels = tuple(s for s in labels if s not in sizes)
            return (v + extra if extra else v), labels
        return run

    def _reduce(self, e, scope):
        xp = self.xp
        # the last limit is the outermost: reduce it here, the rest inside
        (d, lo, hi), rest = e.limits[-1], e.limits[:-1]
        body = type(e)(e.function, *rest) if rest else e.function
        fixed = lo.is_Integer and hi.is_Integer
        lo_min, hi_max = (int(lo), int(hi)) if fixed else self._bounds(lo, hi, scope)
        size = hi_max - lo_min + 1
        kind = _kind(e)
        if size <= 0:
            empty = {"sum": 0, "prod": 1}.get(kind, np.nan)
            return lambda env, memo: (empty, ())
        inner = dict(scope)
        inner[d] = (lo_min, size)
        if kind == "sum" and fixed and isinstance(body, sp.Mul):
            factors = [self.compile(a, inner) for a in body.args]

            def contract(env, memo):
                vals = [f(env, memo) for f in factors]
                return _contract(xp, vals, d, size)
            return contract
        f_body = self.compile(body, inner)
        f_mask = None if fixed else self.compile(sp.And(d >= lo, d <= hi), inner)

        def red(env, memo):
            v, labels = f_body(env, memo)
            if f_mask is not None:
                (v, m), labels = _align(xp, [(v, labels), f_mask(env, memo)])
                v = xp.where(m, v, _FILL[kind])
            if d not in labels:
                return {"sum": lambda: v * size, "prod": lambda: v ** size, "max": lambda: v,
                        "min": lambda: v}.get(kind, lambda: xp.zeros_like(v) + lo_min)(), labels
            ax = labels.index(d)
            rest_labels = labels[:ax] + labels[ax + 1:]
            if kind in ("argmax", "argmin"):
                return getattr(xp, kind)(v, axis=ax) + lo_min, rest_labels
            return getattr(xp, kind)(v, axis=ax), rest_labels
        return red


# what a masked-out element of a reduction counts as
_FILL = {"sum": 0, "prod": 1, "max": -np.inf, "min": np.inf, "argmax": -np.inf, "argmin": np.inf}


def _floating(f):
    # masks and deltas in the leaves' float type: an int64 mask would turn a
    # float32 product into float64 (and every matmul after it off BLAS's fast path)
    def run(env, memo):
        v, labels = f(env, memo)
        dt = memo["dtype"]
        return (v.astype(dt) if hasattr(v, "astype") else dt.type(v)), labels
    return run


def _kind(e):
    if isinstance(e, sp.Sum):
        return "sum"
    if isinstance(e, sp.Product):
        return "prod"
    if isinstance(e, tns.ArgMinOver):
        return "argmin"
    if isinstance(e, tns.ArgMaxOver):
        return "argmax"
    return "min" if isinstance(e, tns.MinOver) else "max"


def _plain(i, scope):
    """``(symbol, start)`` for an index ``s + c`` over a range in scope,
    ``(None, c)`` for a constant; None for anything else."""
    if i.is_Integer:
        return None, int(i)
    if i in scope:
        return i, scope[i][0]
    if isinstance(i, sp.Add) and len(i.args) == 2 and i.args[0].is_Integer and i.args[1] in scope:
        return i.args[1], scope[i.args[1]][0] + int(i.args[0])
    return None


def _index_symbols(e, leaves):
    """The index symbols of ``e`` in order of appearance (leaf names excluded)."""
    if isinstance(e, sp.IndexedBase):
        return
    if e.is_Symbol:
        if e not in leaves:
            yield e
        return
    for a in e.args:
        yield from _index_symbols(a, leaves)


def _relabel(val, back):
    v, labels = val
    return v, tuple(back.get(s, s) for s in labels)


def _dedupe(xp, v, labels):
    """An axis per label: a label read twice (``x[i, i]``) takes the diagonal."""
    if len(set(labels)) == len(labels):
        return v, tuple(labels)
    uniq = list(dict.fromkeys(labels))
    letters = "".join(_LETTERS[uniq.index(s)] for s in labels)
    return xp.einsum(f"{letters}->{_LETTERS[:len(uniq)]}", v), tuple(uniq)


def _align(xp, vals):
    """Arrays over one shared label order, each with size-1 axes for the
    labels it does not depend on (ready to broadcast)."""
    labels = []
    for _, ls in vals:
        labels += [s for s in ls if s not in labels]
    labels = tuple(labels)
    return [_arrange(xp, v, ls, labels) for v, ls in vals], labels


def _arrange(xp, v, ls, labels):
    """``v`` (axes labelled ``ls``) with its axes in the order of ``labels``
    and a size-1 axis for each label it lacks."""
    if ls == labels or not ls:
        return v
    order = sorted(range(len(ls)), key=lambda a: labels.index(ls[a]))
    if order != list(range(len(ls))):
        v = xp.transpose(v, order)
    sizes = {ls[a]: v.shape[k] for k, a in enumerate(order)}
    return xp.reshape(v, tuple(sizes.get(s, 1) for s in labels))


def _erf(xp):
    if xp is np:
        import math
        return np.vectorize(math.erf, otypes=[float])
    import jax.scipy.special
    return jax.scipy.special.erf


def _fold(f, vals):
    out = vals[0]
    for v in vals[1:]:
        out = f(out, v)
    return out


def _as_index(v):
    if hasattr(v, "dtype") and v.dtype.kind in "fb":
        return v.astype(np.int64)
    return int(v) if isinstance(v, (float, bool)) else v


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _contract(xp, vals, d, size):
    """Σ_d of the product of labelled values: pairwise, smallest result first,
    each pair one ``matmul``."""
    scal = 1
    ops = []
    for v, ls in vals:
        if ls:
            ops.append((v, ls))
        else:
            scal = scal * v
    if not any(d in ls for _, ls in ops):
        scal = scal * size          # the body does not depend on d
        d = None
    while len(ops) > 1:
        best = None
        for a in range(len(ops)):
            for b in range(a + 1, len(ops)):
                need = {s for k, (_, ls) in enumerate(ops) if k not in (a, b) for s in ls}
                keep = [s for s in dict.fromkeys(ops[a][1] + ops[b][1]) if s != d or s in need]
                n = 1
                for s in keep:
                    n *= _size(ops, s)
                if best is None or n < best[0]:
                    best = (n, a, b, keep)
        _, a, b, keep = best
        pair = _pair(xp, ops[a], ops[b], keep)
        ops = [o for k, o in enumerate(ops) if k not in (a, b)] + [pair]
    if not ops:
        return scal, ()
    v, ls = ops[0]
    if d is not None and d in ls:
        ax = ls.index(d)
        v, ls = xp.sum(v, axis=ax), ls[:ax] + ls[ax + 1:]
    if not (isinstance(scal, int) and scal == 1):
        v = v * scal
    return v, ls


def _size(ops, s):
    for v, ls in ops:
        if s in ls:
            return v.shape[ls.index(s)]
    return 1


def _pair(xp, x, y, keep):
    """The product of two labelled arrays, summed over the labels they share
    that are not in ``keep``."""
    (a, la), (b, lb) = x, y
    shared = [s for s in la if s in lb]
    batch = [s for s in shared if s in keep]
    summed = [s for s in shared if s not in keep]
    a_only = [s for s in la if s not in lb]
    b_only = [s for s in lb if s not in la]
    if not summed:
        (a, b), labels = _align(xp, [x, y])
        return a * b, labels
    ash, bsh = dict(zip(la, a.shape)), dict(zip(lb, b.shape))
    a = xp.transpose(a, [la.index(s) for s in batch + a_only + summed])
    b = xp.transpose(b, [lb.index(s) for s in batch + summed + b_only])
    nb = [ash[s] for s in batch]
    m = int(np.prod([ash[s] for s in a_only]))
    k = int(np.prod([ash[s] for s in summed]))
    n = int(np.prod([bsh[s] for s in b_only]))
    out = xp.matmul(xp.reshape(a, tuple(nb) + (m, k)), xp.reshape(b, tuple(nb) + (k, n)))
    return (xp.reshape(out, tuple(nb + [ash[s] for s in a_only] + [bsh[s] for s in b_only])),
            tuple(batch + a_only + b_only))


class Compiled:
    """A closed form compiled to array code: call with the leaves' values."""

    def __init__(self, tpl, leaves, names, xp):
        self.shape = tpl.shape
        self.names = names
        self._leaves = leaves
        self._xp = xp
        self._slots = tuple(SLOTS[:len(tpl.shape)])
        scope = {s: (0, n) for s, n in zip(self._slots, tpl.shape)}
        self._f = Compiler(xp, {s: k for k, s in enumerate(leaves)}).compile(stabilize(tpl.e), scope)

    def __call__(self, *values):
        xp = self._xp
        floats = [v.dtype for v in values if getattr(v, "dtype", None) is not None and v.dtype.kind in "fc"]
        dtype = np.dtype(np.result_type(*floats) if floats else np.float64)
        # every branch of a Piecewise is computed and one is kept: overflow in
        # a branch not taken is no news (the numeric path is silent too)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            v, labels = self._f(list(values), {"dtype": dtype})
        v = _arrange(xp, v, labels, self._slots)
        if np.ndim(v) != len(self.shape) or tuple(np.shape(v)) != self.shape:
            v = xp.broadcast_to(v, self.shape)
        return v

    def __repr__(self):
        return f"<compiled closed form of shape {list(self.shape)} over ({', '.join(self.names)})>"
