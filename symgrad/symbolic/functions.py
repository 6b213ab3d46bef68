"""SymPy functions and expressions symgrad's closed forms are made of, beyond
SymPy's own: a max, min, argmax or argmin over an index range, tests on
floats that the reals cannot express (NaN, infinities, the sign of zero),
and roundings kept as functions."""
import builtins as _b

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits

from .template import Scoped, Piecewise


class NoClosedForm(Exception):
    """Raised by a formula that has no closed form on templates."""


class MaxOver(Scoped, ExprWithLimits):
    """``max`` of an expression over an index range (shape-generic)."""
    __slots__ = ()
    _fn = sp.Max

    def __new__(cls, function, *limits):
        # over a (non-empty) range the expression does not depend on: itself
        # (SymPy can stall deciding relations about such a max)
        if cls in (MaxOver, MinOver) and len(limits) == 1 and not sp.sympify(function).has(limits[0][0]):
            return sp.sympify(function)
        return Scoped.__new__(cls, function, *limits)

    # one of the values it ranges over: real (and so on) when they all are.
    # Unknown, SymPy treats it as complex: abs(exp(max)) became exp(re(max))
    def _eval_is_extended_real(self):
        return self.function.is_extended_real

    def _eval_is_finite(self):
        return self.function.is_finite

    def _eval_is_integer(self):
        return self.function.is_integer

    def _eval_is_extended_positive(self):
        return self.function.is_extended_positive

    def _eval_is_extended_negative(self):
        return self.function.is_extended_negative

    def _eval_is_extended_nonnegative(self):
        return self.function.is_extended_nonnegative

    def _eval_is_extended_nonpositive(self):
        return self.function.is_extended_nonpositive

    def doit(self, **hints):
        f = self.function
        for k, (d, lo, hi) in enumerate(self.limits):       # innermost first
            if not (lo.is_Integer and hi.is_Integer):
                return type(self)(f, *self.limits[k:]) if k else self
            vals = [f.xreplace({d: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)]
            if hints.get("deep", True):
                vals = [v.doit(**hints) for v in vals]
            f = self._fn(*vals)
        return f


class MinOver(MaxOver):
    """``min`` of an expression over an index range."""
    __slots__ = ()
    _fn = sp.Min


class ArgMaxOver(MaxOver):
    """Index of the first maximum over a range; concrete ranges expand to a
    ``Piecewise`` over the comparisons."""
    __slots__ = ()

    # a position in the range, not one of the values
    def _eval_is_extended_real(self):
        return True

    def _eval_is_finite(self):
        return True

    def _eval_is_integer(self):
        return True

    def _eval_is_extended_positive(self):
        return (self.limits[0][1] > 0) or None

    def _eval_is_extended_negative(self):
        return (self.limits[0][2] < 0) or None

    def _eval_is_extended_nonnegative(self):
        return (self.limits[0][1] >= 0) or None

    def _eval_is_extended_nonpositive(self):
        return (self.limits[0][2] <= 0) or None

    def doit(self, **hints):
        f, (d, lo, hi) = self.function, self.limits[0]
        if not (lo.is_Integer and hi.is_Integer):
            return self
        vals = [f.xreplace({d: sp.Integer(v)}).doit(**hints) for v in range(int(lo), int(hi) + 1)]
        better = (lambda a, b: a > b) if type(self) is ArgMaxOver else (lambda a, b: a < b)
        if _b.all(v.is_number for v in vals):
            best = 0
            for k in range(1, len(vals)):
                if better(float(vals[k]), float(vals[best])):
                    best = k
            return sp.Integer(best + int(lo))
        # the first index whose value beats all earlier ones and is not beaten by a later one
        pieces = []
        for k, v in enumerate(vals):
            cond = sp.And(*[better(v, w) for w in vals[:k]], *[sp.Not(better(w, v)) for w in vals[k + 1:]])
            pieces.append((sp.Integer(k + int(lo)), cond))
        pieces[-1] = (pieces[-1][0], True)
        return Piecewise(*pieces)


class ArgMinOver(ArgMaxOver):
    __slots__ = ()


class FloatTest(sp.logic.boolalg.BooleanFunction):
    """An elementwise test on floats that the reals cannot express (NaN,
    infinities, the sign of zero).  Kept in closed forms as a function of its
    argument, printed and compiled as numpy's ``numpy_name``, so that evaluating
    at such data gives the numbers the numeric path gives."""
    nargs = 1
    numpy_name = None
    on_number = None

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return sp.true if cls.on_number(x) else sp.false

    def _eval_as_set(self):
        raise NotImplementedError      # not a set of reals: SymPy then leaves the condition as it is


class _Rounding(sp.Function):
    """A piecewise-constant rounding (derivative 0), kept as a function and
    compiled as numpy's ``numpy_name`` (rewritten in floor and sign, SymPy
    would fold sign(a/b) into sign(a)*sign(b), which is NaN at b = 0)."""
    nargs = 1
    numpy_name = None

    @classmethod
    def eval(cls, x):
        if x.is_Number and x.is_finite:
            return sp.Integer(cls.on_number(float(x)))

    def fdiff(self, argindex=1):
        return sp.Integer(0)
