"""Closed forms back to array code.

A template is compiled once into a tree of closures.  Index symbols become
broadcast axes (output slots first, one more axis per enclosing sum), an
element read ``x[e1, e2]`` becomes fancy indexing with the evaluated index
arrays, and a sum of a product becomes one ``einsum`` contraction, so a
closed form runs about as fast as the numeric path.  Identical
subexpressions are compiled once and evaluated once per call."""
import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from . import ns as tns
from .template import SLOTS


class Unevaluable(RuntimeError):
    """The closed form contains an opaque function and cannot be evaluated."""


_FUNCS = {
    sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.sinh: "sinh",
    sp.cosh: "cosh", sp.tanh: "tanh", sp.asin: "arcsin", sp.acos: "arccos", sp.atan: "arctan",
    sp.asinh: "arcsinh", sp.acosh: "arccosh", sp.atanh: "arctanh", sp.Abs: "abs", sp.sign: "sign",
    sp.floor: "floor", sp.ceiling: "ceil",
}


class Compiler:
    def __init__(self, xp, leaves, nslots):
        self.xp = xp
        self.leaves = leaves          # symbol/IndexedBase -> position in the argument list
        self.nslots = nslots
        self.done = {}

    def compile(self, e, axes):
        """``axes``: tuple of (symbol, size) for every axis in scope, in order."""
        key = (e, axes)
        hit = self.done.get(key)
        if hit is None:
            hit = self.done[key] = self._memo(self._compile(e, axes))
        return hit

    def _memo(self, f):
        def g(env, memo):
            k = id(g)
            if k in memo:
                return memo[k]
            v = memo[k] = f(env, memo)
            return v
        return g

    def _compile(self, e, axes):
        xp = self.xp
        n = len(axes)
        if e.is_Number or e in (sp.pi, sp.E):
            if e is sp.nan:
                return lambda env, memo: np.nan
            v = int(e) if e.is_Integer else float(e)
            return lambda env, memo: v
        if e is sp.true or e is sp.false:
            v = bool(e)
            return lambda env, memo: v
        if e.is_Symbol:
            for a, (s, size) in enumerate(axes):
                if s == e:
                    grid = np.arange(size).reshape([1] * a + [size] + [1] * (n - a - 1))
                    return lambda env, memo: grid
            if e in self.leaves:
                k = self.leaves[e]
                return lambda env, memo: env[k]
            raise Unevaluable(f"free symbol {e} in closed form")
        if isinstance(e, sp.Indexed):
            idx = [self.compile(i, axes) for i in e.indices]
            base = e.base
            if base in self.leaves:
                k = self.leaves[base]
                get = lambda env: env[k]
            else:
                arr = tns.const_values(base)
                if arr is None:
                    raise Unevaluable(f"unknown array {base}")
                get = lambda env: arr

            def indexed(env, memo):
                arr = get(env)
                # both branches of a Piecewise are evaluated: clip reads the
                # branch that is not selected makes out of range
                ii = [xp.clip(_as_index(xp, f(env, memo), n), 0, s - 1) for f, s in zip(idx, arr.shape)]
                return _pad(xp, arr[tuple(ii)], n)
            return indexed
        if isinstance(e, sp.Add):
            parts = [self.compile(a, axes) for a in e.args]
            return lambda env, memo: _fold(lambda x, y: x + y, [p(env, memo) for p in parts])
        if isinstance(e, sp.Mul):
            parts = [self.compile(a, axes) for a in e.args]
            return lambda env, memo: _fold(lambda x, y: x * y, [p(env, memo) for p in parts])
        if isinstance(e, sp.Pow):
            b, p = self.compile(e.base, axes), self.compile(e.exp, axes)
            if e.exp == sp.Rational(1, 2):
                return lambda env, memo: xp.sqrt(b(env, memo))
            if e.exp == -1:
                return lambda env, memo: 1 / b(env, memo)
            return lambda env, memo: b(env, memo) ** p(env, memo)
        if isinstance(e, (sp.Sum, sp.Product, tns.MaxOver)):
            return self._reduce(e, axes)
        if isinstance(e, sp.Piecewise):
            pieces = [(self.compile(v, axes), self.compile(c, axes)) for v, c in e.args]

            def pw(env, memo):
                out = pieces[-1][0](env, memo)
                for v, c in reversed(pieces[:-1]):
                    out = xp.where(c(env, memo), v(env, memo), out)
                return out
            return pw
        if isinstance(e, Relational):
            a, b = self.compile(e.lhs, axes), self.compile(e.rhs, axes)
            op = {"==": lambda x, y: x == y, "!=": lambda x, y: x != y, "<": lambda x, y: x < y,
                  "<=": lambda x, y: x <= y, ">": lambda x, y: x > y, ">=": lambda x, y: x >= y}[e.rel_op]
            return lambda env, memo: op(a(env, memo), b(env, memo))
        if isinstance(e, (sp.And, sp.Or)):
            parts = [self.compile(a, axes) for a in e.args]
            f = xp.logical_and if isinstance(e, sp.And) else xp.logical_or
            return lambda env, memo: _fold(f, [p(env, memo) for p in parts])
        if isinstance(e, sp.Not):
            a = self.compile(e.args[0], axes)
            return lambda env, memo: xp.logical_not(a(env, memo))
        if isinstance(e, sp.KroneckerDelta):
            a, b = self.compile(e.args[0], axes), self.compile(e.args[1], axes)
            return lambda env, memo: (a(env, memo) == b(env, memo)) * 1
        if isinstance(e, (sp.Max, sp.Min)):
            parts = [self.compile(a, axes) for a in e.args]
            f = xp.maximum if isinstance(e, sp.Max) else xp.minimum
            return lambda env, memo: _fold(f, [p(env, memo) for p in parts])
        if isinstance(e, sp.Mod):
            a, b = self.compile(e.args[0], axes), self.compile(e.args[1], axes)
            return lambda env, memo: xp.mod(a(env, memo), b(env, memo))
        if isinstance(e, sp.atan2):
            a, b = self.compile(e.args[0], axes), self.compile(e.args[1], axes)
            return lambda env, memo: xp.arctan2(a(env, memo), b(env, memo))
        if isinstance(e, sp.erf):
            a = self.compile(e.args[0], axes)
            return lambda env, memo: _erf(xp)(a(env, memo))
        if isinstance(e, tns._round):
            a = self.compile(e.args[0], axes)
            return lambda env, memo: xp.round(a(env, memo))
        for cls, name in _FUNCS.items():
            if isinstance(e, cls):
                a = self.compile(e.args[0], axes)
                f = getattr(xp, name)
                return lambda env, memo: f(a(env, memo))
        raise Unevaluable(f"no array code for {type(e).__name__}: {e}")

    def _max_bound(self, hi, axes):
        # the largest value the limit takes over the enclosing index ranges
        try:
            v = Compiler(np, {}, self.nslots).compile(hi, axes)([], {})
        except Unevaluable:
            raise Unevaluable(f"cannot bound the sum limit {hi}") from None
        return int(np.max(v))

    def _reduce(self, e, axes):
        xp = self.xp
        # the last limit is the outermost: reduce it here, the rest inside
        (d, lo, hi), rest = e.limits[-1], e.limits[:-1]
        body = type(e)(e.function, *rest) if rest else e.function
        lo_f, hi_f = self.compile(lo, axes), self.compile(hi, axes)
        fixed = lo.is_Integer and hi.is_Integer
        if fixed:
            size = int(hi) - int(lo) + 1
            inner = axes + ((d, size),)
            shift = int(lo)
            f_body = self.compile(body.xreplace({d: d + shift}) if shift else body, inner)
            mask = None
        else:
            bound = self._max_bound(hi, axes)
            size = bound + 1
            inner = axes + ((d, size),)
            f_body = self.compile(body, inner)
            f_mask = self.compile(sp.And(d >= lo, d <= hi), inner)
        n = len(axes)
        kind = "sum" if isinstance(e, sp.Sum) else "prod" if isinstance(e, sp.Product) else \
            "argmax" if isinstance(e, tns.ArgMaxOver) and not isinstance(e, tns.ArgMinOver) else \
            "argmin" if isinstance(e, tns.ArgMinOver) else \
            "max" if type(e) is tns.MaxOver else "min"
        factors = None
        if kind == "sum" and fixed and isinstance(body, sp.Mul):
            factors = [self.compile(a.xreplace({d: d + shift}) if shift else a, inner) for a in body.args]

        def red(env, memo):
            if factors is not None:
                return _contract(xp, [f(env, memo) for f in factors], n)
            v = _pad(xp, f_body(env, memo), n + 1)
            if np.ndim(v) == 0:
                v = xp.full((1,) * n + (size,), v)
            v = xp.broadcast_to(v, tuple(np.shape(v))[:n] + (size,))
            if not fixed:
                m = _pad(xp, f_mask(env, memo), n + 1)
                fill = {"sum": 0, "prod": 1, "max": -np.inf, "min": np.inf}.get(kind, 0)
                v = xp.where(m, v, fill)
            if kind == "sum":
                r = xp.sum(v, axis=n)
            elif kind == "prod":
                r = xp.prod(v, axis=n)
            elif kind == "max":
                r = xp.max(v, axis=n)
            elif kind == "min":
                r = xp.min(v, axis=n)
            else:
                r = (xp.argmax if kind == "argmax" else xp.argmin)(v, axis=n) + (int(lo) if fixed else 0)
            return r
        return red


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


def _pad(xp, v, n):
    if np.ndim(v) < n:
        return xp.reshape(v, np.shape(v) + (1,) * (n - np.ndim(v))) if np.ndim(v) else v
    return v


def _as_index(xp, v, n):
    v = _pad(xp, v, n)
    if hasattr(v, "dtype") and v.dtype.kind == "f":
        v = v.astype(np.int64)
    elif isinstance(v, float):
        v = int(v)
    return v


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _contract(xp, vals, n):
    """Sum over the last of ``n + 1`` axes of the product of ``vals`` (arrays
    broadcastable over those axes): one einsum over the axes each uses."""
    scal = 1
    ops, subs = [], []
    for v in vals:
        if np.ndim(v) == 0:
            scal = scal * v
            continue
        v = _pad(xp, v, n + 1)
        keep = [a for a in range(n + 1) if v.shape[a] != 1]
        ops.append(xp.reshape(v, tuple(v.shape[a] for a in keep)))
        subs.append("".join(_LETTERS[a] for a in keep))
    if not ops:
        return scal
    present = sorted({c for s in subs for c in s} - {_LETTERS[n]})
    out = xp.einsum(",".join(subs) + "->" + "".join(present), *ops, optimize=len(ops) > 2)
    shape = []
    sizes = {}
    for o, s in zip(ops, subs):
        for c, k in zip(s, o.shape):
            sizes[c] = k
    for a in range(n):
        shape.append(sizes.get(_LETTERS[a], 1))
    out = xp.reshape(out, tuple(shape)) if shape else out
    if _LETTERS[n] not in sizes:
        raise AssertionError("contracted axis vanished")
    return out * scal if not (isinstance(scal, int) and scal == 1) else out


class Compiled:
    """A closed form compiled to array code: call with the leaves' values."""

    def __init__(self, tpl, leaves, names, xp):
        self.shape = tpl.shape
        self.names = names
        self._leaves = leaves
        self._xp = xp
        axes = tuple((SLOTS[d], s) for d, s in enumerate(tpl.shape))
        comp = Compiler(xp, {s: k for k, s in enumerate(leaves)}, len(tpl.shape))
        self._f = comp.compile(tpl.e, axes)

    def __call__(self, *values):
        out = self._f(list(values), {})
        return self._xp.broadcast_to(out, self.shape) if np.ndim(out) != len(self.shape) or \
            tuple(np.shape(out)) != self.shape else out

    def __repr__(self):
        return f"<compiled closed form of shape {list(self.shape)} over ({', '.join(self.names)})>"
