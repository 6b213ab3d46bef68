"""Wrong claims that verify must not accept.  Each claim's true value is
computed independently (plain Python / numpy on the concrete tensor) and
differs from the gradient somewhere, so any truthy verdict is a bug."""
import numpy as np
import pytest
import sympy as sp

import symgrad as sg
from symgrad.verify import FormulaError


def _grad3(n=4):
    x = sg.randn(n, requires_grad=True, name="x")
    (x * 3).sum().backward()
    return x


def test_sum_over_negative_range_is_not_simplified_as_nonnegative():
    # Sum_{k=-2}^{0} (|k| - k) = 4 + 2 + 0 = 6, so the claim is 9, not 3
    x = _grad3()
    k = sp.Symbol("k", integer=True)
    assert sum(abs(v) - v for v in range(-2, 1)) == 6
    for body in (sp.Abs(k) - k, sp.sqrt(k ** 2) - k):
        v = sg.verify(x.grad, 3 + sp.Sum(body, (k, -2, 0)))
        assert not v and v.how == "disproved", v


def test_sum_over_negative_range_correct_claim_still_holds():
    x = _grad3()
    k = sp.Symbol("k", integer=True)
    assert sum(abs(v) - v for v in range(-2, 1)) - 6 == 0
    v = sg.verify(x.grad, sp.Sum(sp.Abs(k) - k, (k, -2, 0)) - 3)
    assert v, v


def test_other_binders_are_refused():
    x = _grad3()
    t = sp.Symbol("t")
    # the integral is 1/2 + 1/2 = 1: the claim is 4
    with pytest.raises(FormulaError):
        sg.verify(x.grad, 3 + sp.Integral(sp.Abs(t) - t, (t, -1, 0)))


@pytest.mark.parametrize("claim", [
    # at i = 2: 0 + 1 + 2 (k = 0..2) plus nothing (k = 3..1 is empty) minus 1
    "3 + Sum(k, (k, 0, i)) + Sum(k, (k, i + 1, 1)) - Sum(k, (k, 0, 1))",
    "3 + Sum(x[k], (k, 0, i)) + Sum(x[k], (k, i + 1, 1)) - Sum(x[k], (k, 0, 1))",
    # at i = 3: the sum over k = 0..-2 is empty, and the second term is 1
    "3 + Sum(1, (k, 0, 1 - i)) + Piecewise((i - 2, i > 2), (0, True)) - Piecewise((2 - i, i <= 2), (0, True))",
])
def test_ranges_shorter_than_empty_are_empty(claim):
    # an empty range sums to 0 (as the printed closed forms and numpy read
    # it), not to minus the reversed range as SymPy's Karr convention has it
    x = _grad3()
    xv = x.detach().numpy()

    def value(i):
        pw = lambda c, a, b: a if c else b                              # noqa: E731
        if "x[k]" in claim:
            return 3 + xv[:i + 1].sum() + xv[i + 1:2].sum() - xv[:2].sum()
        if "Sum(k," in claim:
            return 3 + sum(range(0, i + 1)) + sum(range(i + 1, 2)) - sum(range(0, 2))
        return 3 + len(range(0, 2 - i)) + pw(i > 2, i - 2, 0) - pw(i <= 2, 2 - i, 0)
    truth = np.array([value(i) for i in range(4)], dtype=float)
    assert not np.allclose(truth, 3)
    v = sg.verify(x.grad, claim)
    assert not v and v.how == "disproved", v


def test_nan_claimed_where_the_gradient_is_a_number():
    x = _grad3()
    i = sp.Symbol("i", integer=True)
    v = sg.verify(x.grad, sp.Piecewise((sp.nan, i > 0), (3, True)))
    assert not v and v.how == "disproved" and v.counterexample.index[0] > 0, v


def test_tiny_relative_error_is_not_accepted():
    x = _grad3()
    assert not np.allclose(3 + 1e-12 * x.detach().numpy().astype(np.float64), 3, rtol=0, atol=0)
    for claim in ("3 + 1e-12*x", "3*(1 + 1e-12)*x/x"):
        v = sg.verify(x.grad, claim)
        assert not v and v.how == "disproved", (claim, v)


def test_claim_wrong_only_at_zero():
    # relu'(0) is 0 in the numbers (numpy: the gradient of max(y, 0) taken as y > 0)
    y = sg.tensor([1.0, -2.0, 3.0], requires_grad=True, name="y")
    sg.relu(y).sum().backward()
    z = sg.zeros(3, requires_grad=True)
    sg.relu(z).sum().backward()
    assert np.array_equal(z.grad.numpy(), np.zeros(3))
    v = sg.verify(y.grad, "Piecewise((1, y >= 0), (0, True))")
    assert not v and v.how == "disproved", v
    assert (v.counterexample.claimed, v.counterexample.actual) == (1.0, 0.0)
    assert sg.verify(y.grad, "Piecewise((1, y > 0), (0, True))")


def test_counterexample_through_an_index_array_shows_the_values_read():
    x = sg.tensor([1.0, 2.0, 5.0], requires_grad=True, name="x")
    idx = sg.tensor([2, 0])
    (x[idx] ** 2).sum().backward()
    # gradient: 2*x at the positions read (10 at element 2), 0 elsewhere
    assert np.array_equal(x.grad.numpy(), [2.0, 0.0, 10.0])
    claim = str(x.grad.expr)         # the index array's name as printed (idx0, ...)
    assert claim.count("2*") == 1
    v = sg.verify(x.grad, claim.replace("2*", "3*"))
    assert not v
    ce = v.counterexample
    assert ce.values, ce
    for key, val in ce.values.items():
        assert val == x.detach().numpy()[int(key.split("[")[1].rstrip("]"))]


def test_branch_no_sample_takes():
    # the claim is 0 wherever x > 100, far from the leaves' values
    x = sg.tensor([0.5, -1.0, 2.0], dtype=sg.float64, requires_grad=True, name="x")
    (x * 3).sum().backward()
    assert np.array_equal(x.grad.numpy(), [3.0, 3.0, 3.0])
    v = sg.verify(x.grad, "Piecewise((0, x > 100), (3, True))")
    assert not v and v.how == "disproved", v
    assert v.counterexample.claimed == 0.0 and v.counterexample.actual == 3.0


def test_zero_gradient():
    x = sg.tensor([0.5, -1.0], dtype=sg.float64, requires_grad=True, name="x")
    (x * 0).sum().backward()
    assert np.array_equal(x.grad.numpy(), [0.0, 0.0])
    assert sg.verify(x.grad, "0")
    for claim in ("1e-300", "Piecewise((1, Eq(x, 7)), (0, True))", "x - x + 1e-20*x"):
        v = sg.verify(x.grad, claim)
        assert not v, (claim, v)


def test_large_tensor_wrong_at_one_element_below_tolerance():
    x = sg.randn(100, dtype=sg.float64, requires_grad=True, name="x")
    (x * 3).sum().backward()
    assert np.array_equal(x.grad.numpy(), np.full(100, 3.0))
    v = sg.verify(x.grad, "3 + Piecewise((1e-9, Eq(i, 57)), (0, True))")
    assert not v and v.counterexample.index == (57,), v
    v = sg.verify(x.grad, "3 + Piecewise((1, Eq(i, 57) & (x > 50)), (0, True))")
    assert not v and v.counterexample.index == (57,), v


def test_canonical_names_keep_a_negative_range_signed():
    from symgrad.verify import _canonical
    k = sp.Symbol("k", integer=True)
    e = _canonical(sp.Sum(sp.Abs(k) - k, (k, -2, 0)))
    assert e.doit() == sum(abs(v) - v for v in range(-2, 1))


def test_proof_alone_reads_backward_ranges_as_empty():
    # gamma(i + 1) - i! is 0 but cannot be evaluated as array code, so only
    # the proof decides; at i = 3 the sum over k = 0..-2 is empty and the claim is 4
    x = _grad3()
    i, k = sp.symbols("i k", integer=True)
    claim = (3 + sp.gamma(i + 1) - sp.factorial(i) + sp.Sum(1, (k, 0, 1 - i))
             + sp.Piecewise((i - 2, i > 2), (0, True)) - sp.Piecewise((2 - i, i <= 2), (0, True)))
    assert [3 + len(range(0, 2 - n)) + max(n - 2, 0) - max(2 - n, 0) for n in range(4)] == [3, 3, 3, 4]
    v = sg.verify(x.grad, claim)
    assert not v, v
