"""Floating-point comparison of a claim with the tensor: at the leaves' own
values, then at random points near them."""
from .canonical import _evaluable
from .witness import _counterexample

# relative tolerance of a comparison with the tensor's own numbers, by dtype;
# at random points both sides are evaluated from closed forms in float64
_RTOL = {"float64": 1e-7, "float32": 2e-3, "float16": 5e-2, "bfloat16": 5e-2}
_POINT_RTOL = 1e-7


def _numeric(ctx, c, points, seed):
    """Compare at the leaves' own values and at ``points`` random points.
    Returns ``(counterexample or None, points compared, note)``."""
    import numpy as np
    own = ctx.leaf_values()
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


def _perturbed(ctx, own, rng, k):
    """Random values for the leaves that require grad: odd points scale each
    value by a random positive factor (keeping signs, so logarithms stay
    defined), even points draw fresh normal values; constants keep theirs."""
    import numpy as np
    pt = dict(own)
    for s, v in own.items():
        if v is None or not ctx.is_variable(s):
            continue
        if k % 2:
            nz = v != 0
            pt[s] = np.where(nz, v * np.exp(0.5 * rng.standard_normal(v.shape)), 0.5 * rng.standard_normal(v.shape))
        else:
            scale = max(1.0, float(np.abs(v).max())) if v.size else 1.0
            pt[s] = scale * rng.standard_normal(v.shape)
    return pt


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
