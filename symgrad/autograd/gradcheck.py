"""Finite-difference checks of gradients, with PyTorch's defaults."""
import warnings
import numpy as np

from ..tensor import Tensor, _wrap


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients differ."""


def _as_tuple(x):
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)]


def _numerical(func, inputs, k, eps):
    x = inputs[k]
    data = x._data          # perturbed in place, element by element (works for any strides)
    outs0 = _outputs(func, inputs)
    cols = [np.zeros((data.size, o._data.size)) for o in outs0]
    for i, idx in enumerate(np.ndindex(*data.shape)):
        orig = data[idx]
        data[idx] = orig + eps
        plus = [o._data.astype(np.float64).reshape(-1).copy() for o in _outputs(func, inputs)]
        data[idx] = orig - eps
        minus = [o._data.astype(np.float64).reshape(-1).copy() for o in _outputs(func, inputs)]
        data[idx] = orig
        for j, (p, m) in enumerate(zip(plus, minus)):
            cols[j][i] = (p - m) / (2 * eps)
    return cols


def _analytical(func, inputs, diff_idx):
    from . import grad
    outs = _outputs(func, inputs)
    jac = {(j, k): np.zeros((inputs[k]._data.size, o._data.size)) for j, o in enumerate(outs) for k in diff_idx}
    for j, o in enumerate(outs):
        if not o.requires_grad:
            continue
        for e in range(o._data.size):
            gout = np.zeros(o._data.size, o._data.dtype)
            gout[e] = 1
            gs = grad(o, [inputs[k] for k in diff_idx], _wrap(gout.reshape(o._data.shape)), retain_graph=True,
                      allow_unused=True)
            for k, g in zip(diff_idx, gs):
                if g is not None:
                    if tuple(g.shape) != tuple(inputs[k].shape):
                        raise GradcheckError(f"Analytical gradient has incorrect size for input {k}")
                    if g.dtype is not inputs[k].dtype:
                        raise GradcheckError(f"Gradient has dtype mismatch for input {k}")
                    jac[(j, k)][:, e] = g._data.reshape(-1)
    return outs, jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """Compare gradients from backward with central finite differences.

    >>> import symgrad as sg
    >>> x = sg.tensor([0.3, 0.7], dtype=sg.float64, requires_grad=True)
    >>> sg.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    diff_idx = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for k in diff_idx:
        if inputs[k].dtype.name != "float64":
            warnings.warn(f"Input #{k} requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision "
                          "floating point. ", UserWarning, stacklevel=2)
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    outs, ana = _analytical(func, inputs, diff_idx)
    diff_out = [j for j, o in enumerate(outs) if o.requires_grad]
    for k in diff_idx:
        num = _numerical(func, inputs, k, eps)
        if not diff_out:            # nothing differentiable: the function must not move with the inputs
            if any(not np.allclose(n, 0, rtol=rtol, atol=atol) for n in num):
                return _fail("Numerical gradient for function expected to be zero", raise_exception)
            continue
        for j in diff_out:
            a, n = ana[(j, k)], num[j]
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=False):
                msg = (f"Jacobian mismatch for output {j} with respect to input {k},\n"
                       f"numerical:{_wrap(n.T.copy())}\nanalytical:{_wrap(a.T.copy())}\n")
                return _fail(msg, raise_exception)
    if diff_out and not _scales_with_grad_output(outs, inputs, diff_idx):
        return _fail("backward not multiplied by grad_output", raise_exception)
    return True


def _fail(msg, raise_exception):
    if raise_exception:
        raise GradcheckError(msg)
    return False


def _scales_with_grad_output(outs, inputs, diff_idx):
    # a zero grad_output must give zero gradients (a backward that ignores it
    # passes the Jacobian check when grad_output is one-hot)
    from . import grad
    os_ = [o for o in outs if o.requires_grad]
    gs = grad(os_, [inputs[k] for k in diff_idx], [_wrap(np.zeros_like(o._data)) for o in os_], retain_graph=True,
              allow_unused=True)
    return all(g is None or not g._data.any() for g in gs)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """Check second derivatives: ``gradcheck`` of the gradient computed with
    ``create_graph=True``.

    >>> import symgrad as sg
    >>> x = sg.tensor([0.3, 0.7], dtype=sg.float64, requires_grad=True)
    >>> sg.autograd.gradgradcheck(lambda t: (t ** 3).sum(), (x,))
    True
    """
    from . import grad
    inputs = _as_tuple(inputs)
    diff_idx = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(_wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype)).requires_grad_()
                             for o in outs if o.requires_grad)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def new_func(*args):
        ins, gos = args[:n_in], args[n_in:]
        os_ = [o for o in _outputs(func, ins) if o.requires_grad]
        gs = grad(os_, [ins[k] for k in diff_idx], list(gos), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
