"""``symgrad.verify``: claims about closed forms are proved, agreed with
numerically, or disproved with a counterexample whose numbers are checked
here against values computed independently (numpy, by hand)."""
import subprocess
import sys
import threading

import numpy as np
import pytest
import sympy as sp

import symgrad as sg
from symgrad.verify import FormulaError, Verdict
from symgrad.verify.verdict import run_with_deadline


def verify(t, claim, **kw):
    # a generous time limit: a proof returns as soon as it is done, and a
    # loaded machine must not turn "proved" into "numerically"
    kw.setdefault("timeout", 60)
    return sg.verify(t, claim, **kw)


@pytest.fixture
def seed_grad():
    x = sg.ones(2, 2, requires_grad=True)
    x.name = "x"                      # the fixture's variable name would be found otherwise
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    return x


def test_import_loads_neither_sympy_nor_jax():
    code = "import sys, symgrad; print('sympy' in sys.modules, 'jax' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.split() == ["False", "False"]


def test_seed_gradient_is_proved(seed_grad):
    x = seed_grad
    v = verify(x.grad, "3/2*(x + 2)")
    assert isinstance(v, Verdict)
    assert v and v.ok and v.how == "proved"
    assert v.difference == 0 and v.counterexample is None
    assert repr(v) == "proved: ∂out/∂x[i, j] = 3*(x[i, j] + 2)/2"


def test_wrong_seed_claim_is_disproved_with_a_counterexample(seed_grad):
    x = seed_grad
    v = verify(x.grad, "3*(x + 2)")
    assert not v and v.how == "disproved"
    ce = v.counterexample
    # d/dx mean(3 (x+2)^2) over 4 elements = 6 (x+2) / 4 = 4.5 at x = 1; the claim gives 3 * 3 = 9
    assert ce.index == (0, 0)
    assert ce.values == {"x[0, 0]": 1.0}
    assert ce.claimed == 9.0 and ce.actual == 4.5
    assert "at x[0, 0] = 1.0: claimed 9.0, actual 4.5" in repr(v)
    X = v.difference.free_symbols
    assert sp.sstr(v.difference) == "3*(x[i, j] + 2)/2" and X


def test_other_spellings_of_the_seed_claim(seed_grad):
    x = seed_grad
    i, j = sp.symbols("i j")
    xb = sp.IndexedBase("x")
    for claim in ["3*x[i, j]/2 + 3", "(6*x + 12)/4", "1.5*x + 3", sp.Rational(3, 2) * (xb[i, j] + 2), x.grad.expr]:
        assert verify(x.grad, claim).how == "proved", claim


def test_forward_value_claims(seed_grad):
    out = ((seed_grad + 2) * (seed_grad + 2) * 3).mean()
    assert verify(out, "mean(mean(3*(x[k, l] + 2)**2, k), l)").how == "proved"
    assert verify(out, "sum(sum(3*(x[k, l] + 2)**2, k), l)/4").how == "proved"
    v = verify(out, 27)      # right at x = 1 only: a random point disproves it
    assert v.how == "disproved"
    ce = v.counterexample
    xs = ce.leaves["x"]
    assert ce.point.startswith("random point")
    assert ce.actual == pytest.approx(np.mean(3 * (xs + 2) ** 2), rel=1e-12)
    assert ce.claimed == 27.0


def test_autograd_module_seed_gradients():
    x1 = sg.tensor(10, requires_grad=True, dtype=sg.float64)
    x2 = sg.tensor(20, requires_grad=True, dtype=sg.float64)
    y = x1 ** 2 + x2 ** 2 + x1 * x2
    y.sum().backward()
    assert verify(x1.grad, "2*x1 + x2").how == "proved"
    assert verify(x2.grad, "2*x2 + x1").how == "proved"
    v = verify(x1.grad, "2*x1 + 2*x2")
    assert v.how == "disproved"
    assert (v.counterexample.claimed, v.counterexample.actual) == (60.0, 40.0)

    x1 = sg.tensor([10, 20], requires_grad=True, dtype=sg.float64)
    x2 = sg.tensor([30, 40], requires_grad=True, dtype=sg.float64)
    (x1 ** 2 + x2 ** 2 + x1 * x2).sum().backward()
    assert verify(x1.grad, "2*x1 + x2").how == "proved"
    assert verify(x2.grad, "2*x2[i] + x1[i]").how == "proved"
    assert verify(x2.grad, [["2*x2[0] + x1[0]", "2*x2[1] + x1[1]"]][0]).how == "proved"


def _seed_jacobian():
    def f(x):
        y = sg.zeros(1, 2)
        y[0, 0] = x[0, 0] ** 2 + 3 * x[0, 1]
        y[0, 1] = x[0, 1] ** 2 + 2 * x[0, 0]
        return y
    x = sg.tensor([[2., 3.]], requires_grad=True)
    x.name = "x"
    return sg.autograd.functional.jacobian(f, x), x


def test_jacobian_claim_as_a_nested_list():
    J, x = _seed_jacobian()
    v = verify(J, [["2*x[0, 0]", "3"], ["2", "2*x[0, 1]"]])
    assert v.how == "proved"
    w = verify(J, [["2*x[0, 0]", "3"], ["2", "2*x[0, 0]"]])
    assert w.how == "disproved"
    # dy2/dx2 = 2 x2 = 6 at x = (2, 3); the claim says 2 x1 = 4
    assert w.counterexample.index == (0, 1, 0, 1)
    assert (w.counterexample.claimed, w.counterexample.actual) == (4.0, 6.0)
    with pytest.raises(FormulaError, match="shape"):
        verify(J, [["2*x[0, 0]", "3", "0"], ["2", "2*x[0, 1]", "0"]])


def test_sums_with_inferred_ranges_and_bare_names_broadcast():
    w = sg.tensor([0.3, -0.2, 0.5], dtype=sg.float64, requires_grad=True)
    b = sg.tensor([[0.1, 0.4, -0.3], [0.2, -0.5, 0.7]], dtype=sg.float64, requires_grad=True)
    z = sg.tanh(w * b + 1).sum()
    z.backward()
    assert verify(w.grad, "sum(b[k, i]*(1 - tanh(w*b[k, i] + 1)**2), k)").how == "proved"
    assert verify(b.grad, "w*(1 - tanh(w*b + 1)**2)").how == "proved"      # w means w[j] here
    assert verify(b.grad, "w/cosh(w*b + 1)**2", timeout=0).how == "numerically"
    v = verify(b.grad, "w*(1 - tanh(w*b + 1)**2) + b/1000")
    assert v.how == "disproved"
    r, c = v.counterexample.index
    expect = w.detach().numpy()[c] * (1 - np.tanh(w.detach().numpy()[c] * b.detach().numpy()[r, c] + 1) ** 2)
    assert v.counterexample.actual == pytest.approx(expect, rel=1e-12)
    with pytest.raises(FormulaError, match="bare name"):
        verify(w.grad, "b")          # b (2, 3) has no element at w's index i alone


def test_numerically_when_the_proof_has_no_time(seed_grad):
    v = verify(seed_grad.grad, "3/2*(x + 2)", timeout=0, points=5)
    assert v.ok and v.how == "numerically" and v.points == 6
    assert repr(v).startswith("agreed numerically at 6 points, not proved within the time limit (0 s)")


def test_tiny_constant_error_is_disproved_by_the_proof(seed_grad):
    v = verify(seed_grad.grad, "3/2*(x + 2) + 1e-12")
    assert not v and v.how == "disproved" and v.counterexample is None
    assert v.difference == sp.Rational(1, 10 ** 12)


def test_claim_agreeing_only_at_the_tensors_own_values():
    x = sg.ones(3, requires_grad=True, dtype=sg.float64)
    (x ** 3).sum().backward()
    v = verify(x.grad, "3*x")                  # equal to 3 x^2 at x = 1 only
    assert v.how == "disproved"
    ce = v.counterexample
    val = ce.leaves["x"][ce.index]
    assert ce.claimed == pytest.approx(3 * val) and ce.actual == pytest.approx(3 * val ** 2)


def test_constant_gradient_may_name_its_leaf():
    x = sg.tensor([1., 2.], requires_grad=True)
    (3 * x).sum().backward()
    assert verify(x.grad, "3").how == "proved"
    assert verify(x.grad, "3 + 0*x").how == "proved"
    assert verify(x.grad, [3, 3.0]).how == "proved"


def test_stale_leaf_values_are_noted():
    x = sg.ones(2, requires_grad=True, dtype=sg.float64)
    (x * x).sum().backward()
    x.data *= 3                                   # the numbers are for x = 1, the leaf is now 3
    v = verify(x.grad, "2*x")
    assert v.how == "proved" and "disagrees with its numbers" in v.note


def test_mlp_gradient_claims():
    sg.manual_seed(0)
    N = 8
    X = sg.randn(N, 784, dtype=sg.float64)
    T = sg.randn(N, 10, dtype=sg.float64)
    W1 = (sg.randn(784, 32, dtype=sg.float64) * 0.05).requires_grad_()
    b1 = sg.zeros(32, dtype=sg.float64, requires_grad=True)
    W2 = (sg.randn(32, 10, dtype=sg.float64) * 0.1).requires_grad_()
    b2 = sg.zeros(10, dtype=sg.float64, requires_grad=True)
    loss = ((sg.tanh(X @ W1 + b1) @ W2 + b2 - T) ** 2).mean()
    loss.backward()
    out = "b2[i] + sum(tanh(b1[n] + sum(W1[m, n]*X[l, m], m))*W2[n, i], n) - T[l, i]"
    v = verify(b2.grad, f"2*sum({out}, l)/{N * 10}")
    assert v.how == "proved"
    w = verify(b2.grad, f"2*sum({out}, l)/{N}")
    assert w.how == "disproved"
    Xn, Tn = X.numpy(), T.numpy()
    pred = np.tanh(Xn @ W1.detach().numpy() + b1.detach().numpy()) @ W2.detach().numpy() + b2.detach().numpy()
    k = w.counterexample.index[0]
    assert w.counterexample.actual == pytest.approx(2 * (pred - Tn)[:, k].sum() / (N * 10), rel=1e-9)
    assert verify(W1.grad, W1.grad.expr).how == "proved"


def test_cross_entropy_gradient_with_integer_targets():
    sg.manual_seed(1)
    logits = sg.randn(4, 3, dtype=sg.float64, requires_grad=True)
    target = sg.tensor([0, 2, 1, 2])
    sg.nn.functional.cross_entropy(logits, target).backward()
    assert verify(logits.grad, logits.grad.expr).how == "proved"
    assert verify(logits.grad, 2 * logits.grad.expr).how == "disproved"


def test_bad_input_is_a_clear_error(seed_grad):
    with pytest.raises(TypeError, match="Tensor"):
        verify(np.ones(2), "x")
    with pytest.raises(FormulaError, match="unknown name 'y'"):
        verify(seed_grad.grad, "x + y")
    with pytest.raises(FormulaError, match="index k"):
        verify(seed_grad.grad, "x[k, 0]")
    with pytest.raises(FormulaError, match="unknown symbol"):
        verify(seed_grad.grad, sp.Symbol("q") * 2)
    with pytest.raises(ValueError):
        verify(seed_grad.grad, "x", points=-1)


def test_the_worker_stops_runaway_work():
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            pass
    before = threading.active_count()
    assert run_with_deadline(spin, 0.05) == (False, None)
    stop.set()
    assert threading.active_count() == before
    assert run_with_deadline(lambda: 6 * 7, 5.0) == (True, 42)
    with pytest.raises(ZeroDivisionError):
        run_with_deadline(lambda: 1 / 0, 5.0)


def test_a_rounding_difference_next_to_zero_is_not_a_counterexample():
    # at a random point the mask constant is 0 there: the claim (the closed form
    # itself) evaluates to 1e-16 where the closed form gives exactly 0
    x0 = sg.tensor([[1.628]], dtype=sg.float64, requires_grad=True, name="x0")
    c0 = sg.tensor([[1.301]], dtype=sg.float64, name="c0")
    c1 = sg.tensor([[0.485]], dtype=sg.float64, name="c1")
    c2 = sg.tensor([[-0.477]], dtype=sg.float64, name="c2")
    c3 = sg.tensor(-1.797, dtype=sg.float64, name="c3")
    c4 = sg.tensor([[0.229]], dtype=sg.float64, name="c4")
    t2 = sg.nn.functional.cross_entropy(x0 * (c0 > 0).double(), c1, reduction="sum", label_smoothing=0.1)
    out = (t2 * c3).sum() + (sg.where(c2 > 0, x0, t2) * c4).sum()
    out.backward()
    v = sg.verify(x0.grad, x0.grad.expr)
    assert v.how == "proved" and v.counterexample is None
    # the unnamed mask (c0 > 0) is not shown under a name the user gave
    names = {str(s.base.label) for s in x0.grad.expr.atoms(sp.Indexed)}
    assert "c0" not in names and {"x0", "c4"} <= names


def test_a_true_claim_of_a_zero_gradient_is_not_disproved_by_rounding():
    # softmax sums to 1: its gradient is 0, and the expanded closed form leaves 1e-16 residues
    x = sg.tensor([0.3, -1.2, 2.5], requires_grad=True, dtype=sg.float64, name="x")
    sg.softmax(x, 0).sum().backward()
    r = sg.verify(x.grad, sp.expand(x.grad.expr))
    assert r.how in ("proved", "numerically")
    assert sg.verify(x.grad, "exp(x) * 1e-9").how == "disproved"


_GATHER_IDX = [[2, 0, 1], [0, 2, 2]]


def _gather_grad_by_numpy(a):
    # d/dx of sum(x.gather(0, idx) ** 2): each read adds 2 * x at the position it reads
    g = np.zeros_like(a)
    for r, row in enumerate(_GATHER_IDX):
        for c, k in enumerate(row):
            g[k, c] += 2 * a[k, c]
    return g


@pytest.mark.parametrize("prog", [
    lambda x: (x.gather(0, sg.tensor(_GATHER_IDX)) ** 2).sum(),
    lambda x: (x.cumprod(0).gather(0, sg.tensor(_GATHER_IDX))).sum(),
    lambda x: (x.index_select(1, sg.tensor([2, 0, 0])) ** 3).sum(),
    lambda x: x[sg.tensor([0, 2, 2])].exp().sum(),
])
def test_a_closed_form_that_reads_index_arrays_is_proved_as_a_claim(prog):
    x = sg.tensor(np.array([[0.5, 1.2, 0.8], [1.1, 0.7, 1.3], [0.9, 1.4, 0.6]]), requires_grad=True)
    prog(x).backward()
    v = sg.verify(x.grad, x.grad.expr)
    assert v and v.how == "proved"


def test_a_wrong_claim_reading_an_index_array_is_disproved_against_the_true_gradient():
    a = np.array([[0.5, 1.2, 0.8], [1.1, 0.7, 1.3], [0.9, 1.4, 0.6]])
    x = sg.tensor(a, requires_grad=True)
    (x.gather(0, sg.tensor(_GATHER_IDX)) ** 2).sum().backward()
    idx = next(b for b in x.grad.expr.atoms(sp.IndexedBase) if str(b) != "x")
    X = sp.IndexedBase("x")
    i, j, l = sp.symbols("i j l", integer=True)
    right = sp.Sum(2 * sp.KroneckerDelta(i, idx[l, j]) * X[idx[l, j], j], (l, 0, 1))
    assert sg.verify(x.grad, right).how == "proved"
    v = sg.verify(x.grad, 3 * right)
    assert not v and v.counterexample is not None
    at = v.counterexample.index
    np.testing.assert_allclose(v.counterexample.actual, _gather_grad_by_numpy(a)[at])


def _differences_grad_by_numpy(a):
    # d/dx of sum((x[1:] - x[:-1]) ** 2)
    g = np.zeros_like(a)
    d = a[1:] - a[:-1]
    g[1:] += 2 * d
    g[:-1] -= 2 * d
    return g


def test_a_claim_reading_past_the_end_of_a_leaf_is_refused():
    a = np.array([0.3, 1.2, -0.5, 2.0])
    x = sg.tensor(a, requires_grad=True)
    ((x[1:] - x[:-1]) ** 2).sum().backward()
    X = sp.IndexedBase("x")
    i, k = sp.symbols("i k", integer=True)
    # right in the middle, and at the ends only because a read past the end would be clipped to the edge
    inner = 2 * (X[i] - X[i - 1]) - 2 * (X[i + 1] - X[i])
    guarded = sp.Piecewise((2 * (X[i] - X[i - 1]), sp.Eq(i, 3)), (-2 * (X[i + 1] - X[i]), sp.Eq(i, 0)), (inner, True))
    shifted = guarded + sp.Sum(X[k + 1], (k, 0, 3)) - sp.Sum(X[k], (k, 1, 4))
    for claim in (inner, shifted, "x[i] + sum(x[k], (k, 0, 4))"):
        with pytest.raises(FormulaError, match="outside"):
            verify(x.grad, claim)
    at = [guarded.subs(i, n).xreplace({X[m]: a[m] for m in range(4)}) for n in range(4)]
    np.testing.assert_allclose(np.array(at, dtype=float), _differences_grad_by_numpy(a))
    assert verify(x.grad, guarded).how == "proved"


def test_a_bare_index_longer_than_the_leaf_is_refused():
    y = sg.tensor([1., 2., 3.], requires_grad=True)
    z = sg.tensor([1., 2., 3., 4.], requires_grad=True)
    (y[:1] * z).sum().backward()
    with pytest.raises(FormulaError, match="outside y"):
        verify(z.grad, "y[i]")
    with pytest.raises(FormulaError, match="outside y"):
        verify(z.grad, [1, 1, 1, sp.IndexedBase("y")[3]])
    assert verify(z.grad, "y[0]").how == "proved"
