"""Closed forms: templates, their printing and evaluation.  Nothing here is
imported by ``import symgrad``; SymPy loads on the first closed form."""

MAX_ELEMENTS = [10_000]


def expr_of(t):
    """The user-facing closed form of ``t[i, j, ...]``."""
    from .graph import tensor_template, display
    return display(tensor_template(t).e)


def exprs_of(t, max_elements=None):
    """Concrete per-element closed forms of a small tensor as a SymPy Array."""
    import itertools
    import sympy as sp
    from .graph import tensor_template, display
    from .template import SLOTS
    limit = MAX_ELEMENTS[0] if max_elements is None else max_elements
    if t.numel() > limit:
        raise ValueError(f"exprs() of a tensor with {t.numel()} elements exceeds the limit of {limit}; "
                         "pass max_elements= or use .expr for the shape-generic form")
    from .graph import leaf_names
    tpl = tensor_template(t)
    names = leaf_names(tpl.e)
    e = tpl.e.xreplace(names)
    shape = tuple(t.shape)
    ints = _integer_values(e)
    vals = []
    for idx in itertools.product(*[range(s) for s in shape]):
        v = concrete(e, {SLOTS[d]: k for d, k in enumerate(idx)}, ints)
        vals.append(display(v))
    if not shape:
        return vals[0]
    return sp.Array(vals, shape)


def concrete(e, point, ints=None):
    """``e`` at the index values ``point`` ({symbol: int}): every sum, product
    and max over a range that becomes fixed unrolled, outermost first, and
    every index array read at fixed positions replaced by its value (so a
    range bounded by an index becomes fixed).  SymPy's ``doit`` would sum a
    Kronecker delta against an index array symbolically, which fails
    (an assertion deep in its delta summation) on the deltas of gather and
    scatter gradients."""
    import sympy as sp
    from . import ns as tns
    ints = _integer_values(e) if ints is None else ints
    combine = {sp.Sum: sp.Add, sp.Product: sp.Mul, tns.MinOver: sp.Min, tns.MaxOver: sp.Max}
    empty = {sp.Sum: sp.Integer(0), sp.Product: sp.Integer(1)}

    def walk(e, env):
        if isinstance(e, sp.Indexed):          # before is_Symbol, which an Indexed also is
            idx = [walk(i, env) for i in e.indices]
            arr = ints.get(str(e.base))
            if arr is not None and all(i.is_Integer and 0 <= i < n for i, n in zip(idx, arr.shape)):
                return sp.Integer(int(arr[tuple(int(i) for i in idx)]))
            return e.base[tuple(idx)]
        if e.is_Symbol:
            v = env.get(e)
            return e if v is None else sp.Integer(v)
        if e.is_Atom or isinstance(e, sp.IndexedBase):
            return e
        kind = next((k for k in combine if isinstance(e, k)), None)
        if kind is not None and not isinstance(e, tns.ArgMaxOver):
            (d, lo, hi), rest = e.limits[-1], e.limits[:-1]
            lo, hi = walk(lo, env), walk(hi, env)
            if lo.is_Integer and hi.is_Integer:
                body = type(e)(e.function, *rest) if rest else e.function
                terms = [walk(body, {**env, d: v}) for v in range(int(lo), int(hi) + 1)]
                return combine[kind](*terms) if terms else empty.get(kind, sp.nan)
        if isinstance(e, sp.concrete.expr_with_limits.ExprWithLimits):
            inner = {s: v for s, v in env.items() if s not in e.variables}
            limits = [(d, walk(lo, env), walk(hi, env)) for d, lo, hi in e.limits]
            return type(e)(walk(e.function, inner), *limits)
        if isinstance(e, sp.Piecewise):
            # only the pieces that can still apply: a piece that does not may
            # read an index array out of its range
            pairs = []
            for v, c in e.args:
                c = walk(c, env)
                if c is not sp.false:
                    pairs.append((walk(v, env), c))
                if c is sp.true:
                    break
            return type(e)(*pairs) if pairs else sp.nan
        return e.func(*[walk(a, env) for a in e.args])
    return walk(e, dict(point))


def _integer_values(e):
    """Values of the integer arrays (indices, integer leaves) a closed form reads."""
    import sympy as sp
    from .ns import const_values
    out = {}
    for b in e.atoms(sp.IndexedBase):
        arr = const_values(b)
        if arr is not None and arr.dtype.kind in "iub":
            out[str(b)] = arr
    return out


def lambdify(t, backend="numpy"):
    """Compile ``t``'s closed form into vectorised array code over its leaves.

    Returns ``(f, leaves)``: ``f(*values)`` evaluates the closed form for the
    given leaf values (``backend="jax"`` gives jax.numpy code that ``jax.jit``
    accepts); ``leaves`` are the leaf tensors in argument order.

    >>> import symgrad as sg
    >>> x = sg.tensor([1., 2.], requires_grad=True)
    >>> f, leaves = sg.lambdify((x * x).sum())
    >>> float(f(x.detach().numpy()))
    5.0
    """
    from .graph import tensor_template, leaf_names, leaf_of
    from .codegen import Compiled
    tpl = tensor_template(t)
    names = leaf_names(tpl.e)
    syms = sorted(names, key=lambda s: int(s.name[2:]))
    leaves = []
    for s in syms:
        leaf = leaf_of(s)
        if leaf is None or getattr(leaf, "stale", False):
            raise RuntimeError("a constant of this closed form no longer exists (it was written in place after "
                               "the graph used it); cannot evaluate it")
        leaves.append(leaf)
    if backend == "numpy":
        xp = __import__("numpy")
    elif backend == "jax":
        import jax.numpy as xp
    else:
        raise ValueError(f"backend must be 'numpy' or 'jax', not {backend!r}")
    return Compiled(tpl, syms, [str(names[s]) for s in syms], xp), leaves


def evaluate(t, backend="numpy"):
    """Evaluate ``t``'s closed form at the leaves' current values (a numpy array).

    >>> import symgrad as sg
    >>> x = sg.ones(2, 2, requires_grad=True)
    >>> _ = ((x + 2) * (x + 2) * 3).mean().backward()
    >>> x.grad.evaluate()
    array([[4.5, 4.5],
           [4.5, 4.5]], dtype=float32)
    """
    f, leaves = lambdify(t, backend)
    r = f(*[l._data for l in leaves])
    if backend == "numpy":
        import numpy as np
        r = np.asarray(r)
        if r.dtype != t._data.dtype:        # a closed form that is an integer constant: the tensor's dtype
            r = r.astype(t._data.dtype)
    return r


def _lhs(t, latex=False):
    """How a closed form is introduced: ``∂out/∂x[i, j]`` for a gradient from
    one backward pass, else the tensor's own name and index."""
    from .graph import find_name
    from .printing import index_str
    idx = index_str(t.shape)
    rec = t._gsrc
    if rec and len(rec) >= 1 and rec[-1][0] == "bw" and all(r[0] in ("bw", "const") for r in rec):
        key = rec[-1][2]
        leaf = key() if callable(key) else None
        rname = "out"
        lname = (find_name(leaf) if leaf is not None else None) or "x"
        if latex:
            sub = ",".join(str(s) for s in t.index)
            return rf"\frac{{\partial\, {rname}}}{{\partial\, {lname}_{{{sub}}}}}" if sub else \
                rf"\frac{{\partial\, {rname}}}{{\partial\, {lname}}}"
        return f"∂{rname}/∂{lname}{idx}"
    name = find_name(t) or "t"
    if latex:
        sub = ",".join(str(s) for s in t.index)
        return f"{name}_{{{sub}}}" if sub else name
    return f"{name}{idx}"


def pprint(t, cse=False, use_unicode=True):
    """Print ``t``'s closed form with SymPy's pretty printer; ``cse=True`` pulls
    common subexpressions out as named intermediates (readable for networks).

    >>> import symgrad as sg
    >>> x = sg.tensor(2., requires_grad=True)
    >>> sg.pprint(2 * x + 1)
    t = 2⋅x + 1
    """
    import sympy as sp
    e = expr_of(t)
    lhs = _lhs(t)
    if cse:
        reps, (red,) = sp.cse(e, symbols=sp.numbered_symbols("z"))
        for s, v in reps:
            print(f"{s} = " + sp.pretty(v, use_unicode=use_unicode))
        e = red
    body = sp.pretty(e, use_unicode=use_unicode)
    pad = " " * (len(lhs) + 3)
    print(lhs + " = " + body.replace("\n", "\n" + pad))


def latex(t, cse=False):
    """LaTeX of ``t``'s closed form, introduced by ``∂out/∂x_{i,j}`` for a gradient.

    >>> import symgrad as sg
    >>> x = sg.tensor(2., requires_grad=True)
    >>> _ = (x ** 2).backward()
    >>> sg.latex(x.grad)
    '\\\\frac{\\\\partial\\\\, out}{\\\\partial\\\\, x} = 2 x'
    """
    import sympy as sp
    e = expr_of(t)
    if cse:
        reps, (red,) = sp.cse(e, symbols=sp.numbered_symbols("z"))
        lines = [f"{sp.latex(s)} &= {sp.latex(v)}" for s, v in reps]
        lines.append(f"{_lhs(t, latex=True)} &= {sp.latex(red)}")
        return r"\begin{aligned}" + r"\\ ".join(lines) + r"\end{aligned}"
    return f"{_lhs(t, latex=True)} = {sp.latex(e)}"
