"""``symgrad.autograd``: backward, grad, Function, functional, gradcheck,
anomaly detection — PyTorch's ``torch.autograd`` face over symgrad's engine."""
import numpy as np

from .. import engine
from ..tensor import Tensor, _wrap
from ..engine import no_grad, enable_grad, set_grad_enabled, is_grad_enabled  # noqa: F401


def _seq(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _root_grads(outputs, grad_outputs, create_graph):
    if not (len(grad_outputs) == 1 == len(outputs) and grad_outputs[0] is None):     # (the usual backward())
        for g in grad_outputs:
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if len(grad_outputs) != len(outputs):
            raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    grads = []
    for k, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if t._node is None and not t._rg:
            raise RuntimeError(f"element {k} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if t._data.dtype.kind != "f":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{t.dtype}")
            arr = np.array(1, t._data.dtype).reshape(t._data.shape)     # np.ones is 5x slower at this size
            grads.append(_wrap(arr) if create_graph else arr)
            continue
        if g._data.shape != t._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{k}] has a shape of {g.shape} and output[{k}] "
                               f"has a shape of {t.shape}.")
        if create_graph:
            grads.append(g.to(t.dtype))
        else:
            grads.append(np.array(g._data, dtype=t._data.dtype, copy=True))
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None, check=False):
    """Accumulate gradients of ``tensors`` into the leaves' ``.grad``.

    With ``check=True`` the gradients are first cross-checked against JAX
    (``symgrad.crosscheck``); a disagreement raises ``CrossCheckError`` and
    leaves ``.grad`` untouched.

    >>> import symgrad as sg
    >>> x = sg.tensor([1., 2.], requires_grad=True)
    >>> _ = sg.autograd.backward(x * x, sg.ones(2)); x.grad
    tensor([2., 4.])
    """
    tensors = _seq(tensors)
    grads = _seq(grad_tensors) or [None] * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_grads(tensors, grads, create_graph)
    ins = _seq(inputs)
    if ins is not None and not ins:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    for t in ins or ():
        t.retain_grad()         # as PyTorch: a non-leaf input's .grad is filled, and each must require grad
    seeds = grads
    if check:
        from ..crosscheck import crosscheck
        for t, g in zip(tensors, grads):
            crosscheck(t, None, g, raise_on_mismatch=True)
    tls = engine._tls
    prev = tls.grad
    tls.grad = bool(create_graph)
    try:
        leaves = None
        if ins is None and not create_graph and len(tensors) == 1:
            leaves = engine.backward_one_node(tensors[0], roots[0], retain_graph, seeds)
        if leaves is None:
            engine.run_backward(tensors, roots, retain_graph, create_graph, inputs=ins, accumulate=True,
                                seeds=seeds)
    finally:
        tls.grad = prev
    return _gradients(tensors, ins if leaves is None else leaves)


def scalar_backward(t, retain_graph):
    """``t.backward()`` of a one-element float ``t`` made by a node (the usual
    loss): ``backward``'s checks reduced to what can fail here."""
    a = t._data
    if a.size != 1 or a.dtype.kind != "f" or t._node is None:
        return backward(t, None, retain_graph)
    g = np.array(1, a.dtype).reshape(a.shape)     # np.ones is 5x slower at this size
    tls = engine._tls
    prev = tls.grad
    tls.grad = False
    try:
        leaves = engine.backward_one_node(t, g, retain_graph, None)
        if leaves is None:
            engine.run_backward([t], [g], bool(retain_graph), False, accumulate=True, seeds=[None])
    finally:
        tls.grad = prev
    return _gradients((t,), leaves)


def _gradients(roots, leaves):
    # replaced by symbolic.gradients.Gradients on first use (kept out of ``import symgrad``)
    global _gradients
    from ..symbolic.gradients import Gradients as _gradients
    return _gradients(roots, leaves)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated).

    >>> import symgrad as sg
    >>> x = sg.tensor(3., requires_grad=True)
    >>> sg.autograd.grad(x ** 3, x)
    (tensor(27.),)
    """
    outs = _seq(outputs)
    ins = _seq(inputs)
    if not ins:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    for t in ins:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    gouts = _seq(grad_outputs) or [None] * len(outs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    roots = _root_grads(outs, gouts, create_graph)
    seeds = gouts
    with set_grad_enabled(create_graph):
        res = engine.run_backward(outs, roots, retain_graph, create_graph, inputs=ins, accumulate=False,
                                  allow_unused=allow_unused, seeds=seeds)
    if materialize_grads:
        res = [r if r is not None else _wrap(np.zeros(t._data.shape, t._data.dtype)) for r, t in zip(res, ins)]
    return tuple(res)


from .anomaly import set_detect_anomaly, detect_anomaly  # noqa: E402,F401
from .function import Function  # noqa: E402,F401
from . import functional  # noqa: E402,F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402,F401
