"""Engine behaviour: graph structure, backward options, grad modes, hooks,
higher order, multiple outputs, custom Functions and ``autograd.functional``
(views and in-place writes: ``test_inplace.py``).  Numbers are checked against jax, numpy or
closed forms."""
import warnings

import numpy as np
import pytest

import symgrad as sg

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

from helpers import F64, t64, close  # noqa: E402


# ------------------------------------------------------------ graph basics
def test_requires_grad_propagation():
    a = sg.ones(3)
    b = sg.ones(3, requires_grad=True)
    assert not a.requires_grad and b.requires_grad
    assert not (a * 2).requires_grad
    assert (a * b).requires_grad and (a + b).sum().requires_grad
    with sg.no_grad():
        assert not (a * b).requires_grad
    assert not sg.zeros(2).requires_grad_(False).requires_grad
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        sg.ones(2, dtype=sg.int64).requires_grad_()


def test_is_leaf():
    a = sg.ones(2)
    b = sg.ones(2, requires_grad=True)
    assert a.is_leaf and b.is_leaf
    assert (a * 2).is_leaf                   # no history: still a leaf
    c = b * 2
    assert not c.is_leaf and c.grad_fn is not None
    assert c.detach().is_leaf
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        c.requires_grad_(False)


@pytest.mark.parametrize("fn,name", [
    (lambda x, w: x * 2, "MulBackward0"), (lambda x, w: x + x, "AddBackward0"),
    (lambda x, w: x - 1, "SubBackward0"), (lambda x, w: x / 2, "DivBackward0"),
    (lambda x, w: -x, "NegBackward0"), (lambda x, w: x ** 2, "PowBackward0"),
    (lambda x, w: x.exp(), "ExpBackward0"), (lambda x, w: x.sum(), "SumBackward0"),
    (lambda x, w: x.sum(0), "SumBackward1"), (lambda x, w: x.mean(), "MeanBackward0"),
    (lambda x, w: x.sum(keepdim=True, dim=None), "SumBackward1"),
    (lambda x, w: x.mean(keepdim=True, dim=None), "MeanBackward1"),
    (lambda x, w: x @ w, "MmBackward0"), (lambda x, w: x.view(6), "ViewBackward0"),
    (lambda x, w: x.t(), "TBackward0"), (lambda x, w: x[0], "SelectBackward0"),
    (lambda x, w: x[:, 1:], "SliceBackward0"), (lambda x, w: x.clone(), "CloneBackward0"),
    (lambda x, w: x.max(), "MaxBackward1"), (lambda x, w: x.max(1)[0], "MaxBackward0"),
    (lambda x, w: x.unbind(0)[1], "UnbindBackward0"), (lambda x, w: sg.cat([x, x]), "CatBackward0"),
    (lambda x, w: x.relu(), "ReluBackward0"), (lambda x, w: x.permute(1, 0), "PermuteBackward0"),
    (lambda x, w: x.to(sg.float64), "ToCopyBackward0"), (lambda x, w: x @ w[:, 0], "MvBackward0"),
])
def test_grad_fn_names(fn, name):
    x = sg.ones(2, 3, requires_grad=True)
    w = sg.ones(3, 4, requires_grad=True)
    assert fn(x, w).grad_fn.name() == name
    assert type(fn(x, w).grad_fn).__name__ == name


def test_next_functions_structure():
    x = sg.ones(2, requires_grad=True)
    y = sg.ones(2, requires_grad=True)
    s = (x * y).sum()
    (mul, k), = s.grad_fn.next_functions
    assert mul.name() == "MulBackward0" and k == 0
    (ax, i), (ay, j) = mul.next_functions
    assert type(ax).__name__ == "AccumulateGrad" and ax.variable is x and ay.variable is y
    assert i == j == 0
    (a2, _), (none, _) = (x * 2).grad_fn.next_functions
    assert a2.variable is x and none is None
    # outputs of a multi-output node are told apart by the index
    a, b = x.split(1)
    fns = (a * b).grad_fn.next_functions
    assert fns[0][0] is fns[1][0] and [n for _, n in fns] == [0, 1]


# ---------------------------------------------------------------- backward
def test_backward_with_gradient(rng):
    xa, va = rng.standard_normal(4), rng.standard_normal(4)
    x = t64(xa)
    (x * x).backward(t64(va, rg=False))
    close(x.grad, 2 * xa * va)


def test_retain_graph_allows_second_backward_and_accumulates():
    x = t64([1.0, 2.0])
    y = (x ** 3).sum()
    y.backward(retain_graph=True)
    y.backward()
    close(x.grad, 2 * 3 * np.array([1.0, 4.0]))


def test_backward_inputs_restricts_accumulation():
    x, y = t64([1.0, 2.0]), t64([3.0, 4.0])
    z = (x * y).sum()
    z.backward(inputs=[x])
    close(x.grad, [3.0, 4.0])
    assert y.grad is None
    h = x * 2
    (h * y).sum().backward(inputs=[y])
    close(y.grad, [2.0, 4.0])


def test_grad_accumulates_and_zeroes():
    x = t64([1.0, 2.0])
    for _ in range(3):
        (x * x).sum().backward()
    close(x.grad, 3 * 2 * np.array([1.0, 2.0]))
    x.grad.zero_()
    (x * 5).sum().backward()
    close(x.grad, [5.0, 5.0])
    x.grad.data.zero_()
    close(x.grad, [0.0, 0.0])
    (x * 7).sum().backward()
    close(x.grad, [7.0, 7.0])
    x.grad = None
    x.sum().backward()
    close(x.grad, [1.0, 1.0])


def test_non_leaf_grad_is_none_with_warning_unless_retained():
    x = t64([1.0, 2.0])
    y = x * 3
    z = y * y
    z.sum().backward(retain_graph=True)
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None
    y2 = x * 3
    y2.retain_grad()
    assert y2.retains_grad
    (y2 * y2).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        close(y2.grad, 2 * 3 * np.array([1.0, 2.0]))


def test_detach_shares_storage_and_stops_gradient():
    x = t64([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad
    d[0] = 10.0                               # shares storage with y
    close(y.detach(), [10.0, 4.0])
    (x * d).sum().backward()
    close(x.grad, [10.0, 4.0])
    z = x * 3
    z.detach_()
    assert z.is_leaf and not z.requires_grad and z.grad_fn is None
    with pytest.raises(RuntimeError, match="Can't detach views in-place"):
        (x * 1)[1:].detach_()


def test_data_is_untracked_and_shares_storage():
    x = t64([1.0, 2.0])
    d = x.data
    assert not d.requires_grad and d.is_leaf
    d.mul_(3)                                 # allowed, and changes x
    close(x.detach(), [3.0, 6.0])
    x.data = sg.tensor([5.0, 6.0], dtype=F64)
    assert x.requires_grad and x.is_leaf
    (x ** 2).sum().backward()
    close(x.grad, [10.0, 12.0])


def test_grad_mode_context_decorator_and_function():
    x = sg.ones(2, requires_grad=True)
    with sg.no_grad():
        assert not sg.is_grad_enabled() and not (x * 2).requires_grad
        with sg.enable_grad():
            assert (x * 2).requires_grad
    assert sg.is_grad_enabled()

    @sg.no_grad()
    def f(t):
        return t * 2

    @sg.enable_grad()
    def g(t):
        return t * 2

    assert not f(x).requires_grad
    with sg.no_grad():
        assert g(x).requires_grad
    with sg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert sg.is_grad_enabled()
    sg.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        sg.set_grad_enabled(True)
    assert (x * 2).requires_grad

    @sg.set_grad_enabled(False)
    def h(t):
        return t * 2

    assert not h(x).requires_grad and sg.is_grad_enabled()


# ------------------------------------------------------------------- hooks
def test_hooks_on_leaf_and_non_leaf_modify_gradients():
    x = t64([1.0, 2.0])
    seen = []
    hx = x.register_hook(lambda g: g * 10)
    y = x * 3
    hy = y.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
    hy2 = y.register_hook(lambda g: g + 1)
    (y * y).sum().backward()
    close(seen[0], 2 * 3 * np.array([1.0, 2.0]))          # observed before the +1 hook
    close(x.grad, 10 * 3 * (2 * 3 * np.array([1.0, 2.0]) + 1))
    hx.remove(), hy.remove(), hy2.remove()
    x.grad = None
    y = x * 3
    (y * y).sum().backward()
    close(x.grad, 3 * 2 * 3 * np.array([1.0, 2.0]))
    assert len(seen) == 1
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        sg.ones(2).register_hook(lambda g: g)


# ------------------------------------------------------------ higher order
def test_higher_order_derivatives_of_cube():
    xa = np.array([0.5, -1.5, 2.0])
    x = t64(xa)
    g1, = sg.autograd.grad((x ** 3).sum(), x, create_graph=True)
    close(g1, 3 * xa ** 2)
    assert g1.requires_grad
    g2, = sg.autograd.grad(g1.sum(), x, create_graph=True)
    close(g2, 6 * xa)
    g3, = sg.autograd.grad(g2.sum(), x)
    close(g3, np.full(3, 6.0))


def test_create_graph_backward_then_backward_of_grad():
    xa = np.array([0.3, 1.2])
    x = t64(xa)
    (x.sin() * x).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    x.grad = None
    g.sum().backward()
    close(x.grad, 2 * np.cos(xa) - xa * np.sin(xa))


def test_grad_matches_jax_hessian_vector(rng):
    xa, va = rng.standard_normal(3), rng.standard_normal(3)
    x = t64(xa)
    f = (x.exp() * x.sum()).sum()
    g, = sg.autograd.grad(f, x, create_graph=True)
    hv, = sg.autograd.grad(g, x, t64(va, rg=False))
    H = jax.hessian(lambda a: (jnp.exp(a) * a.sum()).sum())(xa)
    close(hv, H @ va)


def test_autograd_grad_allow_unused():
    x, y = t64([1.0]), t64([2.0])
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        sg.autograd.grad((x * 2).sum(), [x, y])
    gx, gy = sg.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    close(gx, [2.0])
    assert gy is None
    gx, gy = sg.autograd.grad((x * 2).sum(), [x, y], materialize_grads=True)
    close(gy, [0.0])
    assert x.grad is None                                  # grad() does not accumulate


def test_grad_of_non_leaf_input():
    x = t64([1.0, 2.0])
    h = x * x
    g, = sg.autograd.grad((h.sin()).sum(), h)
    close(g, np.cos([1.0, 4.0]))


# --------------------------------------------------------- multiple outputs
def test_split_unbind_and_max_dim_match_jax(rng):
    xa = rng.standard_normal((4, 3))
    x = t64(xa)
    a, b, c = x.split([1, 2, 1])
    r0, r1, r2 = x.unbind(1)
    vals, idx = x.max(dim=1)
    assert idx.dtype == sg.int64 and not idx.requires_grad
    out = (a.exp().sum() + (c * 3).sum() + (r0 * r2).sum() + (vals ** 2).sum())
    out.backward()

    def ref(x):
        return (jnp.exp(x[:1]).sum() + (x[3:] * 3).sum() + (x[:, 0] * x[:, 2]).sum()
                + (x.max(axis=1) ** 2).sum())

    close(x.grad, jax.grad(ref)(xa))
    np.testing.assert_array_equal(idx.numpy(), xa.argmax(1))


# ---------------------------------------------------------------- anomaly
def test_detect_anomaly_names_the_nan_node():
    x = t64([-1.0, 4.0])
    y = x.sqrt()                          # nan forward, nan gradient
    with sg.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values in its 0th output"):
            y.sum().backward()
    z = t64([-1.0, 4.0]).sqrt().sum()
    z.backward()                          # without anomaly detection nan passes silently, as in PyTorch


def test_detect_anomaly_names_a_custom_function():
    class Bad(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = t64([1.0])
    with sg.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="Function 'BadBackward' returned nan values"):
            Bad.apply(x * 1).sum().backward()


# -------------------------------------------------------- custom Functions
class Cube(sg.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x ** 3 * scale

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 3 * x ** 2 * ctx.scale * g, None


def test_function_forward_backward_and_structure():
    xa = np.array([1.0, -2.0])
    x = t64(xa)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn.name() == "CubeBackward" and type(y.grad_fn).__name__ == "CubeBackward"
    assert y.grad_fn.needs_input_grad == (True, False)
    assert y.grad_fn.scale == 2.0
    (fn, k), = y.grad_fn.next_functions            # non-tensor arguments have no edge
    assert fn.variable is x and k == 0
    y.sum().backward()
    close(x.grad, 6 * xa ** 2)
    assert sg.autograd.gradcheck(lambda t: Cube.apply(t, 2.0), (t64([0.3, -0.7]),))


def test_function_create_graph_through_user_backward():
    xa = np.array([0.5, 1.5])
    x = t64(xa)
    g, = sg.autograd.grad(Cube.apply(x, 1.0).sum(), x, create_graph=True)
    close(g, 3 * xa ** 2)
    g2, = sg.autograd.grad(g.sum(), x)
    close(g2, 6 * xa)


def test_function_saved_output_supports_double_backward():
    class Exp(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y

    xa = np.array([0.1, -0.4])
    x = t64(xa)
    g, = sg.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    g2, = sg.autograd.grad(g.sum(), x)
    close(g, np.exp(xa))
    close(g2, np.exp(xa))
    assert sg.autograd.gradgradcheck(Exp.apply, (t64([0.2, 0.9]),))


def test_function_multiple_outputs_non_differentiable_and_materialize(rng):
    seen = {}

    class SortLike(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = sg.tensor(np.argsort(x.detach().numpy()))
            vals = x[idx]
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return vals, idx, x * 2

        @staticmethod
        def backward(ctx, gv, gi, gd):
            idx, = ctx.saved_tensors
            seen["gi"], seen["gd"], seen["idx_rg"] = gi, gd, idx.requires_grad
            gx = sg.zeros_like(gv)
            gx[idx] = gv
            return gx + 2 * gd

    xa = rng.standard_normal(4)
    x = t64(xa)
    vals, idx, dbl = SortLike.apply(x)
    assert vals.grad_fn is dbl.grad_fn and vals.grad_fn.name() == "SortLikeBackward"
    assert not idx.requires_grad and idx.grad_fn is None
    w = np.arange(4.0)
    (vals * t64(w, rg=False)).sum().backward()
    close(seen["gd"], np.zeros(4))                      # unused output: zeros by default
    assert seen["gi"].dtype == sg.int64 and seen["idx_rg"] is False
    expect = np.zeros(4)
    expect[np.argsort(xa)] = w
    close(x.grad, expect)

    class Two(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen["g2"] = g2
            return g1 * 2 if g2 is None else g1 * 2 + g2 * 3

    x.grad = None
    a, b = Two.apply(x)
    a.sum().backward()
    assert seen["g2"] is None
    close(x.grad, np.full(4, 2.0))


def test_function_setup_context_style_and_needs_input_grad():
    class Mul(sg.autograd.Function):
        @staticmethod
        def forward(a, b):
            return a * b

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return (g * b if ctx.needs_input_grad[0] else None,
                    g * a if ctx.needs_input_grad[1] else None)

    a, b = t64([2.0, 3.0]), t64([5.0, 7.0], rg=False)
    y = Mul.apply(a, b)
    assert y.grad_fn.needs_input_grad == (True, False)
    y.sum().backward()
    close(a.grad, [5.0, 7.0])
    with sg.no_grad():
        assert Mul.apply(a, b).grad_fn is None
    assert Mul.apply(b, b).grad_fn is None


def test_function_returning_input_does_not_rewrite_its_history():
    class Ident(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    x = t64([1.0])
    h = x * 2
    y = Ident.apply(h)
    assert y is not h and h.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    close(x.grad, [10.0])


def test_function_backward_errors():
    class WrongCount(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    class WrongShape(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g.sum(0)

    class WrongType(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return 3

    x = sg.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"function WrongCountBackward returned an incorrect number of "
                                           r"gradients \(expected 2, got 1\)"):
        WrongCount.apply(x, x).sum().backward()
    with pytest.raises(RuntimeError, match=r"Function WrongShapeBackward returned an invalid gradient at index 0 "
                                           r"- got \[3\] but expected shape compatible with \[2, 3\]"):
        WrongShape.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match=r"expected Variable or None \(got int\)"):
        WrongType.apply(x).sum().backward()
    with pytest.raises(TypeError, match="save_for_backward can only save variables"):
        class SaveInt(sg.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x
        SaveInt.apply(x)


def test_function_saved_tensor_checks_and_freeing():
    x = t64([1.0, 2.0])
    h = x * 1
    y = Cube.apply(h, 1.0)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    y = Cube.apply(x, 1.0)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.grad_fn.saved_tensors


# ----------------------------------------------------------- functional API
F = sg.autograd.functional


def f_single(x):
    return x.sin() * x.sum()


def j_single(x):
    return jnp.sin(x) * x.sum()


def f_pair(a, b):
    return (a[:2] * b.sum(0), (b ** 2).sum() * a.exp())


def j_pair(a, b):
    return (a[:2] * b.sum(0), (b ** 2).sum() * jnp.exp(a))


@pytest.fixture
def xy(rng):
    return rng.standard_normal(3), rng.standard_normal((2, 2))


def test_jacobian_single_and_nested_structure(xy):
    xa, ya = xy
    J = F.jacobian(f_single, t64(xa, rg=False))
    assert isinstance(J, sg.Tensor) and tuple(J.shape) == (3, 3) and not J.requires_grad
    close(J, jax.jacfwd(j_single)(xa))
    J1 = F.jacobian(f_single, (t64(xa),))
    assert isinstance(J1, tuple) and len(J1) == 1
    close(J1[0], jax.jacfwd(j_single)(xa))
    Jp = F.jacobian(f_pair, (t64(xa), t64(ya)))
    ref = jax.jacfwd(j_pair, argnums=(0, 1))(xa, ya)
    assert len(Jp) == 2 and all(len(r) == 2 for r in Jp)
    for i in range(2):
        for j in range(2):
            assert tuple(Jp[i][j].shape) == ref[i][j].shape
            close(Jp[i][j], ref[i][j])
    Jo = F.jacobian(lambda a: (a * 2, a.sum()), t64(xa))
    assert isinstance(Jo, tuple) and tuple(Jo[1].shape) == (3,)
    close(Jo[0], 2 * np.eye(3))


def test_jacobian_independent_output_and_strict(xy):
    xa, ya = xy
    J = F.jacobian(lambda a, b: a * 2, (t64(xa), t64(ya)))
    close(J[1], np.zeros((3, 2, 2)))
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        F.jacobian(lambda a, b: a * 2, (t64(xa), t64(ya)), strict=True)


def test_jacobian_create_graph_is_differentiable(xy):
    xa, _ = xy
    x = t64(xa)
    J = F.jacobian(lambda a: a ** 3, x, create_graph=True)
    assert J.requires_grad
    g, = sg.autograd.grad(J.sum(), x)
    close(g, 6 * xa)
    close(F.jacobian(f_single, x, vectorize=True), F.jacobian(f_single, x))
    close(F.jacobian(f_single, x, vectorize=True, strategy="forward-mode"), jax.jacfwd(j_single)(xa))


def test_functional_create_graph_results_are_differentiable(xy, rng):
    xa, _ = xy
    v = rng.standard_normal(3)
    x = t64(xa)
    _, g = F.vjp(lambda a: a.sin() * a, x, t64(v, rg=False), create_graph=True)
    gg, = sg.autograd.grad(g.sum(), x)
    ref = jax.grad(lambda a: jax.vjp(lambda b: jnp.sin(b) * b, a)[1](v)[0].sum())(xa)
    close(gg, ref)
    _, t = F.jvp(lambda a: a ** 3, x, t64(v, rg=False), create_graph=True)
    gt, = sg.autograd.grad(t.sum(), x)
    close(gt, 6 * xa * v)
    H = F.hessian(lambda a: (a ** 4).sum(), x, create_graph=True)
    g3, = sg.autograd.grad(H.sum(), x)
    close(g3, 24 * xa)
    out, _ = F.vjp(lambda a: a * 2, x, t64(v, rg=False))
    assert not out.requires_grad                     # outputs are detached without create_graph


def test_hessian_matches_jax(xy):
    xa, ya = xy

    def f(a):
        return (a ** 3).sum() * a[0] + a.sin().prod()

    def jf(a):
        return (a ** 3).sum() * a[0] + jnp.prod(jnp.sin(a))

    H = F.hessian(f, t64(xa))
    close(H, jax.hessian(jf)(xa))

    def g(a, b):
        return (a ** 2).sum() * b.prod()

    Hp = F.hessian(g, (t64(xa), t64(ya)))
    ref = jax.hessian(lambda a, b: (a ** 2).sum() * jnp.prod(b), argnums=(0, 1))(xa, ya)
    for i in range(2):
        for j in range(2):
            close(Hp[i][j], ref[i][j])
    with pytest.raises(RuntimeError, match="should contain a single element"):
        F.hessian(lambda a: a * 2, t64(xa))


def test_vjp_jvp_match_jax(xy, rng):
    xa, ya = xy
    v = rng.standard_normal(3)
    out, g = F.vjp(f_single, t64(xa), t64(v, rg=False))
    _, pull = jax.vjp(j_single, xa)
    close(out, j_single(xa))
    close(g, pull(v)[0])
    vs = (rng.standard_normal(2), rng.standard_normal(3))
    outs, gs = F.vjp(f_pair, (t64(xa), t64(ya)), tuple(t64(a, rg=False) for a in vs))
    _, pull = jax.vjp(j_pair, xa, ya)
    for a, b in zip(gs, pull(vs)):
        close(a, b)
    out, t = F.jvp(f_single, t64(xa), t64(v, rg=False))
    close(t, jax.jvp(j_single, (xa,), (v,))[1])
    tang = (rng.standard_normal(3), rng.standard_normal((2, 2)))
    outs, ts = F.jvp(f_pair, (t64(xa), t64(ya)), tuple(t64(a, rg=False) for a in tang))
    ref = jax.jvp(j_pair, (xa, ya), tang)[1]
    assert isinstance(ts, tuple) and len(ts) == 2
    for a, b in zip(ts, ref):
        close(a, b)
    with pytest.raises(RuntimeError, match="The vector v can only be None"):
        F.vjp(f_single, t64(xa))
    with pytest.raises(RuntimeError, match=r"v has invalid size"):
        F.vjp(f_single, t64(xa), sg.ones(2))


def test_hvp_vhp_match_jax(xy, rng):
    xa, ya = xy
    v = rng.standard_normal(3)

    def f(a):
        return (a ** 3).sum() * a[0] + a.exp().sum() * a[1]

    def jf(a):
        return (a ** 3).sum() * a[0] + jnp.exp(a).sum() * a[1]

    H = jax.hessian(jf)(xa)
    out, hv = F.hvp(f, t64(xa), t64(v, rg=False))
    close(out, jf(xa))
    close(hv, H @ v)
    _, vh = F.vhp(f, t64(xa), t64(v, rg=False))
    close(vh, v @ H)
    vs = (rng.standard_normal(3), rng.standard_normal((2, 2)))
    _, hvs = F.hvp(lambda a, b: (a ** 2).sum() * b.prod(), (t64(xa), t64(ya)), tuple(t64(a, rg=False) for a in vs))
    ref = jax.jvp(jax.grad(lambda a, b: (a ** 2).sum() * jnp.prod(b), argnums=(0, 1)), (xa, ya), vs)[1]
    for a, b in zip(hvs, ref):
        close(a, b)


def test_grad_never_aliases_another_leafs_grad():
    # add passes one cotangent to both inputs; accumulating into a.grad later must leave b.grad alone
    for shape in [(3,), ()]:
        a = sg.ones(*shape, requires_grad=True)
        b = sg.ones(*shape, requires_grad=True)
        (a + b).backward(sg.ones(*shape))
        (a * 2).sum().backward()
        np.testing.assert_array_equal(a.grad.numpy(), np.full(shape, 3.0))
        np.testing.assert_array_equal(b.grad.numpy(), np.full(shape, 1.0))


def test_grad_never_aliases_a_tensor_the_user_holds():
    keep = sg.ones(3)

    class Passthrough(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return keep

    x = sg.ones(3, requires_grad=True)
    Passthrough.apply(x).sum().backward()
    x.grad.add_(1)
    np.testing.assert_array_equal(keep.numpy(), np.ones(3))

    y = sg.ones(3, requires_grad=True)
    y.register_hook(lambda g: keep)
    (y * 5).sum().backward()
    y.grad.mul_(7)
    np.testing.assert_array_equal(keep.numpy(), np.ones(3))


def test_create_graph_stores_a_copy_as_pytorch():
    a = sg.ones(3, requires_grad=True)
    b = sg.ones(3, requires_grad=True)
    (a * a + b).sum().backward(create_graph=True)
    assert a.grad.grad_fn.name() == "CopyBackwards"       # PyTorch's clone of the incoming gradient
    assert b.grad is not a.grad and not np.may_share_memory(a.grad.detach().numpy(), b.grad.detach().numpy())
    g, = sg.autograd.grad(a.grad.sum(), a)
    np.testing.assert_array_equal(g.numpy(), np.full(3, 2.0))


# ------------------------------------------ outputs that backward never reads
@pytest.mark.parametrize("make", [
    lambda x: sg.nn.functional.mse_loss(x, x * 2), lambda x: sg.nn.functional.huber_loss(x, x * 2),
    lambda x: x.max(1).values, lambda x: x.min(1).values, lambda x: x.sort(1).values,
])
def test_output_not_read_by_backward_may_change_in_place(make):
    # as PyTorch: only saved values are version-checked (max's rule reads the indices, not the values)
    x = sg.tensor([[0.5, 1.0]], requires_grad=True)
    y = make(x)
    y.mul_(2)
    y.sum().backward()
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()


def test_output_read_by_backward_is_still_checked():
    x = sg.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# ----------------------------------------------- PyTorch's numeric conventions
def test_std_gradient_where_std_is_zero_is_zero():
    x = sg.tensor([[1.0, 1.0], [2.0, 3.0]], requires_grad=True)
    x.std(1, unbiased=False).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [-0.5, 0.5]]
    y = sg.tensor([[4.0]], requires_grad=True)
    (y.std(-1, unbiased=False) * 0 + y).sum().backward()
    assert y.grad.tolist() == [[1.0]]


def test_max_gradient_stays_at_the_maximum():
    x = sg.tensor([1.0, 3.0, 2.0], requires_grad=True)
    x.max().backward(sg.tensor(float("nan")))
    g = x.grad.numpy()
    assert np.isnan(g[1]) and g[0] == 0 and g[2] == 0


def test_sigmoid_saturates_where_pytorch_does():
    v = sg.sigmoid(sg.tensor([37.0, -800.0, 0.0], dtype=sg.float64)).tolist()
    assert v == [1.0, 0.0, 0.5]


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "logsumexp"])
def test_softmax_family_on_an_empty_dim_and_on_0d(fn):
    x = sg.randn(2, 3, dtype=sg.float64, requires_grad=True)
    y = getattr(x[:, :0], fn)(1)
    assert y.shape == ((2,) if fn == "logsumexp" else (2, 0))
    z = sg.tensor(-2.3, dtype=sg.float64, requires_grad=True)
    out = getattr(z, fn)(0)
    want = {"softmax": 1.0, "log_softmax": 0.0, "logsumexp": -2.3}[fn]
    assert out.item() == pytest.approx(want)
    assert float(out.evaluate()) == pytest.approx(want)
