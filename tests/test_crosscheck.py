"""``symgrad.crosscheck``: gradients against JAX's differentiation of the
replayed forward formulas (which never reads symgrad's VJP rules).  Planted
faults in a VJP rule and in the template namespace are caught and named."""
import numpy as np
import pytest

import symgrad as sg
from symgrad.crosscheck import CrossCheckError, ReplayError
from symgrad.ops.table import OPS

F = sg.nn.functional


def _t(rng, *shape, lo=-1.0, hi=1.0, dtype=sg.float64):
    return sg.tensor(rng.uniform(lo, hi, size=shape), dtype=dtype, requires_grad=True)


def _elementwise(rng):
    x, y, z = _t(rng, 3, 4), _t(rng, 3, 4), _t(rng, 4, lo=0.5, hi=2.0)
    out = (sg.exp(x) * sg.sin(y) + sg.log(sg.abs(x) + 1) - sg.cos(y) / (2 + sg.tanh(x))
           + sg.sigmoid(x * y) ** 2 + sg.relu(x - y) + sg.sqrt(y * y + 1) + sg.maximum(x, y) * sg.minimum(x, z)
           + sg.where(x > 0, x, y) + sg.atan2(x, z + 3) + sg.erf(x) + x.clamp(-0.5, 0.5) + F.softplus(y)
           + F.leaky_relu(x) + F.gelu(y) + F.silu(x) + F.elu(y) + sg.lerp(x, y, 0.3) + sg.expm1(x)
           + sg.log1p(z) + sg.rsqrt(z) + sg.reciprocal(z) + sg.sinh(x) * sg.cosh(y) + sg.asin(x * 0.5)
           + sg.atan(y) + z ** x + x ** 3 - 2.5 / z)
    return out.sum(), (x, y, z)


def _reductions_and_shapes(rng):
    a, b = _t(rng, 2, 3, 4), _t(rng, 4, 3)
    parts = [a.sum(0) @ b, a.mean((1, 2)).unsqueeze(1) * a.var(), a.max(1).values.sum() * a.amax(), a.std(2),
             sg.logsumexp(a, 2), sg.softmax(a, 1), F.log_softmax(a, -1), a.cumsum(2), a.cumprod(1),
             (a * 0.5 + 1).prod(2), a.permute(2, 0, 1).reshape(4, 6), a.transpose(0, 1).flatten(),
             a.view(6, 4)[1:4, ::2], sg.cat([a, a * 2], 1), sg.stack([b, b.flip(0)], 0), a.split(2, 2)[1],
             a.chunk(3, 1)[2] * b[:, 0], a[:, [0, 2]], a[a > 0], a.gather(2, sg.tensor([[[0, 3]] * 3] * 2)),
             a.masked_fill(a < 0, 0.5), a.index_select(2, sg.tensor([3, 0, 0])), a.narrow(1, 1, 2),
             sg.tril(b[:3]), sg.triu(b[:3], 1), sg.diagonal(a, 0, 1, 2), a.unsqueeze(0).expand(2, 2, 3, 4),
             a.repeat(1, 2, 1), a.squeeze(), sg.zeros(4, 3, dtype=sg.float64).scatter_add(0, sg.tensor([[0, 1, 2], [3, 3, 0]]), b[:2])]
    return sum(p.sum() * (k + 1) for k, p in enumerate(parts)), (a, b)


def _linalg(rng):
    A = sg.tensor(rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3), dtype=sg.float64, requires_grad=True)
    B, v = _t(rng, 3, 2), _t(rng, 3)
    out = (sg.matmul(A, B).sum() + (A @ v).pow(2).sum() + sg.einsum("ij,jk->ik", A, B).mean()
           + sg.inverse(A).sum() + sg.det(A) + sg.outer(v, v).sum() + sg.dot(v, v) + sg.trace(A)
           + sg.norm(B) + sg.linalg.inv(A).trace() + sg.mm(A, B).abs().sum())
    return out, (A, B, v)


def _inplace_and_views(rng):
    x, w = _t(rng, 4, 3), _t(rng, 3)
    y = x.clone()
    y.mul_(2)
    y[:, 1].add_(w[1])
    z = y.t() @ x
    q = (x * 1).view(3, 4)
    q[1] = q[1] * 3
    return (z * z).mean() + F.mse_loss(y, x) + F.l1_loss(x, y * 0.5) + (q[::2] ** 2).sum(), (x, w)


def _losses(rng):
    logits, p = _t(rng, 5, 4), _t(rng, 5, lo=0.1, hi=0.9)
    target = sg.tensor([0, 3, 1, 1, 2])
    out = (F.cross_entropy(logits, target) + F.nll_loss(F.log_softmax(logits, 1), target)
           + F.binary_cross_entropy(p, sg.tensor([0., 1., 1., 0., 1.], dtype=sg.float64))
           + F.binary_cross_entropy_with_logits(logits[:, 0], p.detach())
           + F.huber_loss(logits[:, 1], p) + F.smooth_l1_loss(logits[:, 2], p))
    return out, (logits, p)


GRAPHS = [_elementwise, _reductions_and_shapes, _linalg, _inplace_and_views, _losses]


@pytest.mark.parametrize("build", GRAPHS, ids=[g.__name__.strip("_") for g in GRAPHS])
def test_graphs_of_many_ops_agree_with_jax(build):
    out, leaves = build(np.random.default_rng(0))
    r = sg.crosscheck(out)
    assert r.ok, repr(r)
    assert len(r.leaves) == len(leaves)
    for lc in r.leaves:
        assert lc.numeric_rel < 1e-9, repr(r)
        if lc.closed_form is None:           # matrix inverses have no array code: opaque in closed forms
            assert build is _linalg and "inverse" in lc.closed_form_error
        else:
            assert lc.closed_rel < 1e-9, repr(r)
    assert r.forward_rel < 1e-12


def test_mlp_agrees_with_jax():
    sg.manual_seed(0)
    X = sg.randn(32, 784, dtype=sg.float64)
    y = sg.randint(0, 10, (32,))
    model = sg.nn.Sequential(sg.nn.Linear(784, 32), sg.nn.Tanh(), sg.nn.Linear(32, 10)).double()
    loss = F.cross_entropy(model(X), y)
    r = sg.crosscheck(loss)
    assert r.ok and r.max_rel < 1e-6, repr(r)
    assert {lc.name for lc in r.leaves} == {"model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"}
    assert all(lc.closed_form is not None for lc in r.leaves)
    # the JAX witness is independent of symgrad: compare it with a hand-written JAX model too
    import jax
    import jax.numpy as jnp
    with jax.enable_x64(True):
        W1, b1 = model[0].weight.detach().numpy(), model[0].bias.detach().numpy()
        W2, b2 = model[2].weight.detach().numpy(), model[2].bias.detach().numpy()

        def ref(W1):
            z = jnp.tanh(X.numpy() @ W1.T + b1) @ W2.T + b2
            return -jnp.mean(jax.nn.log_softmax(z)[jnp.arange(32), y.numpy()])
        g = np.asarray(jax.grad(ref)(jnp.asarray(W1)))
    np.testing.assert_allclose(r["model.0.weight"].jax, g, rtol=1e-10, atol=1e-14)


def test_float32_graph():
    rng = np.random.default_rng(1)
    x = _t(rng, 4, 5, dtype=sg.float32)
    r = sg.crosscheck(F.cross_entropy(x, sg.tensor([0, 1, 2, 3])))
    assert r.ok and r.rtol == 1e-3


def test_planted_wrong_vjp_is_named(monkeypatch):
    op = OPS["mul"]
    right = op.vjp
    monkeypatch.setattr(op, "vjp", (right[0], lambda xp, g, ans, a, b: 2 * g * a))   # d(a*b)/db is a, not 2a
    x = sg.tensor([0.5, -1.0, 2.0], dtype=sg.float64, requires_grad=True)
    w = sg.tensor([1.5, 0.25, -0.75], dtype=sg.float64, requires_grad=True)
    r = sg.crosscheck((sg.exp(x) * w).sum())
    assert not r
    assert r["x"].ok
    assert not r["w"].ok and r["w"].culprit.startswith("vjp rules")
    np.testing.assert_allclose(r["w"].jax, np.exp([0.5, -1.0, 2.0]))
    np.testing.assert_allclose(r["w"].numeric, 2 * np.exp([0.5, -1.0, 2.0]))
    assert [(o.grad_fn, o.op, o.input) for o in r.ops] == [("MulBackward0", "mul", 1)]
    assert "MulBackward0 (op 'mul') input 1" in repr(r)

    out = (sg.exp(x) * w).sum()
    with pytest.raises(CrossCheckError, match="MulBackward0"):
        out.backward(check=True)
    assert x.grad is None and w.grad is None          # nothing accumulated on a failed check


def test_planted_wrong_closed_form_is_named(monkeypatch):
    import symgrad.symbolic.ns as tns
    monkeypatch.setattr(tns, "cos", tns.sin)          # sin's VJP reads cos: only its closed form goes wrong
    x = sg.tensor([0.3, 1.1], dtype=sg.float64, requires_grad=True)
    r = sg.crosscheck(sg.sin(x).sum())
    assert not r and r["x"].culprit.startswith("closed form")
    np.testing.assert_allclose(r["x"].numeric, np.cos([0.3, 1.1]))
    np.testing.assert_allclose(r["x"].closed_form, np.sin([0.3, 1.1]))


def test_backward_check_passes_and_accumulates_as_usual():
    rng = np.random.default_rng(2)
    out, (x, y, z) = _elementwise(rng)
    out.backward(check=True)
    got = [t.grad.numpy().copy() for t in (x, y, z)]
    out2, (x2, y2, z2) = _elementwise(np.random.default_rng(2))
    out2.backward()
    for a, t in zip(got, (x2, y2, z2)):
        np.testing.assert_array_equal(a, t.grad.numpy())


def test_hooks_do_not_confuse_the_check():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    x.register_hook(lambda g: g * 10)
    y = x * 3
    y.retain_grad()
    out = (y * y).sum()
    out.backward(check=True)
    np.testing.assert_allclose(x.grad.numpy(), 10 * 18 * np.array([1.0, 2.0]))
    np.testing.assert_allclose(y.grad.numpy(), 2 * 3 * np.array([1.0, 2.0]))    # retained once, not twice


def test_non_scalar_output_needs_a_seed():
    x = sg.tensor([1.0, 2.0, 3.0], dtype=sg.float64, requires_grad=True)
    y = x * x
    with pytest.raises(RuntimeError, match="scalar"):
        sg.crosscheck(y)
    r = sg.crosscheck(y, gradient=sg.tensor([1.0, 0.5, 0.0], dtype=sg.float64))
    assert r.ok
    np.testing.assert_allclose(r["x"].jax, [2.0, 2.0, 0.0])


def test_what_cannot_be_replayed_is_a_clear_error():
    class Cube(sg.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a ** 3

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return 3 * a * a * g
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    with pytest.raises(ReplayError, match="custom autograd.Function"):
        sg.crosscheck(Cube.apply(x).sum(), closed_form=False)

    c = sg.tensor([1.0, 2.0], dtype=sg.float64)
    out = (x + c).sum()                               # no VJP reads c, so backward alone would not notice
    c.mul_(5)                                         # the constant the graph saw is gone
    with pytest.raises(ReplayError, match="modified in place"):
        sg.crosscheck(out)

    (x * 2).sum().backward()
    out = (x * x).sum()
    out.backward()                                    # freed, and x.grad holds two passes
    with pytest.raises(RuntimeError, match="freed"):
        sg.crosscheck(out)
    with pytest.raises(RuntimeError, match="require grad"):
        sg.crosscheck(x.detach() * 2)


def test_closed_form_of_overwritten_row_read_through_transpose():
    rng = np.random.default_rng(0)
    x, w = _t(rng, 2, 2), _t(rng, 2)
    y = x.clone()
    y[0] = w
    z = y.t() @ x
    r = sg.crosscheck((z * z).sum())
    assert r.ok and all(lc.closed_form is not None for lc in r.leaves), repr(r)


def test_after_backward_checks_the_grad_that_backward_left():
    rng = np.random.default_rng(5)
    out, (a, b) = _reductions_and_shapes(rng)
    out.backward()
    before = [a.grad.numpy().copy(), b.grad.numpy().copy()]
    r = sg.crosscheck(out)
    assert r.ok, repr(r)
    np.testing.assert_array_equal(a.grad.numpy(), before[0])     # .grad untouched
    np.testing.assert_array_equal(b.grad.numpy(), before[1])


def test_after_backward_refuses_an_accumulated_grad():
    rng = np.random.default_rng(6)
    x = _t(rng, 3)
    (x * x).sum().backward()
    out = (x.sin()).sum()
    out.backward()                  # x.grad now holds two passes
    with pytest.raises(RuntimeError, match="freed by backward"):
        sg.crosscheck(out)
    x.grad = None
    out2 = (x.exp() * 2).sum()
    out2.backward(retain_graph=True)
    x.grad.data.mul_(3)             # edited in place: not what backward produced
    out2.backward()
    with pytest.raises(RuntimeError, match="freed by backward"):
        sg.crosscheck(out2)


def test_duplicate_writes_are_undefined_not_a_mismatch():
    x = sg.tensor([1.0, 2.0, 3.0], dtype=sg.float64, requires_grad=True)
    src = sg.tensor([5.0, 6.0], dtype=sg.float64, requires_grad=True)
    out = (x.scatter(0, sg.tensor([1, 1]), src) * sg.tensor([1.0, 2.0, 3.0], dtype=sg.float64)).sum()
    r = sg.crosscheck(out, raise_on_mismatch=True)          # does not raise: nothing to blame
    assert not r and r.undefined == ["ScatterBackward0"] and "UNDEFINED" in repr(r)
    y = x * 1
    y[sg.tensor([0, 2])] = src                              # distinct positions: a real check
    r = sg.crosscheck((y * y).sum())
    assert r and r.undefined == []
