"""Symbolic templates: the closed form of one generic element of a tensor.

A ``T`` holds a SymPy expression in the slot symbols ``i, j, k, ...`` (one per
dim, in order) and a shape.  Summation dummies are ``_d0, _d1, ...``,
numbered by nesting depth so that equal sub-sums built anywhere are
structurally equal (and combine); printing renames them to readable letters.
"""
import math
import sympy as sp
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.logic.boolalg import BooleanFunction, BooleanAtom
from sympy.core.relational import Relational

_BOOL = (Relational, BooleanFunction, BooleanAtom)

_LETTERS = "ijklmnpqrstuvwxyzabcdefgh"
SLOTS = [sp.Symbol(c, integer=True, nonnegative=True) for c in _LETTERS[:6]] + \
        [sp.Symbol(f"i{k}", integer=True, nonnegative=True) for k in range(6, 32)]
_SLOTSET = set(SLOTS)
_DUMMIES = {}


def dummy(n):
    d = _DUMMIES.get(n)
    if d is None:
        d = _DUMMIES[n] = sp.Symbol(f"_d{n}", integer=True, nonnegative=True)
    return d


def next_dummy(*exprs):
    n = 0
    for e in exprs:
        for s in e.atoms(sp.Symbol):
            if s.name.startswith("_d"):
                n = max(n, int(s.name[2:]) + 1)
    return n


def number(v):
    """A Python number as an exact SymPy number, as the user wrote it."""
    if isinstance(v, sp.Basic):
        return v
    if hasattr(v, "item") and not isinstance(v, T):
        v = v.item()
    if isinstance(v, bool):
        return sp.true if v else sp.false
    if isinstance(v, int):
        return sp.Integer(v)
    if isinstance(v, float):
        if math.isnan(v):
            return sp.nan
        if math.isinf(v):
            return sp.oo if v > 0 else -sp.oo
        if v == int(v) and abs(v) < 2 ** 53:
            return sp.Integer(int(v))
        return sp.Rational(repr(v))
    raise TypeError(f"cannot use {type(v).__name__} in a closed form")


def numeric(e):
    """Booleans used as numbers become 0/1 (a mask times a value)."""
    if isinstance(e, _BOOL):
        if e is sp.true:
            return sp.Integer(1)
        if e is sp.false:
            return sp.Integer(0)
        return Piecewise((1, e), (0, True))
    return e


def _limited(cls, function, limits):
    function = sp.sympify(function)
    limits = [lim if isinstance(lim, sp.Tuple) else sp.Tuple(*lim) for lim in limits]
    while type(function) is cls:            # a sum of a sum is one sum
        limits = list(function.limits) + limits
        function = function.function
    if function == 0 and issubclass(cls, sp.Sum):
        # a sum of zeros (SymPy cannot order an unevaluated one); by structure:
        # asking is_zero of a large summand costs seconds of assumption queries
        return sp.Integer(0)
    obj = sp.Expr.__new__(cls)
    obj._args = (function, *limits)
    obj.is_commutative = function.is_commutative
    return obj


class Scoped:
    """A sum, product or max over index ranges, built as written.  SymPy's
    ``piecewise_fold`` (run by the ``Sum`` constructor and on every
    Piecewise condition) pulls a Piecewise out through a sum, which leaves
    a condition on the summation index outside the sum that binds it: a
    wrong formula.  Scoped expressions are never folded (see ``Piecewise``)."""
    __slots__ = ()

    def __new__(cls, function, *limits):
        return _limited(cls, function, limits)


class Sum(Scoped, sp.Sum):
    """``sympy.Sum`` built as written (see ``Scoped``)."""


class Product(Scoped, sp.Product):
    """``sympy.Product`` built as written (see ``Scoped``)."""


class _Pair(ExprCondPair):
    """An (expression, condition) pair that leaves its condition as given."""

    def __new__(cls, expr, cond):
        return sp.Tuple.__new__(cls, expr, cond)


class Piecewise(sp.Piecewise):
    """A Piecewise built as given where a piece or condition holds a sum
    over a Piecewise, which SymPy's constructor would fold out of the sum;
    otherwise (and once substitution removes the hazard) SymPy's own."""

    def __new__(cls, *pairs):
        pairs = [(sp.sympify(v), sp.sympify(c)) for v, c in pairs]
        if not any(_folds(v) or _folds(c) for v, c in pairs):
            try:
                return sp.Piecewise(*pairs)
            except ValueError:
                # folding a Piecewise out of a condition goes through normal
                # forms, which SymPy cannot build around a float test (isnan):
                # the condition stays as given
                pass
        pairs = [(v, c) for v, c in pairs if c is not sp.false]
        if not pairs:
            return sp.nan
        if pairs[0][1] is sp.true:
            return pairs[0][0]
        return sp.Basic.__new__(cls, *[_Pair(v, c) for v, c in pairs])


def _folds(e):
    return any(isinstance(a, Scoped) and a.function.has(sp.Piecewise) for a in sp.preorder_traversal(e))



class T:
    """A template: ``expr`` is element ``[i, j, ...]`` of a tensor of ``shape``."""
    __slots__ = ("e", "shape", "value")
    __array_priority__ = 2000
    dtype = None

    def __init__(self, e, shape=(), value=None):
        self.e = e
        self.shape = tuple(int(s) for s in shape)
        self.value = value          # a constant's numbers, for data-dependent uses (masks as indices)

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"T({self.e}, {self.shape})"

    def __hash__(self):
        return id(self)

    # arithmetic broadcasts like numpy
    def __add__(self, o): return binary(lambda a, b: numeric(a) + numeric(b), self, o)
    def __radd__(self, o): return binary(lambda a, b: numeric(a) + numeric(b), o, self)
    def __sub__(self, o): return binary(lambda a, b: numeric(a) - numeric(b), self, o)
    def __rsub__(self, o): return binary(lambda a, b: numeric(a) - numeric(b), o, self)
    def __mul__(self, o): return binary(lambda a, b: numeric(a) * numeric(b), self, o)
    def __rmul__(self, o): return binary(lambda a, b: numeric(a) * numeric(b), o, self)
    def __truediv__(self, o): return binary(lambda a, b: numeric(a) / numeric(b), self, o)
    def __rtruediv__(self, o): return binary(lambda a, b: numeric(a) / numeric(b), o, self)
    def __pow__(self, o): return binary(lambda a, b: numeric(a) ** numeric(b), self, o)
    def __rpow__(self, o): return binary(lambda a, b: numeric(a) ** numeric(b), o, self)
    def __neg__(self): return T(-numeric(self.e), self.shape)
    def __pos__(self): return self
    def __abs__(self): return T(sp.Abs(self.e), self.shape)
    def __gt__(self, o): return binary(_relation(sp.StrictGreaterThan), self, o)
    def __ge__(self, o): return binary(_relation(sp.GreaterThan), self, o)
    def __lt__(self, o): return binary(_relation(sp.StrictLessThan), self, o)
    def __le__(self, o): return binary(_relation(sp.LessThan), self, o)
    def __eq__(self, o): return binary(_relation(sp.Eq), self, o)
    def __ne__(self, o): return binary(_relation(sp.Ne), self, o)
    def __and__(self, o): return binary(sp.And, self, o)
    def __rand__(self, o): return binary(sp.And, o, self)
    def __or__(self, o): return binary(sp.Or, self, o)
    def __invert__(self): return T(sp.Not(self.e), self.shape)

    def __getitem__(self, key):
        from .ns import getitem
        return getitem(self, key)


def as_t(v):
    return v if isinstance(v, T) else T(number(v), ())


def broadcast_shapes(*shapes):
    nd = max((len(s) for s in shapes), default=0)
    out = []
    for k in range(nd):
        size = 1
        for s in shapes:
            d = k - (nd - len(s))
            if d >= 0 and s[d] != 1:
                if size != 1 and size != s[d]:
                    raise ValueError(f"shapes {shapes} do not broadcast")
                size = s[d]
        out.append(size)
    return tuple(out)


def at(t, shape):
    """``t``'s expression re-indexed as element ``[i, j, ...]`` of ``t``
    broadcast to ``shape`` (a stretched size-1 dim reads index 0)."""
    off = len(shape) - len(t.shape)
    m = {}
    for d, s in enumerate(t.shape):
        od = d + off
        if s == 1 and shape[od] != 1:
            m[SLOTS[d]] = sp.Integer(0)
        elif od != d:
            m[SLOTS[d]] = SLOTS[od]
    return t.e.xreplace(m) if m else t.e


def _relation(cls):
    # SymPy decides x == x, x != x, x <= x as over the reals; at NaN data
    # each is the opposite, so they become tests for NaN (x != x: isnan(x))
    def rel(a, b):
        if a is sp.nan or b is sp.nan:      # every comparison with NaN is False, but !=
            return sp.true if cls is sp.Ne else sp.false
        if a == b and not (isinstance(a, sp.Basic) and a.is_Number):
            if cls in (sp.StrictLessThan, sp.StrictGreaterThan):
                return sp.false
            from .ns import IsNaN
            return IsNaN(a) if cls is sp.Ne else sp.Not(IsNaN(a))
        return cls(a, b)
    return rel


def binary(f, a, b):
    a, b = as_t(a), as_t(b)
    shape = broadcast_shapes(a.shape, b.shape)
    return T(f(at(a, shape), at(b, shape)), shape)


def nary(f, *ts):
    ts = [as_t(t) for t in ts]
    shape = broadcast_shapes(*[t.shape for t in ts])
    return T(f(*[at(t, shape) for t in ts]), shape)
