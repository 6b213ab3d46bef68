"""``symgrad.verify``: check a hand-derived formula against a tensor's closed form.

A claim is compared with the tensor numerically first (at the leaves' own
values, then at random points near them), which finds a wrong claim at
once and names a counterexample; a claim that agrees everywhere it was
tried is then proved by simplifying the difference on the shape-generic
closed form, in a worker with a time limit, and if not proved, compared in
exact arithmetic at chosen points.  Importing this module loads
neither SymPy nor JAX.
"""
import sys
import time

from .parser import FormulaError, parse, SympyBuilder, INDEX_NAMES   # noqa: F401
from .verdict import Verdict, Counterexample, run_with_deadline

__all__ = ["verify", "Verdict", "Counterexample", "FormulaError"]

# relative tolerance of a comparison with the tensor's own numbers, by dtype;
# at random points both sides are evaluated from closed forms in float64
_RTOL = {"float64": 1e-7, "float32": 2e-3, "float16": 5e-2, "bfloat16": 5e-2}
_POINT_RTOL = 1e-7
MAX_LIST_CLAIM = 4096          # elements of a claim given as a nested list
_ELEMENTWISE_PROOF = 64        # a small tensor is also proved element by element


def verify(t, claim, *, points=3, timeout=3.0, seed=0):
    """Check ``claim`` against the closed form of ``t`` (a gradient, a
    Jacobian, any tensor with a closed form) and return a ``Verdict``.

    ``claim`` is a string in the leaves' names (``"3/2*(x + 2)"``, with the
    tensor's index symbols ``i, j, ...``; a leaf's bare name is its element
    at the tensor's own index), a SymPy expression, a number, or a nested
    list of these, one per element of a small tensor.  The claim is compared
    with ``t`` at the leaves' own values and at ``points`` random points,
    then proved symbolically within ``timeout`` seconds.

    >>> import symgrad as sg
    >>> x = sg.ones(2, 2, requires_grad=True)
    >>> out = ((x + 2) * (x + 2) * 3).mean()
    >>> _ = out.backward()
    >>> sg.verify(x.grad, "3/2*(x + 2)")
    proved: ∂out/∂x[i, j] = 3*(x[i, j] + 2)/2
    >>> v = sg.verify(x.grad, "3*(x + 2)")
    >>> bool(v), v.how, v.counterexample
    (False, 'disproved', at x[0, 0] = 1.0: claimed 9.0, actual 4.5)
    """
    from ..tensor import Tensor
    if not isinstance(t, Tensor):
        raise TypeError(f"verify() needs a symgrad Tensor, not {type(t).__name__}")
    if int(points) < 0 or timeout is None or float(timeout) < 0:
        raise ValueError("points and timeout must be non-negative")
    start = time.perf_counter()
    ctx = _Context(t)
    c = ctx.claim(claim)
    ce, used, note = _numeric(ctx, c, int(points), seed)
    timeout = float(timeout)
    form = ctx.show_closed_form(c)
    label = ctx.label if not isinstance(form, ctx.sp.NDimArray) else ctx.label.split("[")[0]
    common = dict(label=label, closed_form=form, claim=ctx.show_claim(c), points=used,
                  timeout=timeout, note=note)
    if ce is not None:
        done, diff = _attempt(lambda: ctx.difference(c, simplify=True), min(timeout, 1.0))
        if not done:
            done, diff = _attempt(lambda: ctx.difference(c, simplify=False), 1.0)
        # the difference simplifies to zero: the numbers may have differed by
        # rounding (next to a zero value), but only a proof outweighs them
        proof = _attempt(lambda: ctx.prove(c), timeout) if done and _all_zero(diff) else (False, None)
        if not (proof[0] and proof[1][0] == "proved"):
            return Verdict(False, "disproved", diff if done else None, ce, elapsed=time.perf_counter() - start,
                           **common)
        return Verdict(True, "proved", ctx.sp.Integer(0), None, elapsed=time.perf_counter() - start, **common)
    done, res = _attempt(lambda: ctx.prove(c), timeout)
    elapsed = time.perf_counter() - start
    if done and res[0] == "proved":
        return Verdict(True, "proved", ctx.sp.Integer(0), None, elapsed=elapsed, **common)
    if done and res[0] == "disproved":
        return Verdict(False, "disproved", res[1], None, elapsed=elapsed, **common)
    diff = res[1] if done else None
    # not proved: try the claim exactly (rational leaf values) at the leaves'
    # own values and at the values its conditions compare with, where a
    # difference below the numeric tolerance or on a branch boundary shows
    left = max(1.0, timeout - elapsed) if timeout > 0 else 0
    found, ce = _attempt(lambda: _exact_counterexample(ctx, c), left)
    if found and ce is not None:
        return Verdict(False, "disproved", diff, ce, elapsed=time.perf_counter() - start, **common)
    if used == 0:
        v = Verdict(False, "undecided", diff, None, elapsed=elapsed, **common)
        v.note = ((note + "; ") if note else "") + "no point where both sides are finite numbers, and not proved"
        return v
    return Verdict(True, "numerically", diff, None, elapsed=elapsed, **common)


def _all_zero(d):
    import sympy as sp
    if isinstance(d, sp.NDimArray):
        return all(v == 0 for v in d)
    return d == 0


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


# ------------------------------------------------------------------ context
class _Context:
    """A tensor's closed form, its leaves, their names, and the claim's
    vocabulary."""

    def __init__(self, t):
        import sympy as sp
        from ..symbolic.graph import tensor_template, leaf_names, leaf_symbol
        from ..symbolic.template import SLOTS
        self.sp = sp
        self.t = t
        self.shape = tuple(t.shape)
        self.tpl = tensor_template(t)
        extra = [leaf_symbol(leaf) for leaf in _related_leaves(t)]
        self.names = leaf_names(sp.Tuple(self.tpl.e, *extra))         # identity -> display
        self.syms = sorted(self.names, key=lambda s: int(s.name[2:]))
        self.slots = tuple(SLOTS[:len(self.shape)])
        self.by_name = {str(d): s for s, d in self.names.items()}
        # the index arrays it reads (gather, index_select, x[idx]) by the names it prints them with
        from ..symbolic.ns import const_values
        for b in self.tpl.e.atoms(sp.IndexedBase):
            if const_values(b) is not None:
                self.by_name.setdefault(str(b), b)
        self.indices = {INDEX_NAMES[k]: s for k, s in enumerate(self.slots) if k < len(INDEX_NAMES)}
        self.bare = {}
        for n, s in self.by_name.items():
            if isinstance(s, sp.IndexedBase):
                idx = _aligned(tuple(int(d) for d in s.shape), self.shape, self.slots)
                if idx is not None:
                    self.bare[n] = s[idx]
        self.label = _label(t, self)

    # claims
    def builder(self):
        return SympyBuilder(self.by_name, self.bare, self.indices)

    def claim(self, claim):
        """The claim as ``("generic", expr)`` in the tensor's index symbols or
        ``("elements", {index: expr})``."""
        import numpy as np
        if isinstance(claim, np.ndarray):
            claim = claim.tolist()
        if isinstance(claim, (list, tuple)):
            c = ("elements", self.elements(claim))
            for idx, e in c[1].items():
                _check_reads(self, e, {}, idx)
            return c
        c = ("generic", self.one(claim))
        _check_reads(self, c[1], {s: (0, n) for s, n in zip(self.slots, self.shape)})
        return c

    def one(self, c):
        sp = self.sp
        if isinstance(c, str):
            return parse(c, self.builder())
        if isinstance(c, bool):
            raise FormulaError("a claim cannot be a bool")
        if isinstance(c, (int, float)):
            return self.builder().number(c)
        if isinstance(c, sp.Basic):
            return self.adopt(c)
        if hasattr(c, "dtype") and getattr(c, "shape", None) == ():
            return self.one(c.item())
        raise FormulaError(f"a claim must be a string, a number, a SymPy expression or a nested list, "
                           f"not {type(c).__name__}")

    def elements(self, claim):
        import numpy as np
        shape = _nested_shape(claim)
        size = int(np.prod(shape)) if shape else 1
        if size > MAX_LIST_CLAIM:
            raise FormulaError(f"a list claim of {size} elements is too large (at most {MAX_LIST_CLAIM}); "
                               "write one formula in the index symbols instead")
        if shape != self.shape:
            if _squeezed(shape) != _squeezed(self.shape):
                raise FormulaError(f"the claim has shape {list(shape)} but the tensor has shape "
                                   f"{list(self.shape)}")
        flat = _flatten(claim)
        out = {}
        for k, idx in enumerate(np.ndindex(*self.shape)):
            e = self.one(flat[k])
            out[idx] = e.xreplace(dict(zip(self.slots, map(self.sp.Integer, idx))))
        return out

    def adopt(self, e):
        """A SymPy expression the user built: symbols matched by name."""
        sp = self.sp
        free = e.free_symbols
        labels = {b.label for b in self.by_name.values() if isinstance(b, sp.IndexedBase)}

        def own(a):
            # innermost first (replace works bottom-up): an index read through
            # an index array, x[idx0[l, j], j], has its inner read adopted already
            base = self.by_name.get(str(a.base.label))
            if not isinstance(base, sp.IndexedBase):
                raise FormulaError(f"unknown name {str(a.base.label)!r} in the claim")
            if len(a.indices) != len(base.shape):
                raise FormulaError(f"{a.base.label} has {len(base.shape)} dims, got {len(a.indices)} indices")
            syms = {s for i in a.indices for s in i.free_symbols if not isinstance(s, sp.Indexed)} - labels
            return base[tuple(i.xreplace(self._symbol_map(syms, free)) for i in a.indices)]
        e = e.replace(lambda a: isinstance(a, sp.Indexed), own)
        others = {s for s in e.free_symbols if not isinstance(s, sp.Indexed)} - labels - set(self.slots)
        return _from_zero(e.xreplace(self._symbol_map(others, others)))

    def _symbol_map(self, syms, free):
        sp = self.sp
        m = {}
        for s in syms:
            if s in self.names or s in self.slots or s not in free:
                continue
            n = str(s)
            if n in self.indices:
                m[s] = self.indices[n]
            elif isinstance(self.by_name.get(n), sp.Symbol):
                m[s] = self.by_name[n]
            elif n in self.bare:
                m[s] = self.bare[n]
            else:
                raise FormulaError(f"unknown symbol {n!r} in the claim (known: "
                                   f"{', '.join(sorted(set(self.by_name) | set(self.indices)))})")
        return m

    # display
    def show(self, e):
        sp = self.sp
        from ..symbolic.printing import rename_dummies
        e = e.xreplace(self.names)
        return rename_dummies(sp.factor_terms(e, clear=True), avoid={str(v) for v in self.names.values()})

    def show_closed_form(self, c):
        """The closed form as the claim was written: shape-generic, or one
        entry per element for a small list claim."""
        import numpy as np
        if c[0] == "generic" or int(np.prod(self.shape)) > _ELEMENTWISE_PROOF:
            return self.show(self.tpl.e)

        def elements():
            vals = [self.show(self.concrete(idx)) for idx in np.ndindex(*self.shape)]
            return self.sp.Array(vals, self.shape) if self.shape else vals[0]
        done, form = _attempt(elements, 1.0)       # unrolling large sums can take long
        return form if done else self.show(self.tpl.e)

    def show_claim(self, c):
        kind, e = c
        if kind == "generic":
            return self.show(e)
        return self.sp.Array([self.show(v) for v in e.values()], self.shape) if self.shape else \
            self.show(next(iter(e.values())))

    # symbolic
    def concrete(self, idx):
        """The closed form of element ``idx``, sums over fixed ranges unrolled."""
        from ..symbolic import concrete
        return concrete(self.tpl.e, dict(zip(self.slots, idx)))

    def difference(self, c, simplify):
        sp = self.sp
        kind, e = c
        if kind == "generic":
            d = _empty_safe(e) - _empty_safe(self.tpl.e)
            return self.show(sp.simplify(d) if simplify else d)
        diffs = [(sp.simplify(_empty_safe(v) - self.concrete(idx)) if simplify else v - self.concrete(idx))
                 for idx, v in e.items()]
        return sp.Array([self.show(d) for d in diffs], self.shape) if self.shape else self.show(diffs[0])

    def prove(self, c):
        """``("proved", 0)``, ``("disproved", difference)`` when the
        difference simplifies to a nonzero number, else ``("open", difference)``."""
        import numpy as np
        sp = self.sp
        kind, e = c
        e = _empty_safe(e) if kind == "generic" else {idx: _empty_safe(v) for idx, v in e.items()}
        if kind == "generic":
            z, d = _is_zero(_normal(e) - _normal(_empty_safe(self.tpl.e)))
            if z:
                return ("proved", 0)
            if d.is_number and d.is_zero is False:
                return ("disproved", self.show(d))
            if int(np.prod(self.shape)) > _ELEMENTWISE_PROOF:
                return ("open", self.show(d))
            claims = {idx: e.xreplace(dict(zip(self.slots, map(sp.Integer, idx)))) for idx in np.ndindex(*self.shape)}
            generic = d
        else:
            claims, generic = e, None
        diffs = []
        for idx, v in claims.items():
            z, d = _is_zero((v - self.concrete(idx)).doit())
            if not z and d.is_number and d.is_zero is False:
                return ("disproved", self.show(d) if generic is None else self.show(generic))
            diffs.append(d)
        if all(d == 0 for d in diffs):
            return ("proved", 0)
        if generic is not None:
            return ("open", self.show(generic))
        return ("open", sp.Array([self.show(d) for d in diffs], self.shape) if self.shape else self.show(diffs[0]))


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
    own = _values(ctx)
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


def _aligned(leaf_shape, shape, slots):
    """The index a leaf's bare name stands for at element ``slots`` of a
    tensor of ``shape`` (numpy's broadcasting alignment), or None."""
    import sympy as sp
    off = len(shape) - len(leaf_shape)
    if off < 0:
        return None
    idx = []
    for d, s in enumerate(leaf_shape):
        if s == shape[d + off]:
            idx.append(slots[d + off])
        elif s == 1:
            idx.append(sp.Integer(0))
        else:
            return None
    return tuple(idx)


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


# ------------------------------------------------------------------ numbers
def _numeric(ctx, c, points, seed):
    """Compare at the leaves' own values and at ``points`` random points.
    Returns ``(counterexample or None, points compared, note)``."""
    import numpy as np
    own = _values(ctx)
    claim_f = _claim_evaluator(ctx, c)
    cf = _evaluator(ctx, ctx.tpl.e)
    numbers = np.asarray(ctx.t._data, dtype=np.float64)
    note = None
    rtol = _RTOL.get(ctx.t.dtype.name if hasattr(ctx.t.dtype, "name") else "", 1e-7)
    used = 0
    actual = numbers
    if cf is not None and own is not None:
        at_own = cf(own)
        if at_own is not None:
            bad = _first_mismatch(at_own, numbers, rtol)
            if bad is not None:
                note = (f"the closed form of {ctx.label} disagrees with its numbers at the leaves' current "
                        f"values (element {list(bad)}); were leaves changed after it was computed? "
                        "The claim is compared with the closed form")
                actual = at_own
    if claim_f is None or own is None:
        return None, 0, note
    claimed = claim_f(own)
    if claimed is not None:
        bad = _first_mismatch(claimed, actual, rtol if actual is numbers else _POINT_RTOL)
        if bad is not None:
            return _counterexample(ctx, c, bad, own, claimed, actual, "the tensor's own values"), 1, note
        used += _any_finite(claimed, actual)
    if cf is None:
        return None, used, note
    rng = np.random.default_rng(seed)
    for k in range(1, points + 1):
        pt = _perturbed(ctx, own, rng, k)
        a, b = cf(pt), claim_f(pt)
        if a is None or b is None:
            continue
        bad = _first_mismatch(b, a, _POINT_RTOL)
        if bad is not None:
            return _counterexample(ctx, c, bad, pt, b, a, f"random point {k}", full=True), used + 1, note
        used += _any_finite(a, b)
    return None, used, note


def _values(ctx):
    """Leaf symbol -> its values (float leaves as float64), or None if a
    leaf's values are gone."""
    import numpy as np
    from ..symbolic.graph import leaf_of
    out = {}
    for s in ctx.syms:
        leaf = leaf_of(s)
        if leaf is None or getattr(leaf, "_data", None) is None:
            out[s] = None
            continue
        a = np.asarray(leaf._data)
        out[s] = a.astype(np.float64) if a.dtype.kind == "f" else a
    return out


def _is_variable(ctx, s):
    from ..symbolic.graph import leaf_of
    from ..tensor import Tensor
    leaf = leaf_of(s)
    return isinstance(leaf, Tensor) and leaf.requires_grad and leaf._data.dtype.kind == "f"


def _perturbed(ctx, own, rng, k):
    """Random values for the leaves that require grad: odd points scale each
    value by a random positive factor (keeping signs, so logarithms stay
    defined), even points draw fresh normal values; constants keep theirs."""
    import numpy as np
    pt = dict(own)
    for s, v in own.items():
        if v is None or not _is_variable(ctx, s):
            continue
        if k % 2:
            nz = v != 0
            pt[s] = np.where(nz, v * np.exp(0.5 * rng.standard_normal(v.shape)), 0.5 * rng.standard_normal(v.shape))
        else:
            scale = max(1.0, float(np.abs(v).max())) if v.size else 1.0
            pt[s] = scale * rng.standard_normal(v.shape)
    return pt


def _evaluable(e):
    # sums of a constant (an element count) are folded to their number
    import sympy as sp
    return e.replace(lambda a: isinstance(a, sp.Sum) and not (a.function.free_symbols & {v for v, *_ in a.limits}),
                     lambda a: a.doit())


def _evaluator(ctx, e, shape=None):
    """``f(values) -> float64 array`` of ``e`` over the tensor's shape, or
    None when ``e`` cannot be evaluated (opaque functions, lost values)."""
    import numpy as np
    from ..symbolic.codegen import Compiled
    from ..symbolic.template import T
    shape = ctx.shape if shape is None else shape
    try:
        comp = Compiled(T(_evaluable(e), shape), ctx.syms, [str(s) for s in ctx.syms], np)
    except Exception:
        return None
    needed = {s for s in ctx.syms if e.has(s)}

    def f(values):
        if any(values.get(s) is None for s in needed):
            return None
        args = [values[s] if values[s] is not None else np.zeros(0) for s in ctx.syms]
        try:
            with np.errstate(all="ignore"):
                out = comp(*args)
            return np.broadcast_to(np.asarray(out, dtype=np.float64), shape)
        except (ArithmeticError, ValueError, TypeError, IndexError, RuntimeError):
            return None
    return f


def _claim_evaluator(ctx, c):
    import numpy as np
    kind, e = c
    if kind == "generic":
        return _evaluator(ctx, e)
    fs = {idx: _evaluator(ctx, v, ()) for idx, v in e.items()}
    if any(f is None for f in fs.values()):
        return None

    def f(values):
        out = np.empty(ctx.shape, dtype=np.float64)
        for idx, g in fs.items():
            v = g(values)
            if v is None:
                return None
            out[idx] = v
        return out
    return f


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
    own = _values(ctx)
    if any(v is None for v in own.values()):
        return None
    n = int(np.prod(ctx.shape))
    spread = range(n) if n <= _ELEMENTWISE_PROOF else np.linspace(0, n - 1, 16).astype(int).tolist()
    # in a large tensor, also the elements where the difference, evaluated as
    # one expression (so that equal parts cancel before rounding), is largest
    gap = _evaluator(ctx, _empty_safe(e) - _empty_safe(ctx.tpl.e)) \
        if kind == "generic" and n > _ELEMENTWISE_PROOF else None

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
            if _is_variable(ctx, s):
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
            claim = e.xreplace(dict(zip(ctx.slots, map(sp.Integer, idx)))) if kind == "generic" else e[idx]
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


def _first_mismatch(claimed, actual, rtol):
    """Index of the first element (C order) where two finite values differ
    beyond ``rtol`` (relative, with an absolute floor at 1e-3 of the
    largest value, and at least 64 ulp of 1); pairs with a nan or inf are
    skipped."""
    import numpy as np
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(claimed, dtype=np.float64)
    ok = np.isfinite(a) & np.isfinite(b)
    if not ok.any():
        return None
    scale = float(np.abs(a[ok]).max())
    # rounding residue of terms that cancel (1e-16 where the truth is 0) is not a difference
    floor = max(rtol * 1e-3 * scale, 64 * np.finfo(np.float64).eps)
    tol = rtol * (np.abs(a) + np.abs(b)) / 2 + floor
    bad = ok & (np.abs(a - b) > tol)
    if not bad.any():
        return None
    return tuple(int(i) for i in np.argwhere(bad)[0])


def _any_finite(a, b):
    import numpy as np
    return int(bool((np.isfinite(a) & np.isfinite(b)).any()))


def _counterexample(ctx, c, idx, values, claimed, actual, point, full=False):
    import numpy as np
    sp = ctx.sp
    kind, e = c
    at = dict(zip(ctx.slots, map(sp.Integer, idx)))
    exprs = [ctx.tpl.e.xreplace(at), e.xreplace(at) if kind == "generic" else e[idx]]
    shown = _shown(ctx, exprs, values)
    if not shown and _terms(exprs) <= 256:
        # every read goes through an index array or a sum: read them unrolled
        from ..symbolic import concrete
        shown = _shown(ctx, [concrete(ex, {}) for ex in exprs], values)
    leaves = {str(ctx.names[s]): v for s, v in values.items() if v is not None and _is_variable(ctx, s)} \
        if full else {}
    shown = dict(sorted(shown.items()))
    return Counterexample(idx, shown, float(np.asarray(claimed)[idx]), float(np.asarray(actual)[idx]),
                          point, leaves)


def _terms(exprs):
    # how many terms unrolling every sum over a fixed range would give, at most
    import sympy as sp
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


# ------------------------------------------------------------------ labels
def _related_leaves(t):
    """Leaves a claim about ``t`` may name besides those in its closed form:
    for a gradient, the leaf it is taken with respect to and the other
    leaves of the graph it came from."""
    import weakref
    from .. import engine
    from ..tensor import Tensor
    out, seen, todo = [], set(), [t]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if x._node is not None:
            out.extend(engine.leaves_of([x]))
            continue
        for item in x._gsrc or ():
            if item[0] == "bw":
                key = item[2]() if isinstance(item[2], weakref.ref) else item[2]
                if isinstance(key, Tensor):
                    out.append(key)
                if item[1] is not None:
                    out.extend(_edge_leaves(item[1].roots))
            elif item[0] == "tensor":
                todo.append(item[1])
            elif item[0] == "stack":
                todo.extend(item[1])
    uniq, ids = [], set()
    for leaf in out:
        if id(leaf) not in ids:
            ids.add(id(leaf))
            uniq.append(leaf)
    return uniq


def _edge_leaves(roots):
    from .. import engine
    from ..tensor import Tensor
    out, seen, stack = [], set(), list(roots)
    while stack:
        e = stack.pop()
        if e is None:
            continue
        n = e[0] if type(e) is tuple else e
        if isinstance(n, engine.Node):
            if n not in seen:
                seen.add(n)
                stack.extend(n.edges)
        elif isinstance(n, Tensor):
            out.append(n)
    return out


def _label(t, ctx):
    import weakref
    from ..symbolic.graph import find_name, leaf_symbol
    from ..symbolic.printing import index_str
    idx = index_str(ctx.shape)
    rec = t._gsrc if t._node is None else None
    if rec and len(rec) == 1 and rec[0][0] == "bw" and rec[0][1] is not None:
        leaf = rec[0][2]() if isinstance(rec[0][2], weakref.ref) else rec[0][2]
        if leaf is not None:
            lname = ctx.names.get(leaf_symbol(leaf))
            root = _root_name(rec[0][1].roots) or "out"
            return f"∂{root}/∂{lname or find_name(leaf) or 'x'}{idx}"
    return f"{find_name(t) or 't'}{idx}"


def _root_name(roots):
    """The caller's variable name for the tensor a backward pass started from."""
    import os
    from .. import engine
    from ..tensor import Tensor
    from ..symbolic.graph import _PKG
    e = next((r for r in roots if r is not None), None)
    if e is None:
        return None
    node, k = (e[0], e[1]) if type(e) is tuple else (e, -1)
    if not isinstance(node, engine.Node):
        return None
    f = sys._getframe(1)
    depth = 40
    while f is not None and depth:
        depth -= 1
        if not os.path.abspath(f.f_code.co_filename).startswith(_PKG):
            for scope in (f.f_locals, f.f_globals):
                for name, v in scope.items():
                    if isinstance(v, Tensor) and v._node is node and not name.startswith("_") and \
                            (k == -1 or v._out == k):
                        return name
        f = f.f_back
    return None
