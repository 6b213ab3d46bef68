"""Closed forms as users see them: the seed tutorials' derivatives, shape
genericity, accumulation, naming, printing and evaluation.  Oracles are
SymPy expressions built independently here, ``sympy.diff``, and numbers."""
import numpy as np
import pytest
import sympy as sp

import symgrad as sg

i, j = sp.symbols("i j", integer=True, nonnegative=True)


_NAMES = {n: sp.IndexedBase(n) for n in ("x", "v", "t", "X", "w")}


def P(e):
    """An expression (or its printed text) over plain IndexedBase names and index symbols."""
    return sp.parse_expr(str(e), local_dict=dict(_NAMES, i=sp.Symbol("i"), j=sp.Symbol("j")))


def same(a, b):
    return sp.simplify(P(a) - P(b)) == 0


def test_seed_mean_example_prints_and_equals_hand_derivation():
    x = sg.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    grads = out.backward()
    assert str(x.grad.expr) == "3*(x[i, j] + 2)/2"
    assert same(x.grad.expr, "3/2*(x[i, j] + 2)")
    assert str(out.expr) == "Sum(3*(x[i, j] + 2)**2, (i, 0, 1), (j, 0, 1))/4"
    assert x in grads and grads[x] is x.grad
    text = repr(grads)
    assert text.startswith("∂out/∂x[i, j] = 3*(x[i, j] + 2)/2  →  tensor([[4.5000, 4.5000],")
    np.testing.assert_allclose(x.grad.evaluate(), 4.5)


def test_seed_scalar_examples():
    x = sg.tensor(10, requires_grad=True, dtype=sg.float64)
    (x ** 2 + 10).backward()
    assert str(x.grad.expr) == "2*x"
    x1 = sg.tensor(10, requires_grad=True, dtype=sg.float64)
    x2 = sg.tensor(20, requires_grad=True, dtype=sg.float64)
    (x1 ** 2 + x2 ** 2 + x1 * x2).sum().backward()
    assert str(x1.grad.expr) == "2*x1 + x2" and str(x2.grad.expr) == "x1 + 2*x2"
    assert x1.grad.item() == 40 and x2.grad.item() == 50


def test_no_grad_part_is_a_constant():
    x = sg.tensor(1.0, requires_grad=True)
    y1 = x ** 2
    with sg.no_grad():
        y2 = x ** 3
    y3 = y1 + y2
    y3.backward()
    assert str(x.grad.expr) == "2*x"
    assert sp.Symbol("y2", real=True) in y3.expr.free_symbols


def test_data_and_detach_are_constants():
    x = sg.tensor([1.0, 2.0], requires_grad=True)
    c = x.detach() * 3
    y = (x * c).sum()
    y.backward()
    e = x.grad.expr
    assert "x" not in {str(s) for s in e.atoms(sp.IndexedBase)}
    np.testing.assert_allclose(x.grad.evaluate(), x.grad.numpy())


def test_backward_with_gradient_through_view():
    x = sg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    z = (2 * x).view(2, 2)
    v = sg.tensor([[1.0, 0.1], [0.01, 0.001]])
    z.backward(v)
    assert str(x.grad.expr) == "2*v[floor(i/2), Mod(i, 2)]"
    assert [str(e) for e in x.grad.exprs()] == ["2*v[0, 0]", "2*v[0, 1]", "2*v[1, 0]", "2*v[1, 1]"]
    np.testing.assert_allclose(x.grad.evaluate(), [2.0, 0.2, 0.02, 0.002], rtol=1e-6)


def test_seed_jacobian_is_symbolic():
    def f(x):
        y = sg.zeros(2)
        y[0] = x[0] ** 2 + 3 * x[1]
        y[1] = x[1] ** 2 + 2 * x[0]
        return y
    x = sg.tensor([2.0, 3.0], requires_grad=True)
    J = sg.autograd.functional.jacobian(f, x)
    assert [[str(e) for e in row] for row in J.exprs().tolist()] == [["2*x[0]", "3"], ["2", "2*x[1]"]]
    np.testing.assert_allclose(J.numpy(), [[4, 3], [2, 6]])


def test_second_derivatives_are_symbolic():
    x = sg.tensor([1.5, -0.5], requires_grad=True, dtype=sg.float64)
    g, = sg.autograd.grad((x ** 3).sum(), x, create_graph=True)
    assert str(g.expr) == "3*x[i]**2"
    g2, = sg.autograd.grad(g.sum(), x)
    assert str(g2.expr) == "6*x[i]"
    H = sg.autograd.functional.hessian(lambda t: (t ** 3).sum() * t[0], x)
    X = _NAMES["x"]
    f = (X[0] ** 3 + X[1] ** 3) * X[0]
    got = H.exprs().tolist()
    for a in range(2):
        for b in range(2):
            assert same(got[a][b], sp.diff(f, X[a], X[b]))


def test_template_size_does_not_depend_on_tensor_size():
    def grad_expr(n):
        X = sg.tensor(np.ones((n, 3)), dtype=sg.float64, name="X")
        y = sg.tensor(np.ones(n), dtype=sg.float64, name="y")
        w = sg.tensor(np.ones(3), dtype=sg.float64, requires_grad=True, name="w")
        ((X @ w - y) ** 2).mean().backward()
        return w.grad.expr
    small, big = grad_expr(10), grad_expr(1_000_000)
    assert sp.count_ops(small) == sp.count_ops(big)
    assert str(small).replace("9", "N").replace("/5", "/d") == \
        str(big).replace("999999", "N").replace("/500000", "/d")


def test_accumulation_and_zeroing():
    x = sg.tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()
    (3 * x).sum().backward()
    assert same(x.grad.expr, "2*x[i] + 3")
    np.testing.assert_allclose(x.grad.evaluate(), x.grad.numpy())
    x.grad.data.zero_()
    x.sum().backward()
    assert str(x.grad.expr) == "1"
    x.grad.zero_()
    assert str(x.grad.expr) == "0"
    x.grad.data.mul_(2)
    with pytest.raises(RuntimeError, match="modified in place outside autograd"):
        x.grad.expr


def _change_in_place(x):
    with sg.no_grad():
        x += 1


def _change_through_data(x):
    x.data.add_(1)


def _assign_data(x):
    x.data = x.data + 1


def _sgd_step(x):
    sg.optim.SGD([x], lr=0.5).step()


@pytest.mark.parametrize("change", [_change_in_place, _change_through_data, _assign_data, _sgd_step])
def test_passes_accumulated_across_a_leaf_change_have_no_closed_form(change):
    # 2*x0 + 2*x1 is not 4*x at any single value of x: refuse, never print 4*x
    x = sg.tensor([1.0, -2.0], requires_grad=True)
    (x ** 2).sum().backward()
    change(x)
    (x ** 2).sum().backward()
    want = 2 * np.array([1.0, -2.0]) + 2 * x.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), want)          # the numbers stay PyTorch's
    with pytest.raises(RuntimeError, match="sums backward passes between which a tensor outside the graphs was written"):
        x.grad.expr
    with pytest.raises(RuntimeError, match="sums backward passes between which a tensor outside the graphs was written"):
        x.grad.evaluate()
    x.grad = None                                              # zeroing records again
    (x ** 2).sum().backward()
    assert same(x.grad.expr, "2*x[i]")


def test_passes_accumulated_at_the_same_leaf_values_keep_their_closed_form():
    # gradient accumulation over batches: the leaves do not change in between
    w = sg.tensor([0.5, -1.0], requires_grad=True)
    batches = [sg.tensor([[1.0, 2.0], [3.0, 4.0]]), sg.tensor([[-1.0, 0.5], [2.0, 2.0]])]
    for X in batches:
        ((X @ w) ** 2).sum().backward()
    want = sum(2 * X.numpy().T @ (X.numpy() @ w.detach().numpy()) for X in batches)
    np.testing.assert_allclose(w.grad.numpy(), want, rtol=1e-6)
    np.testing.assert_allclose(w.grad.evaluate(), want, rtol=1e-6)


@pytest.mark.parametrize("owner", ["optimizer", "module"])
def test_zero_grad_without_none_restarts_the_closed_form(owner):
    m = sg.nn.Linear(2, 1)
    zero = (sg.optim.SGD(m.parameters(), lr=0.1) if owner == "optimizer" else m).zero_grad
    m(sg.ones(1, 2)).sum().backward()
    zero(set_to_none=False)
    assert str(m.weight.grad.expr) == "0"
    (m.weight ** 2).sum().backward()
    np.testing.assert_allclose(m.weight.grad.evaluate(), 2 * m.weight.detach().numpy())
    assert same(str(m.weight.grad.expr).replace("m.weight", "w"), "2*w[i, j]")


def test_accumulated_record_is_bounded():
    w = sg.tensor([1.0, 2.0], requires_grad=True)
    for k in range(200):
        (w * sg.full((2,), float(k))).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [sum(range(200))] * 2)
    assert len(w.grad._gsrc) == 1
    with pytest.raises(RuntimeError, match="more than 64 backward passes"):
        w.grad.expr
    w.grad = None
    for k in range(3):
        (w * sg.full((2,), float(k))).sum().backward()
    assert w.grad.evaluate().tolist() == [3.0, 3.0]


def test_names():
    a = sg.tensor([1.0], requires_grad=True, name="alpha")
    b = sg.tensor([2.0], requires_grad=True)
    e = (a * b).expr
    assert {str(s) for s in e.atoms(sp.IndexedBase)} == {"alpha", "b"}

    def inner():
        x = sg.tensor([1.0], requires_grad=True)
        return x
    p, q = inner(), inner()
    names = {str(s) for s in (p + q).expr.atoms(sp.IndexedBase)}
    assert len(names) == 2, names


def test_exprs_size_limit():
    x = sg.zeros(200, 100, requires_grad=True)
    with pytest.raises(ValueError, match="exceeds the limit"):
        (x * 2).exprs()
    assert (x[:2, :2] * 2).exprs().shape == (2, 2)


def test_printing():
    x = sg.tensor(2.0, requires_grad=True)
    (x ** 2).backward()
    assert sg.latex(x.grad) == r"\frac{\partial\, out}{\partial\, x} = 2 x"
    W = sg.randn(3, 2, requires_grad=True)
    loss = (sg.randn(4, 2) @ W.t()).tanh().sum()
    loss.backward()
    assert r"\begin{aligned}" in sg.latex(W.grad, cse=True)
    assert W.grad._repr_latex_().startswith("$")


def test_evaluate_matches_numeric_mlp_gradient_numpy_and_jax():
    sg.manual_seed(0)
    X = sg.randn(8, 5, dtype=sg.float64)
    t = sg.randint(0, 3, (8,))
    W1 = sg.randn(4, 5, dtype=sg.float64, requires_grad=True)
    b1 = sg.randn(4, dtype=sg.float64, requires_grad=True)
    W2 = sg.randn(3, 4, dtype=sg.float64, requires_grad=True)
    loss = sg.nn.functional.cross_entropy((X @ W1.t() + b1).tanh() @ W2.t(), t)
    loss.backward()
    for p in (W1, b1, W2):
        np.testing.assert_allclose(p.grad.evaluate(), p.grad.numpy(), rtol=1e-10, atol=1e-12)
    f, leaves = sg.lambdify(W1.grad, backend="jax")
    import jax
    jax.config.update("jax_enable_x64", True)
    np.testing.assert_allclose(np.asarray(jax.jit(f)(*[l._data for l in leaves])), W1.grad.numpy(),
                               rtol=1e-10, atol=1e-12)


def test_opaque_ops_are_named_and_refuse_evaluation():
    A = sg.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    d = sg.linalg.det(A)
    assert "det" in str(d.expr)
    with pytest.raises(Exception):
        d.evaluate()


def test_hooks_make_closed_form_unknown_not_wrong():
    x = sg.ones(2, requires_grad=True)
    x.register_hook(lambda g: g * 2)
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    with pytest.raises(RuntimeError, match="hook"):
        x.grad.expr


def test_where_mask_keeps_its_condition():
    x = sg.tensor([-1.0, 2.0], requires_grad=True)
    y = sg.where(x > 0, x * 2, x * 0)
    y.sum().backward()
    assert "x[i] > 0" in str(x.grad.expr)
    np.testing.assert_allclose(x.grad.evaluate(), [0.0, 2.0])


def test_cross_entropy_gradient_reads_as_softmax_minus_one_hot():
    # Σ_n δ(n, target[l]) over every class is 1 (the targets are known to be
    # in range), so the closed form is (softmax - one_hot) @ X / N
    sg.manual_seed(0)
    X = sg.randn(8, 5, dtype=sg.float64)
    target = sg.randint(0, 3, (8,))
    W = sg.randn(3, 5, dtype=sg.float64, requires_grad=True)
    sg.nn.functional.cross_entropy(X @ W.t(), target).backward()
    s = str(W.grad.expr)
    assert s == ("Sum((exp(Sum(W[i, m]*X[l, m], (m, 0, 4)))/Sum(exp(Sum(W[m, n]*X[l, n], (n, 0, 4))), "
                 "(m, 0, 2)) - KroneckerDelta(i, target[l]))*X[l, j], (l, 0, 7))/8"), s
    np.testing.assert_allclose(W.grad.evaluate(), W.grad.numpy(), rtol=1e-12)


def test_module_parameters_are_named_by_their_path():
    sg.manual_seed(0)
    model = sg.nn.Sequential(sg.nn.Linear(3, 2), sg.nn.Tanh())
    model(sg.randn(4, 3)).sum().backward()
    names = {str(b) for b in model[0].weight.grad.expr.atoms(sp.IndexedBase)}
    assert {"model.0.weight", "model.0.bias"} <= names, names


# ------------------------------------------------------------------ casts
def test_integer_cast_truncates_in_the_closed_form():
    x = sg.tensor([1.5, -2.7, 0.2], dtype=sg.float64, requires_grad=True)
    z = x * x.long()
    z.sum().backward()
    np.testing.assert_allclose(z.evaluate(), [1.5, 5.4, 0.0])
    np.testing.assert_allclose(x.grad.evaluate(), x.grad.numpy())        # trunc(x), not x
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -2.0, 0.0])
    assert str(x.grad.expr) == "trunc(x[i])"


@pytest.mark.parametrize("dtype,want", [(sg.int8, [44, 127, 5]), (sg.uint8, [44, 127, 5]), (sg.int32, [300, -129, 5])])
def test_narrowing_integer_cast_wraps_in_the_closed_form(dtype, want):
    x = sg.tensor([300.0, -129.0, 5.0], dtype=sg.float64, requires_grad=True)
    c = x.long().to(dtype)
    z = c.to(sg.float64) * x
    np.testing.assert_array_equal(c.numpy(), want)
    np.testing.assert_allclose(z.evaluate(), np.array(want) * x.detach().numpy())


def test_comparison_written_in_place_before_use_is_a_constant():
    # the mask's formula (x > 1) no longer describes its values
    x = sg.tensor([1.5, -2.7], dtype=sg.float64, requires_grad=True)
    m = x > 1
    m[1] = True
    z = m * x
    np.testing.assert_allclose(z.evaluate(), z.detach().numpy())
    z.sum().backward()
    np.testing.assert_allclose(x.grad.evaluate(), [1.0, 1.0])
    m2 = x > 1
    z2 = m2 * x
    m2[1] = True                     # after use: z2 was computed from x > 1
    np.testing.assert_allclose(z2.evaluate(), z2.detach().numpy())


def test_integer_cast_of_a_0d_tensor_in_the_closed_form():
    x = sg.tensor(1.7, dtype=sg.float64, requires_grad=True)
    y = x * x.long()
    y.backward()
    assert float(y.evaluate()) == pytest.approx(1.7) and float(x.grad.evaluate()) == 1.0
    z = x - x.long()
    assert float(z.evaluate()) == pytest.approx(0.7)


# ------------------------------------------- closed forms agree with the numbers at edge data
def _leaf(v):
    return sg.tensor(v, dtype=sg.float64, requires_grad=True)


def test_self_comparisons_are_nan_tests():
    x = _leaf([float("nan"), 2.0])
    o = x.masked_fill(x != x, 0.0)
    assert o.tolist() == [0.0, 2.0]
    np.testing.assert_array_equal(o.evaluate(), [0.0, 2.0])
    o = sg.where(x == x, x, 5.0)
    np.testing.assert_array_equal(o.evaluate(), [5.0, 2.0])
    o.sum().backward()
    np.testing.assert_array_equal(x.grad.evaluate(), x.grad.numpy())


def test_quotients_compile_as_divisions():
    x = _leaf([-0.44340546192595093])        # x * (1/x) is 0.9999999999999999
    for o in (sg.floor(x.cumsum(0) / x), sg.fmod(x.cumsum(0), x)):
        np.testing.assert_array_equal(o.evaluate(), o.detach().numpy())


def test_remainder_and_fmod_by_zero_are_nan():
    x = _leaf([1.0, -2.0])
    for o in (sg.fmod(x, 0.0), sg.remainder(x, 0.0)):
        assert np.isnan(o.detach().numpy()).all() and np.isnan(o.evaluate()).all()


def test_scatter_with_duplicate_indices_has_no_closed_form():
    a, s = _leaf([1.0, 2.0]), _leaf([10.0, 20.0])
    o = a.scatter(0, sg.tensor([1, 0]), s)
    np.testing.assert_array_equal(o.evaluate(), [20.0, 10.0])
    o = a.scatter(0, sg.tensor([0, 0]), s)
    with pytest.raises(Exception, match="scatter"):
        o.evaluate()


def test_max_over_a_size_one_softmax_dim_builds_its_gradient():
    x = _leaf([[0.1], [-0.5], [0.0]])
    sg.log_softmax(x, dim=-1).max().backward()
    assert x.grad.tolist() == [[0.0]] * 3            # log_softmax over one class is 0
    np.testing.assert_allclose(x.grad.evaluate(), x.grad.numpy(), atol=1e-15)


def test_zero_dim_boolean_masks_in_closed_forms():
    x = _leaf(-0.96)
    s = (x[x > -5] * x[x > -5]).sum()
    np.testing.assert_allclose(s.evaluate(), 0.9216)
    s.backward()
    np.testing.assert_allclose(x.grad.evaluate(), -1.92)
    assert x[x > 5].shape == (0,)


def test_nan_constants_in_max_and_comparisons():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # std of one element: PyTorch's degrees-of-freedom warning
        v = _leaf(1.45).std()
    for o in (sg.relu(v), sg.maximum(v, v), sg.where(v > 0, v, 1.0), (v != v).double()):
        np.testing.assert_array_equal(o.evaluate(), o.detach().numpy())


def test_float_tests_on_a_zero_dim_leaf_build():
    x = _leaf(-0.12)
    sg.nan_to_num(x).clamp_min(0.0).backward()
    assert x.grad.evaluate() == x.grad.item() == 0.0
    assert "isfinite(x)" in str(x.grad.expr)


def test_sums_of_zeros_and_unorderable_maxima_build():
    A = _leaf([[1.0, 2.0], [3.0, 4.0]])
    v = A.clone()
    v[...] = 0.0
    o = sg.relu(sg.mv(v, _leaf([1.0, 2.0]))).sum()
    assert o.expr == 0 and o.evaluate() == 0.0
    v = sg.round(_leaf([0.71, -1.06, 0.3]), decimals=1).std()
    assert "sqrt" in str(sg.minimum(v, v).expr)     # a min SymPy cannot order is left as written


def test_a_mask_write_with_one_value_keeps_the_mask_a_formula():
    x = sg.tensor([-0.9, 0.3, 2.0], dtype=sg.float64, requires_grad=True, name="x")
    t = x.clone()
    t[x > 0] = 0.25
    assert t.grad_fn.name() == "IndexPutBackward0"
    out = (t * sg.tensor([2.0, 3.0, 4.0], dtype=sg.float64, name="c")).sum()
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0, 0.0])
    got = sp.parse_expr(str(x.grad.expr), local_dict={"x": sp.IndexedBase("x"), "c": sp.IndexedBase("c")})
    assert got == sp.parse_expr("Piecewise((0, x[i] > 0), (c[i], True))",
                                local_dict={"x": sp.IndexedBase("x"), "c": sp.IndexedBase("c")})
    x.data = sg.tensor([0.5, -0.5, 1.0], dtype=sg.float64)      # the formula holds across a change of mask
    np.testing.assert_array_equal(x.grad.evaluate(), [0.0, 3.0, 0.0])


def test_amax_of_a_single_element_evaluates():
    for shape in [(), (1,)]:
        x = sg.full(shape, 0.6, dtype=sg.float64, requires_grad=True)
        x.amax(0).sum().backward()
        np.testing.assert_array_equal(x.grad.evaluate(), np.ones(shape))
    x = sg.tensor(float("nan"), dtype=sg.float64, requires_grad=True)
    x.amax(0).backward()
    assert np.isnan(x.grad.item()) and np.isnan(x.grad.evaluate())


def test_a_float_test_inside_a_folded_condition_builds_and_evaluates():
    # clamp's mask is a condition on softplus(nan_to_num(x)): SymPy could not fold it
    x = sg.tensor([1.0, 1.9, -3.0, float("nan"), float("inf")], dtype=sg.float64, requires_grad=True, name="x")
    out = sg.nn.functional.softplus(x.nan_to_num()).clamp(0.1, 2.0).sum()
    out.backward()
    want = np.where((np.log1p(np.exp([1.0, 1.9, -3.0])) >= 0.1) & (np.log1p(np.exp([1.0, 1.9, -3.0])) <= 2.0),
                    1 / (1 + np.exp(-np.array([1.0, 1.9, -3.0]))), 0.0)
    np.testing.assert_allclose(x.grad.numpy()[:3], want)
    np.testing.assert_allclose(x.grad.evaluate(), x.grad.numpy())
    np.testing.assert_allclose(out.evaluate(), out.item())


# a scan read through an index: the gradient sums Kronecker deltas against the
# index array, which SymPy's own delta summation failed on (an assertion)
_A = [[sp.Rational(1, 2), sp.Rational(6, 5), sp.Rational(4, 5)],
      [sp.Rational(11, 10), sp.Rational(7, 10), sp.Rational(13, 10)],
      [sp.Rational(9, 10), sp.Rational(7, 5), sp.Rational(3, 5)]]
_IDX = [[2, 0, 1], [0, 2, 2]]


def _cumprod_gather_by_hand(X):
    return sum(sp.Mul(*[X[k, c] for k in range(_IDX[r][c] + 1)]) for r in range(2) for c in range(3))


def _scatter_cumprod_by_hand(X):
    S = [[sum(X[r, c] for r in range(2) if _IDX[r][c] == row) for c in range(3)] for row in range(3)]
    return sum(sp.Mul(*[S[k][c] for k in range(row + 1)]) for row in range(3) for c in range(3))


@pytest.mark.parametrize("prog, by_hand", [
    (lambda x: x.cumprod(0).gather(0, sg.tensor(_IDX)).sum(), _cumprod_gather_by_hand),
    (lambda x: sg.zeros(3, 3, dtype=sg.float64).scatter_add(0, sg.tensor(_IDX), x[:2]).cumprod(0).sum(),
     _scatter_cumprod_by_hand),
])
def test_concrete_gradient_of_a_scan_through_an_index(prog, by_hand):
    x = sg.tensor(np.array(_A, dtype=float), requires_grad=True)
    prog(x).backward()
    G = x.grad.exprs()
    X = sp.IndexedBase("X")
    forward = by_hand(X)
    at = {X[r, c]: _A[r][c] for r in range(3) for c in range(3)}
    for r in range(3):
        for c in range(3):
            got = G[r, c].xreplace({a: at[X[a.indices]] for a in G[r, c].atoms(sp.Indexed)})
            assert got == sp.diff(forward, X[r, c]).xreplace(at)
