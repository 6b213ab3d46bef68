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
    tpl = tensor_template(t)
    e = display(tpl.e)
    shape = tuple(t.shape)
    vals = []
    for idx in itertools.product(*[range(s) for s in shape]):
        v = e.xreplace({SLOTS[d]: sp.Integer(k) for d, k in enumerate(idx)})
        vals.append(v.doit())
    if not shape:
        return vals[0]
    return sp.Array(vals, shape)
