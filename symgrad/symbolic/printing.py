"""Readable closed forms: summation dummies get letters, leaves get names."""
import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits

from .template import SLOTS, _LETTERS

_LIMITED = (sp.Sum, sp.Product, ExprWithLimits)


def rename_dummies(e, ndim=None, avoid=()):
    """Rename ``_d<n>`` dummies outside-in to the first letters not already
    visible in their scope; the output's own index letters are skipped."""
    free = {s.name for s in e.free_symbols} | set(avoid)
    if ndim is None:
        ndim = sum(1 for s in SLOTS[:6] if s in e.free_symbols)
    order = list(_LETTERS)
    start = ndim + 1 if ndim else 0
    order = order[start:] + order[:start]
    return _rename(e, free, order)


def _rename(e, scope, order):
    if isinstance(e, _LIMITED) and any(str(v).startswith("_d") for v, *_ in e.limits):
        mapping = {}
        inner_scope = set(scope) | {s.name for s in e.free_symbols}
        for v, *_ in e.limits:
            if str(v).startswith("_d"):
                for c in order:
                    if c not in inner_scope:
                        mapping[v] = sp.Symbol(c, integer=True)   # not the slot symbol of the same name
                        inner_scope.add(c)
                        break
        e = e.xreplace(mapping)
        fn = _rename(e.function, inner_scope, order)
        return e.func(fn, *e.limits)
    if not e.args:
        return e
    args = [_rename(a, scope, order) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    return e.func(*args)


def index_str(shape):
    return "" if not shape else "[" + ", ".join(str(s) for s in SLOTS[:len(shape)]) + "]"
