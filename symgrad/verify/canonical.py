"""Canonical forms of closed forms and claims: equal expressions written
differently (other summation variables, factors inside or outside a sum,
backward ranges) made structurally equal before they are compared."""


def _evaluable(e):
    # sums of a constant (an element count) are folded to their number
    import sympy as sp
    return e.replace(lambda a: isinstance(a, sp.Sum) and not (a.function.free_symbols & {v for v, *_ in a.limits}),
                     lambda a: a.doit())


def _empty_safe(e):
    """``e`` with every sum and product over a range that may run backwards
    (``hi < lo - 1``) given the upper bound ``Max(hi, lo - 1)``.  A backward
    range is empty in closed forms and when evaluated, while SymPy reads it
    by Karr's convention (minus the range between), and proves with
    identities such as Σ_{lo}^{m} + Σ_{m+1}^{hi} = Σ_{lo}^{hi} that hold
    only under it; with the bound, both readings agree."""
    import sympy as sp
    from sympy.concrete.expr_with_limits import ExprWithLimits

    def fix(a):
        lims = [(v, lo, hi if (hi - lo + 1).is_nonnegative else sp.Max(hi, lo - 1)) for v, lo, hi in a.limits]
        return type(a)(a.function, *lims)
    if not e.has(ExprWithLimits):
        return e
    return e.replace(lambda a: isinstance(a, (sp.Sum, sp.Product)), fix)


def _normal(e):
    """Constant sums folded, summation variables named canonically and
    numeric factors pulled out of sums: equal closed forms written
    differently often become structurally equal."""
    import sympy as sp
    e = sp.factor_terms(_evaluable(e), clear=True)
    return sp.factor_terms(_canonical(e), clear=True)


def _canonical(e):
    """``e`` with the variables of every sum (and max/min over a range)
    renamed by height: a sum's variables are numbered from the number of
    variables the sums inside it need, innermost first (the template
    namespace's convention).  Sums that differ only in the names of their
    variables become structurally equal."""
    import itertools
    fresh = itertools.count()
    return _number(_untangle(e, fresh), {})[0]


def _untangle(e, fresh):
    # every bound variable gets a unique name first, so that renaming by
    # height can never capture a variable of an enclosing sum
    import sympy as sp
    from sympy.concrete.expr_with_limits import ExprWithLimits
    if not e.args or not e.has(ExprWithLimits):
        return e
    if isinstance(e, ExprWithLimits):
        # non-negative only where the range says so
        new = [sp.Symbol(f"_t{next(fresh)}", integer=True, nonnegative=bool(lo.is_nonnegative))
               for _, lo, _ in e.limits]
        e = _relimit(type(e), e.function, e.limits, new)
        return type(e)(_untangle(e.function, fresh), *e.limits)
    return e.func(*[_untangle(a, fresh) if isinstance(a, sp.Basic) else a for a in e.args])


def _relimit(cls, f, limits, new):
    """``cls(f, *limits)`` (a sum or max over ranges) with its variables
    renamed to ``new``.  A variable is in scope in the summand and in the
    bounds of the limits inside it (listed before it)."""
    import sympy as sp
    limits = [list(lim) for lim in limits]
    for k in reversed(range(len(limits))):
        m = {limits[k][0]: new[k]}
        f = f.xreplace(m)
        for inner in limits[:k]:
            inner[1:] = [sp.sympify(b).xreplace(m) for b in inner[1:]]
        limits[k][0] = new[k]
    return cls(f, *[tuple(lim) for lim in limits])


def _number(e, memo):
    import sympy as sp
    from sympy.concrete.expr_with_limits import ExprWithLimits
    from ..symbolic.template import dummy, Sum, Product
    hit = memo.get(e)
    if hit is not None:
        return hit
    if not e.args or not e.has(ExprWithLimits):
        out = (e, 0)
    elif isinstance(e, ExprWithLimits):
        f, h = _number(e.function, memo)
        coeff = sp.Integer(1)
        if isinstance(e, sp.Sum):
            # numeric factors move out of a sum, and a sum of a sum is one sum
            # over both ranges, as the template namespace writes it
            coeff, f = sp.factor_terms(f, clear=True).as_coeff_Mul()
        # a user's sympy.Sum compares equal to the template's own Sum class
        cls = Sum if isinstance(e, sp.Sum) else Product if isinstance(e, sp.Product) else type(e)
        r = _relimit(cls, f, e.limits, [dummy(h + k) if lo.is_nonnegative else sp.Symbol(f"_z{h + k}", integer=True)
                                        for k, (_, lo, _) in enumerate(e.limits)])
        if isinstance(r, sp.Sum) and isinstance(r.function, sp.Sum):
            r = Sum(r.function.function, *r.function.limits, *r.limits)
        out = (coeff * r, h + len(e.limits))
    else:
        parts = [_number(a, memo) if isinstance(a, sp.Basic) else (a, 0) for a in e.args]
        out = (e.func(*[p[0] for p in parts]), max(p[1] for p in parts))
    memo[e] = out
    return out
