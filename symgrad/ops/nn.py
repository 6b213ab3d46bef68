"""Loss functions and activations of ``symgrad.nn.functional`` that are
primitives: each has PyTorch's ``grad_fn`` name and one formula per input.

Non-differentiable arguments (class targets, class weights, ``pos_weight``)
are inputs without gradient edges; the public functions check them and reduce
``ignore_index``/``weight`` of ``nll_loss`` to one weight per target.
"""
import math

import numpy as np

from .table import Op
from ._util import call, user_warning
from ..tensor import Tensor, _wrap
from .. import dtypes as _dt
from .. import engine


# ============================================================ reduction
def _reduce(xp, loss, reduction):
    if reduction == "mean":
        return xp.mean(loss)
    if reduction == "sum":
        return xp.sum(loss)
    return loss


def _scaled(g, reduction, shape):
    # cotangent of one element of the unreduced loss
    return g / math.prod(shape) if reduction == "mean" else g


def _weighted(v, w):
    return v if w is None else v * w


def reduction_of(size_average, reduce, reduction):
    """The ``reduction`` string, honouring the deprecated ``size_average`` /
    ``reduce`` flags as PyTorch does."""
    if size_average is not None or reduce is not None:
        user_warning("size_average and reduce args will be deprecated, please use reduction='"
                     f"{_legacy(size_average, reduce)}' instead.")
        return _legacy(size_average, reduce)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _legacy(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else "mean" if size_average else "sum"


# ============================================================ regression
def _mse_vjp(xp, g, ans, a, b, reduction):
    d = a - b
    return _scaled(g, reduction, d.shape) * 2 * d


def _smooth_l1_fwd(xp, a, b, reduction, beta):
    d = a - b
    ad = xp.abs(d)
    return _reduce(xp, xp.where(ad < beta, (0.5 / beta) * d * d, ad - 0.5 * beta), reduction)


def _smooth_l1_vjp(xp, g, ans, a, b, reduction, beta):
    d = a - b
    # as PyTorch's: the linear branch includes |d| == beta, and NaN passes through
    return _scaled(g, reduction, d.shape) * xp.where(d <= -beta, -1.0, xp.where(d >= beta, 1.0, d / beta))


def _huber_fwd(xp, a, b, reduction, delta):
    d = a - b
    ad = xp.abs(d)
    return _reduce(xp, xp.where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta)), reduction)


def _huber_vjp(xp, g, ans, a, b, reduction, delta):
    d = a - b
    return _scaled(g, reduction, d.shape) * xp.where(d <= -delta, -delta, xp.where(d >= delta, delta, d))


mse_loss_op = Op("mse_loss", "MseLossBackward0",
                 lambda xp, a, b, reduction: _reduce(xp, (a - b) * (a - b), reduction),
                 (_mse_vjp, lambda xp, g, ans, a, b, reduction: -_mse_vjp(xp, g, None, a, b, reduction)),
                 dtypes="promote")
smooth_l1_loss_op = Op("smooth_l1_loss", "SmoothL1LossBackward0", _smooth_l1_fwd,
                       (_smooth_l1_vjp,
                        lambda xp, g, ans, a, b, reduction, beta: -_smooth_l1_vjp(xp, g, None, a, b, reduction, beta)),
                       dtypes="promote")
huber_loss_op = Op("huber_loss", "HuberLossBackward0", _huber_fwd,
                   (_huber_vjp,
                    lambda xp, g, ans, a, b, reduction, delta: -_huber_vjp(xp, g, None, a, b, reduction, delta)),
                   dtypes="promote")


# ======================================================= classification
def _nll_fwd(xp, x, t, w, reduction, cdim, spatial=False):
    picked = xp.squeeze(xp.gather(x, cdim, xp.expand_dims(t, cdim)), cdim)
    loss = xp.where(w == 0, 0, -(picked * w))      # an ignored row counts 0, even if it holds inf or nan
    if reduction == "mean":
        return xp.sum(loss) / xp.sum(w)
    return _reduce(xp, loss, reduction)


def _nll_vjp(xp, g, ans, x, t, w, reduction, cdim, spatial=False):
    # ``w`` is the weight of each target (zero where ignored); a batch with
    # every target ignored has a nan loss but, as PyTorch, a zero gradient.
    # An ignored target's entry is exactly 0, whatever the upstream gradient
    if reduction == "mean":
        total = xp.sum(w)
        g = g / xp.where(total == 0, 1, total)
    gw = xp.where(w == 0, 0, -g * w)
    return xp.scatter_add(x.shape, gw.dtype, cdim, xp.expand_dims(t, cdim), xp.expand_dims(gw, cdim))


def _log_clamped(xp, v):
    # log(v) clamped below at -100, as PyTorch's binary_cross_entropy, and
    # without evaluating log(0)
    pos = v > 0
    return xp.where(pos, xp.maximum(xp.log(xp.where(pos, v, 1)), -100), -100)


def _bce_fwd(xp, x, t, w, reduction):
    loss = -(t * _log_clamped(xp, x) + (1 - t) * _log_clamped(xp, 1 - x))
    return _reduce(xp, _weighted(loss, w), reduction)


_BCE_EPS = float(np.float32(1e-12))


def _bce_vjp_x(xp, g, ans, x, t, w, reduction):
    # PyTorch's guard against 0 * inf at x in {0, 1} (its epsilon is the float32 nearest 1e-12)
    d = (x - t) / xp.maximum(x * (1 - x), _BCE_EPS)
    return _scaled(g, reduction, x.shape) * _weighted(d, w)


def _bce_vjp_t(xp, g, ans, x, t, w, reduction):
    d = xp.log(1 - x) - xp.log(x)        # unclamped, as PyTorch (inf at x in {0, 1})
    return _scaled(g, reduction, x.shape) * _weighted(d, w)


def _softplus_neg(xp, x):
    # log(1 + exp(-x)) without overflow
    return xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)


def _bce_logits_fwd(xp, x, t, w, pw, reduction):
    lw = 1 if pw is None else 1 + (pw - 1) * t
    loss = (1 - t) * x + lw * _softplus_neg(xp, x)
    return _reduce(xp, _weighted(loss, w), reduction)


def _bce_logits_vjp_x(xp, g, ans, x, t, w, pw, reduction):
    d = xp.sigmoid(x) - t if pw is None else (1 + (pw - 1) * t) * xp.sigmoid(x) - pw * t
    return _scaled(g, reduction, x.shape) * _weighted(d, w)


def _bce_logits_vjp_t(xp, g, ans, x, t, w, pw, reduction):
    d = -x if pw is None else (pw - 1) * _softplus_neg(xp, x) - x
    return _scaled(g, reduction, x.shape) * _weighted(d, w)


# ``spatial``: inputs with dims beyond (N, C), which PyTorch runs as nll_loss2d
nll_loss_op = Op("nll_loss", lambda p: "NllLoss2DBackward0" if p.get("spatial") else "NllLossBackward0",
                 _nll_fwd, (_nll_vjp, None, None))
binary_cross_entropy_op = Op("binary_cross_entropy", "BinaryCrossEntropyBackward0", _bce_fwd,
                             (_bce_vjp_x, _bce_vjp_t, None), dtypes="promote")
binary_cross_entropy_with_logits_op = Op("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
                                         _bce_logits_fwd, (_bce_logits_vjp_x, _bce_logits_vjp_t, None, None),
                                         dtypes="promote")


# =========================================================== activations
_SQRT_2_PI = math.sqrt(2 / math.pi)


def _gelu_fwd(xp, a, approximate):
    if approximate == "tanh":
        return 0.5 * a * (1 + xp.tanh(_SQRT_2_PI * (a + 0.044715 * a * a * a)))
    return 0.5 * a * (1 + xp.erf(a * (1 / math.sqrt(2))))


def _gelu_vjp(xp, g, ans, a, approximate):
    if approximate == "tanh":
        th = xp.tanh(_SQRT_2_PI * (a + 0.044715 * a * a * a))
        return g * (0.5 * (1 + th) + 0.5 * a * (1 - th * th) * _SQRT_2_PI * (1 + 3 * 0.044715 * a * a))
    return g * (0.5 * (1 + xp.erf(a * (1 / math.sqrt(2)))) + a * xp.exp(-0.5 * a * a) * (1 / math.sqrt(2 * math.pi)))


def _silu_vjp(xp, g, ans, a):
    s = xp.sigmoid(a)
    return g * s * (1 + a * (1 - s))


gelu_op = Op("gelu", "GeluBackward0", _gelu_fwd, (_gelu_vjp,))
silu_op = Op("silu", "SiluBackward0", lambda xp, a: a * xp.sigmoid(a), (_silu_vjp,))


# ======================================================= public functions


def _no_grad_arg(t, fn, arg):
    if isinstance(t, Tensor) and t.requires_grad and engine.is_grad_enabled():
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. "
                           "This input cannot have requires_grad True.")


def _broadcasts_into(input, other, other_first=False):
    a, b = input._data.shape, other._data.shape
    engine.broadcast_error(*((b, a) if other_first else (a, b)))
    shape = np.broadcast_shapes(a, b)
    if shape != a:
        raise RuntimeError(f"output with shape {list(a)} doesn't match the broadcast shape {list(shape)}")


def _float_result(input, target, kernel):
    dt = _dt.result_type(input, target)
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt.scalar_name}\'')


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        user_warning(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                     "This will likely lead to incorrect results due to broadcasting. Please ensure they have "
                     "the same size.")
        engine.broadcast_error(input._data.shape, target._data.shape)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error ``(input - target) ** 2``, reduced by ``reduction``
    (``"mean"``, ``"sum"`` or ``"none"``).

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.mse_loss(sg.tensor([1., 2.], requires_grad=True), sg.tensor([0., 0.]))
    tensor(2.5000, grad_fn=<MseLossBackward0>)
    """
    reduction = reduction_of(size_average, reduce, reduction)
    _warn_size(input, target)
    if weight is not None:
        return _weighted_loss((input - target) ** 2, input, weight, reduction)
    _float_result(input, target, "mse_cpu")
    return call(mse_loss_op, input, target, reduction=reduction)


def _reduce_tensor(t, reduction):
    return t.mean() if reduction == "mean" else t.sum() if reduction == "sum" else t


def _weighted_loss(loss, input, weight, reduction):
    # elementwise weights: "mean" is the weighted mean, as PyTorch's mse_loss and l1_loss
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    return loss.sum() / weight.sum() if reduction == "mean" else _reduce_tensor(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error ``|input - target|``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.l1_loss(sg.tensor([1., -3.]), sg.tensor([0., 0.]), reduction="sum")
    tensor(4.)
    """
    reduction = reduction_of(size_average, reduce, reduction)
    _warn_size(input, target)
    if weight is not None:
        return _weighted_loss((input - target).abs(), input, weight, reduction)
    return _reduce_tensor((input - target).abs(), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """``0.5 * d ** 2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.smooth_l1_loss(sg.tensor([0.5, 3.]), sg.tensor([0., 0.]), reduction="none")
    tensor([0.1250, 2.5000])
    """
    reduction = reduction_of(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    _warn_size(input, target)
    _float_result(input, target, "smooth_l1_cpu")
    return call(smooth_l1_loss_op, input, target, reduction=reduction, beta=float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 * d ** 2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 * delta)``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.huber_loss(sg.tensor([0.5, 3.]), sg.tensor([0., 0.]), reduction="none", delta=2.)
    tensor([0.1250, 4.0000])
    """
    reduction = reduction_of(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_size(input, target)
    _float_result(input, target, "huber_cpu")
    if weight is not None:
        return _reduce_tensor(call(huber_loss_op, input, target, reduction="none", delta=float(delta)) * weight,
                              reduction)
    return call(huber_loss_op, input, target, reduction=reduction, delta=float(delta))


def _check_target(target):
    if not isinstance(target, Tensor) or target._data.dtype not in (np.int64, np.uint8):
        got = target.dtype.scalar_name if isinstance(target, Tensor) else type(target).__name__
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {got}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class-index ``target`` under log-probabilities
    ``input`` of shape ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``.  ``weight``
    rescales each class; targets equal to ``ignore_index`` contribute nothing,
    and ``"mean"`` divides by the total weight of the counted targets.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> logp = sg.tensor([[-0.5, -1.0], [-2.0, -0.1]], requires_grad=True)
    >>> F.nll_loss(logp, sg.tensor([0, 1]))
    tensor(0.3000, grad_fn=<NllLossBackward0>)
    """
    reduction = reduction_of(size_average, reduce, reduction)
    nd = input._data.ndim
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    ts = target._data.shape
    n = input._data.shape[0]
    if nd == 1:
        if len(ts) == 1 and ts[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {ts[0]}")
        if len(ts) > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif nd == 2 and len(ts) > 1:
        if ts[0] != n:
            raise ValueError(f"Expected input batch_size ({n}) to match target batch_size ({ts[0]}).")
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif (ts[0] if ts else 0) != n:
        raise ValueError(f"Expected input batch_size ({n}) to match target batch_size ({ts[0] if ts else 0}).")
    elif nd > 2 and ts != input._data.shape[:1] + input._data.shape[2:]:
        raise RuntimeError(f"Expected target size {list(input._data.shape[:1] + input._data.shape[2:])}, "
                           f"got {list(ts)}")
    _check_target(target)
    if input._data.dtype.kind != "f":
        kernel = "nll_loss2d_forward_out_frame" if nd > 2 else "nll_loss_out_frame"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype.scalar_name}\'')
    cdim = 0 if nd == 1 else 1
    c = input._data.shape[cdim]
    if weight is not None:
        _no_grad_arg(weight, "nll_loss_forward", "weight")
        if weight._data.shape != (c,):
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(weight._data.shape)}")
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found "
                               f"{weight.dtype.scalar_name}")
    t = target._data.reshape(ts[1:] if nd == 1 else ts)
    if t.dtype != np.int64:
        t = t.astype(np.int64)
    dt = input._data.dtype
    if weight is None and not 0 <= ignore_index < c and t.size and 0 <= t.min() and t.max() < c:
        safe, tw, every = t, np.ones(t.shape, dt), True     # the common case: every target a class
    else:
        counted = t != ignore_index
        bad = counted & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {t[bad].reshape(-1)[0]} is out of bounds.")
        safe = np.where(counted, t, 0)
        tw = counted.astype(dt) if weight is None else np.where(counted, weight._data[safe], 0).astype(dt)
        every = counted.all()
    # the target itself where it can serve: closed forms then show its name
    plain = every and target._data.dtype == np.int64 and target._data.shape == t.shape
    safe_t = target if plain else _wrap(safe)
    # (all targets ignored: 0 / 0 is nan, silently, as the engine runs numpy quietly)
    if nd <= 2:
        return call(nll_loss_op, input, safe_t, _wrap(tw), reduction=reduction, cdim=cdim)
    r = call(nll_loss_op, input, safe_t, _wrap(tw), reduction=reduction, cdim=cdim, spatial=True)
    # PyTorch reshapes other than 4-d inputs to 4-d and the unreduced loss back
    return r.view(r.shape) if reduction == "none" and nd != 4 else r


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Cross-entropy of logits ``input`` against class indices or class
    probabilities ``target``: ``log_softmax`` over the class dim followed by
    ``nll_loss`` (or, for probabilities, ``-sum(target * log_softmax)``).
    ``label_smoothing`` mixes the target with the uniform distribution.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> logits = sg.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
    >>> F.cross_entropy(logits, sg.tensor([0]))
    tensor(0.2413, grad_fn=<NllLossBackward0>)
    """
    reduction = reduction_of(size_average, reduce, reduction)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    nd = input._data.ndim
    soft = isinstance(target, Tensor) and tuple(target.shape) == tuple(input.shape)
    if soft and target._data.dtype.kind != "f":
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{target.dtype.scalar_name}")
    if soft and ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    cdim = 0 if nd == 1 else 1
    c = input._data.shape[cdim]
    if input._data.dtype.kind != "f":
        kernel = "log_softmax_lastdim_kernel_impl" if cdim == nd - 1 else "log_softmax_kernel_impl"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype.scalar_name}\'')
    logp = input.log_softmax(cdim)
    if soft:
        return _soft_cross_entropy(logp, target, weight, reduction, label_smoothing, cdim, c)
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing <= 0:           # as PyTorch: a negative smoothing is none
        return loss
    t = target._data.reshape(target._data.shape[nd == 1:])
    counted = t != ignore_index
    per_class = logp if weight is None else logp * weight.reshape((c,) + (1,) * (nd - 1 - cdim))
    from .elementwise import where
    smooth = -where(_wrap(counted), per_class.sum(cdim), 0.0)
    if reduction == "mean":
        denom = counted.sum() if weight is None else weight._data[t[counted].astype(np.int64)].sum()
        # nothing counted: NaN, as PyTorch, with a zero gradient rather than 0 * inf
        smooth = smooth.sum() / _wrap(np.asarray(denom, logp._data.dtype)) if denom else \
            smooth.sum() + _wrap(np.asarray(np.nan, logp._data.dtype))
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / c)


def _soft_cross_entropy(logp, target, weight, reduction, label_smoothing, cdim, c):
    if weight is not None:
        _no_grad_arg(weight, "cross_entropy", "weight")
        if weight._data.shape != (c,):
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(weight._data.shape)}")
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / c
    prod = logp * target
    if weight is not None:
        prod = prod * weight.reshape((c,) + (1,) * (logp._data.ndim - 1 - cdim))
    if reduction == "sum":
        return -prod.sum()
    loss = -prod.sum(cdim)
    if reduction == "mean":
        return loss.sum() / (logp._data.size // c if c else 0.0)
    return loss


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy of probabilities ``input`` in [0, 1]; each log is
    clamped at -100, so the loss stays finite at 0 and 1.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.binary_cross_entropy(sg.tensor([0.8, 0.1]), sg.tensor([1., 0.]))
    tensor(0.1643)
    """
    reduction = reduction_of(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.scalar_name} but expected {input.dtype.scalar_name}")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"binary_cross_entropy" not implemented for \'{input.dtype.scalar_name}\'')
    if weight is not None:
        _no_grad_arg(weight, "binary_cross_entropy", "weight")
        _broadcasts_into(input, weight)
    x = input._data
    if ((x < 0) | (x > 1)).any() or np.isnan(x).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    return call(binary_cross_entropy_op, input, target, weight, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """Binary cross-entropy of ``sigmoid(input)``, computed stably from the
    logits; ``pos_weight`` weights the positive term (one value per class,
    broadcast along the last dim).

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.binary_cross_entropy_with_logits(sg.tensor([100., -2.]), sg.tensor([1., 0.]))
    tensor(0.0635)
    """
    reduction = reduction_of(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _float_result(input, target, "log_sigmoid_cpu")
    for arg, name in ((weight, "weight"), (pos_weight, "pos_weight")):
        if arg is not None:
            _no_grad_arg(arg, "binary_cross_entropy_with_logits", name)
            _broadcasts_into(input, arg, arg is pos_weight)
    dt = _dt.result_type(input, target)         # as PyTorch, the weights do not widen the loss
    weight, pos_weight = (w if w is None or w.dtype is dt else w.to(dt) for w in (weight, pos_weight))
    return call(binary_cross_entropy_with_logits_op, input, target, weight, pos_weight, reduction=reduction)


def _float_activation(input, kernel):
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype.scalar_name}\'')


def gelu(input, approximate="none"):
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate="tanh"`` uses
    the tanh approximation.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.gelu(sg.tensor([-1., 0., 1.]))
    tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_activation(input, "GeluKernelImpl")
    return call(gelu_op, input, approximate=approximate)


def silu(input, inplace=False):
    """Sigmoid linear unit ``x * sigmoid(x)``.

    >>> import symgrad as sg
    >>> import symgrad.nn.functional as F
    >>> F.silu(sg.tensor([0., 1.]))
    tensor([0.0000, 0.7311])
    """
    _float_activation(input, "silu_cpu")
    if inplace:
        return engine.call_inplace(silu_op, input, (), {})
    return call(silu_op, input)
