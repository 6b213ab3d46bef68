"""Specs of the losses and activations of ``symgrad.nn.functional``.

Class targets come from ``gen`` as integer-valued floats (every spec input is
handed over as a float tensor); ``fn`` and ``ref`` round them to integers, so
finite differences and JAX see zero derivative with respect to them.  Class
weights and ``pos_weight`` are constants: PyTorch does not differentiate them.
"""
import math

import numpy as np

from . import spec

W4 = np.array([0.5, 2.0, 1.0, 1.5])
IGNORE = 2


def _F(sg):
    import symgrad.nn.functional as F
    return F


def _const(sg, a, like):
    return sg.tensor(a, dtype=like.dtype)


def _labels(t):
    return t.detach().round().long()


def _ref_labels(xp, t):
    return xp.round(t).astype(np.int64)


def _ref_log_softmax(xp, x, axis):
    s = x - xp.max(x, axis=axis, keepdims=True)
    return s - xp.log(xp.sum(xp.exp(s), axis=axis, keepdims=True))


def _ref_reduce(xp, loss, reduction):
    return {"mean": xp.mean, "sum": xp.sum}[reduction](loss) if reduction != "none" else loss


def _erf(xp, a):
    if xp.__name__.startswith("jax"):
        return __import__("jax").scipy.special.erf(a)
    return np.vectorize(math.erf, otypes=[float])(a)


# ----------------------------------------------------------------- regression
PAIR = [((3, 4), (3, 4)), ((5,), (5,)), ((), ()), ((2, 3, 2), (2, 3, 2))]

for red in ("mean", "sum", "none"):
    spec(f"mse_loss_{red}", lambda sg, a, b, r=red: _F(sg).mse_loss(a, b, reduction=r),
         lambda xp, a, b, r=red: _ref_reduce(xp, (a - b) ** 2, r), PAIR)
    spec(f"l1_loss_{red}", lambda sg, a, b, r=red: _F(sg).l1_loss(a, b, reduction=r),
         lambda xp, a, b, r=red: _ref_reduce(xp, xp.abs(a - b), r), PAIR)
    spec(f"smooth_l1_loss_{red}", lambda sg, a, b, r=red: _F(sg).smooth_l1_loss(a, b, reduction=r, beta=0.5),
         lambda xp, a, b, r=red: _ref_reduce(
             xp, xp.where(xp.abs(a - b) < 0.5, (a - b) ** 2 / 1.0, xp.abs(a - b) - 0.25), r), PAIR)
    spec(f"huber_loss_{red}", lambda sg, a, b, r=red: _F(sg).huber_loss(a, b, reduction=r, delta=0.7),
         lambda xp, a, b, r=red: _ref_reduce(
             xp, xp.where(xp.abs(a - b) <= 0.7, 0.5 * (a - b) ** 2, 0.7 * xp.abs(a - b) - 0.245), r), PAIR)

W34 = np.linspace(0.5, 2.0, 12).reshape(3, 4)
spec("mse_loss_weighted", lambda sg, a, b: _F(sg).mse_loss(a, b, weight=_const(sg, W34, a)),
     lambda xp, a, b: xp.sum(W34 * (a - b) ** 2) / xp.sum(W34), [((3, 4), (3, 4))])
spec("l1_loss_weighted_sum", lambda sg, a, b: _F(sg).l1_loss(a, b, weight=_const(sg, W34, a), reduction="sum"),
     lambda xp, a, b: xp.sum(W34 * xp.abs(a - b)), [((3, 4), (3, 4))])


# ------------------------------------------------------------- nll / cross-entropy
def _class_input(rng, shapes, classes_axis=1, ignore=False):
    x, t = shapes
    c = x[classes_axis] if len(x) > 1 else x[0]
    labels = rng.integers(0, c, t).astype(float)
    if ignore and labels.size:
        labels.reshape(-1)[0] = IGNORE
    return [rng.uniform(-2, 2, x), labels]


def _ref_nll(xp, logp, t, weight, ignore_index, reduction):
    # per-element -w[t] * logp[t], with the class dim moved last
    ti = _ref_labels(xp, t)
    counted = ti != ignore_index
    safe = xp.where(counted, ti, 0)
    lp = logp if logp.ndim == 1 else xp.moveaxis(logp, 1, -1)
    picked = xp.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
    w = (xp.ones(lp.shape[-1]) if weight is None else xp.asarray(weight))[safe] * counted
    loss = -w * picked
    if reduction == "mean":
        return xp.sum(loss) / xp.sum(w)
    return xp.sum(loss) if reduction == "sum" else loss


NLL_SHAPES = [((5, 4), (5,)), ((4,), ()), ((2, 4, 3), (2, 3)), ((1, 4), (1,))]

for red in ("mean", "sum", "none"):
    spec(f"nll_loss_{red}", lambda sg, x, t, r=red: _F(sg).nll_loss(x, _labels(t), reduction=r),
         lambda xp, x, t, r=red: _ref_nll(xp, x, t, None, -100, r), NLL_SHAPES, gen=_class_input)
    spec(f"nll_loss_weight_ignore_{red}",
         lambda sg, x, t, r=red: _F(sg).nll_loss(x, _labels(t), weight=_const(sg, W4, x), ignore_index=IGNORE,
                                                  reduction=r),
         lambda xp, x, t, r=red: _ref_nll(xp, x, t, W4, IGNORE, r), [((5, 4), (5,)), ((2, 4, 3), (2, 3))],
         gen=lambda rng, shapes: _class_input(rng, shapes, ignore=True))


def _ref_cross_entropy(xp, x, q, weight, denom):
    # -sum_c w_c q_c log_softmax(x)_c over the class dim, summed and divided by ``denom``
    logp = _ref_log_softmax(xp, x, 1 if x.ndim > 1 else 0)
    w = 1.0 if weight is None else xp.asarray(weight).reshape((-1,) + (1,) * (x.ndim - 2))
    return -xp.sum(w * q * logp) / denom


def _ref_ce_labels(xp, x, t, weight, smoothing, ignore_index=-100):
    c = x.shape[1] if x.ndim > 1 else x.shape[0]
    ti = _ref_labels(xp, t)
    counted = ti != ignore_index
    safe = xp.where(counted, ti, 0)
    onehot = (safe[:, None] == xp.arange(c).reshape((1, c) + (1,) * (x.ndim - 2))) * 1.0
    q = ((1 - smoothing) * onehot + smoothing / c) * counted[:, None]
    wt = (xp.ones(c) if weight is None else xp.asarray(weight))[safe] * counted
    return _ref_cross_entropy(xp, x, q, weight, xp.sum(wt))


spec("cross_entropy", lambda sg, x, t: _F(sg).cross_entropy(x, _labels(t)),
     lambda xp, x, t: _ref_ce_labels(xp, x, t, None, 0.0), [((5, 4), (5,)), ((2, 4, 3), (2, 3))],
     gen=_class_input)
spec("cross_entropy_weight_ignore_smoothing",
     lambda sg, x, t: _F(sg).cross_entropy(x, _labels(t), weight=_const(sg, W4, x), ignore_index=IGNORE,
                                           label_smoothing=0.2),
     lambda xp, x, t: _ref_ce_labels(xp, x, t, W4, 0.2, IGNORE), [((5, 4), (5,)), ((2, 4, 3), (2, 3))],
     gen=lambda rng, shapes: _class_input(rng, shapes, ignore=True))
def _simplex(rng, shape):
    # class probabilities along dim 1
    q = rng.dirichlet(np.ones(shape[1]), (shape[0],) + shape[2:])
    return np.ascontiguousarray(np.moveaxis(q, -1, 1))


spec("cross_entropy_probabilities", lambda sg, x, q: _F(sg).cross_entropy(x, q),
     lambda xp, x, q: _ref_cross_entropy(xp, x, q, None, x.size // x.shape[1]),
     [((5, 4), (5, 4)), ((2, 4, 3), (2, 4, 3))],
     gen=lambda rng, shapes: [rng.uniform(-2, 2, shapes[0]), _simplex(rng, shapes[0])])
spec("cross_entropy_probabilities_weight_smoothing",
     lambda sg, x, q: _F(sg).cross_entropy(x, q, weight=_const(sg, W4, x), label_smoothing=0.3, reduction="sum"),
     lambda xp, x, q: _ref_cross_entropy(xp, x, 0.7 * q + 0.3 / 4, W4, 1.0), [((5, 4), (5, 4))],
     gen=lambda rng, shapes: [rng.uniform(-2, 2, shapes[0]), rng.dirichlet(np.ones(4), 5)])


# ------------------------------------------------------------------ binary
def _probabilities(rng, shapes):
    return [rng.uniform(0.05, 0.95, shapes[0]), rng.uniform(0, 1, shapes[1])]


def _ref_bce(xp, p, t, w, reduction):
    loss = -(t * xp.log(p) + (1 - t) * xp.log(1 - p))
    return _ref_reduce(xp, loss if w is None else loss * w, reduction)


def _ref_bce_logits(xp, x, t, w, pw, reduction):
    log_p, log_1mp = -xp.logaddexp(0, -x), -xp.logaddexp(0, x)
    loss = -((1.0 if pw is None else pw) * t * log_p + (1 - t) * log_1mp)
    return _ref_reduce(xp, loss if w is None else loss * w, reduction)


BIN = [((3, 4), (3, 4)), ((5,), (5,)), ((), ())]
for red in ("mean", "sum", "none"):
    spec(f"binary_cross_entropy_{red}", lambda sg, p, t, r=red: _F(sg).binary_cross_entropy(p, t, reduction=r),
         lambda xp, p, t, r=red: _ref_bce(xp, p, t, None, r), BIN, gen=_probabilities)
    spec(f"binary_cross_entropy_with_logits_{red}",
         lambda sg, x, t, r=red: _F(sg).binary_cross_entropy_with_logits(x, t, reduction=r),
         lambda xp, x, t, r=red: _ref_bce_logits(xp, x, t, None, None, r), BIN,
         gen=lambda rng, shapes: [rng.uniform(-6, 6, shapes[0]), rng.uniform(0, 1, shapes[1])])
spec("binary_cross_entropy_weight",
     lambda sg, p, t: _F(sg).binary_cross_entropy(p, t, weight=_const(sg, W4, p)),
     lambda xp, p, t: _ref_bce(xp, p, t, W4, "mean"), [((3, 4), (3, 4))], gen=_probabilities)
spec("binary_cross_entropy_with_logits_weights",
     lambda sg, x, t: _F(sg).binary_cross_entropy_with_logits(x, t, weight=_const(sg, W4[::-1].copy(), x),
                                                              pos_weight=_const(sg, W4, x), reduction="sum"),
     lambda xp, x, t: _ref_bce_logits(xp, x, t, W4[::-1].copy(), W4, "sum"), [((3, 4), (3, 4))],
     gen=lambda rng, shapes: [rng.uniform(-6, 6, shapes[0]), rng.uniform(0, 1, shapes[1])])
spec("binary_cross_entropy_with_logits_large", lambda sg, x, t: _F(sg).binary_cross_entropy_with_logits(x, t),
     lambda xp, x, t: _ref_bce_logits(xp, x, t, None, None, "mean"), [((6,), (6,))],
     gen=lambda rng, shapes: [np.array([-800., -40., -1., 1., 40., 800.]), rng.uniform(0, 1, shapes[1])])


# ------------------------------------------------------------- activations
spec("gelu", lambda sg, a: _F(sg).gelu(a), lambda xp, a: a * 0.5 * (1 + _erf(xp, a / math.sqrt(2))),
     [((3, 4),), ((),), ((0,),)], domain=(-4.0, 4.0))
spec("gelu_tanh", lambda sg, a: _F(sg).gelu(a, approximate="tanh"),
     lambda xp, a: 0.5 * a * (1 + xp.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a ** 3))),
     [((3, 4),), ((),)], domain=(-4.0, 4.0))
spec("silu", lambda sg, a: _F(sg).silu(a), lambda xp, a: a / (1 + xp.exp(-a)), [((3, 4),), ((),)],
     domain=(-6.0, 6.0))
spec("linear", lambda sg, x, w, b: _F(sg).linear(x, w, b), lambda xp, x, w, b: x @ w.T + b,
     [((5, 3), (2, 3), (2,)), ((3,), (2, 3), (2,)), ((2, 4, 3), (2, 3), (2,))])
spec("linear_no_bias", lambda sg, x, w: _F(sg).linear(x, w), lambda xp, x, w: x @ w.T, [((5, 3), (2, 3))])
spec("dropout_eval", lambda sg, x: _F(sg).dropout(x, 0.5, training=False) * 1.0, lambda xp, x: x * 1.0,
     [((3, 4),)])
