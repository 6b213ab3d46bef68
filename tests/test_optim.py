"""``symgrad.optim`` against numpy reimplementations of the published update
equations, driven by the same sequence of gradients."""
import math

import numpy as np
import pytest

import symgrad as sg
import symgrad.nn as nn


def sgd_reference(p, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    """SGD with momentum (Sutskever et al.), as documented for torch.optim.SGD."""
    p = p.copy()
    trajectory, buf = [], None
    for g in grads:
        g = -g if maximize else g
        g = g + weight_decay * p
        if momentum:
            buf = g.copy() if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
        trajectory.append(p)
    return trajectory


def adam_reference(p, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False,
                   decoupled_weight_decay=False):
    """Adam (Kingma & Ba, Algorithm 1) with bias-corrected moments; AMSGrad
    (Reddi et al.) keeps the running maximum of the second moment; decoupled
    weight decay is AdamW's (Loshchilov & Hutter)."""
    b1, b2 = betas
    p = p.copy()
    m, v, vmax = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    trajectory = []
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if decoupled_weight_decay:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = np.maximum(vmax, v)
        m_hat = m / (1 - b1 ** t)
        v_hat = (vmax if amsgrad else v) / (1 - b2 ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        trajectory.append(p)
    return trajectory


def run(opt_cls, p0, grads, dtype=sg.float64, **kw):
    p = nn.Parameter(sg.tensor(p0, dtype=dtype))
    opt = opt_cls([p], **kw)
    out = []
    for g in grads:
        p.grad = sg.tensor(g, dtype=dtype)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


def _problem(seed=0, steps=8):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((3, 4)), [rng.standard_normal((3, 4)) for _ in range(steps)]


SGD_CASES = [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
             dict(lr=0.05, momentum=0.8, nesterov=True), dict(lr=0.1, weight_decay=0.05),
             dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True)]
ADAM_CASES = [dict(lr=0.01), dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), dict(lr=0.01, amsgrad=True),
              dict(lr=0.01, betas=(0.9, 0.5), amsgrad=True), dict(lr=0.01, weight_decay=0.1),
              dict(lr=0.02, betas=(0.9, 0.5), amsgrad=True, weight_decay=0.05, maximize=True),
              dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)]


@pytest.mark.parametrize("kw", SGD_CASES, ids=str)
def test_sgd_matches_reference(kw):
    p0, grads = _problem()
    for got, want in zip(run(sg.optim.SGD, p0, grads, **kw), sgd_reference(p0, grads, **kw)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kw", ADAM_CASES, ids=str)
def test_adam_matches_reference(kw):
    p0, grads = _problem(1)
    if kw.get("amsgrad"):
        # shrinking gradients make the running maximum differ from the current second moment
        grads = [g * 0.5 ** k for k, g in enumerate(grads)]
    for got, want in zip(run(sg.optim.Adam, p0, grads, **kw), adam_reference(p0, grads, **kw)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_amsgrad_differs_from_adam_on_shrinking_gradients():
    p0, grads = _problem(2)
    grads = [g * 0.5 ** k for k, g in enumerate(grads)]
    plain = run(sg.optim.Adam, p0, grads, lr=0.01, betas=(0.9, 0.5))[-1]
    ams = run(sg.optim.Adam, p0, grads, lr=0.01, betas=(0.9, 0.5), amsgrad=True)[-1]
    assert np.abs(plain - ams).max() > 1e-3


@pytest.mark.parametrize("opt_cls,ref,kw", [(sg.optim.SGD, sgd_reference, dict(lr=0.1, momentum=0.9)),
                                            (sg.optim.Adam, adam_reference, dict(lr=0.01, amsgrad=True))])
def test_float32_parameters_stay_float32(opt_cls, ref, kw):
    p0, grads = _problem(3)
    got = run(opt_cls, p0.astype(np.float32), [g.astype(np.float32) for g in grads], sg.float32, **kw)
    want = ref(p0.astype(np.float32).astype(np.float64), [g.astype(np.float32).astype(np.float64) for g in grads],
               **kw)
    assert got[-1].dtype == np.float32
    np.testing.assert_allclose(got[-1], want[-1], rtol=1e-5, atol=1e-6)


def test_minimises_a_quadratic_through_backward():
    target = sg.tensor([1.0, -2.0, 3.0], dtype=sg.float64)
    for opt_cls, kw in ((sg.optim.SGD, dict(lr=0.1, momentum=0.5)), (sg.optim.Adam, dict(lr=0.1))):
        w = sg.zeros(3, dtype=sg.float64, requires_grad=True)
        opt = opt_cls([w], **kw)
        for _ in range(300):
            opt.zero_grad()
            ((w - target) ** 2).sum().backward()
            opt.step()
        np.testing.assert_allclose(w.detach().numpy(), target.numpy(), atol=1e-3)


def test_param_groups_and_missing_grads():
    a = nn.Parameter(sg.ones(2, dtype=sg.float64))
    b = nn.Parameter(sg.ones(2, dtype=sg.float64))
    c = nn.Parameter(sg.ones(2, dtype=sg.float64))
    opt = sg.optim.SGD([{"params": [a]}, {"params": [b, c], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[0]["momentum"] == 0 and opt.param_groups[1]["momentum"] == 0.9
    a.grad = sg.ones(2, dtype=sg.float64)
    b.grad = sg.ones(2, dtype=sg.float64)
    opt.step()
    assert a.tolist() == [0.9, 0.9] and b.tolist() == [0.5, 0.5] and c.tolist() == [1.0, 1.0]
    assert c not in opt.state and "momentum_buffer" in opt.state[b]


def test_zero_grad():
    p = nn.Parameter(sg.ones(2))
    (p * 2).sum().backward()
    opt = sg.optim.Adam([p])
    opt.zero_grad(set_to_none=False)
    assert p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_closure_and_version_counter():
    w = nn.Parameter(sg.tensor([2.0], dtype=sg.float64))
    opt = sg.optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 4.0 and w.item() == 1.0
    y = w * w          # saves w for its backward
    w.grad = sg.ones(1, dtype=sg.float64)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_state_dict_round_trip_continues_the_same_trajectory():
    p0, grads = _problem(4, steps=6)
    full = run(sg.optim.Adam, p0, grads, lr=0.01, amsgrad=True)
    p = nn.Parameter(sg.tensor(p0, dtype=sg.float64))
    opt = sg.optim.Adam([p], lr=0.01, amsgrad=True)
    for g in grads[:3]:
        p.grad = sg.tensor(g)
        opt.step()
    saved = opt.state_dict()
    assert saved["param_groups"][0]["params"] == [0] and saved["state"][0]["step"].item() == 3
    fresh = sg.optim.Adam([p], lr=0.5)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.01
    for g in grads[3:]:
        p.grad = sg.tensor(g)
        fresh.step()
    np.testing.assert_array_equal(p.detach().numpy(), full[-1])


def test_repr():
    opt = sg.optim.SGD([nn.Parameter(sg.ones(1))], lr=0.1, momentum=0.9)
    assert repr(opt) == ("SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n    foreach: None\n"
                         "    fused: None\n    lr: 0.1\n    maximize: False\n    momentum: 0.9\n    nesterov: False\n"
                         "    weight_decay: 0\n)")


def test_argument_errors():
    p = nn.Parameter(sg.ones(1))
    cases = [
        (lambda: sg.optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
        (lambda: sg.optim.SGD(p, lr=0.1), TypeError,
         "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
         "symgrad.FloatTensor"),
        (lambda: sg.optim.SGD([p], lr=-0.1), ValueError, "Invalid learning rate: -0.1"),
        (lambda: sg.optim.SGD([p], lr=0.1, momentum=-1), ValueError, "Invalid momentum value: -1"),
        (lambda: sg.optim.SGD([p], lr=0.1, weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
        (lambda: sg.optim.SGD([p], lr=0.1, nesterov=True), ValueError,
         "Nesterov momentum requires a momentum and zero dampening"),
        (lambda: sg.optim.Adam([p], betas=(1.0, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.0"),
        (lambda: sg.optim.Adam([p], betas=(0.9, 1.0)), ValueError, "Invalid beta parameter at index 1: 1.0"),
        (lambda: sg.optim.Adam([p], eps=-1), ValueError, "Invalid epsilon value: -1"),
        (lambda: sg.optim.SGD([{"params": [p]}, {"params": [p]}], lr=1), ValueError,
         "some parameters appear in more than one parameter group"),
        (lambda: sg.optim.SGD([p * 2], lr=1), ValueError, "can't optimize a non-leaf Tensor"),
        (lambda: sg.optim.SGD([{"params": {p}}], lr=1), TypeError,
         "ordering of tensors in sets will change between runs"),
    ]
    for fn, exc, text in cases:
        with pytest.raises(exc, match=text.replace("(", r"\(").replace(")", r"\)")):
            fn()
    assert math.isclose(sg.optim.SGD([p]).defaults["lr"], 1e-3)
