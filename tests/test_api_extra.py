"""diff, tensordot, var_mean/std_mean, aminmax, median and memory formats
beyond their specs (errors, node names, integer and NaN inputs), and the
argument forms PyTorch takes or refuses (split, arange, numpy keywords)."""
import numpy as np
import pytest

import symgrad as sg


def _x():
    return sg.tensor(np.arange(6.).reshape(2, 3), requires_grad=True)


def _raises(err, msg, fn, *args, **kw):
    with pytest.raises(err) as e:
        fn(*args, **kw)
    assert str(e.value) == msg


# ------------------------------------------------------------------ diff
def test_diff_nodes_dtypes_and_copies():
    x = _x()
    assert sg.diff(x).grad_fn.name() == "SubBackward0"
    y = sg.diff(x, n=0)
    assert y.grad_fn.name() == "CopyBackwards" and y is not x
    np.testing.assert_array_equal(y.detach().numpy(), x.detach().numpy())
    b = sg.tensor([True, False, False, True])
    r = sg.diff(b)
    assert r.dtype is sg.bool
    np.testing.assert_array_equal(r.numpy(), np.logical_xor(b.numpy()[1:], b.numpy()[:-1]))
    i = sg.tensor([1, 4, 9, 16])
    assert sg.diff(i, 2).dtype is sg.int64
    np.testing.assert_array_equal(sg.diff(i, 2).numpy(), np.diff(i.numpy(), 2))
    # prepend of another dtype promotes, as a join does
    r = sg.diff(x, prepend=sg.zeros(2, 1, dtype=sg.float64))
    assert r.dtype is sg.float64
    e = sg.zeros(0, requires_grad=True)
    assert sg.diff(e) is e          # nothing to difference: the input itself


@pytest.mark.parametrize("kw,err,msg", [
    ({"n": -1}, RuntimeError, "order must be non-negative but got -1"),
    ({"n": 1.5}, TypeError, "diff(): argument 'n' must be int, not float"),
    ({"dim": 2}, IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    ({"prepend": sg.tensor(1.)}, RuntimeError, "diff expects prepend or append to be the same dimension as input"),
    ({"append": sg.ones(2)}, RuntimeError, "diff expects prepend or append to be the same dimension as input"),
    ({"prepend": sg.zeros(3, 1)}, RuntimeError,
     "diff expects the shape of tensor to prepend or append to match that of input except along the differencing "
     "dimension; input.size(0) = 2, but got tensor.size(0) = 3"),
])
def test_diff_errors(kw, err, msg):
    _raises(err, msg, sg.diff, _x(), **kw)


def test_diff_of_0d():
    _raises(RuntimeError, "diff expects input to be at least one-dimensional", sg.diff, sg.tensor(3.))


# ------------------------------------------------------------- tensordot
def test_tensordot_forms():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 4, 5))
    ta, tb = sg.tensor(a, requires_grad=True), sg.tensor(b)
    for dims, axes in [(2, 2), ([[1, 2], [0, 1]], ([1, 2], [0, 1])), (([1], [0]), ([1], [0])),
                       (sg.tensor([[2], [1]]), ([2], [1]))]:
        r = sg.tensordot(ta, tb, dims=dims)
        np.testing.assert_allclose(r.detach().numpy(), np.tensordot(a, b, axes))
        assert r.grad_fn.name() == "ViewBackward0"
    np.testing.assert_allclose(sg.tensordot(sg.tensor(b), sg.tensor(b), sg.tensor(3)).numpy(),
                               np.tensordot(b, b, 3))
    assert not hasattr(sg.Tensor, "tensordot")
    out = sg.zeros(2, 5, dtype=sg.float64)
    assert sg.tensordot(sg.tensor(a), tb, out=out) is out
    np.testing.assert_allclose(out.numpy(), np.tensordot(a, b))


@pytest.mark.parametrize("dims,err,msg", [
    (3, RuntimeError, "contracted dimensions need to match, but first has size 2 in dim -3 and second has size 3 "
                      "in dim 0"),
    (-1, RuntimeError, "tensordot expects dims >= 0, but got dims=-1"),
    (4, RuntimeError, "tensordot expects dims < ndim_a or ndim_b, but got dims=4"),
    (([1], [1]), RuntimeError, "contracted dimensions need to match, but first has size 3 in dim 1 and second has "
                               "size 4 in dim 1"),
    (([1, 2], [0]), RuntimeError, "both dimension lists should have same length"),
    (([1, 1], [0, 0]), RuntimeError, "dim 1 appears multiple times in the list of dims"),
    ((1, 0), TypeError, "tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not int"),
    (([1], 0), TypeError, "tensordot(): argument 'dims_other' (position 4) must be tuple of ints, not int"),
    (1.5, RuntimeError, "tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] "
                        "containing two lists, but got dims=1.5"),
])
def test_tensordot_errors(dims, err, msg):
    _raises(err, msg, sg.tensordot, sg.ones(2, 3, 4), sg.ones(3, 4, 5), dims=dims)


def test_tensordot_dtypes():
    _raises(RuntimeError, "both inputs should have same dtype", sg.tensordot, sg.ones(2), sg.ones(2, dtype=sg.float64), 1)
    r = sg.tensordot(sg.tensor([1, 2]), sg.tensor([3, 4]), dims=1)
    assert r.dtype is sg.int64 and r.item() == 11


# ---------------------------------------------------- var_mean, std_mean
def test_var_mean_values_and_node():
    a = np.random.default_rng(1).standard_normal((3, 4))
    x = sg.tensor(a, requires_grad=True)
    for kw, ddof in [({}, 1), ({"correction": 0}, 0), ({"unbiased": False}, 0), ({"correction": 2}, 2)]:
        v, m = sg.var_mean(x, 1, **kw)
        np.testing.assert_allclose(v.detach().numpy(), a.var(1, ddof=ddof))
        np.testing.assert_allclose(m.detach().numpy(), a.mean(1))
        assert v.grad_fn is m.grad_fn and v.grad_fn.name() == "VarMeanBackward0"
        s, m = sg.std_mean(x, 1, keepdim=True, **kw)
        np.testing.assert_allclose(s.detach().numpy(), a.std(1, ddof=ddof, keepdims=True))
        assert s.grad_fn.name() == "StdMeanBackward0" and m.shape == (3, 1)
    r = sg.var_mean(x, False)        # a bool first: unbiased, over all elements
    assert type(r) is tuple
    np.testing.assert_allclose(r[0].item(), a.var())
    assert not hasattr(sg.Tensor, "var_mean") and not hasattr(sg.Tensor, "std_mean")


def test_var_mean_errors_and_warning():
    _raises(RuntimeError, "var_mean only support floating point and complex dtypes", sg.var_mean, sg.tensor([1, 2]))
    _raises(RuntimeError, "std_mean only support floating point and complex dtypes", sg.std_mean, sg.tensor([1, 2]))
    with pytest.warns(UserWarning, match=r"^var_mean\(\): degrees of freedom is <= 0"):
        v, m = sg.var_mean(sg.tensor([1.]))
    assert np.isnan(v.item()) and m.item() == 1.


# ---------------------------------------------------------------- aminmax
def test_aminmax_values_names_and_ties():
    a = np.array([[2., 1., 2.], [1., 3., 0.]])
    x = sg.tensor(a, requires_grad=True)
    r = sg.aminmax(x)
    assert type(r).__name__ == "aminmax" and r.min.item() == a.min() and r.max.item() == a.max()
    assert r.min.grad_fn is r.max.grad_fn and r.min.grad_fn.name() == "AminmaxBackward0"
    r = x.aminmax(dim=1, keepdim=True)
    np.testing.assert_array_equal(r.max.detach().numpy(), a.max(1, keepdims=True))
    assert sg.aminmax(x, keepdim=True).min.shape == (1, 1)
    # ties share the gradient evenly, as amin/amax
    y = sg.tensor([2., 1., 2., 1., 3.], requires_grad=True)
    mn, mx = sg.aminmax(y)
    (mn + 10 * mx).backward()
    np.testing.assert_array_equal(y.grad.numpy(), [0, .5, 0, .5, 10])
    b = sg.aminmax(sg.tensor([True, False]))
    assert b.min.dtype is sg.bool and not b.min.item() and b.max.item()
    assert np.isnan(sg.aminmax(sg.tensor([1., float("nan")])).max.item())


def test_aminmax_errors():
    _raises(RuntimeError, "aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                          "identity.", sg.aminmax, sg.zeros(0))
    _raises(IndexError, "aminmax: Expected reduction dim 0 to have non-zero size.", sg.aminmax, sg.zeros(0, 3), dim=0)
    _raises(TypeError, "aminmax(): argument 'dim' must be int, not tuple", sg.aminmax, sg.ones(2), dim=(0,))
    with pytest.raises(TypeError):
        sg.aminmax(sg.ones(2), 0)           # dim is keyword-only
    assert sg.aminmax(sg.zeros(0, 3), dim=1).min.shape == (0,)


# ----------------------------------------------------------------- median
def test_median_values_indices_and_nodes():
    a = np.array([[3., 1., 2., 5.], [0., 4., 7., 6.]])
    x = sg.tensor(a, requires_grad=True)
    m = x.median()
    assert m.item() == np.sort(a.ravel())[(a.size - 1) // 2] and m.grad_fn.name() == "MedianBackward0"
    r = sg.median(x, 1)
    assert type(r).__name__ == "median" and r.values.grad_fn.name() == "MedianBackward1"
    lower = np.sort(a, 1)[:, 1]
    np.testing.assert_array_equal(r.values.detach().numpy(), lower)
    np.testing.assert_array_equal(np.take_along_axis(a, r.indices.numpy()[:, None], 1)[:, 0], lower)
    assert sg.median(x, 1, keepdim=True).indices.shape == (2, 1)
    assert sg.median(sg.tensor([1, 3, 2, 4])).dtype is sg.int64
    s = sg.median(sg.tensor(3.), 0)
    assert s.values.item() == 3. and s.indices.item() == 0


def test_median_gradient_goes_to_the_selected_element():
    y = sg.tensor([2., 1., 2., 1., 3.], requires_grad=True)
    sg.median(y).backward()             # all elements: shared among the equal values
    np.testing.assert_array_equal(y.grad.numpy(), [.5, 0, .5, 0, 0])
    y.grad = None
    r = sg.median(y, 0)
    r.values.backward()                 # along a dim: to the returned index only
    expect = np.zeros(5)
    expect[r.indices.item()] = 1
    np.testing.assert_array_equal(y.grad.numpy(), expect)
    assert y.detach().numpy()[r.indices.item()] == 2.


def test_median_nan_and_empty():
    assert np.isnan(sg.median(sg.tensor([1., float("nan"), 2.])).item())
    r = sg.median(sg.tensor([[1., float("nan"), 2., float("nan")]]), 1)
    assert np.isnan(r.values.item()) and r.indices.item() == 1        # the first NaN
    assert np.isnan(sg.median(sg.zeros(0)).item())
    r = sg.median(sg.zeros(0, 3), 1)
    assert r.values.shape == (0,) and r.indices.dtype is sg.int64


@pytest.mark.parametrize("args,kw,err,msg", [
    ((sg.zeros(0, 3), 0), {}, IndexError, "median(): Expected reduction dim 0 to have non-zero size."),
    ((sg.tensor([True]),), {}, NotImplementedError, "\"median_cpu\" not implemented for 'Bool'"),
    ((sg.tensor([True]), 0), {}, NotImplementedError, "\"median_out\" not implemented for 'Bool'"),
    ((sg.ones(2, 2), (0,)), {}, TypeError, "median(): argument 'dim' (position 2) must be int, not tuple"),
    ((sg.ones(2, 2),), {"keepdim": True}, TypeError, 'median() missing 1 required positional arguments: "dim"'),
])
def test_median_errors(args, kw, err, msg):
    _raises(err, msg, sg.median, *args, **kw)


# ---------------------------------------------------------- memory formats
def test_memory_formats_accepted_and_checked():
    x = _x()
    assert repr(sg.contiguous_format) == "symgrad.contiguous_format"
    assert isinstance(sg.preserve_format, sg.memory_format)
    assert x.clone(memory_format=sg.contiguous_format).grad_fn.name() == "CloneBackward0"
    assert x.contiguous(memory_format=sg.contiguous_format) is x
    t = x.detach().t()
    c = t.clone(memory_format=sg.contiguous_format)
    assert c.is_contiguous(memory_format=sg.contiguous_format) and not t.is_contiguous()
    assert t.clone(memory_format=sg.preserve_format).stride() == t.stride()
    assert sg.empty_like(x, memory_format=sg.contiguous_format).shape == (2, 3)
    assert sg.zeros_like(x, memory_format=sg.preserve_format).shape == (2, 3)
    assert x.to(memory_format=sg.contiguous_format) is x
    assert sg.ones(1, 2, 3, 4).contiguous(memory_format=sg.channels_last).shape == (1, 2, 3, 4)
    _raises(RuntimeError, "required rank 4 tensor to use channels_last format", x.contiguous,
            memory_format=sg.channels_last)
    _raises(TypeError, "contiguous(): argument 'memory_format' must be symgrad.memory_format, not int",
            x.contiguous, memory_format=1)
    _raises(TypeError, "clone(): argument 'memory_format' must be symgrad.memory_format, not str",
            x.clone, memory_format="x")


# ------------------------------------------------------- argument forms
def test_split_keywords():
    z = sg.arange(6.)
    for pieces in (z.split(split_size=2), sg.split(z, split_size_or_sections=2), z.split(2, dim=0)):
        assert [p.tolist() for p in pieces] == [[0., 1.], [2., 3.], [4., 5.]]
    assert [p.shape[0] for p in z.split(split_size=[2, 4])] == [2, 4]
    _raises(TypeError, "split() got an unexpected keyword argument 'axis'", sg.split, z, 2, axis=0)
    _raises(TypeError, "Tensor.split() got an unexpected keyword argument 'axis'", z.split, 2, axis=0)
    _raises(TypeError, "Tensor.split() got an unexpected keyword argument 'split_size_or_sections'", z.split,
            split_size_or_sections=2)
    _raises(TypeError, "split() got an unexpected keyword argument 'split_size'", sg.split, z, split_size=2)


def test_arange_without_bounds():
    with pytest.raises(TypeError, match=r"^arange\(\) received an invalid combination of arguments - got \(\), "
                                        r"but expected one of:\n \* \(Number end, \*"):
        sg.arange()
    _raises(TypeError, 'arange() missing 1 required positional arguments: "end"', sg.arange, dtype=sg.float32)
    np.testing.assert_array_equal(sg.arange(end=3).numpy(), np.arange(3))


def test_numpy_keyword_refused_when_given_by_position():
    w = sg.ones(2, 3)
    _raises(TypeError, "sum() got an unexpected keyword argument 'axis'", w.sum, 0, axis=1)
    _raises(TypeError, "sum() got an unexpected keyword argument 'axis'", sg.sum, w, 0, axis=1)
    _raises(TypeError, "mean() got an unexpected keyword argument 'axis'", w.mean, 0, axis=1)
    _raises(TypeError, "sum() got an unexpected keyword argument 'keepdims'", w.sum, 0, True, keepdims=True)
    np.testing.assert_array_equal(w.sum(axis=1, keepdims=True).numpy(), np.ones((2, 3)).sum(1, keepdims=True))
