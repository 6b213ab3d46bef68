"""Indexing and creation rules checked against literal PyTorch results."""
import numpy as np
import pytest

import symgrad as sg


def test_empty_result_reads_no_positions():
    assert sg.zeros(0, 3)[:, sg.tensor([5])].shape == (0, 1)
    assert sg.zeros(3, 0)[sg.tensor([5])].shape == (1, 0)
    with pytest.raises(IndexError, match="^index is out of bounds for dimension with size 0$"):
        sg.zeros(0, 3)[sg.tensor([5])]
    with pytest.raises(IndexError, match="^index 5 is out of bounds for dimension 0 with size 0$"):
        sg.zeros(0, 3)[5]


def test_numpy_bool_scalar_keys():
    x = sg.arange(6.).reshape(2, 3)
    with pytest.raises(IndexError, match=r"\(got numpy.bool\)$"):
        x[np.bool_(True)]
    assert x[np.array(True)].shape == (1, 2, 3)
    assert x[np.array(False)].shape == (0, 2, 3)
    with pytest.raises(IndexError, match="^too many indices for tensor of dimension 0$"):
        sg.tensor(5.)[np.array(True)]
    assert sg.tensor(5.)[sg.tensor(True)].tolist() == [5.0]


def test_several_ellipses_each_skip_the_free_dims():
    a = np.arange(24.).reshape(2, 3, 4)
    x = sg.tensor(a)
    np.testing.assert_array_equal(x[..., 0, ...].numpy(), a[:, :, 0])
    np.testing.assert_array_equal(x[0, ..., 0, ...].numpy(), a[0, :, 0])
    np.testing.assert_array_equal(x[..., ...].numpy(), a)
    with pytest.raises(IndexError, match="^index 0 is out of bounds for dimension 3 with size 0$"):
        x[..., 0, ..., 0]


def test_malformed_keys():
    x = sg.zeros(2, 3)
    with pytest.raises(TypeError, match="^new\\(\\): invalid data type 'str'$"):
        x["a"]
    with pytest.raises(IndexError, match=r"\(got numpy.float64\)$"):
        x[np.float64(1.0)]
    assert x[np.array([1.0])].shape == (1, 3)        # a float array becomes a long index


def test_fresh_and_indexed_empty_strides():
    assert sg.zeros(0, 3).stride() == (3, 1)
    assert sg.zeros(2, 0).stride() == (1, 1)
    assert sg.zeros(2, 3)[sg.tensor([], dtype=sg.int64)].stride() == (3, 1)


def test_arange_int64_with_float_arguments():
    assert sg.arange(0.5, 4, 1.5, dtype=sg.int64).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="^step must be nonzero$"):
        sg.arange(0, 1, 0.3, dtype=sg.int64)


def test_logspace_float64_pow_of_exponents():
    import math
    s, e, n = -2.5, 7.3, 13
    step = (e - s) / (n - 1)
    ex = [s + step * i if i < n // 2 else e - step * (n - 1 - i) for i in range(n)]
    want = [math.pow(3.0, x) for x in ex]
    assert sg.logspace(s, e, n, base=3.0, dtype=sg.float64).tolist() == want
    assert sg.logspace(1, 2, 1).tolist() == [10.0]


def test_randint_randperm_bounds():
    with pytest.raises(RuntimeError, match="^random_ expects 'from' to be less than 'to', but got from=3 >= to=2$"):
        sg.randint(3, 2, (2,))
    with pytest.raises(RuntimeError, match="^to - 1 is out of bounds for unsigned char$"):
        sg.randint(0, 257, (2,), dtype=sg.uint8)
    with pytest.raises(RuntimeError, match="^from is out of bounds for signed char$"):
        sg.randint(-200, 5, (2,), dtype=sg.int8)
    assert sorted(sg.randperm(256, dtype=sg.uint8).tolist()) == list(range(256))
    with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8_t without overflow$"):
        sg.randperm(257, dtype=sg.uint8)


def test_like_and_flip_keep_the_layout():
    x = sg.zeros(2, 3, 4).permute(2, 0, 1)
    for y in (sg.zeros_like(x), sg.ones_like(x), sg.empty_like(x), sg.rand_like(x), sg.full_like(x, 2.)):
        assert y.stride() == x.stride() and not y.is_contiguous()
    a = np.arange(6.).reshape(2, 3)
    f = sg.tensor(a).t().flip(0)
    np.testing.assert_array_equal(f.numpy(), a.T[::-1])
    assert f.stride() == (1, 3)


@pytest.mark.parametrize("make,kernel", [
    (lambda: sg.rand(2, dtype=sg.int64), "check_uniform_bounds"),
    (lambda: sg.randn(2, dtype=sg.int64), "normal_kernel_cpu"),
    (lambda: sg.rand_like(sg.ones(2, dtype=sg.int64)), "check_uniform_bounds"),
    (lambda: sg.randn_like(sg.ones(2, dtype=sg.int64)), "normal_kernel_cpu"),
    (lambda: sg.ones(2, dtype=sg.int64).uniform_(), "check_uniform_bounds"),
    (lambda: sg.ones(2, dtype=sg.int64).normal_(), "normal_kernel_cpu"),
])
def test_random_floats_into_integer_tensors_are_not_implemented(make, kernel):
    with pytest.raises(NotImplementedError) as e:
        make()
    assert str(e.value) == f"\"{kernel}\" not implemented for 'Long'"
