"""A claim's checks on the way in: its list shape, its ranges shifted to
start at 0, and its reads kept inside the shapes of what they read."""
from .parser import FormulaError

MAX_LIST_CLAIM = 4096          # elements of a claim given as a nested list


def _from_zero(e):
    """A user's SymPy claim with every range starting at 0 or above: a range
    that may start below 0 is shifted, ``Sum(f(k), (k, lo, hi))`` becoming
    ``Sum(f(k + lo), (k, 0, hi - lo))``, because summation variables are
    assumed non-negative (when compiled, and when proved).  Binders other
    than sums, products and max/min over ranges are refused."""
    import sympy as sp
    from sympy.concrete.expr_with_limits import ExprWithLimits
    from ..symbolic import ns
    if e.is_Atom or not e.has(ExprWithLimits, sp.Derivative, sp.Subs, sp.Lambda, sp.Limit):
        return e
    if isinstance(e, (sp.Derivative, sp.Subs, sp.Lambda, sp.Limit)) or (
            isinstance(e, ExprWithLimits) and not isinstance(e, (sp.Sum, sp.Product, ns.MaxOver))):
        raise FormulaError(f"{type(e).__name__} is not allowed in a claim: only Sum, Product and "
                           "MaxOver/MinOver/ArgMaxOver/ArgMinOver bind variables", hint=None)
    if not isinstance(e, ExprWithLimits):
        return e.func(*[_from_zero(a) if isinstance(a, sp.Basic) else a for a in e.args])
    f, limits = e.function, [tuple(lim) for lim in e.limits]
    for k in reversed(range(len(limits))):            # outermost first: inner bounds may use it
        if len(limits[k]) != 3:
            raise FormulaError(f"the range of {limits[k][0]} needs both bounds: (k, lo, hi)", hint=None)
        v, lo, hi = limits[k]
        if lo.is_integer is not True or hi.is_integer is not True:
            raise FormulaError(f"the range of {v} must have integer bounds, not ({v}, {lo}, {hi})", hint=None)
        if lo.is_nonnegative:
            continue
        if isinstance(e, ns.ArgMaxOver):
            raise FormulaError(f"the range of {v} in {type(e).__name__} must start at 0 or above", hint=None)
        w = sp.Dummy(str(v), integer=True, nonnegative=True)
        m = {v: w + lo}
        f = f.xreplace(m)
        limits[:k] = [(u, a.xreplace(m), b.xreplace(m)) for u, a, b in limits[:k]]
        limits[k] = (w, sp.Integer(0), hi - lo)
    return type(e)(_from_zero(f), *limits)


def _check_reads(ctx, e, scope, element=None):
    """Refuse a claim that reads a leaf or an index array outside its shape
    (``x[i + 1]`` at the last ``i``) anywhere its value is used: evaluation
    would clip the read to the edge, and a claim wrong there could pass.
    Index values are computed over the whole range of the tensor's indices
    and of each sum; a read in a Piecewise piece counts only where that
    piece is the one taken (conditions on data at the leaves' own values)."""
    import numpy as np
    import sympy as sp
    from sympy.concrete.expr_with_limits import ExprWithLimits
    from ..symbolic.codegen import Compiler, Unevaluable, _align
    from ..symbolic.ns import const_values
    own = ctx.leaf_values()
    syms = [s for s in ctx.syms if own.get(s) is not None]
    comp = Compiler(np, {s: k for k, s in enumerate(syms)})
    env = [own[s] for s in syms]

    def run(x, scope):
        return comp.compile(x, scope)(env, {"dtype": np.dtype(np.float64)})

    def shape_of(base):
        arr = own.get(base)
        if arr is None:
            arr = const_values(base)
        return tuple(arr.shape) if arr is not None else tuple(int(n) for n in base.shape or ())

    def refuse(read, d, n, at):
        where = element if element is not None else tuple(at.get(s, 0) for s in ctx.slots)
        name = str(ctx.names.get(read.base, read.base))
        raise FormulaError(f"the claim reads {ctx.show(read)} outside {name} (dim {d} has size {n}) at "
                           f"element {list(where)}: an index out of range has no value", hint=None)

    def check(e, scope, guards):
        if isinstance(e, sp.Indexed):
            for ix in e.indices:
                check(ix, scope, guards)
            for d, (ix, n) in enumerate(zip(e.indices, shape_of(e.base))):
                if ix.is_Integer:
                    if not 0 <= ix < n:
                        refuse(e, d, n, {})
                    continue
                try:
                    (v, m), labels = _align(np, [run(ix, scope), run(sp.And(*guards), scope)])
                except Unevaluable:
                    continue
                bad, m = np.broadcast_arrays((np.asarray(v) < 0) | (np.asarray(v) >= n), m)
                bad = bad & m.astype(bool)
                if bad.any():
                    pos = np.argwhere(bad)[0] if bad.ndim else ()
                    refuse(e, d, n, {s: scope[s][0] + int(p) for s, p in zip(labels, pos)})
            return
        if isinstance(e, ExprWithLimits):
            inner, g = dict(scope), list(guards)
            for d, lo, hi in reversed(e.limits):            # outermost first: inner limits may use it
                if lo.is_Integer and hi.is_Integer:
                    lo_min, hi_max = int(lo), int(hi)
                else:
                    try:
                        lo_min, hi_max = comp._bounds(lo, hi, inner)
                    except Unevaluable:
                        return
                    g.append(sp.And(d >= lo, d <= hi))
                if hi_max < lo_min:
                    return
                inner[d] = (lo_min, hi_max - lo_min + 1)
            check(e.function, inner, g)
            return
        if isinstance(e, sp.Piecewise):
            before = []
            for v, c in e.args:
                check(c, scope, guards + before)
                check(v, scope, guards + before + [c])
                before.append(sp.Not(c))
            return
        for a in e.args:
            if isinstance(a, sp.Basic):
                check(a, scope, guards)
    check(e, scope, [])


def _nested_shape(c):
    if isinstance(c, (list, tuple)):
        if not c:
            raise FormulaError("an empty list is not a claim")
        shapes = {_nested_shape(v) for v in c}
        if len(shapes) != 1:
            raise FormulaError("a list claim must be rectangular (all rows the same length)")
        return (len(c),) + shapes.pop()
    return ()


def _flatten(c):
    if isinstance(c, (list, tuple)):
        return [v for row in c for v in _flatten(row)]
    return [c]


def _squeezed(shape):
    return tuple(s for s in shape if s != 1)
