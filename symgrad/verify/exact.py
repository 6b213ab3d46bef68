"""Exact-rational comparison of a claim with the closed form, for a claim
that agreed numerically but was not proved."""
from .canonical import _empty_safe
from .numeric import _evaluator
from .witness import _counterexample


def _exact_counterexample(ctx, c):
    """A counterexample found in exact arithmetic, or None.  Leaf values are
    taken as the rationals their floats are; the elements tried are all
    those of a small tensor, else a spread of them.  At the leaves' own
    values a claim that is nan or infinite where the closed form is a
    number is wrong; elsewhere only two numbers that differ count."""
    import numpy as np
    sp = ctx.sp
    from sympy.core.evalf import PrecisionExhausted
    from ..symbolic import concrete
    kind, e = c
    own = ctx.leaf_values()
    if any(v is None for v in own.values()):
        return None
    n = ctx.size
    spread = range(n) if ctx.small else np.linspace(0, n - 1, 16).astype(int).tolist()
    # in a large tensor, also the elements where the difference, evaluated as
    # one expression (so that equal parts cancel before rounding), is largest
    gap = _evaluator(ctx, _empty_safe(e) - _empty_safe(ctx.tpl.e)) \
        if kind == "generic" and not ctx.small else None

    def elements(values):
        flat = list(spread)
        g = gap(values) if gap is not None else None
        if g is not None:
            g = np.nan_to_num(np.abs(g).ravel(), nan=0.0, posinf=0.0)
            flat += np.argsort(-g, kind="stable")[:16].tolist()
        return [tuple(int(i) for i in np.unravel_index(f, ctx.shape)) for f in dict.fromkeys(flat)] \
            if ctx.shape else [()]
    pieces = [ctx.tpl.e] + ([e] if kind == "generic" else list(e.values()))
    edges = {sp.Integer(0)}
    for p in pieces:
        for r in p.atoms(sp.core.relational.Relational):
            edges |= {a for a in r.args if a.is_Rational}
    # each value compared with, and either side of it: every branch is taken
    edges = sorted({v + d for v in sorted(edges, key=abs)[:3] for d in (0, -1, 1)}, key=abs)
    points = [("the tensor's own values", own)]
    for v in edges:
        pt = dict(own)
        for s, a in own.items():
            if ctx.is_variable(s):
                pt[s] = np.full(a.shape, float(v))
        points.append((f"every leaf that requires grad = {v}", pt))
    def exact(v):
        v = np.asarray(v)
        return sp.true if v.dtype.kind == "b" and v else sp.false if v.dtype.kind == "b" else \
            sp.Integer(int(v)) if v.dtype.kind in "iu" else sp.Rational(float(v))
    forms = {}
    for label, values in points:
        def at(x):
            x = x.replace(lambda a: isinstance(a, sp.Indexed) and a.base in values
                          and all(i.is_Integer for i in a.indices),
                          lambda a: exact(values[a.base][tuple(int(i) for i in a.indices)]))
            return x.xreplace({s: exact(v) for s, v in values.items()
                               if isinstance(s, sp.Symbol) and np.ndim(v) == 0})
        for idx in elements(values):
            claim = ctx.at(e, idx) if kind == "generic" else e[idx]
            if idx not in forms:
                forms[idx] = ctx.concrete(idx)
            a = at(forms[idx]).doit()
            b = at(concrete(_empty_safe(claim), {})).doit()
            if a.free_symbols or b.free_symbols or not a.is_number or not b.is_number or a.is_finite is not True:
                continue
            try:
                a_v = float(a.evalf(50, strict=True))
                if b.has(sp.nan):
                    if label != points[0][0]:          # undefined (0/0) at a point chosen here
                        continue
                    b_v = np.nan
                elif b.has(sp.oo, -sp.oo, sp.zoo) or b.is_finite is False:
                    b_v = -np.inf if b == -sp.oo else np.inf
                else:
                    d = (b - a).evalf(50, strict=True)
                    if abs(d) <= sp.Float(10) ** -40 * (1 + abs(a_v)):
                        continue
                    b_v = float(b.evalf(50))
            except PrecisionExhausted:                 # a difference too close to 0 to tell
                continue
            claimed, actual = np.full(ctx.shape, np.nan), np.full(ctx.shape, np.nan)
            claimed[idx], actual[idx] = b_v, a_v
            return _counterexample(ctx, c, idx, values, claimed, actual, label, full=values is not own)
    return None
