"""Every example of the seed tutorials, run on symgrad.

Deterministic examples are checked against the exact text PyTorch prints
(``torch.`` spelled ``symgrad.``); examples that draw random numbers are
checked through shapes, dtypes and relations computed independently with
numpy or plain Python.  The 2.2 tutorial was printed from PyTorch's seed-0
draws, so feeding those draws in as data reproduces its printed outputs.
"""
import contextlib
import io
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import symgrad as sg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = sorted(f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".py"))

# PyTorch's draws after torch.manual_seed(0) in the 2.2 tutorial
X22 = [[0.6035430431365967, 0.8109818696975708, -0.04508150741457939],
       [0.8796946406364441, 1.0482062101364136, -0.04450046643614769],
       [-0.7228844165802002, 2.866340160369873, -0.5655086040496826],
       [0.16043701767921448, -0.025351187214255333, 1.0739002227783203],
       [2.262845754623413, -0.917529284954071, -0.22511571645736694]]
Y22 = [[0.793160617351532, 0.2782524824142456, 0.48195880651474],
       [0.8197803497314453, 0.9970665574073792, 0.6984410881996155],
       [0.5675464272499084, 0.8352431654930115, 0.2055988311767578],
       [0.593172013759613, 0.11234724521636963, 0.1534569263458252],
       [0.24170821905136108, 0.7262365221977234, 0.7010802030563354]]


def printed(fn):
    """What ``fn()`` prints."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn()
    return buf.getvalue()


def lines(*parts):
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------ 2.2.1 creation

def test_empty_is_uninitialised_5x3_float():
    x = sg.empty(5, 3)
    assert x.shape == (5, 3) and x.dtype is sg.float32
    assert repr(x).startswith("tensor([[") and repr(x).count("\n") == 4


def test_rand_5x3():
    sg.manual_seed(0)
    x = sg.rand(5, 3)
    a = x.numpy()
    assert x.shape == (5, 3) and x.dtype is sg.float32
    assert ((a >= 0) & (a < 1)).all()
    rows = repr(x).split("\n")
    assert len(rows) == 5
    assert all(re.fullmatch(r" *\[?\[?(\d\.\d{4}(, )?){3}\]\]?\)?,?", r.replace("tensor(", "")) for r in rows)


def test_rand_prints_as_the_tutorial_for_the_same_values():
    x = sg.tensor([[0.49625658988952637, 0.7682217955589294, 0.08847743272781372],
                   [0.13203048706054688, 0.30742281675338745, 0.6340786814689636],
                   [0.4900934100151062, 0.8964447379112244, 0.455627977848053],
                   [0.6323062777519226, 0.3488934636116028, 0.40171730518341064],
                   [0.022325754165649414, 0.16885894536972046, 0.2938884496688843]])
    assert repr(x) == ("tensor([[0.4963, 0.7682, 0.0885],\n"
                       "        [0.1320, 0.3074, 0.6341],\n"
                       "        [0.4901, 0.8964, 0.4556],\n"
                       "        [0.6323, 0.3489, 0.4017],\n"
                       "        [0.0223, 0.1689, 0.2939]])")


def test_zeros_long():
    x = sg.zeros(5, 3, dtype=sg.long)
    assert x.dtype is sg.int64
    assert printed(lambda: print(x)) == lines(
        "tensor([[0, 0, 0],", "        [0, 0, 0],", "        [0, 0, 0],",
        "        [0, 0, 0],", "        [0, 0, 0]])")


def test_tensor_from_data():
    assert printed(lambda: print(sg.tensor([5.5, 3]))) == "tensor([5.5000, 3.0000])\n"


def test_new_ones_and_randn_like():
    x = sg.tensor([5.5, 3])
    x = x.new_ones(5, 3, dtype=sg.float64)
    assert printed(lambda: print(x)) == lines(
        "tensor([[1., 1., 1.],", "        [1., 1., 1.],", "        [1., 1., 1.],",
        "        [1., 1., 1.],", "        [1., 1., 1.]], dtype=symgrad.float64)")
    sg.manual_seed(0)
    x = sg.randn_like(x, dtype=sg.float)
    assert x.dtype is sg.float32 and x.shape == (5, 3)
    assert printed(lambda: (print(x.size()), print(x.shape))) == lines(
        "symgrad.Size([5, 3])", "symgrad.Size([5, 3])")
    assert isinstance(x.size(), tuple) and x.size()[0] == 5 and len(x.shape) == 2


def test_randn_like_prints_as_the_tutorial_for_the_same_values():
    x = sg.tensor(X22)
    assert repr(x) == ("tensor([[ 0.6035,  0.8110, -0.0451],\n"
                       "        [ 0.8797,  1.0482, -0.0445],\n"
                       "        [-0.7229,  2.8663, -0.5655],\n"
                       "        [ 0.1604, -0.0254,  1.0739],\n"
                       "        [ 2.2628, -0.9175, -0.2251]])")


# ------------------------------------------------------------ 2.2.2 operations

ADDED = ("tensor([[ 1.3967,  1.0892,  0.4369],\n"
         "        [ 1.6995,  2.0453,  0.6539],\n"
         "        [-0.1553,  3.7016, -0.3599],\n"
         "        [ 0.7536,  0.0870,  1.2274],\n"
         "        [ 2.5046, -0.1913,  0.4760]])")


def test_four_forms_of_addition_print_the_tutorial_output():
    x, y = sg.tensor(X22), sg.tensor(Y22)
    assert repr(x + y) == ADDED
    assert repr(sg.add(x, y)) == ADDED
    result = sg.empty(5, 3)
    r = sg.add(x, y, out=result)
    assert r is result and repr(result) == ADDED
    before = id(y)
    y.add_(x)
    assert id(y) == before and repr(y) == ADDED


def test_four_forms_of_addition_on_random_data():
    sg.manual_seed(0)
    x, y = sg.randn(5, 3), sg.rand(5, 3)
    ref = x.numpy().copy() + y.numpy().copy()
    np.testing.assert_array_equal((x + y).numpy(), ref)
    np.testing.assert_array_equal(sg.add(x, y).numpy(), ref)
    result = sg.empty(5, 3)
    sg.add(x, y, out=result)
    np.testing.assert_array_equal(result.numpy(), ref)
    y.add_(x)
    np.testing.assert_array_equal(y.numpy(), ref)


def test_in_place_versions_copy_and_t():
    x = sg.zeros(2, 3)
    y = sg.arange(6.).view(2, 3)
    assert x.copy_(y) is x and x.tolist() == [[0, 1, 2], [3, 4, 5]]
    ptr = x.data_ptr()
    assert x.t_() is x
    assert x.shape == (3, 2) and x.data_ptr() == ptr and x.tolist() == [[0, 3], [1, 4], [2, 5]]
    x[0, 1] = 7
    assert x.tolist()[0] == [0, 7]


def test_t_in_place_in_the_graph():
    a = sg.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        a.t_()
    b = a * sg.arange(6.).view(2, 3)
    b.t_()
    assert b.shape == (3, 2) and b.grad_fn.name() == "TBackward1"
    k = np.arange(6.).reshape(3, 2)
    (b * sg.tensor(k, dtype=sg.float32)).sum().backward()
    # d/da sum((a * m).T * k) = m * k.T
    np.testing.assert_array_equal(a.grad.numpy(), np.arange(6.).reshape(2, 3) * k.T)


def test_linspace_as_pytorch_computes_it():
    # PyTorch counts the second half down from end: the middle of
    # linspace(-1, 1, 7) is 1 - 3 * float32(1/3), not 0
    step = np.float32(2) / np.float32(6)
    assert sg.linspace(-1, 1, 7)[3].item() == float(np.float64(1) - 3 * np.float64(step))
    assert sg.linspace(-1, 1, 7)[3].item() < 0
    assert sg.linspace(0, 10, 5).tolist() == [0.0, 2.5, 5.0, 7.5, 10.0]


def test_indexing_shares_memory():
    x = sg.tensor(X22)
    y = x[0, :]
    y += 1
    assert printed(lambda: (print(y), print(x[0, :]))) == lines(
        "tensor([1.6035, 1.8110, 0.9549])", "tensor([1.6035, 1.8110, 0.9549])")
    np.testing.assert_array_equal(x.numpy()[0], np.float32(X22[0]) + np.float32(1))


def test_view_sizes_sharing_and_clone():
    x = sg.tensor(X22)
    y = x.view(15)
    z = x.view(-1, 5)
    assert printed(lambda: print(x.size(), y.size(), z.size())) == \
        "symgrad.Size([5, 3]) symgrad.Size([15]) symgrad.Size([3, 5])\n"
    x += 1
    plus1 = ("tensor([1.6035, 1.8110, 0.9549, 1.8797, 2.0482, 0.9555, 0.2771, 3.8663, 0.4345,\n"
             "        1.1604, 0.9746, 2.0739, 3.2628, 0.0825, 0.7749])")
    assert printed(lambda: (print(x), print(y))) == lines(
        "tensor([[1.6035, 1.8110, 0.9549],", "        [1.8797, 2.0482, 0.9555],",
        "        [0.2771, 3.8663, 0.4345],", "        [1.1604, 0.9746, 2.0739],",
        "        [3.2628, 0.0825, 0.7749]])", plus1)
    np.testing.assert_array_equal(z.numpy().reshape(-1), x.numpy().reshape(-1))
    x_cp = x.clone().view(15)
    x -= 1
    assert printed(lambda: (print(x), print(x_cp))) == lines(
        "tensor([[ 0.6035,  0.8110, -0.0451],", "        [ 0.8797,  1.0482, -0.0445],",
        "        [-0.7229,  2.8663, -0.5655],", "        [ 0.1604, -0.0254,  1.0739],",
        "        [ 2.2628, -0.9175, -0.2251]])", plus1)


def test_item():
    x = sg.tensor([2.3466382026672363])
    assert printed(lambda: (print(x), print(x.item()))) == lines(
        "tensor([2.3466])", "2.3466382026672363")
    sg.manual_seed(0)
    x = sg.randn(1)
    assert x.shape == (1,) and type(x.item()) is float
    assert x.item() == float(x.numpy()[0])


# ------------------------------------------------------------ 2.2.3 broadcasting

def test_broadcasting():
    def run():
        x = sg.arange(1, 3).view(1, 2)
        print(x)
        y = sg.arange(1, 4).view(3, 1)
        print(y)
        print(x + y)
    assert printed(run) == lines(
        "tensor([[1, 2]])", "tensor([[1],", "        [2],", "        [3]])",
        "tensor([[2, 3],", "        [3, 4],", "        [4, 5]])")


# ------------------------------------------------------------ 2.2.4 memory

def test_new_result_allocates_a_new_tensor():
    x = sg.tensor([1, 2])
    y = sg.tensor([3, 4])
    id_before = id(y)
    y = y + x
    assert id(y) != id_before


@pytest.mark.parametrize("form", ["slice", "out", "iadd", "add_"])
def test_in_place_forms_keep_the_tensor(form):
    x = sg.tensor([1, 2])
    y = sg.tensor([3, 4])
    id_before, ptr_before = id(y), y.data_ptr()
    if form == "slice":
        y[:] = y + x
    elif form == "out":
        sg.add(x, y, out=y)
    elif form == "iadd":
        y += x
    else:
        y.add_(x)
    assert id(y) == id_before and y.data_ptr() == ptr_before
    assert repr(y) == "tensor([4, 6])"


def test_view_is_a_new_tensor_on_the_same_data():
    x = sg.tensor(X22)
    v = x.view(15)
    assert id(v) != id(x) and v.data_ptr() == x.data_ptr()


# ------------------------------------------------------------ 2.2.5 numpy

def test_numpy_shares_memory():
    def run():
        a = sg.ones(5)
        b = a.numpy()
        print(a, b)
        a += 1
        print(a, b)
        b += 1
        print(a, b)
    assert printed(run) == lines(
        "tensor([1., 1., 1., 1., 1.]) [1. 1. 1. 1. 1.]",
        "tensor([2., 2., 2., 2., 2.]) [2. 2. 2. 2. 2.]",
        "tensor([3., 3., 3., 3., 3.]) [3. 3. 3. 3. 3.]")


def test_from_numpy_shares_and_tensor_copies():
    def run():
        a = np.ones(5)
        b = sg.from_numpy(a)
        print(a, b)
        a += 1
        print(a, b)
        b += 1
        print(a, b)
        c = sg.tensor(a)
        a += 1
        print(a, c)
    assert printed(run) == lines(
        "[1. 1. 1. 1. 1.] tensor([1., 1., 1., 1., 1.], dtype=symgrad.float64)",
        "[2. 2. 2. 2. 2.] tensor([2., 2., 2., 2., 2.], dtype=symgrad.float64)",
        "[3. 3. 3. 3. 3.] tensor([3., 3., 3., 3., 3.], dtype=symgrad.float64)",
        "[4. 4. 4. 4. 4.] tensor([3., 3., 3., 3., 3.], dtype=symgrad.float64)")


# ------------------------------------------------------------ 2.2.6 GPU

def test_cuda_is_not_available_and_the_gpu_block_is_skipped():
    assert sg.cuda.is_available() is False
    ran = []
    if sg.cuda.is_available():
        ran.append(True)
    assert ran == []


# ------------------------------------------------------------ 2.3 autograd (also the
# notebook and the 60-minute blitz, which run the same code)

def test_leaf_and_add():
    x = sg.ones(2, 2, requires_grad=True)
    assert printed(lambda: (print(x), print(x.grad_fn))) == lines(
        "tensor([[1., 1.],", "        [1., 1.]], requires_grad=True)", "None")
    y = x + 2
    assert printed(lambda: print(y)) == lines(
        "tensor([[3., 3.],", "        [3., 3.]], grad_fn=<AddBackward0>)")
    assert re.fullmatch(r"<AddBackward0 object at 0x[0-9a-f]+>", repr(y.grad_fn))
    assert printed(lambda: print(x.is_leaf, y.is_leaf)) == "True False\n"


def test_mul_mean_backward():
    x = sg.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    assert printed(lambda: print(z, out)) == lines(
        "tensor([[27., 27.],",
        "        [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)")
    out.backward()
    assert printed(lambda: print(x.grad)) == lines(
        "tensor([[4.5000, 4.5000],", "        [4.5000, 4.5000]])")
    # d/dx mean(3 (x + 2)^2) = 6 (x + 2) / 4
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 2), 6 * 3 / 4, np.float32))
    out2 = x.sum()
    out2.backward()
    assert printed(lambda: print(x.grad)) == lines(
        "tensor([[5.5000, 5.5000],", "        [5.5000, 5.5000]])")
    out3 = x.sum()
    x.grad.data.zero_()
    out3.backward()
    assert printed(lambda: print(x.grad)) == lines(
        "tensor([[1., 1.],", "        [1., 1.]])")


def test_requires_grad_():
    sg.manual_seed(0)
    a = sg.randn(2, 2)
    a = ((a * 3) / (a - 1))
    assert a.requires_grad is False
    a.requires_grad_(True)
    assert a.requires_grad is True
    b = (a * a).sum()
    assert re.fullmatch(r"<SumBackward0 object at 0x[0-9a-f]+>", repr(b.grad_fn))
    b.backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * a.detach().numpy(), rtol=1e-6)


def test_backward_with_weights_through_view():
    x = sg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = 2 * x
    z = y.view(2, 2)
    assert printed(lambda: print(z)) == lines(
        "tensor([[2., 4.],", "        [6., 8.]], grad_fn=<ViewBackward0>)")
    v = sg.tensor([[1.0, 0.1], [0.01, 0.001]], dtype=sg.float)
    z.backward(v)
    assert printed(lambda: print(x.grad)) == "tensor([2.0000, 0.2000, 0.0200, 0.0020])\n"
    np.testing.assert_array_equal(x.grad.numpy(), np.float32([1.0, 0.1, 0.01, 0.001]) * np.float32(2))


def test_no_grad_stops_tracking():
    x = sg.tensor(1.0, requires_grad=True)
    y1 = x ** 2
    with sg.no_grad():
        y2 = x ** 3
    y3 = y1 + y2
    assert printed(lambda: (print(x.requires_grad), print(y1, y1.requires_grad),
                            print(y2, y2.requires_grad), print(y3, y3.requires_grad))) == lines(
        "True", "tensor(1., grad_fn=<PowBackward0>) True", "tensor(1.) False",
        "tensor(2., grad_fn=<AddBackward0>) True")
    y3.backward()
    assert printed(lambda: print(x.grad)) == "tensor(2.)\n"
    with pytest.raises(RuntimeError) as e:
        y2.backward()
    assert str(e.value) == "element 0 of tensors does not require grad and does not have a grad_fn"


def test_changing_data_is_not_recorded():
    x = sg.ones(1, requires_grad=True)
    assert printed(lambda: (print(x.data), print(x.data.requires_grad))) == lines(
        "tensor([1.])", "False")
    y = 2 * x
    x.data *= 100
    y.backward()
    assert printed(lambda: (print(x), print(x.grad))) == lines(
        "tensor([100.], requires_grad=True)", "tensor([2.])")


# ------------------------------------------------------------ blitz: vector-Jacobian product

def _blitz(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y


def test_blitz_vector_jacobian_product_as_printed():
    # the x behind the blitz's printed y: y = x * 2**9
    x = (sg.tensor([384.5854, -13.6405, -1049.2870]) / 512).requires_grad_()
    y = _blitz(x)
    assert printed(lambda: print(y)) == \
        "tensor([  384.5854,   -13.6405, -1049.2870], grad_fn=<MulBackward0>)\n"
    v = sg.tensor([0.1, 1.0, 0.0001], dtype=sg.float)
    y.backward(v)
    assert printed(lambda: print(x.grad)) == "tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])\n"
    assert printed(lambda: (print(x.requires_grad), print((x ** 2).requires_grad))) == "True\nTrue\n"
    with sg.no_grad():
        assert (x ** 2).requires_grad is False


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blitz_vector_jacobian_product_random(seed):
    sg.manual_seed(seed)
    x = sg.randn(3, requires_grad=True)
    y = _blitz(x)
    xs = x.detach().numpy().astype(np.float64)
    k = 1
    while np.sqrt(np.sum((xs * 2.0 ** k) ** 2)) < 1000:
        k += 1
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy() * np.float32(2.0 ** k))
    assert y.grad_fn.name() == "MulBackward0"
    v = np.float32([0.1, 1.0, 0.0001])
    y.backward(sg.tensor(v))
    np.testing.assert_array_equal(x.grad.numpy(), v * np.float32(2.0 ** k))


# ------------------------------------------------------------ the autograd module tutorial

def test_func1_to_func4():
    def func1():
        x = sg.tensor(10, requires_grad=True, dtype=sg.float64)
        f = x ** 2 + 10
        f.backward()
        print(x.grad)

    def func2():
        x = sg.tensor([10, 20, 30, 40], requires_grad=True, dtype=sg.float64)
        f1 = x ** 2 + 10
        f2 = f1.sum()
        f2.backward()
        print(x.grad)

    def func3():
        x1 = sg.tensor(10, requires_grad=True, dtype=sg.float64)
        x2 = sg.tensor(20, requires_grad=True, dtype=sg.float64)
        y = x1 ** 2 + x2 ** 2 + x1 * x2
        y = y.sum()
        y.backward()
        print(x1.grad, x2.grad)

    def func4():
        x1 = sg.tensor([10, 20], requires_grad=True, dtype=sg.float64)
        x2 = sg.tensor([30, 40], requires_grad=True, dtype=sg.float64)
        y = x1 ** 2 + x2 ** 2 + x1 * x2
        y = y.sum()
        y.backward()
        print(x1.grad, x2.grad)

    # d(x^2 + 10) = 2x; d(x1^2 + x2^2 + x1 x2) = (2 x1 + x2, 2 x2 + x1)
    assert printed(lambda: (func1(), func2(), func3(), func4())) == lines(
        "tensor(20., dtype=symgrad.float64)",
        "tensor([20., 40., 60., 80.], dtype=symgrad.float64)",
        "tensor(40., dtype=symgrad.float64) tensor(50., dtype=symgrad.float64)",
        "tensor([50., 80.], dtype=symgrad.float64) tensor([ 70., 100.], dtype=symgrad.float64)")


def test_mean_of_func2():
    x = sg.tensor([10, 20, 30, 40], requires_grad=True, dtype=sg.float64)
    (x ** 2 + 10).mean().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * np.array([10., 20, 30, 40]) / 4)


def test_three_ways_to_turn_off_grad():
    x = sg.tensor(10, requires_grad=True, dtype=sg.float64)
    assert x.requires_grad is True
    with sg.no_grad():
        y = x ** 2
    assert y.requires_grad is False

    @sg.no_grad()
    def my_func(x):
        return x ** 2
    assert my_func(x).requires_grad is False
    assert (x ** 2).requires_grad is True
    try:
        sg.set_grad_enabled(False)
        y = x ** 2
        assert y.requires_grad is False
        assert (x * 3).requires_grad is False
    finally:
        sg.set_grad_enabled(True)
    assert (x ** 2).requires_grad is True


def test_clearing_accumulated_gradients():
    def run():
        x = sg.tensor([10, 20, 30, 40], requires_grad=True, dtype=sg.float64)
        for _ in range(3):
            f1 = x ** 2 + 20
            f2 = f1.mean()
            if x.grad is not None:
                x.grad.data.zero_()
            f2.backward()
            print(x.grad)
    assert printed(run) == 3 * "tensor([ 5., 10., 15., 20.], dtype=symgrad.float64)\n"


def test_gradient_descent():
    x = sg.tensor(10, requires_grad=True, dtype=sg.float64)
    for _ in range(5000):
        f = x ** 2
        if x.grad is not None:
            x.grad.data.zero_()
        f.backward()
        x.data = x.data - 0.001 * x.grad
    expected = 10.0
    for _ in range(5000):
        expected = expected - 0.001 * (2 * expected)
    assert '%.10f' % x.data == '%.10f' % expected == "0.0004494759"
    assert x.item() == expected
    assert x.dtype is sg.float64 and x.is_leaf and x.requires_grad


def test_numpy_on_a_tensor_that_requires_grad():
    x = sg.tensor([10, 20], requires_grad=True, dtype=sg.float64)
    with pytest.raises(RuntimeError) as e:
        x.numpy()
    assert str(e.value) == ("Can't call numpy() on Tensor that requires grad. "
                            "Use tensor.detach().numpy() instead.")
    assert printed(lambda: print(x.detach().numpy())) == "[10. 20.]\n"


def test_detach_shares_data_and_data_assignment():
    x1 = sg.tensor([10, 20], requires_grad=True, dtype=sg.float64)
    x2 = x1.detach()
    assert x2.is_leaf and x2.requires_grad is False
    assert x1.data.data_ptr() == x2.data.data_ptr()
    x2[0] = 11
    assert x1[0].item() == 11.0
    x2[0] = 10
    x2.data = sg.tensor([100, 200])
    assert printed(lambda: (print(x1), print(x2), print(x2.requires_grad))) == lines(
        "tensor([10., 20.], dtype=symgrad.float64, requires_grad=True)",
        "tensor([100, 200])", "False")


# ------------------------------------------------------------ leaves, Jacobian, perceptron

def test_leaves_and_grads_of_w_x_plus_b():
    sg.manual_seed(0)
    x = sg.tensor([2])
    w = sg.randn(1, requires_grad=True)
    b = sg.randn(1, requires_grad=True)
    y = sg.mul(w, x)
    z = sg.add(y, b)
    assert printed(lambda: (print(x.requires_grad), print(y.requires_grad))) == "False\nTrue\n"
    assert (x.is_leaf, y.is_leaf, w.is_leaf, b.is_leaf, z.is_leaf) == (True, False, True, True, False)
    assert printed(lambda: print("x grad_fn:", x.grad_fn)) == "x grad_fn: None\n"
    assert y.grad_fn.name() == "MulBackward0" and z.grad_fn.name() == "AddBackward0"
    z.backward()
    assert printed(lambda: (print("x grad:", x.grad), print("w grad:", w.grad))) == lines(
        "x grad: None", "w grad: tensor([2.])")
    assert b.grad.tolist() == [1.0]


def test_jacobian_by_rows():
    x = sg.tensor([[2, 3]], dtype=sg.float, requires_grad=True)
    j = sg.zeros(2, 2)
    y = sg.zeros(1, 2)
    y[0, 0] = x[0, 0] ** 2 + 3 * x[0, 1]
    y[0, 1] = x[0, 1] ** 2 + 2 * x[0, 0]
    assert printed(lambda: (print(x), print(j[0]), print(y))) == lines(
        "tensor([[2., 3.]], requires_grad=True)", "tensor([0., 0.])",
        "tensor([[13., 13.]], grad_fn=<CopySlices>)")
    y.backward(sg.tensor([[1, 0]]), retain_graph=True)
    j[0] = x.grad
    x.grad = sg.zeros_like(x.grad)
    y.backward(sg.tensor([[0, 1]]))
    j[1] = x.grad
    assert printed(lambda: print(j)) == lines("tensor([[4., 3.],", "        [2., 6.]])")
    # dy1/dx = (2 x1, 3), dy2/dx = (2, 2 x2) at x = (2, 3)
    assert j.tolist() == [[2 * 2, 3], [2, 2 * 3]]


def test_second_backward_without_retain_graph_fails():
    x = sg.tensor([[2, 3]], dtype=sg.float, requires_grad=True)
    y = sg.zeros(1, 2)
    y[0, 0] = x[0, 0] ** 2 + 3 * x[0, 1]
    y[0, 1] = x[0, 1] ** 2 + 2 * x[0, 0]
    y.backward(sg.tensor([[1, 0]]))
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward(sg.tensor([[0, 1]]))


def _perceptron_reference(points, labels, lr):
    w, b = [0.0, 0.0], 0.0
    changed = True
    while changed:
        changed = False
        for (p, q), t in zip(points, labels):
            if t * (w[0] * p + w[1] * q + b) <= 0:
                w = [w[0] + lr * t * p, w[1] + lr * t * q]
                b += lr * t
                changed = True
    return w, b


def test_perceptron_example_matches_plain_python():
    points, labels = [(3.0, 3.0), (4.0, 3.0), (1.0, 1.0)], [1.0, 1.0, -1.0]
    w, b = _perceptron_reference(points, labels, 1.0)
    out = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "perceptron.py")],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    sign = [1.0 if w[0] * p + w[1] * q + b > 0 else -1.0 for p, q in points]
    assert out == lines(repr(sg.tensor(w, requires_grad=True)), repr(sg.tensor([b], requires_grad=True)),
                        repr(sg.tensor(sign)))
    assert (w, b) == ([1.0, 1.0], -3.0)


# ------------------------------------------------------------ the example files

@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs(name):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout


DEMO = """\
tensor([[1., 1.],
        [1., 1.]], requires_grad=True)
None
tensor([[3., 3.],
        [3., 3.]], grad_fn=<AddBackward0>)
<AddBackward0 object at ADDR>
tensor([[27., 27.],
        [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)
False
True
<SumBackward0 object at ADDR>
tensor([[4.5000, 4.5000],
        [4.5000, 4.5000]])
Sum(3*(x[i, j] + 2)**2, (i, 0, 1), (j, 0, 1))/4
3*(x[i, j] + 2)/2
∂out/∂x[i, j] = 3*(x[i, j] + 2)/2  →  tensor([[4.5000, 4.5000],
                                              [4.5000, 4.5000]])
tensor([[5.5000, 5.5000],
        [5.5000, 5.5000]])
tensor([[1., 1.],
        [1., 1.]])
tensor([[2., 4.],
        [6., 8.]], grad_fn=<ViewBackward0>)
tensor([2.0000, 0.2000, 0.0200, 0.0020])
2*v[floor(i/2), Mod(i, 2)]
True
tensor(1., grad_fn=<PowBackward0>) True
tensor(1.) False
tensor(2., grad_fn=<AddBackward0>) True
tensor(2.)
2*x
tensor([1.])
False
tensor([100.], requires_grad=True)
tensor([2.])
"""


def test_demo_prints_what_pytorch_prints():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "autograd_tutorial.py")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    assert re.sub(r"0x[0-9a-f]+", "ADDR", r.stdout) == DEMO
