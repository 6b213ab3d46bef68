"""Small programs over the op families, each leaving gradients whose closed
forms are printed and parsed back (tests/test_verify_roundtrip.py)."""
import numpy as np

import symgrad as sg
import symgrad.nn.functional as F


def _leaf(name, *shape, seed=0, positive=False):
    v = np.random.default_rng(seed).standard_normal(shape)
    if positive:
        v = np.abs(v) + 0.5
    return sg.tensor(v, requires_grad=True, name=name)


def _w(*shape, seed=7):
    return sg.tensor(np.random.default_rng(seed).standard_normal(shape), name="w")


def p_poly():
    x = _leaf("x", 3)
    return (x * x * 3 + 2 * x).sum(), [x]


def p_transcendental():
    x, y = _leaf("x", 3), _leaf("y", 3, seed=1, positive=True)
    return (sg.tanh(x) * sg.sigmoid(x) + sg.log(y) * sg.exp(x) + sg.sqrt(y) / (y * y + 1)).sum(), [x, y]


def p_relu_abs():
    x = _leaf("x", 4)
    return (sg.relu(x) * _w(4) + x.abs()).sum(), [x]


def p_clamp():
    x = _leaf("x", 4)
    return (x.clamp(-0.5, 0.5) * _w(4)).sum(), [x]


def p_where():
    x = _leaf("x", 4)
    return (sg.where(x > 0, x * x, -x) * _w(4)).sum(), [x]


def p_mean_dim():
    x = _leaf("x", 2, 3)
    return x.mean(1).pow(2).sum(), [x]


def p_max():
    x = _leaf("x", 5)
    return x.max() * 2, [x]


def p_max_dim():
    x = _leaf("x", 2, 3)
    return (x.max(dim=1).values * _w(2)).sum(), [x]


def p_min_dim():
    x = _leaf("x", 3, 2)
    return (x.amin(0) ** 2).sum(), [x]


def p_softmax():
    x = _leaf("x", 2, 3)
    return (F.softmax(x, dim=1) * _w(2, 3)).sum(), [x]


def p_log_softmax():
    x = _leaf("x", 2, 3)
    return (F.log_softmax(x, dim=1) * _w(2, 3)).sum(), [x]


def p_logsumexp():
    x = _leaf("x", 2, 3)
    return x.logsumexp(1).sum(), [x]


def p_cumsum():
    x = _leaf("x", 4)
    return (x.cumsum(0) ** 2).sum(), [x]


def p_cumprod():
    x = _leaf("x", 4)
    return (x.cumprod(0) * _w(4)).sum(), [x]


def p_prod():
    x = _leaf("x", 3, positive=True)
    return x.prod(), [x]


def p_var():
    x = _leaf("x", 5)
    return x.var(), [x]


def p_reshape_t():
    x = _leaf("x", 6)
    return (x.reshape(2, 3).t() * _w(3, 2)).sum(), [x]


def p_slice():
    x = _leaf("x", 6)
    return (x[1:5:2] ** 2).sum() + x[3:][0] * x[:2].sum(), [x]


def p_cat_stack():
    x, y = _leaf("x", 2), _leaf("y", 3, seed=1)
    c = sg.cat([x, y * y])
    return (c * _w(5)).sum() + sg.stack([x, x * 2]).pow(2).sum(), [x, y]


def p_flip_roll():
    x = _leaf("x", 4)
    return (x.flip(0) * _w(4)).sum() + (x.roll(1, 0) ** 3).sum(), [x]


def p_index_tensor():
    x = _leaf("x", 4)
    idx = sg.tensor([0, 2, 2])
    return x[idx].pow(2).sum(), [x]


def p_index_2d():
    x = _leaf("x", 3, 2)
    idx = sg.tensor([2, 0])
    return (x[idx, 1] * _w(2)).sum(), [x]


def p_gather():
    x = _leaf("x", 2, 3)
    idx = sg.tensor([[0, 2], [1, 1]])
    return (x.gather(1, idx) ** 2).sum(), [x]


def p_index_select():
    x = _leaf("x", 3, 2)
    idx = sg.tensor([2, 2, 0])
    return (x.index_select(0, idx) * _w(3, 2)).sum(), [x]


def p_scatter_add():
    x, s = _leaf("x", 4), _leaf("s", 3, seed=1)
    idx = sg.tensor([1, 3, 1])
    return (x.scatter_add(0, idx, s * s) * _w(4)).sum(), [x, s]


def p_setitem():
    x, y = _leaf("x", 4), _leaf("y", 1, seed=1)
    z = x * 1
    z[1] = y[0] * 3
    return (z * z).sum(), [x, y]


def p_masked_fill():
    x = _leaf("x", 4)
    return (x.masked_fill(x < 0, 0.5) * x).sum(), [x]


def p_matmul():
    a, b = _leaf("a", 2, 3), _leaf("b", 3, 2, seed=1)
    return ((a @ b) ** 2).sum(), [a, b]


def p_mlp():
    X = sg.tensor(np.random.default_rng(3).standard_normal((4, 3)), name="X")
    W, b = _leaf("W", 2, 3), _leaf("b", 2, seed=1)
    return sg.tanh(F.linear(X, W, b)).pow(2).mean(), [W, b]


def p_norm():
    x = _leaf("x", 3)
    return x.norm(), [x]


def p_mse_l1():
    x = _leaf("x", 4)
    t = sg.tensor(np.arange(4.0), name="t")
    return F.mse_loss(x, t) + F.l1_loss(x * 2, t), [x]


def p_smooth_l1():
    x = _leaf("x", 4)
    t = sg.tensor(np.arange(4.0) / 4, name="t")
    return F.smooth_l1_loss(x, t) + F.huber_loss(x, t, delta=0.3), [x]


def p_cross_entropy():
    x = _leaf("x", 3, 4)
    target = sg.tensor([0, 3, 1], name="target")
    return F.cross_entropy(x, target), [x]


def p_nll():
    x = _leaf("x", 3, 4)
    target = sg.tensor([2, 0, 2], name="target")
    return F.nll_loss(F.log_softmax(x, dim=1), target), [x]


def p_bce():
    x = _leaf("x", 3)
    t = sg.tensor(np.array([0.0, 1.0, 0.5]), name="t")
    return F.binary_cross_entropy(sg.sigmoid(x), t) + F.binary_cross_entropy_with_logits(x, t), [x]


def p_activations():
    x = _leaf("x", 4)
    return (F.leaky_relu(x, 0.1) + F.elu(x) + F.softplus(x)).sum(), [x]


def p_broadcast_permute():
    x, b = _leaf("x", 2, 3, 2), _leaf("b", 3, seed=1)
    return ((x.permute(2, 0, 1) + b) ** 2 * _w(2, 2, 3)).sum(), [x, b]


def p_einsum_bmm():
    a, b = _leaf("a", 2, 2, 3), _leaf("b", 2, 3, 2, seed=1)
    return sg.einsum("bij,bjk->bik", a, b).pow(2).sum() + sg.bmm(a, b).sum(), [a, b]


def p_std_cumsum2d():
    x = _leaf("x", 2, 3)
    return x.std(1).sum() + (x.cumsum(1) * _w(2, 3)).sum(), [x]


def p_scatter():
    x, s = _leaf("x", 2, 3), _leaf("s", 2, 2, seed=1)
    idx = sg.tensor([[2, 0], [1, 2]])
    return (x.scatter(1, idx, s * 3) ** 2).sum(), [x, s]


def p_index_put():
    x, v = _leaf("x", 4), _leaf("v", 2, seed=1)
    z = x * 1
    z[sg.tensor([3, 0])] = v * v
    return (z * _w(4)).sum(), [x, v]


def opaque_det_inv():
    a = _leaf("a", 2, 2)
    return sg.linalg.det(a) + sg.linalg.inv(a).sum(), [a]


PROGRAMS = {name[2:]: f for name, f in sorted(globals().items()) if name.startswith("p_")}
# ops with no shape-generic closed form print named opaque functions (det, inverse), which no text can name
OPAQUE = {"det_inv": opaque_det_inv}


def gradients(name):
    """Run program ``name`` and return ``[(leaf name, leaf.grad, gradients)]``
    where ``gradients`` is what ``backward()`` returned."""
    out, leaves = {**PROGRAMS, **OPAQUE}[name]()
    shown = out.backward()
    return [(leaf.name, leaf.grad, shown) for leaf in leaves]


def printed(grad, shown, leaf_name):
    """Every text a user sees for ``grad``'s closed form."""
    import symgrad as sg
    texts = {"str": str(grad.expr), "repr": repr(grad.expr)}
    for line in repr(shown).splitlines():
        if "=" in line and f"/∂{leaf_name}" in line.split("=")[0]:
            texts["backward"] = line.split(" = ", 1)[1].split("  →  ")[0]
    texts["verdict"] = repr(sg.verify(grad, grad.expr, points=0, timeout=0)).splitlines()[0].split(" = ", 1)[1]
    return texts
