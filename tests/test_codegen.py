"""Compiled closed forms (``evaluate``/``lambdify``) against the numeric path,
on shapes large enough for index arithmetic (floor, Mod, flattening) to bite."""
import warnings

import numpy as np
import pytest

import symgrad as sg

CASES = {
    "prod": lambda x: x.prod(),
    "prod_dim": lambda x: x.prod(1).sum(),
    "cumprod_flat": lambda x: x.reshape(-1).cumprod(0).sum(),
    "cumsum": lambda x: (x.cumsum(2) ** 2).sum(),
    "flip_view": lambda x: (x.flip(0).reshape(4, 6, 5) * x.reshape(4, 6, 5)).sum(),
    "permute_flatten": lambda x: (x.permute(2, 0, 1).flatten() ** 3).sum(),
    "softmax": lambda x: (x.softmax(1) * x).sum(),
    "std": lambda x: x.std(2).sum(),
    "max_dim": lambda x: x.max(1).values.sum(),
    "diagonal": lambda x: (x[0].t() @ x[1]).diagonal().sum(),
    "trace": lambda x: (x[0, :4, :4] @ x[1, :4, :4]).trace(),
    "logsumexp": lambda x: x.logsumexp(0).sum(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_evaluated_gradient_equals_numeric_gradient(name):
    sg.manual_seed(1)
    x = (sg.rand(4, 6, 5, dtype=sg.float64) * 0.5 + 0.75).requires_grad_()
    out = CASES[name](x)
    out.backward()
    np.testing.assert_allclose(out.evaluate(), out.item(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.evaluate(), x.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_float32_leaves_give_float32_numbers():
    sg.manual_seed(0)
    W = sg.randn(5, 7, requires_grad=True)
    X = sg.randn(9, 7)
    t = sg.randint(0, 5, (9,))
    sg.nn.functional.cross_entropy(X @ W.t(), t).backward()
    v = W.grad.evaluate()
    assert v.dtype == np.float32
    np.testing.assert_allclose(v, W.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_sum_whose_body_ignores_its_index():
    y0 = sg.rand(3, 4, dtype=sg.float64, requires_grad=True)
    w = sg.rand(4, dtype=sg.float64, requires_grad=True)
    y = y0.clone()
    y[:, 1].add_(w[1])
    (y.sum(0) ** 2).sum().backward()
    np.testing.assert_allclose(w.grad.evaluate(), w.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(y0.grad.evaluate(), y0.grad.numpy(), rtol=1e-12)


def test_repeated_subexpressions_agree_under_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    sg.manual_seed(2)
    X = sg.randn(6, 4, dtype=sg.float64)
    W1 = sg.randn(3, 4, dtype=sg.float64, requires_grad=True)
    W2 = sg.randn(2, 3, dtype=sg.float64, requires_grad=True)
    loss = ((X @ W1.t()).tanh() @ W2.t()).logsumexp(1).mean()
    loss.backward()
    f, leaves = sg.lambdify(W1.grad, backend="jax")
    got = np.asarray(jax.jit(f)(*[leaf._data for leaf in leaves]))
    np.testing.assert_allclose(got, W1.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_condition_on_a_summation_index_stays_inside_its_sum():
    # sympy.Sum's constructor would fold the Piecewise out of the inner sum,
    # leaving its condition on a variable no sum binds
    sg.manual_seed(3)
    x = sg.rand(2, 2, dtype=sg.float64, requires_grad=True)
    w = sg.rand(2, dtype=sg.float64, requires_grad=True)
    y = x.clone()
    y[0] = w
    z = y.t() @ x
    (z * z).sum().backward()
    for leaf in (x, w):
        e = leaf.grad.expr
        assert {s.name for s in e.free_symbols if s.is_Symbol} <= {"i", "j", "x", "w"}, e
        np.testing.assert_allclose(leaf.grad.evaluate(), leaf.grad.numpy(), rtol=1e-12)


def test_piecewise_condition_on_a_sum_over_a_piecewise():
    # a norm (its VJP tests ``norm == 0``) of a row written in place: SymPy's
    # Piecewise would fold the condition's inner Piecewise out of its sum
    sg.manual_seed(4)
    x = (sg.rand(4, dtype=sg.float64) + 0.5).requires_grad_()
    a = x.tanh()
    b = a.clone()
    b[0] = b[-1] * 2
    out = ((b / (b.norm() + 1)) ** 2).sum()
    out.backward()
    e = x.grad.expr
    assert {s.name for s in e.free_symbols if s.is_Symbol} <= {"i", "x"}, e
    np.testing.assert_allclose(x.grad.evaluate(), x.grad.numpy(), rtol=1e-12)


def test_compiled_sums_whose_body_ignores_the_index():
    # templates fold such sums to counts; the compiler must still handle them
    # (claims and user SymPy expressions reach it unfolded)
    import sympy as sp
    from symgrad.symbolic.codegen import Compiled
    from symgrad.symbolic.template import T, SLOTS, Sum, Product
    i, k = SLOTS[0], sp.Symbol("k", integer=True, nonnegative=True)
    x = sp.IndexedBase("x")
    a = np.array([0.5, 2.0, -1.5])
    cases = [(Sum(x[i], (k, 0, 3)), 4 * a),
             (Sum(x[i] * 2, (k, 1, 3)), 6 * a),
             (Product(x[i], (k, 0, 2)), a ** 3),
             (Sum(x[k] * x[i], (k, 0, 2)), a.sum() * a)]
    for e, want in cases:
        np.testing.assert_allclose(Compiled(T(e, (3,)), [x], ["x"], np)(a), want, rtol=1e-12)


# closed forms whose plain evaluation overflows: exp(1000) is inf, so the
# softmax family must be evaluated with the maximum taken out, as numerically
LARGE = {
    "softmax": lambda x: x.softmax(1),
    "log_softmax": lambda x: x.log_softmax(1),
    "logsumexp": lambda x: x.logsumexp(1),
    "softmax_grad": lambda x: _grad(lambda v: (v.softmax(1) * _W).sum(), x),
    "log_softmax_grad": lambda x: _grad(lambda v: (v.log_softmax(1) * _W).sum(), x),
    "cross_entropy": lambda x: sg.nn.functional.cross_entropy(x, sg.tensor([0, 2, 1])),
    "cross_entropy_grad": lambda x: _grad(lambda v: sg.nn.functional.cross_entropy(v, sg.tensor([0, 2, 1])), x),
}
_W = sg.tensor([[1.0, -2.0, 0.5, 3.0]] * 3, dtype=sg.float64)


def _grad(f, x):
    f(x).backward()
    return x.grad


def _reference(name, a):
    """float64 by hand, shifted by the row maximum."""
    s = a - a.max(1, keepdims=True)
    lse = np.log(np.exp(s).sum(1, keepdims=True))
    logp = s - lse
    p = np.exp(logp)
    w, t = _W.numpy(), np.array([0, 2, 1])
    onehot = np.eye(4)[t]
    return {"softmax": p, "log_softmax": logp, "logsumexp": (lse + a.max(1, keepdims=True))[:, 0],
            "softmax_grad": p * (w - (w * p).sum(1, keepdims=True)),
            "log_softmax_grad": w - p * w.sum(1, keepdims=True),
            "cross_entropy": -logp[np.arange(3), t].mean(),
            "cross_entropy_grad": (p - onehot) / 3}[name]


@pytest.mark.parametrize("backend", ["numpy", "jax"])
@pytest.mark.parametrize("name", sorted(LARGE))
def test_softmax_family_evaluates_finite_for_large_logits(name, backend):
    if backend == "jax":
        jax = pytest.importorskip("jax")
        jax.config.update("jax_enable_x64", True)
    a = np.array([[1000.0, -5.0, 999.0, 0.0], [-800.0, -1e3, -799.5, -900.0], [2.0, 1.0, 0.0, -1.0]])
    x = sg.tensor(a, requires_grad=True)
    out = LARGE[name](x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no overflow on the way
        v = np.asarray(out.evaluate(backend))
    want = _reference(name, a)
    assert np.isfinite(v).all()
    np.testing.assert_allclose(v, want, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(out.numpy() if out._node is None else out.detach().numpy(), want, rtol=1e-12)


def test_sum_of_exp_alone_still_overflows_as_its_value_does():
    x = sg.tensor([1000.0, 0.0], dtype=sg.float64, requires_grad=True)
    out = x.exp().sum()
    with np.errstate(over="ignore"):
        assert np.isinf(out.evaluate()) and np.isinf(out.item())


@pytest.mark.parametrize("shape,new", [((2, 3, 3), (9, 2)), ((2, 3, 2, 3), (9, 4)), ((2, 3, 4, 3), (9, 8))])
def test_reshape_that_regroups_dims_evaluates_its_index_arithmetic_exactly(shape, new):
    # floor((Mod(f, 2) + 2*floor(f/2))/3) at f = 15 is 5, but 1/3 + 14/3 in floats floors to 4
    x = sg.tensor(np.arange(float(np.prod(shape))).reshape(shape), requires_grad=True)
    (x.reshape(new) ** 2).sum().backward()
    np.testing.assert_array_equal(x.grad.evaluate(), 2 * x.detach().numpy())


@pytest.mark.parametrize("key", [([0, 1], 0), (slice(None, 2), [0, 2]), (slice(1, None), [0, 2]),
                                 ([0, 2], slice(None, 2)), (1, [0, 3]), ([[0], [2]], [1, 3])])
@pytest.mark.parametrize("write", ["assign", "scale"])
def test_setitem_with_index_arrays_beside_ints_and_slices(key, write):
    # the int/slice part of the key limits the written positions as much as the arrays do
    x = sg.tensor(np.arange(1.0, 13.0).reshape(3, 4), dtype=sg.float64, requires_grad=True)
    v = x * 3
    if write == "assign":
        v[key] = 5.0
    else:
        v[key] *= 2
    (v * sg.arange(12.0, dtype=sg.float64).view(3, 4)).sum().backward()
    mask = np.zeros((3, 4))
    mask[key] = 1
    w = np.arange(12.0).reshape(3, 4)
    want = 3 * w * ((1 - mask) + (2 * mask if write == "scale" else 0))
    np.testing.assert_array_equal(x.grad.numpy(), want)
    np.testing.assert_array_equal(x.grad.evaluate(), want)


def test_evaluate_after_backward_keeps_temporary_constants():
    x = sg.tensor([-0.56, 0.33], requires_grad=True, dtype=sg.float64)
    out = (x * 2 * sg.tensor([-2.2, -1.1], dtype=sg.float64)).sum()
    before = out.evaluate()
    out.backward()
    assert out.evaluate() == before == pytest.approx(out.item())


def test_evaluate_gives_the_tensors_dtype_for_a_constant_closed_form():
    x = sg.tensor([[-0.56, 0.33]], requires_grad=True, dtype=sg.float64)
    (x + 1).sum().backward()
    v = x.grad.evaluate()
    assert v.dtype == np.float64 and v.tolist() == [[1.0, 1.0]]


def test_nan_tests_stay_in_closed_forms_and_evaluate_at_nan_data():
    nan = float("nan")
    x = sg.tensor([1.0, nan, 3.0], requires_grad=True, dtype=sg.float64)
    s = x.nansum()
    s.backward()
    assert "isnan" in str(s.expr)
    assert float(s.evaluate()) == 4.0
    np.testing.assert_array_equal(x.grad.evaluate(), [1.0, 0.0, 1.0])
    y = sg.tensor([-0.25, 0.7], dtype=sg.float64, requires_grad=True)
    for f in (sg.fmin, sg.fmax):
        y.grad = None
        out = f(y, sg.where(y > 0, y, sg.tensor(nan, dtype=sg.float64)))
        (out * out).sum().backward()
        np.testing.assert_array_equal(out.evaluate(), [-0.25, 0.7])
        np.testing.assert_array_equal(y.grad.evaluate(), y.grad.numpy())
        np.testing.assert_array_equal(y.grad.numpy(), [-0.5, 1.4])


def _central_differences(f, a, h=1e-6):
    g = np.zeros_like(a)
    for k in np.ndindex(a.shape):
        d = np.zeros_like(a)
        d[k] = h
        g[k] = (f(a + d) - f(a - d)) / (2 * h)
    return g


# abs() of an exp of a max: SymPy took the max for a possibly complex
# number and wrote exp(re(max)), which had no array code
RE_CASES = {
    "abs_exp_amax": (lambda x: x.amax(1).exp().abs().sum(), lambda a: np.exp(a.max(1)).sum()),
    "shifted_exp_abs": (lambda x: (x - x.amax(1, keepdim=True)).exp().abs().sum(),
                        lambda a: np.exp(a - a.max(1, keepdims=True)).sum()),
    "norm_inf_of_shifted_exp": (lambda x: (x - x.max()).exp().norm(p=float("inf")) * x.sum(),
                                lambda a: np.exp(a - a.max()).max() * a.sum()),
    "abs_exp_asin": (lambda x: x.asin().exp().abs().sum(), lambda a: np.exp(np.arcsin(a)).sum()),
}


@pytest.mark.parametrize("name", sorted(RE_CASES))
def test_abs_of_exp_of_a_max_evaluates(name):
    prog, ref = RE_CASES[name]
    a = np.array([[0.3, -0.6, 0.8, 0.1], [0.5, 0.2, -0.4, 0.65], [-0.2, 0.45, 0.05, -0.7]])
    x = sg.tensor(a, requires_grad=True)
    out = prog(x)
    out.backward()
    np.testing.assert_allclose(out.evaluate(), ref(a), rtol=1e-12)
    np.testing.assert_allclose(x.grad.evaluate(), _central_differences(ref, a), rtol=1e-6, atol=1e-8)


def test_second_order_closed_form_through_a_mask_union_evaluates():
    # vector_norm's higher-order rule joins masks with |: the template replays it
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    a0 = np.array([0.7, -1.3, 0.4, 2.1])
    a = sg.tensor(a0, requires_grad=True)
    g = sg.autograd.grad(sg.linalg.vector_norm(a, 3), [a], create_graph=True)[0]
    (g * g).sum().backward()
    jnp = jax.numpy
    norm3 = lambda v: jnp.sum(jnp.abs(v) ** 3) ** (1 / 3)
    want = jax.grad(lambda v: jnp.sum(jax.grad(norm3)(v) ** 2))(jnp.asarray(a0))
    np.testing.assert_allclose(a.grad.evaluate(), np.asarray(want), rtol=1e-10)


@pytest.mark.parametrize("offset", [5, -5, 7])
def test_gradient_of_an_empty_diagonal_evaluates_to_zeros(offset):
    x = sg.randn(3, 4, dtype=sg.float64, requires_grad=True)
    x.diagonal(offset).backward(sg.zeros(0, dtype=sg.float64))
    np.testing.assert_array_equal(x.grad.evaluate(), np.zeros((3, 4)))
