"""The ``Counterexample`` a failed comparison reports: the element, and the
leaf values it reads there."""
from .verdict import Counterexample


def _counterexample(ctx, c, idx, values, claimed, actual, point, full=False):
    import numpy as np
    kind, e = c
    exprs = [ctx.at(ctx.tpl.e, idx), ctx.at(e, idx) if kind == "generic" else e[idx]]
    shown = _shown(ctx, exprs, values)
    if not shown and _terms(exprs) <= 256:
        # every read goes through an index array or a sum: read them unrolled
        from ..symbolic import concrete
        shown = _shown(ctx, [concrete(ex, {}) for ex in exprs], values)
    leaves = {str(ctx.names[s]): v for s, v in values.items() if v is not None and ctx.is_variable(s)} \
        if full else {}
    shown = dict(sorted(shown.items()))
    return Counterexample(idx, shown, float(np.asarray(claimed)[idx]), float(np.asarray(actual)[idx]),
                          point, leaves)


def _terms(exprs):
    # how many terms unrolling every sum over a fixed range would give, at most
    from sympy.concrete.expr_with_limits import ExprWithLimits
    n = 1
    for ex in exprs:
        for s in ex.atoms(ExprWithLimits):
            for _, lo, hi in s.limits:
                n *= max(int(hi - lo + 1), 1) if (hi - lo).is_Integer else 10 ** 6
    return n


def _shown(ctx, exprs, values):
    """The leaf values that ``exprs`` read at fixed positions, by display text."""
    sp = ctx.sp
    shown = {}
    for ex in exprs:
        for a in sorted(ex.atoms(sp.Indexed), key=str):
            if a.base in ctx.names and all(i.is_Integer for i in a.indices) and values.get(a.base) is not None:
                key = str(ctx.names[a.base]) + "[" + ", ".join(str(i) for i in a.indices) + "]"
                shown[key] = float(values[a.base][tuple(int(i) for i in a.indices)])
        for s in sorted(ex.free_symbols, key=str):
            if isinstance(s, sp.Symbol) and s in ctx.names and values.get(s) is not None:
                shown[str(ctx.names[s])] = float(values[s])
    return shown
