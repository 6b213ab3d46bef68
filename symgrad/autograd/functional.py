"""Derivatives of whole functions, as ``torch.autograd.functional``.

Each function differentiates ``func(*inputs)`` with reverse mode; forward-mode
products (``jvp``, ``hvp``) use the double-vjp trick: the vjp is linear in its
cotangent ``u``, so differentiating it with respect to ``u`` against ``v``
gives ``J v``.  Return structures follow PyTorch: a Tensor where the user gave
a Tensor, a tuple where they gave a tuple (nested ``[output][input]``).
"""
import numpy as np

from .. import engine
from ..tensor import Tensor, _wrap

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x, arg_name, fn_name):
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, el in enumerate(xs):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors "
                            f"but the {where} has type {type(el)}.")
    return is_tuple, xs


def _unpack(res, is_tuple):
    return res if is_tuple else res[0]


def _prep(inputs, create_graph):
    # fresh tensors that require grad; under create_graph they stay connected
    # to the caller's graph so the result can be differentiated further
    out = tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(True)
                for x in inputs)
    import weakref
    for o, x in zip(out, inputs):
        o.__dict__["_alias"] = weakref.ref(x)     # closed forms show the caller's name for it
    return out


def _post(ts, create_graph):
    return tuple(ts) if create_graph else tuple(_detach_keeping_form(t) for t in ts)


def _detach_keeping_form(t):
    # the result is a constant for autograd, but its closed form stays known
    d = t.detach()
    d._gsrc = t._gsrc if t._gsrc is not None else ([("tensor", t)] if t._node is not None else None)
    return d


def _validate_v(v, other, other_is_tuple):
    if len(other) != len(v):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}.")


def _grads(outputs, inputs, grad_outputs, create_graph):
    """Gradients of ``outputs`` w.r.t. ``inputs``; None where one is unused.
    Outputs that do not require grad contribute nothing."""
    from . import grad
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gos = zip(*pairs)
    return grad(list(outs), list(inputs), list(gos), retain_graph=True, create_graph=create_graph,
                allow_unused=True)


def _zeros(like):
    return _wrap(np.zeros(like._data.shape, like._data.dtype))


def _fill(grads, refs, strict, message):
    out = []
    for i, (g, r) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(message.format(i))
            g = _zeros(r)
        out.append(g)
    return tuple(out)


_INDEPENDENT = ("The output of the user-provided function is independent of input {}. This is not allowed in "
                "strict mode.")


def _check_outputs_differentiable(outputs, strict):
    if strict:
        for i, o in enumerate(outputs):
            if not o.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The "
                                   "outputs must be computed in a differentiable manner from the input when "
                                   "running in strict mode.")


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T J)``: the vector-Jacobian product.

    >>> import symgrad as sg
    >>> out, g = sg.autograd.functional.vjp(lambda x: x ** 2, sg.tensor([1., 2.]), sg.tensor([1., 1.]))
    >>> g
    tensor([2., 4.])
    """
    with engine.enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prep(inputs, create_graph)
        is_out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs_differentiable(outputs, strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            _validate_v(v, outputs, is_out_tuple)
        else:
            if len(outputs) != 1 or outputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function returns a "
                                   "single Tensor with a single element.")
            v = (None,)
        res = _fill(_grads(outputs, inputs, v, create_graph), inputs, strict, _INDEPENDENT)
    return _unpack(_post(outputs, create_graph), is_out_tuple), _unpack(_post(res, create_graph), is_in_tuple)


def _linear_transpose(outs, cotangents, v, create_graph):
    """``v`` pushed through the map ``cotangents -> outs`` (linear): ``d(outs)/d(cotangents) . v``."""
    from . import grad
    pairs = [(o, w) for o, w in zip(outs, v) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(cotangents)
    os_, vs = zip(*pairs)
    return grad(list(os_), list(cotangents), list(vs), retain_graph=True, create_graph=create_graph,
                allow_unused=True)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), J v)``: the Jacobian-vector product (double-vjp trick).

    >>> import symgrad as sg
    >>> out, t = sg.autograd.functional.jvp(lambda x: x ** 3, sg.tensor([1., 2.]), sg.tensor([1., 0.]))
    >>> t
    tensor([3., 0.])
    """
    with engine.enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prep(inputs, create_graph)
        if v is not None:
            _, v = _as_tuple(v, "v", "jvp")
            _validate_v(v, inputs, is_in_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        else:
            v = (_wrap(np.ones(inputs[0]._data.shape, inputs[0]._data.dtype)),)
        is_out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs_differentiable(outputs, strict)
        u = tuple(_zeros(o).requires_grad_(True) if o.is_floating_point() else _zeros(o) for o in outputs)
        vjps = _grads(outputs, inputs, u, create_graph=True)
        if strict:
            _fill(vjps, inputs, strict, _INDEPENDENT)
        res = _linear_transpose(vjps, [w for w in u if w.requires_grad], v, create_graph)
        res = iter(res)
        res = tuple(next(res) if w.requires_grad else None for w in u)
        res = _fill(res, outputs, False, "")
    return _unpack(_post(outputs, create_graph), is_out_tuple), _unpack(_post(res, create_graph), is_out_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape``,
    nested ``[output][input]`` when ``func`` returns or takes tuples.

    >>> import symgrad as sg
    >>> sg.autograd.functional.jacobian(lambda x: x ** 2, sg.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                         'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                         'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
                                  "implemented for `vectorize=True`.")
    from ..ops.shape import stack, reshape
    with engine.enable_grad():
        is_in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prep(inputs, create_graph)
        is_out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        jac = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            flat = np.zeros(out._data.size, out._data.dtype)
            for e in range(out._data.size):
                flat[e] = 1
                gs = _grads((out,), inputs, (_wrap(flat.reshape(out._data.shape).copy()),), create_graph)
                flat[e] = 0
                for j, g in enumerate(gs):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of "
                                               f"input {j}. This is not allowed in strict mode.")
                        g = _zeros(inputs[j])
                    rows[j].append(g)
            per_input = []
            for j, x in enumerate(inputs):
                shape = tuple(out.shape) + tuple(x.shape)
                if rows[j]:
                    J = reshape(stack(rows[j]), shape)
                    if J._node is None and all(r._gsrc is not None for r in rows[j]):
                        J._gsrc = [("stack", list(rows[j]))]     # its closed form: the rows' closed forms
                    per_input.append(J)
                else:
                    per_input.append(_wrap(np.zeros(shape, x._data.dtype)))
            jac.append(_post(per_input, create_graph))
    jac = tuple(jac)
    if not is_in_tuple:
        jac = tuple(r[0] for r in jac)
    return jac if is_out_tuple else jac[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar ``func``: shape ``input.shape + input.shape``,
    nested ``[input_i][input_j]`` when ``inputs`` is a tuple.

    >>> import symgrad as sg
    >>> sg.autograd.functional.hessian(lambda x: (x ** 3).sum(), sg.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    is_in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def scalar_func(*inp):
        out = func(*inp)
        is_out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if is_out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if outs[0].numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        return outs[0].reshape(())

    def jac_func(*inp):
        return jacobian(scalar_func, inp, create_graph=True)

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    if not is_in_tuple:
        return res[0][0]
    return res


def _scalar_and_grad(func, inputs, v, create_graph, strict, name):
    is_in_tuple, inputs = _as_tuple(inputs, "inputs", name)
    inputs = _prep(inputs, create_graph)
    if v is not None:
        _, v = _as_tuple(v, "v", name)
        _validate_v(v, inputs, is_in_tuple)
    elif len(inputs) != 1 or inputs[0].numel() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                           "single Tensor with a single element.")
    else:
        v = (_wrap(np.ones(inputs[0]._data.shape, inputs[0]._data.dtype)),)
    out = func(*inputs)
    is_out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", name)
    if is_out_tuple:
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if outs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {name} should contain a single element")
    _check_outputs_differentiable(outs, strict)
    jac = _grads(outs, inputs, (None,), create_graph=True)
    if strict:
        _fill(jac, inputs, strict, _INDEPENDENT)
    return is_in_tuple, inputs, v, outs[0], jac


_JAC_INDEPENDENT = ("The jacobian of the user-provided function is independent of input {}. This is not allowed "
                    "in strict mode.")


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T H)`` for a scalar ``func``.

    >>> import symgrad as sg
    >>> out, r = sg.autograd.functional.vhp(lambda x: (x ** 3).sum(), sg.tensor([1., 2.]), sg.tensor([1., 1.]))
    >>> r
    tensor([ 6., 12.])
    """
    with engine.enable_grad():
        is_in_tuple, inputs, v, out, jac = _scalar_and_grad(func, inputs, v, create_graph, strict, "vhp")
        res = _linear_transpose(jac, inputs, v, create_graph)
        res = _fill(res, inputs, strict, _JAC_INDEPENDENT)
    return _post((out,), create_graph)[0], _unpack(_post(res, create_graph), is_in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), H v)`` for a scalar ``func`` (double-vjp trick).

    >>> import symgrad as sg
    >>> out, r = sg.autograd.functional.hvp(lambda x: (x[0] ** 2 * x[1]), sg.tensor([1., 2.]), sg.tensor([1., 0.]))
    >>> r
    tensor([4., 2.])
    """
    with engine.enable_grad():
        is_in_tuple, inputs, v, out, jac = _scalar_and_grad(func, inputs, v, create_graph, strict, "hvp")
        u = tuple(_zeros(x).requires_grad_(True) for x in inputs)
        back = _linear_transpose(jac, inputs, u, create_graph=True)
        res = _linear_transpose(back, u, v, create_graph)
        res = _fill(res, inputs, strict, _JAC_INDEPENDENT)
    return _post((out,), create_graph)[0], _unpack(_post(res, create_graph), is_in_tuple)
