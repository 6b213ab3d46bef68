"""Behaviours found by a differential audit against PyTorch 2.13.

Each expected text or value below is what PyTorch 2.13 prints for the same
call, written as a literal; values are also checked against numpy or finite
differences.  PyTorch itself is not imported.
"""
import warnings

import numpy as np
import pytest

import symgrad as sg


def _no_warnings(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    assert [str(x.message) for x in w] == []
    return out


def _fd_grad(f, a, w, eps=1e-6):
    """Finite-difference gradient of ``sum(w * f(a))`` in float64."""
    g = np.zeros_like(a)
    for k in np.ndindex(a.shape):
        e = np.zeros_like(a)
        e[k] = eps
        g[k] = (np.sum(w * f(a + e)) - np.sum(w * f(a - e))) / (2 * eps)
    return g


# ------------------------------------------------------------ silent numerics
def test_division_by_zero_is_silent():
    out = _no_warnings(lambda: sg.tensor([1., -1., 0.]) / 0)
    assert repr(out) == "tensor([inf, -inf, nan])"


def test_log_of_zero_and_negative_is_silent():
    out = _no_warnings(lambda: sg.log(sg.tensor([-1., 0., 1.])))
    assert repr(out) == "tensor([nan, -inf, 0.])"


def test_sqrt_backward_at_zero_is_silent():
    x = sg.tensor([0., 4.], requires_grad=True)
    _no_warnings(lambda: sg.sqrt(x).sum().backward())
    assert repr(x.grad) == "tensor([   inf, 0.2500])"


def test_out_resize_warning_text():
    o = sg.empty(3)
    with pytest.warns(UserWarning) as rec:
        sg.add(sg.tensor([1., 2.]), 3, out=o)
    assert str(rec[0].message).startswith(
        "An output with one or more elements was resized since it had shape [3], which does not match the "
        "required output shape [2]. This behavior is deprecated, and in a future PyTorch release outputs will "
        "not be resized unless they have zero elements. You can explicitly reuse an out tensor t by resizing "
        "it, inplace, to zero elements with t.resize_(0).")
    assert repr(o) == "tensor([4., 5.])"


# ------------------------------------------------------------ split node names
def test_split_int_node_name():
    x = sg.arange(12.).reshape(3, 4).requires_grad_()
    parts = x.split(2)
    assert [type(p.grad_fn).__name__ for p in parts] == ["SplitBackward0", "SplitBackward0"]
    assert repr(parts[1]) == "tensor([[ 8.,  9., 10., 11.]], grad_fn=<SplitBackward0>)"


def test_chunk_node_name():
    x = sg.arange(12.).reshape(3, 4).requires_grad_()
    assert type(x.chunk(2, 1)[0].grad_fn).__name__ == "SplitBackward0"


def test_split_sizes_node_name_and_grad():
    x = sg.arange(12.).reshape(3, 4).requires_grad_()
    a, b = x.split([1, 3], 1)
    assert type(a.grad_fn).__name__ == "SplitWithSizesBackward0"
    (a * 2 + 0).sum().backward(retain_graph=True)
    (b * 3).sum().backward()
    assert np.array_equal(x.grad.numpy(), np.array([[2., 3., 3., 3.]] * 3))


# ------------------------------------------------------------ cumprod gradient
@pytest.mark.parametrize("vals", [[2., 0., 3.], [0., 2., 0., 5.], [1., 2., 3.], [2., 3., 0.]])
def test_cumprod_grad_with_zeros(vals):
    a = np.array(vals)
    w = np.arange(1., len(vals) + 1)
    x = sg.tensor(vals, dtype=sg.float64, requires_grad=True)
    (x.cumprod(0) * sg.tensor(w)).sum().backward()
    assert np.allclose(x.grad.numpy(), _fd_grad(np.cumprod, a, w), atol=1e-6)


def test_cumprod_grad_zero_literal():
    x = sg.tensor([2., 0., 3.], requires_grad=True)
    x.cumprod(0).sum().backward()
    assert repr(x.grad) == "tensor([1., 8., 0.])"


def test_cumprod_grad_2d_dim1():
    a = np.array([[1., 0., 2., 0.], [3., 2., 0., 1.], [1., 2., 3., 4.]])
    w = np.arange(12.).reshape(3, 4)
    x = sg.tensor(a, requires_grad=True)
    (x.cumprod(1) * sg.tensor(w)).sum().backward()
    assert np.allclose(x.grad.numpy(), _fd_grad(lambda t: np.cumprod(t, 1), a, w), atol=1e-5)


# ------------------------------------------------------------ 0-dim reductions
@pytest.mark.parametrize("name,expected", [
    ("sum", "tensor(2., grad_fn=<SumBackward1>)"),
    ("mean", "tensor(2., grad_fn=<MeanBackward1>)"),
    ("amax", "tensor(2., grad_fn=<AmaxBackward0>)"),
    ("logsumexp", "tensor(2., grad_fn=<LogsumexpBackward0>)"),
    ("cumsum", "tensor(2., grad_fn=<CumsumBackward0>)"),
    ("cumprod", "tensor(2., grad_fn=<CumprodBackward0>)"),
    ("prod", "tensor(2., grad_fn=<ProdBackward1>)"),
])
def test_reduce_0dim_over_dim0(name, expected):
    x = sg.tensor(2., requires_grad=True)
    out = getattr(sg, name)(x, 0)
    assert repr(out) == expected
    out.backward()
    assert repr(x.grad) == "tensor(1.)"


def test_max_0dim_dim():
    r = sg.tensor(2.).max(0)
    assert repr(r) == "symgrad.return_types.max(\nvalues=tensor(2.),\nindices=tensor(0))"
    assert repr(sg.tensor(2.).argmax(0)) == "tensor(0)"


def test_all_any_0dim():
    assert repr(sg.tensor(2.).all(0)) == "tensor(True)"
    assert repr(sg.tensor(0.).any(-1)) == "tensor(False)"


def test_0dim_bad_dim():
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-1, 0\], "
                                         r"but got 1\)$"):
        sg.tensor(2.).sum(1)


def test_var_no_degrees_of_freedom_warning():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = sg.tensor(2.).var(0)
    assert [str(x.message) for x in w] == [
        "var(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
        "(input numel divided by output numel)."]
    assert repr(out) == "tensor(nan)"
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = sg.tensor([1., 2.]).std(0, correction=2)
    assert [str(x.message)[:40] for x in w] == ["std(): degrees of freedom is <= 0. Corre"]
    assert repr(out) == "tensor(inf)"


# ------------------------------------------------------------ reduction errors
@pytest.mark.parametrize("fn,msg", [
    (lambda: sg.tensor([1, 2]).std(), "std and var only support floating point and complex dtypes"),
    (lambda: sg.tensor([1, 2]).var(0), "std and var only support floating point and complex dtypes"),
    (lambda: sg.tensor([True]).norm(),
     "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Bool"),
    (lambda: sg.tensor([1, 2]).norm(), "linalg.vector_norm: Expected a floating point or complex tensor as input. "
                                       "Got Long"),
    (lambda: sg.tensor([True, False]).argmax(), "argmax(): does not support bool input"),
    (lambda: sg.tensor([True, False]).argmin(0), "argmin(): does not support bool input"),
])
def test_reduction_dtype_errors(fn, msg):
    with pytest.raises(RuntimeError) as e:
        fn()
    assert str(e.value) == msg


@pytest.mark.parametrize("fn,msg", [
    (lambda: sg.zeros(0, 2).max(0), "max(): Expected reduction dim 0 to have non-zero size."),
    (lambda: sg.zeros(0, 2).min(0), "min(): Expected reduction dim 0 to have non-zero size."),
    (lambda: sg.zeros(0, 2).amax(0), "amax(): Expected reduction dim 0 to have non-zero size."),
    (lambda: sg.zeros(0, 2).amin(0), "amin(): Expected reduction dim 0 to have non-zero size."),
    (lambda: sg.zeros(0, 2).argmax(0), "argmax(): Expected reduction dim 0 to have non-zero size."),
    (lambda: sg.zeros(0, 2).argmin(0), "argmin(): Expected reduction dim 0 to have non-zero size."),
])
def test_reduce_empty_dim_errors(fn, msg):
    with pytest.raises(IndexError) as e:
        fn()
    assert str(e.value) == msg


def test_reduce_empty_other_dim_ok():
    assert repr(sg.zeros(0, 2).amax(1)) == "tensor([])"
    assert repr(sg.zeros(0, 2).max(1).indices) == "tensor([], dtype=symgrad.int64)"


# ------------------------------------------------------------ in-place on a saved value
_HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
         "symgrad.autograd.set_detect_anomaly(True, check_nan=False).")
_MOD = "one of the variables needed for gradient computation has been modified by an inplace operation: "


def _modified_message(fn):
    with pytest.raises(RuntimeError) as e:
        fn()
    return str(e.value)


def test_modified_saved_input_names_current_producer():
    def f():
        x = sg.tensor([1., 2.], requires_grad=True)
        y = x * 2
        z = y * y
        y.add_(1)
        z.sum().backward()
    assert _modified_message(f) == (_MOD + "[symgrad.FloatTensor [2]], which is output 0 of Add, is at version 1; "
                                    "expected version 0 instead. " + _HINT)


def test_modified_saved_output_names_its_node():
    def f():
        x = sg.tensor([1., 2.], dtype=sg.float64, requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()
    assert _modified_message(f) == (_MOD + "[symgrad.DoubleTensor [2]], which is output 0 of Exp, is at version 1; "
                                    "expected version 0 instead. " + _HINT)


def test_modified_saved_leaf_names_no_producer():
    def f():
        x = sg.tensor([1., 2.], requires_grad=True)
        z = x * x
        with sg.no_grad():
            x.add_(1)
        z.sum().backward()
    assert _modified_message(f) == (_MOD + "[symgrad.FloatTensor [2]] is at version 1; expected version 0 instead. "
                                    + _HINT)


def test_modified_under_no_grad_keeps_producer():
    def f():
        x = sg.tensor([1., 2.], requires_grad=True)
        y = x * 2
        z = y * y
        with sg.no_grad():
            y.pow_(2)
        z.sum().backward()
    assert _modified_message(f) == (_MOD + "[symgrad.FloatTensor [2]], which is output 0 of Mul, is at version 1; "
                                    "expected version 0 instead. " + _HINT)


# ------------------------------------------------------------ small API details
def test_masked_fill_keeps_integer_dtype():
    out = sg.tensor([1, 2]).masked_fill(sg.tensor([True, False]), 2.7)
    assert repr(out) == "tensor([2, 2])"
    assert out.dtype == sg.int64
    assert repr(sg.tensor([True, False]).masked_fill(sg.tensor([False, True]), 2.5)) == "tensor([True, True])"
    t = sg.tensor([5, 6])
    t.masked_fill_(sg.tensor([False, True]), -1.9)
    assert repr(t) == "tensor([ 5, -1])"


def test_requires_grad_setter_message_on_integer_tensor():
    with pytest.raises(RuntimeError) as e:
        sg.tensor([1]).requires_grad = True
    assert str(e.value) == "only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(RuntimeError) as e:
        sg.tensor([1]).requires_grad_()
    assert str(e.value) == "only Tensors of floating point dtype can require gradients"


def test_div_bad_rounding_mode():
    with pytest.raises(RuntimeError) as e:
        sg.div(sg.tensor([-7, 7]), 2, rounding_mode="x")
    assert str(e.value) == "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'x'"


# ------------------------------------------------- integer pow and promotion
def test_int_base_pow_int_tensor_stays_integer():
    out = 2 ** sg.tensor([3, -1, 0])
    assert repr(out) == "tensor([8, 0, 1])" and out.dtype == sg.int64
    # negative integer exponents: 1 // base ** -e (0 unless base is 1 or -1), as C integer pow
    assert repr((-1) ** sg.tensor([-1, -2, -3])) == "tensor([-1,  1, -1])"
    assert repr(0 ** sg.tensor([-1, -2, 0, 2])) == "tensor([0, 0, 1, 0])"
    out = sg.tensor([2, -1, 1, 0, 3]) ** sg.tensor([-1, -1, -2, -1, -2])
    assert repr(out) == "tensor([ 0, -1,  1,  0,  0])"
    assert repr(2 ** sg.tensor([True, False])) == "tensor([2, 1])"
    assert repr(10 ** sg.tensor([30])) == "tensor([5076944270305263616])"   # wraps like int64
    assert np.int64(10) ** np.int64(30) == 5076944270305263616
    # a float base or exponent still gives the default float
    assert repr(2.5 ** sg.tensor([1, 2])) == "tensor([2.5000, 6.2500])"
    assert np.allclose((2 ** sg.tensor([1., 2.])).numpy(), [2., 4.])


def test_bool_pow_promotes_with_int_exponent():
    out = sg.tensor([True, False]) ** 2
    assert repr(out) == "tensor([1, 0])" and out.dtype == sg.int64
    assert sg.square(sg.tensor([True, False])).dtype == sg.int64
    assert sg.square(sg.tensor([1, 2], dtype=sg.int8)).dtype == sg.int8
    assert repr(sg.tensor([True, False]) ** True) == "tensor([ True, False])"
    assert repr(sg.tensor([True, False]) ** 2.0) == "tensor([1., 0.])"
    with pytest.raises(NotImplementedError) as e:
        sg.tensor([True, False]) ** sg.tensor([True, True])
    assert str(e.value) == "\"pow\" not implemented for 'Bool'"


def test_int_tensor_negative_int_exponent_is_runtime_error():
    for f in (lambda: sg.tensor([1, 2]) ** -3, lambda: sg.tensor([True]) ** -1,
              lambda: sg.tensor([1, 2]).pow_(-1)):
        with pytest.raises(RuntimeError) as e:
            f()
        assert str(e.value) == "Integers to negative integer powers are not allowed."
    assert repr(sg.tensor([1, 2]) ** -1.0) == "tensor([1.0000, 0.5000])"
    assert repr(sg.tensor([1, 2]) ** sg.tensor(-3)) == "tensor([1, 0])"


def test_python_int_wraps_to_the_integer_dtype():
    u = sg.tensor([0, 255, 1], dtype=sg.uint8)
    assert repr(u + (-3)) == "tensor([253, 252, 254], dtype=symgrad.uint8)"
    assert (u + (-3)).numpy().tolist() == ((u.numpy().astype(np.int64) - 3) % 256).tolist()
    assert repr(sg.tensor([0, 2, 1], dtype=sg.int8) + 1000) == "tensor([-24, -22, -23], dtype=symgrad.int8)"
    assert repr(sg.tensor([0, 2, 1], dtype=sg.uint8) * 300) == "tensor([ 0, 88, 44], dtype=symgrad.uint8)"
    assert repr(sg.tensor(5, dtype=sg.uint8) + 300) == "tensor(49, dtype=symgrad.uint8)"
    assert repr(sg.tensor([1, 2], dtype=sg.int32) * 2 ** 33) == "tensor([0, 0], dtype=symgrad.int32)"
    assert repr(sg.tensor([1, 2]) + 2 ** 63) == "tensor([-9223372036854775807, -9223372036854775806])"
    # comparisons compare with the wrapped value (-3 is 253 as uint8, 258 is 2)
    assert repr(sg.tensor([0, 2, 1], dtype=sg.uint8) < -3) == "tensor([True, True, True])"
    assert repr(sg.tensor([0, 2, 1], dtype=sg.uint8) == 258) == "tensor([False,  True, False])"
    # a float scalar promotes instead
    assert repr(sg.tensor([1, 2], dtype=sg.uint8) + 300.0) == "tensor([301., 302.])"
    with pytest.raises(OverflowError) as e:
        sg.tensor([1, 2], dtype=sg.uint8) + 2 ** 70
    assert str(e.value) == "int too big to convert"


def test_integer_division_by_zero_is_an_error():
    calls = [lambda: sg.tensor([5, 2]) // 0, lambda: sg.tensor([5, 2]) % 0,
             lambda: sg.tensor([5, 2]) // sg.tensor([0, 1]), lambda: sg.tensor([5, 2]).fmod(0),
             lambda: sg.tensor([5, 2]) % sg.tensor([0, 1]), lambda: 7 // sg.tensor([0]),
             lambda: sg.tensor([5, 2]).div(0, rounding_mode="trunc"),
             lambda: sg.tensor([5, 2]).div(0, rounding_mode="floor")]
    for f in calls:
        with pytest.raises(RuntimeError) as e:
            f()
        assert str(e.value) == "ZeroDivisionError"
    # floats divide by zero as IEEE does
    assert repr(sg.tensor([5., 2]) // 0) == "tensor([inf, inf])"
    assert repr(sg.tensor([5, 2]).remainder(0.0)) == "tensor([nan, nan])"
    assert repr(sg.tensor([5, 2]).fmod(0.)) == "tensor([nan, nan])"
    assert repr(sg.tensor([5, -2]) % 3) == "tensor([2, 1])"
    assert (sg.tensor([5, -2]) % 3).numpy().tolist() == (np.array([5, -2]) % 3).tolist()


_SUB_BOOL = ("Subtraction, the `-` operator, with a bool tensor is not supported. "
             "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
_SUB_2BOOL = ("Subtraction, the `-` operator, with two bool tensors is not supported. "
              "Use the `^` or `logical_xor()` operator instead.")
_NEG_BOOL = ("Negation, the `-` operator, on a bool tensor is not supported. "
             "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def test_bool_subtraction_and_negation_errors():
    b = sg.tensor([True, False])
    cases = [(lambda: sg.tensor([1., 2]) - True, _SUB_BOOL), (lambda: b - 2, _SUB_BOOL),
             (lambda: sg.tensor([1., 2]) - b, _SUB_BOOL), (lambda: sg.rsub(b, 1), _SUB_BOOL),
             (lambda: sg.tensor([1.]).sub_(True), _SUB_BOOL), (lambda: True - sg.tensor([1.]), _SUB_BOOL),
             (lambda: b - sg.tensor([True, True]), _SUB_2BOOL), (lambda: True - b, _SUB_2BOOL),
             (lambda: -b, _NEG_BOOL), (lambda: sg.neg(b), _NEG_BOOL), (lambda: b.clone().neg_(), _NEG_BOOL)]
    for f, msg in cases:
        with pytest.raises(RuntimeError) as e:
            f()
        assert str(e.value) == msg
    assert repr(b + True) == "tensor([True, True])"


def test_inplace_python_int_wraps_too():
    a = sg.tensor([1, 2], dtype=sg.uint8)
    a.add_(-3)
    assert repr(a) == "tensor([254, 255], dtype=symgrad.uint8)"
    a.mul_(300)
    assert repr(a) == "tensor([168, 212], dtype=symgrad.uint8)"
    assert a.numpy().tolist() == [(254 * 300) % 256, (255 * 300) % 256]


def test_clamp_integer_input_float_bounds_is_default_float():
    out = sg.clamp(sg.tensor([1, 2, 3]), 0.5, 2.5)
    assert repr(out) == "tensor([1.0000, 2.0000, 2.5000])" and out.dtype == sg.float32
    assert repr(sg.clamp(sg.tensor([1, 2, 3]), 0, 2)) == "tensor([1, 2, 2])"
    assert repr(sg.clamp(sg.tensor([1, 2, 3]), max=True)) == "tensor([1, 1, 1])"
    assert sg.clamp(sg.tensor([1., 2, 3], dtype=sg.float64), 0.5).dtype == sg.float64
    assert repr(sg.clamp(sg.tensor([1, 2, 3]), sg.tensor([2]), sg.tensor([2.5]))) == "tensor([2.0000, 2.0000, 2.5000])"


def test_clamp_tensor_bounds_is_one_clamp_node():
    x = sg.tensor([-1., 0., 0.5, 1., 2.], requires_grad=True)
    lo = sg.tensor([0., 0., 0., 0., 3.], requires_grad=True)
    hi = sg.tensor([1., 1., 1., 1., 2.5], requires_grad=True)
    y = x.clamp(lo, hi)
    assert repr(y) == "tensor([0.0000, 0.0000, 0.5000, 1.0000, 2.5000], grad_fn=<ClampBackward0>)"
    assert np.allclose(y.detach().numpy(), np.minimum(np.maximum(x.detach().numpy(), lo.detach().numpy()),
                                                      hi.detach().numpy()))
    y.backward(sg.arange(1., 6))
    # ties go to the input (no halving); with min > max the output is max, whose gradient it is
    assert x.grad.tolist() == [0., 2., 3., 4., 0.]
    assert lo.grad.tolist() == [1., 0., 0., 0., 0.]
    assert hi.grad.tolist() == [0., 0., 0., 0., 5.]
    x.grad = lo.grad = None
    y = x.clamp(min=lo)
    assert y.grad_fn.name() == "ClampBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [0., 1., 1., 1., 0.] and lo.grad.tolist() == [1., 0., 0., 0., 1.]
    # away from the kinks the gradient is the finite difference
    xs = np.array([-0.7, 0.3, 1.8])
    t = sg.tensor(xs, requires_grad=True)
    t.clamp(sg.tensor([0., 0., 0.], dtype=sg.float64), sg.tensor(1., dtype=sg.float64)).sum().backward()
    eps = 1e-6
    fd = (np.clip(xs + eps, 0, 1) - np.clip(xs - eps, 0, 1)) / (2 * eps)
    assert np.allclose(t.grad.numpy(), fd)
    z = x * 1
    z.clamp_(lo, sg.tensor([1.5]))
    assert z.grad_fn.name() == "ClampBackward0"


def test_bitwise_ops_on_float_tensors():
    cases = [(lambda: sg.tensor([1., 2]) & sg.tensor([1, 2]), "\"bitwise_and_cpu\" not implemented for 'Float'"),
             (lambda: sg.tensor([1, 2]) & 1.5, "\"bitwise_and_cpu\" not implemented for 'Float'"),
             (lambda: sg.tensor([1, 2]) & sg.tensor([1., 2]).double(),
              "\"bitwise_and_cpu\" not implemented for 'Double'"),
             (lambda: sg.tensor([1.]).half() | 1, "\"bitwise_or_cpu\" not implemented for 'Half'"),
             (lambda: sg.tensor([1., 2]) ^ sg.tensor([1., 2]), "\"bitwise_xor_cpu\" not implemented for 'Float'"),
             (lambda: sg.tensor(1.) & sg.tensor([1]), "\"bitwise_and_cpu\" not implemented for 'Float'"),
             (lambda: sg.bitwise_not(sg.tensor([1.])), "\"bitwise_not_cpu\" not implemented for 'Float'")]
    for f, msg in cases:
        with pytest.raises(NotImplementedError) as e:
            f()
        assert str(e.value) == msg
    with pytest.raises(TypeError) as e:
        ~sg.tensor([1.])
    assert str(e.value) == "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
    assert repr(sg.tensor([5, 6]) ^ 3) == "tensor([6, 5])"
    assert repr(sg.tensor([1, 2]) & True) == "tensor([1, 0])"
    assert repr(~sg.tensor([1, 2])) == "tensor([-2, -3])"


def test_tensor_constructor_tuple_is_data():
    assert repr(sg.Tensor((2, 3))) == "tensor([2., 3.])"
    assert repr(sg.Tensor((2.5,))) == "tensor([2.5000])"
    assert repr(sg.Tensor(())) == "tensor([])"
    assert sg.Tensor(2, 3).shape == (2, 3) and sg.Tensor(3).shape == (3,)
    assert sg.Tensor(sg.Size([2, 4])).shape == (2, 4)


def test_arange_inconsistent_step_sign():
    for f in (lambda: sg.arange(5, 0), lambda: sg.arange(0, 5, -1), lambda: sg.arange(-1),
              lambda: sg.arange(1., 0.5)):
        with pytest.raises(RuntimeError) as e:
            f()
        assert str(e.value) == "upper bound and lower bound inconsistent with step sign"
    with pytest.raises(RuntimeError) as e:
        sg.arange(0, 5, 0)
    assert str(e.value) == "step must be nonzero"
    assert repr(sg.arange(0, 0)) == "tensor([], dtype=symgrad.int64)"
    assert sg.arange(5, 0, -1).tolist() == np.arange(5, 0, -1).tolist()


def test_non_number_operands():
    t = sg.tensor([1., 2])
    assert (t == None) is False and (t != None) is True          # noqa: E711
    assert (None == t) is False and (t == "a") is False and (t == [1, 2]) is False   # noqa: E711
    with pytest.raises(TypeError) as e:
        t ** [1, 2]
    assert str(e.value) == "unsupported operand type(s) for ** or pow(): 'Tensor' and 'list'"
    with pytest.raises(TypeError) as e:
        t @ [1, 2]
    assert str(e.value) == "unsupported operand type(s) for @: 'Tensor' and 'list'"
    for f in (lambda: t + "a", lambda: t + [1, 2], lambda: t + (1, 2), lambda: [1, 2] + t,
              lambda: t - [1], lambda: t / "a", lambda: t > [1, 2], lambda: t // [1], lambda: t % [1],
              lambda: sg.add(t, [1, 2]), lambda: t & [1], lambda: t < None):
        with pytest.raises(TypeError):
            f()
    assert repr(t + np.float64(2)) == "tensor([3., 4.])"
    assert repr(t ** np.int64(2)) == "tensor([1., 4.])"


def test_reduction_with_a_tuple_dim_where_one_int_is_expected():
    t = sg.tensor([[1., 2], [3, 4]])
    with pytest.raises(TypeError) as e:
        t.argmax(dim=(0, 1))
    assert str(e.value) == "argmax(): argument 'dim' must be int, not tuple"
    with pytest.raises(TypeError) as e:
        t.argmin(dim=[0])
    assert str(e.value) == "argmin(): argument 'dim' must be int, not list"
    with pytest.raises(TypeError) as e:
        t.max(dim=(0, 1))
    assert str(e.value) == ("max() received an invalid combination of arguments - got (dim=tuple, ), but expected one of:\n"
                            " * ()\n      didn't match because some of the keywords were incorrect: dim\n"
                            " * (Tensor other)\n      didn't match because some of the keywords were incorrect: dim\n"
                            " * (int dim, bool keepdim = False)\n")
    with pytest.raises(TypeError) as e:
        t.prod(dim=(0, 1))
    assert str(e.value).startswith("prod() received an invalid combination of arguments - got (dim=tuple, ), "
                                   "but expected one of:\n")
    assert t.max(1).values.tolist() == [2., 4.] and t.prod(0).tolist() == [3., 8.]


def test_reshape_grad_fn_follows_layout():
    x = sg.ones(2, 3, 4, requires_grad=True)
    cases = [(lambda: x[:, :2].reshape(2, 8), "ReshapeAliasBackward0", False),
             (lambda: x[:, :2].reshape(4, 2, 2), "UnsafeViewBackward0", True),
             (lambda: x[::2].reshape(3, 4), "ViewBackward0", True),
             (lambda: x[:, 0].reshape(8), "UnsafeViewBackward0", True),
             (lambda: x.permute(2, 1, 0).reshape(4, 3, 2), "ReshapeAliasBackward0", False),
             (lambda: x.permute(2, 1, 0).flatten(), "UnsafeViewBackward0", True)]
    for f, name, contiguous in cases:
        r = f()
        assert r.grad_fn.name() == name and r.is_contiguous() == contiguous
    r = sg.ones(2, 3, requires_grad=True).t().reshape(-1)
    assert [r.grad_fn.name(), r.grad_fn.next_functions[0][0].name(),
            r.grad_fn.next_functions[0][0].next_functions[0][0].name()] == [
        "UnsafeViewBackward0", "CloneBackward0", "TBackward0"]
    # an alias writes through, a copy does not
    y = sg.arange(24.).reshape(2, 3, 4)
    y[:, 0].reshape(2, 2, 2)[0, 0, 0] = 100
    y[:, 0].reshape(8)[1] = -100
    assert y[0, 0, 0].item() == 100 and y[0, 0, 1].item() == 1
    a = sg.arange(24., requires_grad=True)
    (a.reshape(2, 3, 4).permute(2, 1, 0).reshape(-1) * sg.arange(24.)).sum().backward()
    assert a.grad.tolist() == np.arange(24.).reshape(4, 3, 2).transpose(2, 1, 0).reshape(-1).tolist()


def test_round_decimals_and_tensor_remainder_grad_fn():
    x = sg.tensor([1.5, -2.5, 3.25], requires_grad=True)
    y = sg.tensor([1., 2., -1.5], requires_grad=True)
    assert x.round().grad_fn.name() == "RoundBackward0"
    assert x.round(decimals=0).grad_fn.name() == "RoundBackward1"
    assert x.round(decimals=2).grad_fn.name() == "RoundBackward1"
    assert repr(sg.tensor([1.234, 5.678]).round(decimals=1)) == "tensor([1.2000, 5.7000])"
    assert (x % y).grad_fn.name() == "RemainderBackward1" and (x % 2).grad_fn.name() == "RemainderBackward0"
    assert x.fmod(y).grad_fn.name() == "FmodBackward1" and x.fmod(2).grad_fn.name() == "FmodBackward0"
    assert (x * 1).remainder_(y).grad_fn.name() == "RemainderBackward1"
    (x % y).sum().backward()
    xs, ys = np.array([1.5, -2.5, 3.25]), np.array([1., 2., -1.5])
    assert x.grad.tolist() == [1., 1., 1.]
    assert np.allclose(y.grad.numpy(), -np.floor(xs / ys))


def test_vector_matrix_product_and_squeeze_dims_grad_fn():
    x = sg.tensor([1., 2, 3], requires_grad=True)
    m = sg.arange(6.).reshape(3, 2).requires_grad_()
    r = x @ m
    assert repr(r) == "tensor([16., 22.], grad_fn=<SqueezeBackward4>)"
    assert r.tolist() == (np.array([1., 2, 3]) @ np.arange(6.).reshape(3, 2)).tolist()
    assert r.grad_fn.next_functions[0][0].name() == "MmBackward0"
    r.sum().backward()
    assert x.grad.tolist() == [1., 5., 9.] and m.grad.tolist() == [[1., 1.], [2., 2.], [3., 3.]]
    assert x.unsqueeze(0).squeeze((0,)).grad_fn.name() == "SqueezeBackward2"
    assert x.unsqueeze(0).squeeze(0).grad_fn.name() == "SqueezeBackward1"
    assert x.unsqueeze(0).squeeze().grad_fn.name() == "SqueezeBackward0"


# ------------------------------------------------ in-place squeeze/unsqueeze
@pytest.mark.parametrize("method,args,node,shape", [
    ("squeeze_", (), "SqueezeBackward3", (2, 3)),
    ("squeeze_", (1,), "SqueezeBackward4", (2, 3)),
    ("squeeze_", ((1, 0),), "SqueezeBackward5", (2, 3)),
    ("unsqueeze_", (0,), "UnsqueezeBackward1", (1, 2, 1, 3)),
    ("unsqueeze_", (-1,), "UnsqueezeBackward1", (2, 1, 3, 1)),
])
def test_inplace_squeeze_unsqueeze(method, args, node, shape):
    x = sg.arange(6., requires_grad=True)
    y = x.reshape(2, 1, 3) * 1
    assert getattr(y, method)(*args) is y
    assert y.grad_fn.name() == node and tuple(y.shape) == shape
    w = np.arange(6.0).reshape(shape)
    (y * sg.tensor(w, dtype=sg.float32)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w.reshape(-1))     # d/dx of sum(w * x) is w


def test_inplace_squeeze_of_a_view_writes_through():
    b = sg.zeros(2, 1, 3)
    v = b[0]
    v.squeeze_(0)
    v[1] = 5
    assert tuple(v.shape) == (3,) and b.numpy()[0, 0, 1] == 5


# ------------------------------------------------ integer creation overflow
@pytest.mark.parametrize("data,dtype,expected", [
    (-1, "uint8", [255]), ([1, -255], "uint8", [1, 1]), ([1, 2.5, -1], "uint8", [1, 2, 255]),
    ([-128], "int8", [-128]), ([2.9, -2.9], "int32", [2, -2]), ([2 ** 63 - 1], "int64", [2 ** 63 - 1]),
])
def test_int_creation_in_range(data, dtype, expected):
    t = sg.tensor(data, dtype=getattr(sg, dtype))
    assert t.reshape(-1).tolist() == expected


@pytest.mark.parametrize("data,dtype", [
    (300, "uint8"), ([1, -256], "uint8"), ([-1.5], "uint8"), ([255.5], "uint8"), ([128], "int8"),
    ([2 ** 31], "int32"), ([1e10], "int32"), ([float("nan")], "int32"),
])
def test_int_creation_overflow_error(data, dtype):
    with pytest.raises(RuntimeError, match=f"^value cannot be converted to type {dtype} without overflow$"):
        sg.tensor(data, dtype=getattr(sg, dtype))


def test_int_creation_beyond_long_long():
    for dt in (None, sg.uint8):
        with pytest.raises(ValueError, match="^Overflow when unpacking long long$"):
            sg.tensor([2 ** 63], dtype=dt)


def test_int_creation_from_ndarray_casts():
    assert sg.tensor(np.array([1, 300]), dtype=sg.uint8).tolist() == [1, 44]


# ------------------------------------------------------- operator operands
@pytest.mark.parametrize("expr,message", [
    ("t + [1, 2]", "unsupported operand type(s) for +: 'Tensor' and 'list'"),
    ("t * None", "unsupported operand type(s) for *: 'Tensor' and 'NoneType'"),
    ("None * t", "unsupported operand type(s) for *: 'NoneType' and 'Tensor'"),
    ("t / 'a'", "unsupported operand type(s) for /: 'Tensor' and 'str'"),
    ("t - (1, 2)", "unsupported operand type(s) for -: 'Tensor' and 'tuple'"),
    ("t // None", "unsupported operand type(s) for //: 'Tensor' and 'NoneType'"),
    ("t & None", "unsupported operand type(s) for &: 'Tensor' and 'NoneType'"),
    ("t < None", "'<' not supported between instances of 'Tensor' and 'NoneType'"),
    ("t >= 'a'", "'>=' not supported between instances of 'Tensor' and 'str'"),
])
def test_operator_with_a_non_number_is_pythons_type_error(expr, message):
    t = sg.ones(2)
    with pytest.raises(TypeError) as e:
        eval(expr)
    assert str(e.value) == message


def test_inplace_operator_with_a_non_number():
    t = sg.ones(2)
    with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for \+=: 'Tensor' and 'NoneType'$"):
        t += None


def test_ndarray_operand_is_a_tensor_of_its_dtype():
    out = sg.ones(2) + np.ones(2)                    # float32 tensor + float64 array
    assert out.dtype is sg.float64 and out.tolist() == [2.0, 2.0]


def test_complex_operand_is_refused():
    # symgrad has no complex dtype: dropping the imaginary part would be a wrong number
    with pytest.raises(TypeError, match="no complex dtype"):
        sg.ones(2) + 1j


# ------------------------------------------------------------ clamp bounds
@pytest.mark.parametrize("dtype,kw,ctype", [
    ("float32", {"min": 1e40}, "float"), ("float32", {"max": -1e40}, "float"),
    ("float16", {"max": 70000.0}, "c10::Half"), ("uint8", {"max": 300}, "uint8_t"),
    ("int8", {"min": -200}, "int8_t"), ("int16", {"min": 40000}, "int16_t"),
    ("int32", {"max": 2 ** 40}, "int"), ("int64", {"min": 2 ** 63}, "int64_t"),
])
def test_clamp_bound_overflow(dtype, kw, ctype):
    with pytest.raises(RuntimeError, match=f"^value cannot be converted to type {ctype} without overflow$"):
        sg.tensor([1, 2], dtype=getattr(sg, dtype)).clamp(**kw)


def test_clamp_unsigned_bound_wraps():
    t = sg.tensor([1, 2], dtype=sg.uint8)
    assert t.clamp(min=-1).tolist() == [255, 255]                 # -1 is 255
    assert t.clamp(min=-255, max=-250).tolist() == [1, 2]         # [1, 6]
    assert sg.tensor([1.5, 2.5]).clamp(min=float("inf")).tolist() == [np.inf, np.inf]


# ------------------------------------------------------------ contiguous copies
@pytest.mark.parametrize("make", [lambda x: x.t(), lambda x: x.permute(1, 0), lambda x: x.transpose(0, 1)])
def test_contiguous_of_a_transposed_tensor_is_row_major(make):
    x = sg.arange(6).view(2, 3)
    c = make(x).contiguous()
    assert c.is_contiguous() and c.stride() == (2, 1)
    assert c.view(6).tolist() == np.arange(6).reshape(2, 3).T.reshape(6).tolist()
    assert make(x).clone().stride() == (1, 3)          # clone keeps the layout, as PyTorch's


def test_contiguous_records_clone_and_passes_gradients():
    x = sg.arange(6.0).view(2, 3).requires_grad_()
    c = x.t().contiguous()
    assert type(c.grad_fn).__name__ == "CloneBackward0"
    (c.view(6) * sg.arange(6.0)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(6.0).reshape(3, 2).T)


# ------------------------------------------------------------------- Size
def test_size_slices_and_sums_are_sizes():
    s = sg.ones(2, 3, 4).shape
    assert repr(s[1:]) == "symgrad.Size([3, 4])" and s[0] == 2 and type(s[0]) is int
    assert repr(s + (1,)) == "symgrad.Size([2, 3, 4, 1])"
    assert repr((1,) + s) == "symgrad.Size([1, 2, 3, 4])"
    assert repr(s * 2) == repr(2 * s) == "symgrad.Size([2, 3, 4, 2, 3, 4])"


# ------------------------------------------------- integer results and grad
@pytest.mark.parametrize("cast", ["long", "int", "bool"])
def test_integer_cast_of_a_tensor_requiring_grad_is_a_constant(cast):
    x = sg.tensor([1.5, -2.7], requires_grad=True)
    y = getattr(x, cast)()
    assert not y.requires_grad and y.is_leaf and y.grad_fn is None
    assert repr(y).endswith(")") and "grad_fn" not in repr(y)


@pytest.mark.parametrize("make", [lambda: sg.zeros(2, dtype=sg.int64, requires_grad=True),
                                  lambda: sg.ones_like(sg.tensor([1]), requires_grad=True),
                                  lambda: sg.nn.Parameter(sg.tensor([1, 2]))])
def test_factories_refuse_grad_on_integers_with_pytorch_text(make):
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require gradients$"):
        make()


def test_linear_on_integer_input_names_mat1_and_mat2():
    with pytest.raises(RuntimeError, match="^mat1 and mat2 must have the same dtype, but got Long and Float$"):
        sg.nn.Linear(2, 1)(sg.tensor([[1, 2]]))


def test_non_leaf_grad_warning_says_how_to_fix_it():
    y = sg.ones(2, requires_grad=True) * 2
    with pytest.warns(UserWarning, match="use .retain_grad\\(\\) on the non-leaf Tensor. If you access the "
                                         "non-leaf Tensor by mistake, make sure you access the leaf Tensor instead."):
        assert y.grad is None


# ------------------------------------------------------- numpy scalars in data
@pytest.mark.parametrize("data,dtype", [
    (np.float64(1.5), "float64"), ([np.float64(1.5), np.float64(2.0)], "float64"), ([1, np.float64(2.5)], "float64"),
    (np.int32(3), "int32"), ([np.int32(3), 1], "int64"), (np.float32(2.0), "float32"),
    ([np.float16(1.0), 2.0], "float32"), ([np.int8(1), np.uint8(2)], "int16"), (np.bool_(True), "bool"),
    ([1.0, np.int32(2)], "float32"),
])
def test_numpy_scalars_keep_their_dtype_in_inference(data, dtype):
    assert sg.tensor(data).dtype is getattr(sg, dtype)


# ------------------------------------------------------ bitwise in place, shifts
def test_bitwise_in_place_operators_write_into_the_tensor():
    x = sg.tensor([1, 2, 3], dtype=sg.uint8)
    view, alias = x[:], x
    x &= sg.tensor([1, 1, 1])
    assert x is alias and x.dtype is sg.uint8 and view.tolist() == [1, 0, 1]
    x |= 4
    x ^= 1
    assert view.tolist() == [4, 5, 4]
    b = sg.tensor([True, False])
    with pytest.raises(RuntimeError, match="^result type Long can't be cast to the desired output type Bool$"):
        b |= 3
    with pytest.raises(NotImplementedError, match="\"bitwise_and_cpu\" not implemented for 'Float'"):
        sg.ones(2).__iand__(1)


def test_shifts():
    assert (sg.tensor([1, 2]) << 3).tolist() == [8, 16]
    assert (2 << sg.tensor([1, 2])).tolist() == [4, 8]
    assert (sg.tensor([-8]) >> 1).tolist() == [-4]
    assert (sg.tensor([1, 2], dtype=sg.int8) << 7).tolist() == [-128, 0]
    assert (sg.tensor([1]) << 64).tolist() == [0]                  # every bit shifted out
    assert (sg.tensor([-8]) >> 70).tolist() == [-1]
    x = sg.tensor([1, 2])
    y = x
    x <<= 1
    assert x is y and x.tolist() == [2, 4]
    with pytest.raises(NotImplementedError, match="\"lshift_cpu\" not implemented for 'Float'"):
        sg.ones(1) << 1


# ------------------------------------------------------------------ norms
@pytest.mark.parametrize("p,want", [(0, 3.0), (float("-inf"), 0.0), (float("inf"), 3.0)])
def test_norm_orders_zero_and_infinite(p, want):
    x = sg.tensor([[0.0, 2.0, -3.0], [1.0, 0.0, 0.0]], requires_grad=True)
    n = x.norm(p)
    assert n.item() == want
    n.backward()
    g = np.zeros((2, 3))
    if p == float("inf"):
        g[0, 2] = -1.0                  # the entry of largest magnitude
    np.testing.assert_array_equal(x.grad.numpy(), g)
    assert x.norm(p, dim=1).tolist() == {0: [2.0, 1.0], float("-inf"): [0.0, 0.0], float("inf"): [3.0, 1.0]}[p]


# -------------------------------------------------------------- index errors
@pytest.mark.parametrize("index,exc,text", [
    (lambda: sg.tensor(5)[0], IndexError, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                          "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"),
    (lambda: sg.arange(3)[::-1], ValueError, "step must be greater than zero"),
    (lambda: sg.arange(3)[::0], ValueError, "slice step cannot be zero"),
    (lambda: sg.arange(10)[sg.tensor([11])], IndexError, "index 11 is out of bounds for dimension 0 with size 10"),
])
def test_index_errors(index, exc, text):
    with pytest.raises(exc) as e:
        index()
    assert str(e.value) == text


# ------------------------------------------------------------------ sorting
def test_sort_ties_keep_order_and_nan_is_largest():
    nan = float("nan")
    x = sg.tensor([[3.0, 1.0, 2.0, 1.0], [nan, 0.0, 5.0, 5.0]])
    assert x.sort().indices.tolist() == [[1, 3, 2, 0], [1, 2, 3, 0]]
    assert x.sort(1, descending=True).indices.tolist() == [[0, 2, 1, 3], [0, 2, 3, 1]]
    assert x.argsort(descending=True).tolist() == [[0, 2, 1, 3], [0, 2, 3, 1]]
    assert x.sort(dim=0).indices.tolist() == [[0, 1, 0, 0], [1, 0, 1, 1]]
    r = x.topk(2)
    assert repr(r).startswith("symgrad.return_types.topk(\nvalues=") and r.indices.tolist() == [[0, 2], [0, 2]]
    assert sg.tensor([True, False]).sort().indices.tolist() == [1, 0]
    assert sg.tensor(3.0).sort().indices.item() == 0 and sg.tensor(3.0).topk(1).values.shape == ()


def test_sort_gradient_goes_to_the_source_positions():
    x = sg.tensor([[3.0, 1.0, 2.0, 1.5]], requires_grad=True)
    s = x.sort()
    assert type(s.values.grad_fn).__name__ == "SortBackward0" and not s.indices.requires_grad
    (s.values * sg.arange(4.0)).sum().backward()
    assert x.grad.tolist() == [[3.0, 0.0, 2.0, 1.0]]


@pytest.mark.parametrize("call,exc,text", [
    (lambda x: x.topk(5), RuntimeError, "selected index k out of range"),
    (lambda x: x.sort(dim=2), IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
])
def test_sort_errors(call, exc, text):
    with pytest.raises(exc) as e:
        call(sg.zeros(2, 4))
    assert str(e.value) == text


# ------------------------------------------------------- dtype errors, warnings
@pytest.mark.parametrize("call,text", [
    (lambda: sg.tensor([[1, 2]]).softmax(0), "\"softmax_kernel_impl\" not implemented for 'Long'"),
    (lambda: sg.tensor([[1, 2]]).softmax(1), "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    (lambda: sg.tensor([True]).log_softmax(0), "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Bool'"),
    (lambda: sg.tensor([True]) // sg.tensor([True]), "\"div_floor_cpu\" not implemented for 'Bool'"),
    (lambda: sg.tensor([True]) % sg.tensor([True]), "\"remainder_cpu\" not implemented for 'Bool'"),
])
def test_unsupported_dtype_kernels(call, text):
    with pytest.raises(NotImplementedError) as e:
        call()
    assert str(e.value) == text


@pytest.mark.parametrize("call,text", [
    (lambda: sg.add(sg.tensor([1]), 1, alpha=0.5),
     "For integral input tensors, argument alpha must not be a floating point number."),
    (lambda: sg.tensor([1]).sub_(sg.tensor([1]), alpha=1.0),
     "For integral input tensors, argument alpha must not be a floating point number."),
    (lambda: sg.allclose(sg.tensor([1]), sg.tensor([1.0])), "Long did not match Float"),
    (lambda: sg.zeros(3, dtype=sg.int64).__setitem__(0, float("nan")),
     "value cannot be converted to type int64_t without overflow"),
    (lambda: sg.zeros(3).__setitem__(slice(None), sg.ones(2)),
     "The expanded size of the tensor (3) must match the existing size (2) at non-singleton dimension 0.  "
     "Target sizes: [3].  Tensor sizes: [2]"),
])
def test_runtime_error_texts(call, text):
    with pytest.raises(RuntimeError) as e:
        call()
    assert str(e.value) == text


def test_float_alpha_is_fine_for_float_results():
    assert sg.add(sg.tensor([1]), 1.0, alpha=0.5).tolist() == [1.5]


def test_setitem_refuses_lists_and_wraps_unsigned():
    with pytest.raises(TypeError, match="^can't assign a list to a symgrad.FloatTensor$"):
        sg.zeros(3)[1:] = [7, 8]
    u = sg.zeros(3, dtype=sg.uint8)
    u[0] = -1
    u[1] = 2.7
    assert u.tolist() == [255, 2, 0]


def test_tensor_data_holding_tensors():
    x = sg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="To copy construct from a tensor, it is recommended to use "
                                         "sourceTensor.detach"):
        sg.tensor(x)
    with pytest.warns(UserWarning, match="Converting a tensor with requires_grad=True to a scalar"):
        assert sg.tensor([x[0], x[1]]).tolist() == [1.0, 2.0]
    with pytest.warns(UserWarning, match="Converting a tensor with requires_grad=True to a scalar"):
        float(x[0])
    with pytest.raises(ValueError, match="^only one element tensors can be converted to Python scalars$"):
        sg.tensor([x, x])


def test_transpose_property_warnings():
    with pytest.warns(UserWarning, match="The use of `x.T` on tensors of dimension other than 2"):
        assert sg.zeros(2, 3, 4).T.shape == (4, 3, 2)
    with pytest.warns(UserWarning, match="Tensor.T is deprecated on 0-D tensors"):
        sg.tensor(1.0).T
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sg.zeros(2, 3).T.shape == (3, 2)
        assert np.isnan(sg.tensor([]).mean().item())          # no numpy "Mean of empty slice"


def test_named_return_types_and_integer_nansum():
    r = sg.tensor([[1.0, 5.0], [7.0, 2.0]]).max(1)
    assert type(r).__name__ == "max" and type(r).__module__ == "symgrad.return_types"
    assert type(sg.ones(3).sort()).__name__ == "sort"
    n = sg.tensor([1, 2]).nansum()
    assert n.dtype is sg.int64 and n.item() == 3


def test_fmax_fmin_ignore_nan_in_values_and_gradients():
    nan = float("nan")
    a = sg.tensor([nan, 1.0, 2.0, nan, 3.0], requires_grad=True)
    b = sg.tensor([-1.6, nan, 2.0, nan, 1.0], requires_grad=True)
    y = sg.fmax(a, b)
    np.testing.assert_array_equal(y.detach().numpy(), np.float32([-1.6, 1.0, 2.0, nan, 3.0]))
    assert type(y.grad_fn).__name__ == "FmaxBackward0"
    y.sum().backward()
    assert a.grad.tolist() == [0, 1, 1, 1, 1] and b.grad.tolist() == [1, 0, 0, 0, 0]
    a.grad = b.grad = None
    y = sg.fmin(a, b)
    np.testing.assert_array_equal(y.detach().numpy(), np.float32([-1.6, 1.0, 2.0, nan, 1.0]))
    y.sum().backward()
    assert a.grad.tolist() == [0, 1, 1, 1, 0] and b.grad.tolist() == [1, 0, 0, 0, 1]


# ------------------------------------------------- bool kernels, clamp_ casts
@pytest.mark.parametrize("name,exc,text", [
    ("abs", NotImplementedError, "\"abs_cpu\" not implemented for 'Bool'"),
    ("floor", NotImplementedError, "\"floor_vml_cpu\" not implemented for 'Bool'"),
    ("ceil", NotImplementedError, "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    ("trunc", NotImplementedError, "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    ("round", NotImplementedError, "\"round_vml_cpu\" not implemented for 'Bool'"),
    ("frac", NotImplementedError, "\"frac_cpu\" not implemented for 'Bool'"),
    ("relu", RuntimeError, "Boolean inputs not supported for relu"),
])
@pytest.mark.parametrize("inplace", [False, True])
def test_bool_tensors_have_no_such_kernel(name, exc, text, inplace):
    with pytest.raises(exc) as e:
        getattr(sg.tensor([True, False]), name + ("_" if inplace else ""))()
    assert str(e.value) == text
    if name == "frac":              # nor for integers
        with pytest.raises(NotImplementedError, match="^\"frac_cpu\" not implemented for 'Long'$"):
            sg.tensor([1, -2]).frac()
    else:
        assert getattr(sg.tensor([1, -2]), name)().dtype is sg.int64       # integers are fine


@pytest.mark.parametrize("dtype,bounds,text", [
    ("bool", (0, 1), "result type Long can't be cast to the desired output type bool"),
    ("int64", (0.5, 3.5), "result type Float can't be cast to the desired output type long int"),
    ("int8", (0.5, None), "result type Float can't be cast to the desired output type signed char"),
])
def test_in_place_clamp_refuses_wider_bounds(dtype, bounds, text):
    with pytest.raises(RuntimeError) as e:
        sg.zeros(2, dtype=getattr(sg, dtype)).clamp_(*bounds)
    assert str(e.value) == text
    assert sg.zeros(2, dtype=sg.uint8).clamp_(-1).tolist() == [255, 255]


@pytest.mark.parametrize("key,text", [
    (lambda sg: 1.5, "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                     "indices (got float)"),
    (lambda sg: ([0, 1], [0, 1, 2]), "shape mismatch: indexing tensors could not be broadcast together with "
                                     "shapes [2], [3]"),
    (lambda sg: sg.tensor([True, False, True]), "The shape of the mask [3] at index 0 does not match the shape of "
                                                "the indexed tensor [2, 3] at index 0"),
    (lambda sg: (slice(None), sg.tensor([True, False])), "The shape of the mask [2] at index 0 does not match the "
                                                         "shape of the indexed tensor [2, 3] at index 1"),
])
@pytest.mark.parametrize("write", [False, True])
def test_advanced_index_errors(key, text, write):
    x = sg.arange(6.0).view(2, 3)
    with pytest.raises(IndexError) as e:
        if write:
            x[key(sg)] = 0.0
        else:
            x[key(sg)]
    assert str(e.value) == text
    assert x[..., sg.tensor([True, False, True])].tolist() == [[0.0, 2.0], [3.0, 5.0]]


def test_norm_gradient_at_a_zero_entry_for_p_below_two():
    for p in (1.5, 0.5):
        x = sg.tensor([0.0, 1.0], requires_grad=True)
        x.norm(p=p).backward()
        assert x.grad.tolist() == [0.0, 1.0]


def test_maximum_minimum_send_the_gradient_to_both_at_a_nan():
    nan = float("nan")
    for f in (sg.maximum, sg.minimum):
        a = sg.tensor([nan, 1.0, 2.0], requires_grad=True)
        b = sg.tensor([1.0, nan, 2.0], requires_grad=True)
        f(a, b).sum().backward()
        assert a.grad.tolist() == b.grad.tolist() == [1.0, 1.0, 0.5]


def test_clone_of_an_expanded_tensor_is_row_major():
    c = sg.arange(3.0).view(1, 3).expand(2, 1, 3).clone()
    assert c.stride() == (3, 3, 1) and c.view(-1).tolist() == [0.0, 1.0, 2.0] * 2
    assert sg.arange(12.0).view(3, 4).t()[::2].clone().stride() == (1, 2)      # stride order kept


def test_nan_to_num_values_gradient_and_closed_form():
    nan, inf = float("nan"), float("inf")
    x = sg.tensor([nan, inf, -inf, 1.5], requires_grad=True)
    y = sg.nan_to_num(x)
    big = float(np.finfo(np.float32).max)
    assert y.tolist() == [0.0, big, -big, 1.5] and type(y.grad_fn).__name__ == "NanToNumBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 1.0]
    np.testing.assert_array_equal(y.evaluate(), y.detach().numpy())
    np.testing.assert_array_equal(x.grad.evaluate(), x.grad.numpy())
    assert sg.nan_to_num(x.detach(), nan=2.0, posinf=3.0).tolist()[:2] == [2.0, 3.0]
    assert sg.nan_to_num(sg.tensor([1, 2])).tolist() == [1, 2]
    b = sg.tensor([True, False])
    assert b.logical_not_() is b and b.tolist() == [False, True]


def test_atan2_gradient_is_zero_where_the_squared_radius_is_zero():
    tiny = 1e-160                    # tiny² + tiny² is subnormal, not 0: 1/that overflows, as in PyTorch
    a = sg.tensor([0.0, 1.0, 2.0, 1e-170, tiny], dtype=sg.float64, requires_grad=True)
    b = sg.tensor([0.0, 0.0, -3.0, 0.0, tiny], dtype=sg.float64, requires_grad=True)
    sg.atan2(a, b).sum().backward()
    r = 1 / 13
    assert a.grad.tolist() == [0.0, 0.0, -3 * r, 0.0, float("inf")]
    assert b.grad.tolist() == [-0.0, -1.0, -2 * r, -0.0, -float("inf")]
    np.testing.assert_array_equal(a.grad.evaluate(), a.grad.numpy())
    np.testing.assert_array_equal(b.grad.evaluate(), b.grad.numpy())


def test_float_tests_in_closed_forms_see_infinities_nan_and_negative_zero():
    inf, nan = float("inf"), float("nan")
    y = sg.tensor([1.0, inf, -inf, nan, -0.0, 0.0, -2.0], requires_grad=True)
    for f in (sg.isinf, sg.isnan, sg.isfinite, sg.signbit):
        x = sg.ones(7, requires_grad=True)
        (x * f(y)).sum().backward()
        assert x.grad.tolist() == getattr(np, f.__name__)(y.detach().numpy()).astype(float).tolist()
        np.testing.assert_array_equal(x.grad.evaluate(), x.grad.numpy())


def test_empty_views_are_views():
    z = sg.ones(2, 0, requires_grad=True)
    y = sg.zeros(2, 3)
    y[..., :0] = z
    assert type(y.grad_fn).__name__ == "CopySlices"
    y.sum().backward()
    assert z.grad is not None and z.grad.shape == (2, 0)
    a = sg.zeros(0, 3)
    assert a.t()._base is a and a.view(3, 0)._base is a and a[1:]._base is a


def test_tensor_where_method_takes_self_as_the_input():
    x = sg.tensor([-2.0, 0.5, 3.0], dtype=sg.float64)
    r = x.where(x > 1, 0.0)
    assert r.tolist() == [0.0, 0.0, 3.0] and r.dtype is sg.float64


def test_reassigning_a_child_or_parameter_keeps_its_place():
    nn = sg.nn
    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    m[1] = nn.Tanh()
    assert [n for n, _ in m.named_children()] == ["0", "1", "2"]
    assert isinstance(list(m.children())[1], nn.Tanh)
    lin = nn.Linear(2, 2)
    lin.weight = nn.Parameter(sg.ones(2, 2))
    assert [n for n, _ in lin.named_parameters()] == list(lin.state_dict()) == ["weight", "bias"]


NAN, INF = float("nan"), float("inf")


def _grads(fn, *vals):
    ts = [sg.tensor(v, dtype=sg.float64, requires_grad=True) for v in vals]
    y = fn(*ts)
    y.sum().backward()
    for t in ts:            # the closed form evaluates to the same numbers
        np.testing.assert_array_equal(t.grad.evaluate(), t.grad.numpy())
    return [y.detach().numpy().tolist()] + [t.grad.numpy().tolist() for t in ts]


# expected: what PyTorch 2.13 gives (values, then each input's gradient)
@pytest.mark.parametrize("fn, vals, want", [
    (lambda x, e: x ** e, ([0.0, NAN, 2.0], [0.0, 0.0, 3.0]),
     [[1.0, 1.0, 8.0], [0.0, 0.0, 12.0], [0.0, NAN, 8 * np.log(2)]]),
    (lambda x: (-2.0) ** x, ([1.0, 2.0],), [[-2.0, 4.0], [NAN, NAN]]),
    (lambda x: 0.0 ** x, ([-1.0, 0.0, 2.0],), [[INF, 1.0, 0.0], [-INF, 0.0, 0.0]]),
    (lambda x: x.sign() * 3 + x.abs(), ([NAN, -0.0, 0.0, 2.0],), [[NAN, 0.0, 0.0, 5.0], [0.0, 0.0, 0.0, 1.0]]),
    (lambda x: (x.floor() + x.sign() + x.round() + x.ceil() + x.trunc()) * INF, ([1.5],), [[INF], [0.0]]),
    (lambda x: x.norm(p=1), ([NAN, 1.0],), [NAN, [0.0, 1.0]]),
    (lambda x: x.max(), ([1.0, NAN, 3.0],), [NAN, [0.0, 1.0, 0.0]]),
    (lambda x: x.min(), ([NAN, NAN, 1.0],), [NAN, [0.5, 0.5, 0.0]]),
    (lambda x: x.amax(), ([1.0, NAN, 3.0],), [NAN, [NAN, NAN, NAN]]),
    (lambda x: x.amin(), ([2.0, 1.0, 1.0],), [1.0, [0.0, 0.5, 0.5]]),
    (lambda x: x.norm(p=INF), ([1.0, NAN, 3.0],), [NAN, [0.0, 0.0, 0.0]]),
])
def test_gradients_at_nan_inf_and_zero_exponents(fn, vals, want):
    got = _grads(fn, *vals)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(np.array(g), np.array(w))
    assert sg.tensor([NAN, -0.0]).sign().tolist() == [0.0, 0.0] and not sg.tensor([-0.0]).sign().signbit().item()


def test_relu_and_elu_pass_the_gradient_at_nan():
    x = sg.tensor([NAN, -1.0, 2.0], dtype=sg.float64, requires_grad=True)
    (sg.nn.functional.relu(x) + sg.nn.functional.elu(x)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, np.exp(-1.0), 2.0], rtol=1e-15)
    np.testing.assert_array_equal(x.grad.evaluate(), x.grad.numpy())


def test_half_cumsum_accumulates_in_float32():
    assert sg.full((2000,), 0.1, dtype=sg.float16).cumsum(0)[-1].item() == 200.0


def test_binary_cross_entropy_gradients_at_the_ends():
    x = sg.tensor([0.0, 1.0, 1e-50, 0.3], dtype=sg.float64, requires_grad=True)
    t = sg.tensor([0.5, 0.5, 0.5, 1.0], dtype=sg.float64, requires_grad=True)
    sg.nn.functional.binary_cross_entropy(x, t).backward()
    eps = float(np.float32(1e-12))
    assert t.grad.tolist()[:2] == [INF, -INF]
    np.testing.assert_allclose(t.grad.numpy()[2:], [(np.log1p(-1e-50) - np.log(1e-50)) / 4, -np.log(0.3 / 0.7) / 4])
    np.testing.assert_allclose(x.grad.numpy(), [-0.5 / eps / 4, 0.5 / eps / 4, -0.5 / eps / 4, -0.7 / 0.21 / 4])


def test_cross_entropy_smoothing_and_probability_target_checks():
    F = sg.nn.functional
    lg = sg.tensor([[1.0, 2.0, 0.5]], dtype=sg.float64)
    assert F.cross_entropy(lg, sg.tensor([1]), label_smoothing=-0.2).item() == F.cross_entropy(lg, sg.tensor([1])).item()
    with pytest.raises(RuntimeError, match="^ignore_index is not supported for floating point target$"):
        F.cross_entropy(lg, sg.tensor([[0.2, 0.3, 0.5]], dtype=sg.float64), ignore_index=1)


@pytest.mark.parametrize("mode, want", [("floor", [1.0, -2.0, INF]), ("trunc", [1.0, -1.0, INF])])
def test_div_with_a_rounding_mode_is_differentiable_with_zero_gradient(mode, want):
    a = sg.tensor([3.0, -3.0, 1.0], requires_grad=True)
    b = sg.tensor([2.0, 2.0, 0.0], requires_grad=True)
    r = a.div(b, rounding_mode=mode)
    assert r.tolist() == want and type(r.grad_fn).__name__ == "DivBackward2"
    r.sum().backward()
    assert a.grad.tolist() == b.grad.tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_array_equal(r.evaluate(), want)
    assert sg.tensor([7, -7]).div(2, rounding_mode=mode).tolist() == ([3, -4] if mode == "floor" else [3, -3])


@pytest.mark.parametrize("v, soft, logsoft, lse", [
    ([1.0, INF, 2.0], [NAN] * 3, [NAN] * 3, INF),
    ([-INF, -INF], [NAN] * 2, [NAN] * 2, -INF),
    ([-INF, 1.0], [0.0, 1.0], [-INF, 0.0], 1.0),
])
def test_softmax_of_infinite_logits_as_pytorch(v, soft, logsoft, lse):
    x = sg.tensor(v)
    np.testing.assert_array_equal(sg.softmax(x, 0).numpy(), soft)
    np.testing.assert_array_equal(sg.log_softmax(x, 0).numpy(), logsoft)
    assert sg.logsumexp(x, 0).item() == lse


def test_gradients_from_autograd_grad_are_writable():
    x = sg.tensor([1.0, 2.0], requires_grad=True)
    g, = sg.autograd.grad(x.sum(), x)          # a broadcast of the seed
    assert g.zero_().tolist() == [0.0, 0.0]


def test_expand_to_the_same_shape_is_writable():
    b = sg.ones(2, 3)
    b.expand(2, 3).mul_(3)
    assert b.tolist() == [[3.0] * 3] * 2
    w = sg.ones(2, 3, requires_grad=True)
    c = w * 1
    c.expand(2, 3).mul_(2)
    c.sum().backward()
    assert w.grad.tolist() == [[2.0] * 3] * 2
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        sg.ones(1, 3).expand(2, 3).mul_(3)


def test_writes_into_expanded_tensors_as_pytorch():
    # fill_ and zero_ may write one value to all copies; a view of an expanded
    # tensor without copies of its own may be written (PyTorch's results)
    x = sg.tensor([1.0, 2.0])
    x.expand(3, 2).fill_(2)
    assert x.tolist() == [2.0, 2.0]
    x.unsqueeze(1).expand(2, 3).zero_()
    assert x.tolist() == [0.0, 0.0]
    e = x.expand(3, 2)
    e[1] = 5.0
    assert x.tolist() == [5.0, 5.0] and e.tolist() == [[5.0, 5.0]] * 3
    e[2].add_(sg.tensor([1.0, 2.0]))
    assert x.tolist() == [6.0, 7.0]
    for write in (lambda e: e.add_(1), lambda e: e.copy_(sg.ones(3, 2)), lambda e: e.normal_(),
                  lambda e: e.uniform_(), lambda e: e.exp_(), lambda e: e.__setitem__((slice(None), 0), 1.0)):
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single "
                                               "memory location"):
            write(x.expand(3, 2))
    assert x.tolist() == [6.0, 7.0]


def test_recorded_writes_into_expanded_tensors_are_refused():
    # PyTorch records them through the base's strides; symgrad refuses rather than guess
    x = sg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    with pytest.raises(RuntimeError, match="more than one element"):
        y.expand(3, 2).fill_(1.0)
    with pytest.raises(RuntimeError, match="does not record in-place writes into a view of an expanded tensor"):
        y.expand(3, 2)[1].mul_(x)
    assert y.tolist() == [1.0, 2.0]
    with sg.no_grad():
        y.expand(3, 2)[1].mul_(x)
    assert y.tolist() == [1.0, 4.0]


def test_zero_dim_tensors_take_dim_zero():
    x = sg.tensor(0.5, requires_grad=True)
    for y in (x.flip((0,)), x.transpose(0, -1), sg.movedim(x, 0, -1)):
        assert y.shape == () and y.item() == 0.5
    f = x.flip((0,))
    f.add_(1)                    # a copy: x is unchanged
    assert x.item() == 0.5
    (x.flip((0,)) * x.transpose(0, -1)).backward()
    assert x.grad.item() == 1.0


def test_integer_scalars_out_of_range_as_pytorch():
    u = sg.tensor([5], dtype=sg.uint8)
    m = sg.tensor([True])
    with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8_t without overflow$"):
        u.masked_fill(m, 300)
    assert u.masked_fill(m, -1).tolist() == [255]
    with pytest.raises(RuntimeError, match="^Integers to negative integer powers are not allowed.$"):
        u ** -3
    assert u.div(-3, rounding_mode="trunc").tolist() == u.div(-3, rounding_mode="floor").tolist() == [0]


def test_reduction_dtypes_as_pytorch():
    a, f, b = sg.tensor([1, 2]), sg.tensor([1.5, 2.0]), sg.tensor([True, False])
    for r in (a.sum(dtype=sg.int32), f.sum(dtype=sg.int32), b.sum(dtype=sg.int32), a.prod(dtype=sg.int32),
              a.cumsum(0, dtype=sg.int32), a.cumprod(0, dtype=sg.int32)):
        assert r.dtype is sg.int32
    assert a.sum().dtype is b.sum().dtype is sg.int64
    u = sg.tensor([1, 0], dtype=sg.uint8)
    assert u.all().dtype is u.any().dtype is u.all(0).dtype is sg.uint8
    assert sg.ones(1, 2).any(dim=()).shape == (1, 2)
    assert sg.tensor([NAN, 2.0]).nansum(dtype=sg.float64).item() == 2.0


def test_in_place_ops_refuse_partially_overlapping_inputs():
    a = sg.arange(5.0)
    text = ("^unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
            "memory location. Please clone")
    for f in (lambda: a[1:].add_(a[:-1]), lambda: a.__setitem__(slice(1, None), a[:-1]), lambda: a.mul_(a[0])):
        with pytest.raises(RuntimeError, match=text):
            f()
    b = sg.arange(4.0).view(2, 2)
    with pytest.raises(RuntimeError, match=text):
        b.t().add_(b)
    assert a.add_(a).tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]          # the same region is fine
    assert a[:2].copy_(a[:2]).tolist() == [0.0, 2.0]


@pytest.mark.parametrize("call, text", [
    (lambda: sg.where(sg.tensor([1.0, 0.0]), sg.ones(2), sg.zeros(2)),
     "where expected condition to be a boolean tensor, but got a tensor with dtype Float"),
    (lambda: sg.nn.functional.linear(sg.ones(2, 3), sg.ones(3), sg.ones(1)), "mat2 must be a matrix, got 1-D tensor"),
    (lambda: sg.tensor(1.0).sum((0, -1)), "dim 0 appears multiple times in the list of dims"),
    (lambda: sg.ones(2, 3, 4).sum((2, 0, -1)), "dim 2 appears multiple times in the list of dims"),
])
def test_more_pytorch_errors(call, text):
    with pytest.raises(RuntimeError) as e:
        call()
    assert str(e.value) == text


def test_a_bare_slice_key_records_a_slice():
    a = sg.ones(5, requires_grad=True) * 1
    b = sg.ones(5, 4, requires_grad=True) * 1
    names = [t[k].grad_fn.name() for t, k in ((a, slice(0, 5)), (a, slice(None)), (a, Ellipsis), (b, slice(None)),
                                               (b, (slice(None), slice(0, 4))), (b, (0, slice(1, 3))))]
    assert names == ["SliceBackward0", "SliceBackward0", "AliasBackward0", "SliceBackward0", "AliasBackward0",
                     "SliceBackward0"]
