"""``symgrad.verify``: check a hand-derived formula against a tensor's closed form.

A claim is compared with the tensor numerically first (at the leaves' own
values, then at random points near them), which finds a wrong claim at
once and names a counterexample; a claim that agrees everywhere it was
tried is then proved by simplifying the difference on the shape-generic
closed form, in a worker with a time limit, and if not proved, compared in
exact arithmetic at chosen points.  Importing this module loads
neither SymPy nor JAX.
"""
import time

from . import canonical
from .parser import FormulaError
from .verdict import Verdict, Counterexample
from .context import _Context
from .numeric import _numeric
from .exact import _exact_counterexample
from .proof import _attempt, _all_zero, prove, difference

__all__ = ["verify", "Verdict", "Counterexample", "FormulaError"]
_canonical = canonical._canonical      # kept importable from symgrad.verify


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
        done, diff = _attempt(lambda: difference(ctx, c, simplify=True), min(timeout, 1.0))
        if not done:
            done, diff = _attempt(lambda: difference(ctx, c, simplify=False), 1.0)
        # the difference simplifies to zero: the numbers may have differed by
        # rounding (next to a zero value), but only a proof outweighs them
        proof = _attempt(lambda: prove(ctx, c), timeout) if done and _all_zero(diff) else (False, None)
        if not (proof[0] and proof[1][0] == "proved"):
            return Verdict(False, "disproved", diff if done else None, ce, elapsed=time.perf_counter() - start,
                           **common)
        return Verdict(True, "proved", ctx.sp.Integer(0), None, elapsed=time.perf_counter() - start, **common)
    done, res = _attempt(lambda: prove(ctx, c), timeout)
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

