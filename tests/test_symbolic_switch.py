"""sg.set_symbolic: switching the closed-form bookkeeping off keeps the
numbers and makes closed forms of the gradients computed meanwhile unknown."""
import numpy as np
import pytest

import symgrad as sg


@pytest.fixture
def symbolic_off():
    sg.set_symbolic(False)
    try:
        yield
    finally:
        sg.set_symbolic(True)


def _loss(x, c):
    return ((x * c - 1.0) ** 2).sum() + (x > 0).float().sum() * 0.0


def test_on_by_default_and_switchable():
    assert sg.is_symbolic_enabled()
    sg.set_symbolic(False)
    try:
        assert not sg.is_symbolic_enabled()
    finally:
        sg.set_symbolic(True)
    assert sg.is_symbolic_enabled()


def test_numbers_do_not_depend_on_the_switch():
    c = sg.tensor([2.0, -1.0, 0.5], dtype=sg.float64)
    grads = []
    for on in (True, False):
        sg.set_symbolic(on)
        try:
            x = sg.tensor([0.3, -0.2, 1.5], dtype=sg.float64, requires_grad=True)
            _loss(x, c).backward()
            g2, = sg.autograd.grad((x ** 3).sum(), x)
            grads.append((x.grad.numpy(), g2.numpy()))
        finally:
            sg.set_symbolic(True)
    np.testing.assert_array_equal(grads[0][0], grads[1][0])
    np.testing.assert_array_equal(grads[0][1], grads[1][1])


def test_closed_form_of_a_gradient_computed_while_off_raises(symbolic_off):
    x = sg.tensor(3.0, dtype=sg.float64, requires_grad=True)
    (x ** 2).backward()
    assert x.grad.item() == 6.0
    with pytest.raises(RuntimeError, match="symbolic recording"):
        x.grad.expr
    g, = sg.autograd.grad(x ** 3, x)
    assert g.item() == 27.0
    with pytest.raises(RuntimeError, match="symbolic recording"):
        g.expr


def test_seed_loop_runs_while_off(symbolic_off):
    x = sg.tensor(10.0, dtype=sg.float64, requires_grad=True)
    for _ in range(100):
        if x.grad is not None:
            x.grad.data.zero_()
        f = x ** 2
        f.backward()
        x.data = x.data - 0.001 * x.grad
    np.testing.assert_allclose(x.item(), 10.0 * 0.998 ** 100, rtol=1e-12)
    with pytest.raises(RuntimeError, match="symbolic recording"):
        x.grad.expr


def test_a_gradient_accumulated_partly_while_off_has_no_closed_form():
    x = sg.tensor([1.0, 2.0], requires_grad=True)
    sg.set_symbolic(False)
    try:
        (x * x).sum().backward()
    finally:
        sg.set_symbolic(True)
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 7.0])
    with pytest.raises(RuntimeError, match="symbolic recording"):
        x.grad.expr


def test_back_on_closed_forms_return():
    sg.set_symbolic(False)
    sg.set_symbolic(True)
    x = sg.tensor(3.0, dtype=sg.float64, requires_grad=True)
    (x ** 2).backward()
    assert str(x.grad.expr) == "2*x"


def test_zeroed_gradient_recomputed_while_on_has_its_closed_form():
    x = sg.tensor(3.0, dtype=sg.float64, requires_grad=True)
    sg.set_symbolic(False)
    try:
        (x ** 2).backward()
    finally:
        sg.set_symbolic(True)
    x.grad.data.zero_()
    (x ** 3).backward()
    assert x.grad.item() == 27.0
    assert str(x.grad.expr) == "3*x**2"
