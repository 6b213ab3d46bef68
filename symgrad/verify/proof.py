"""Proof attempts: the difference of claim and closed form simplified to
zero (or to a nonzero number), each attempt in a worker with a deadline."""
from .verdict import run_with_deadline
from .canonical import _empty_safe, _normal


def _attempt(fn, timeout):
    """``run_with_deadline``, where SymPy failing on an expression (it can
    raise on exotic ones) counts as not finishing."""
    if timeout <= 0:
        return False, None
    try:
        return run_with_deadline(fn, timeout)
    except (ArithmeticError, ValueError, TypeError, AttributeError, NotImplementedError, RecursionError,
            IndexError, KeyError, AssertionError):      # (SymPy's delta summation asserts on some index arrays)
        return False, None


def _all_zero(d):
    import sympy as sp
    if isinstance(d, sp.NDimArray):
        return all(v == 0 for v in d)
    return d == 0


def _is_zero(d):
    import sympy as sp
    if d == 0:
        return True, d
    if sp.expand(d) == 0:
        return True, sp.Integer(0)
    s = sp.simplify(d)
    if s == 0:
        return True, s
    if s.has(sp.tanh, sp.cosh, sp.sinh, sp.tan, sp.sin, sp.cos):
        if sp.simplify(sp.expand(s.rewrite(sp.exp))) == 0:
            return True, sp.Integer(0)
    return False, s


def difference(ctx, c, simplify):
    sp = ctx.sp
    kind, e = c
    if kind == "generic":
        d = _empty_safe(e) - _empty_safe(ctx.tpl.e)
        return ctx.show(sp.simplify(d) if simplify else d)
    diffs = [(sp.simplify(_empty_safe(v) - ctx.concrete(idx)) if simplify else v - ctx.concrete(idx))
             for idx, v in e.items()]
    return ctx.array([ctx.show(d) for d in diffs])


def prove(ctx, c):
    """``("proved", 0)``, ``("disproved", difference)`` when the
    difference simplifies to a nonzero number, else ``("open", difference)``."""
    import numpy as np
    kind, e = c
    e = _empty_safe(e) if kind == "generic" else {idx: _empty_safe(v) for idx, v in e.items()}
    if kind == "generic":
        z, d = _is_zero(_normal(e) - _normal(_empty_safe(ctx.tpl.e)))
        if z:
            return ("proved", 0)
        if d.is_number and d.is_zero is False:
            return ("disproved", ctx.show(d))
        if not ctx.small:
            return ("open", ctx.show(d))
        claims = {idx: ctx.at(e, idx) for idx in np.ndindex(*ctx.shape)}
        generic = d
    else:
        claims, generic = e, None
    diffs = []
    for idx, v in claims.items():
        z, d = _is_zero((v - ctx.concrete(idx)).doit())
        if not z and d.is_number and d.is_zero is False:
            return ("disproved", ctx.show(d) if generic is None else ctx.show(generic))
        diffs.append(d)
    if all(d == 0 for d in diffs):
        return ("proved", 0)
    if generic is not None:
        return ("open", ctx.show(generic))
    return ("open", ctx.array([ctx.show(d) for d in diffs]))
