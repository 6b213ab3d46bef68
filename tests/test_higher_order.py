"""Derivatives of derivatives where formulas are delicate: products with
several zeros, norms at the zero vector, non-differentiable backward
functions, and losses under a non-finite upstream gradient.  Oracles: jax
(x64) and PyTorch 2.13's printed values."""
import numpy as np
import pytest

import symgrad as sg

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

from helpers import F64, t64, close, sin_function  # noqa: E402


def _three_orders(f_sg, f_jax, a, v):
    x = t64(a)
    g, = sg.autograd.grad(f_sg(x), x, create_graph=True)
    h, = sg.autograd.grad((g * sg.tensor(v)).sum(), x, create_graph=True)
    # a constant second derivative (det of 2x2 matrices) has no graph to differentiate
    t = sg.autograd.grad((h * sg.tensor(v)).sum(), x)[0] if h.requires_grad else np.zeros(a.shape)
    gj = jax.grad(f_jax)
    hj = jax.grad(lambda y: (gj(y) * v).sum())
    tj = jax.grad(lambda y: (hj(y) * v).sum())
    for mine, ref in ((g, gj(a)), (h, hj(a)), (t, tj(a))):
        close(mine, np.asarray(ref), 1e-9)


@pytest.mark.parametrize("shape,dim", [((4,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 3, 2), 1)])
def test_products_with_several_zeros_to_third_order(shape, dim, rng):
    for _ in range(4):
        a = rng.integers(-2, 3, size=shape).astype(float)
        a[rng.random(shape) < 0.4] = 0
        w, v = rng.standard_normal(shape), rng.standard_normal(shape)
        _three_orders(lambda x: (x.cumprod(dim) * sg.tensor(w)).sum(),
                      lambda x: (jnp.cumprod(x, axis=dim) * w).sum(), a, v)
        _three_orders(lambda x: (x.prod(dim) * sg.tensor(w.sum(dim))).sum(),
                      lambda x: (jnp.prod(x, axis=dim) * w.sum(dim)).sum(), a, v)
    # all zeros: d3(x0 x1 x2) summed along each axis is 2 everywhere
    x = t64(np.zeros(3))
    g, = sg.autograd.grad(x.prod(), x, create_graph=True)
    h, = sg.autograd.grad(g.sum(), x, create_graph=True)
    t, = sg.autograd.grad(h.sum(), x)
    close(t, [2.0, 2.0, 2.0])


def test_norm_at_zero_has_a_gradient_but_no_hessian():
    x = t64(np.zeros(2))
    g, = sg.autograd.grad(x.norm(), x, create_graph=True)
    close(g, [0.0, 0.0])                      # PyTorch's choice at the kink
    H = sg.autograd.functional.hessian(lambda a: a.norm() ** 2, sg.zeros(2, dtype=sg.float64))
    assert np.isnan(H.numpy()).all()          # PyTorch and jax: NaN, not a silent 0 for 2I
    ref = jax.hessian(lambda a: jnp.linalg.norm(a) ** 2)(jnp.zeros(2))
    assert np.isnan(np.asarray(ref)).all()


def test_once_differentiable_refuses_a_second_derivative():
    Sin = sin_function(sg.autograd.function.once_differentiable(lambda ctx, g: g * ctx.saved_tensors[0].cos()))
    x = t64(0.7)
    g, = sg.autograd.grad(Sin.apply(x.sin()) ** 2, x, create_graph=True)
    s = np.sin(0.7)
    close(g, 2 * np.sin(s) * np.cos(s) * np.cos(0.7))
    assert g.requires_grad and g.grad_fn.name() == "MulBackward0"
    with pytest.raises(RuntimeError, match="^trying to differentiate twice a function that was marked with "
                                           "@once_differentiable$"):
        g.backward()


def test_ignored_targets_get_exact_zeros_under_an_infinite_upstream():
    F = sg.nn.functional
    x = t64([[-0.5, 0.3], [0.9, 0.1]])
    y = F.nll_loss(x, sg.tensor([1, 0]), ignore_index=0, reduction="sum")
    g, = sg.autograd.grad(y, x, grad_outputs=sg.tensor(float("inf"), dtype=sg.float64))
    assert g.tolist() == [[0.0, -float("inf")], [0.0, 0.0]]       # PyTorch's values


def test_logit_bce_weights_do_not_widen_the_loss():
    F = sg.nn.functional
    x = sg.full((2,), 0.3, requires_grad=True)
    pw = sg.full((2,), 2.0, dtype=sg.float64)
    y = F.binary_cross_entropy_with_logits(x, sg.full((2,), 0.7), pos_weight=pw, weight=pw)
    assert y.dtype is sg.float32
    y.backward()
    assert x.grad.dtype is sg.float32


@pytest.mark.parametrize("f,name", [(lambda x: x.relu().sum(), "ReluBackwardBackward0"),
                                    (lambda x: sg.nn.functional.leaky_relu(x, 0.1).sum(), None),
                                    (lambda x: x[:1].prod(), None)])
def test_piecewise_constant_gradients_still_require_grad(f, name):
    # as PyTorch: their own gradient is zeros, not "does not require grad"
    x = t64([0.3, -1.2, 0.7])
    g, = sg.autograd.grad(f(x), x, create_graph=True)
    assert g.requires_grad
    if name:
        assert g.grad_fn.name() == name
    h, = sg.autograd.grad(g.sum(), x)
    close(h, [0.0, 0.0, 0.0])
    H = sg.autograd.functional.hessian(f, sg.tensor([0.3, -1.2, 0.7], dtype=sg.float64), strict=True)
    close(H, np.zeros((3, 3)))


def test_gradcheck_catches_what_pytorchs_catches():
    gc = sg.autograd.gradcheck

    IgnoresGrad = sin_function(lambda ctx, g: ctx.saved_tensors[0].cos())     # the Jacobian, not times g

    s = t64(0.7)
    with pytest.raises(RuntimeError, match="^backward not multiplied by grad_output$"):
        gc(IgnoresGrad.apply, (s,))
    x = t64([0.5, -1.2, 2.0])
    assert gc(lambda a: (a.sin(), a.detach() * 2), (x,))      # a detached output is not checked
    with pytest.raises(RuntimeError, match="^Numerical gradient for function expected to be zero$"):
        gc(lambda a: a.detach() * 2, (x,))
    with pytest.raises(ValueError, match="^gradcheck expects at least one input tensor to require gradient"):
        gc(lambda a: a.sin(), (x.detach(),))


def test_hooks_may_not_change_shape_or_dtype():
    x = t64([0.5, -1.2, 2.0])
    x.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="^hook '<lambda>' has changed the size of value$"):
        (x ** 2).sum().backward()
    y = t64([0.5, -1.2]) * 2
    y.register_hook(lambda g: g.float())
    with pytest.raises(RuntimeError, match=r"^hook '<lambda>' has changed the type of value \(was "
                                           r"symgrad.DoubleTensor got symgrad.FloatTensor\)$"):
        y.sum().backward()


def test_mask_built_gradients_do_not_require_grad_as_pytorch():
    x = t64([0.3, -1.2, 0.7])
    g, = sg.autograd.grad(x.clamp(-1, 0.5).sum(), x, create_graph=True)
    assert not g.requires_grad             # PyTorch builds clamp's gradient from a mask


def test_huber_and_smooth_l1_kinks_take_the_linear_branch():
    F = sg.nn.functional
    for loss, want in ((lambda a, b: F.huber_loss(a, b, delta=0.5, reduction="sum"), [0.0, 0.0, 1.0, 0.0]),
                       (lambda a, b: F.smooth_l1_loss(a, b, beta=0.5, reduction="sum"), [0.0, 0.0, 2.0, 0.0])):
        x = t64([-0.5, 0.5, 0.2, 1.0])
        g, = sg.autograd.grad(loss(x, sg.zeros(4, dtype=sg.float64)), x, create_graph=True)
        h, = sg.autograd.grad(g.sum(), x)
        close(h, want)                      # PyTorch's values: |d| == delta is linear


@pytest.mark.parametrize("a", [
    np.zeros((2, 2)), np.diag([1.0, 0.0, 0.0]), np.diag([1.0, 1.0, 1e-9]), np.outer([1.0, 2.0, 3.0], [1.0, 0.0, 2.0]),
    np.stack([2 * np.eye(2), np.diag([1.0, 0.0])]),          # one singular matrix in a batch of good ones
], ids=["zeros", "rank1", "near-singular", "outer", "batch"])
def test_det_of_singular_matrices_to_third_order(a, rng):
    # det(A) inv(A) has no derivative at singular A; the cofactors do
    v = rng.standard_normal(a.shape)
    _three_orders(lambda x: sg.linalg.det(x).sum(), lambda x: jnp.linalg.det(x).sum(), a, v)


def test_closed_forms_of_gradients_with_a_graph_keep_their_masks(rng):
    # the mask of relu's gradient, built in a create_graph pass from the seed, is a
    # formula, not the numbers of today's x: the closed form holds at other points
    x = sg.tensor([3., -1., 2.], dtype=F64, requires_grad=True, name="x")
    x.relu().sum().backward(create_graph=True)
    f, leaves = sg.lambdify(x.grad)
    at = np.array([-2., 5., 1.])
    np.testing.assert_array_equal(f(*[at if t is x else t._data for t in leaves]), [0., 1., 1.])
    z = t64([3., -1., 2.])
    h = sg.autograd.functional.hessian(lambda t: sg.where(t > 0, t ** 3, t ** 2).sum(), z)
    close(h.diagonal(), [18., 2., 12.])
    assert "c0" not in str(h.exprs())


def test_closed_form_of_a_cumprod_gradient_with_a_graph():
    # its rule's positional masks are constants of the formula (they crashed it)
    x = sg.tensor([1., 2., -0.5], dtype=F64, requires_grad=True, name="x")
    x.cumprod(0).sum().backward(create_graph=True)
    f, leaves = sg.lambdify(x.grad)
    for at in (np.array([0., 3., 2.]), np.array([2., 0., 0.])):
        y = t64(at)
        y.cumprod(0).sum().backward()
        close(f(*[at if t is x else t._data for t in leaves]), y.grad.numpy())
