"""Deep graphs, reference cycles and the release of saved values."""
import gc
import sys
import tracemalloc
import weakref

import numpy as np
import pytest

import symgrad as sg


def test_long_chain_backward_has_no_recursion_limit():
    n = 100_000
    x = sg.tensor(1.0, dtype=sg.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.0001 ** n, rtol=1e-9)
    del y
    gc.collect()


def test_long_chain_with_fan_in_to_one_leaf():
    n = 20_000
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = y + x
    g, = sg.autograd.grad(y.sum(), x, create_graph=False)
    np.testing.assert_array_equal(g.numpy(), [n + 1.0, n + 1.0])


def _descent_step(x):
    f = x ** 2
    x.grad.data.zero_()
    f.backward()
    x.data = x.data - 0.001 * x.grad


@pytest.fixture
def gc_disabled():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_gradient_descent_loop_forms_no_reference_cycles(gc_disabled):
    # with the cycle collector off, any cycle per step would pile up: memory
    # grows, and gc.collect() afterwards finds the garbage
    x = sg.tensor(5.0, dtype=sg.float64, requires_grad=True)
    x.grad = sg.zeros((), dtype=sg.float64)
    for _ in range(1_000):
        _descent_step(x)
    blocks = sys.getallocatedblocks()
    for _ in range(20_000):
        _descent_step(x)
    grown = sys.getallocatedblocks() - blocks
    assert gc.collect() < 10
    assert grown < 200
    np.testing.assert_allclose(x.item(), 5.0 * (1 - 0.002) ** 21_000, rtol=1e-9)


def test_gradient_descent_loop_keeps_traced_memory_flat(gc_disabled):
    x = sg.tensor([5.0, -3.0], requires_grad=True)
    x.grad = sg.zeros(2)
    for _ in range(200):
        _descent_step_sum(x)
    tracemalloc.start()
    try:
        for _ in range(200):
            _descent_step_sum(x)
        early = tracemalloc.get_traced_memory()[0]
        for _ in range(2_000):
            _descent_step_sum(x)
        late = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert late - early < 16_384
    assert gc.collect() < 10


def _descent_step_sum(x):
    f = (x ** 2).sum()
    x.grad.data.zero_()
    f.backward()
    x.data = x.data - 0.001 * x.grad


def test_graph_dies_with_its_output(gc_disabled):
    x = sg.ones(3, requires_grad=True)
    y = (x.exp() * x).sin().sum()
    node = weakref.ref(y.grad_fn)
    del y
    assert node() is None                     # freed by reference counting alone


def test_saved_values_released_after_backward():
    x = sg.ones(1000, dtype=sg.float64, requires_grad=True)
    h = x.exp()                               # ExpBackward saves its output
    out_arr = weakref.ref(h._data)
    m = h * h                                 # MulBackward saves h
    saved_tensor = weakref.ref(h)
    s = m.sum()
    del h, m
    assert saved_tensor() is not None and out_arr() is not None
    s.backward()
    assert saved_tensor() is None and out_arr() is None
    assert s.grad_fn is not None              # the graph skeleton stays


def test_saved_values_kept_with_retain_graph():
    x = sg.ones(10, dtype=sg.float64, requires_grad=True)
    h = x.exp()
    saved = weakref.ref(h)
    s = (h * h).sum()
    del h
    s.backward(retain_graph=True)
    assert saved() is not None
    s.backward()
    assert saved() is None
    np.testing.assert_allclose(x.grad.numpy(), 2 * 2 * np.exp(2 * np.ones(10)))


def test_function_saved_tensors_released_after_backward():
    class Scale(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            k = x.exp()                       # an intermediate, neither input nor output
            y = x * k
            ctx.save_for_backward(k, y)
            return y

        @staticmethod
        def backward(ctx, g):
            k, y = ctx.saved_tensors
            return g * (k + y)

    x = sg.ones(5, dtype=sg.float64, requires_grad=True)
    y = Scale.apply(x)
    k = weakref.ref(y.grad_fn.saved_tensors[0])
    out = y.sum()
    out.backward()
    assert k() is None
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.e * np.ones(5))
    del y, out
    gc.collect()
