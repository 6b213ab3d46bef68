"""``t[key]`` and ``t[key] = value`` by PyTorch's rules: how a key is read
(lists as tuples, 0-d indices as numbers, uint8 as masks), where indexed
dims land, which writes are allowed, and PyTorch's errors.  Expected values
are PyTorch's printed results; gradients are checked against jax."""
import numpy as np
import pytest

import symgrad as sg

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

from helpers import t64, close  # noqa: E402


# ------------------------------------------------ where the indexed dims land
def test_ints_select_before_index_arrays_place_their_dims(rng):
    # numpy counts the int as an index array and moves the indexed dims to the
    # front; PyTorch selects first, so x[0, :, [0, 1]] is x[0][:, [0, 1]]
    xa, ga = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 2))
    x = t64(xa)
    r = x[0, :, [0, 1]]
    close(r, xa[0][:, [0, 1]])
    r.backward(t64(ga, rg=False))
    close(x.grad, jax.grad(lambda x: (x[0][:, jnp.array([0, 1])] * ga).sum())(xa))
    assert r.grad_fn.name() == "IndexBackward0"
    assert sg.zeros(2, 3, 4)[:, 1, [0, 1]].shape == (2, 2)
    assert sg.zeros(2, 3, 4)[[1], :, [0, 1]].shape == (2, 3)
    assert sg.arange(6.).reshape(3, 2)[1, ..., True].shape == (2, 1)
    assert sg.zeros(3, 4)[1, sg.tensor(False)].shape == (0, 4)


def test_setitem_with_an_int_and_an_index_array_writes_where_pytorch_does(rng):
    x = sg.zeros(2, 2, 2)
    x[0, :, [0, 1]] = sg.tensor([[1., 2.], [3., 4.]])
    assert x[0].tolist() == [[1., 2.], [3., 4.]]
    # a write with a history: the gradient of the value comes back in the same layout
    wa = rng.standard_normal((2, 2))
    w = t64(wa)
    y = t64(np.zeros((2, 2, 2)), rg=False) * 1
    y[0, :, [0, 1]] = w * 3
    (y * t64(np.arange(8.).reshape(2, 2, 2), rg=False)).sum().backward()
    assert y.grad_fn.name() == "symgrad::autograd::CopySlices"         # index_put_ on the view y[0], as PyTorch
    close(w.grad, 3 * np.arange(8.).reshape(2, 2, 2)[0])


# ------------------------------------------------------- how a key is read
def test_a_list_holding_sequences_or_tensors_is_a_tuple_of_keys():
    x = sg.arange(12.).reshape(3, 4)
    assert x[[[0, 1], [1, 2]]].tolist() == [1., 6.]
    assert x[[sg.tensor(0), sg.tensor(1)]].item() == 1.
    assert x[[0, (1, 2)]].tolist() == [1., 2.]
    assert x[[slice(None), 0]].tolist() == [0., 4., 8.]
    assert x[[None]].shape == (1, 3, 4)
    assert x[[[0, 1]]].shape == (2, 4)
    assert x[[0, 1]].shape == (2, 4)             # a plain list of ints is one index
    y = sg.zeros(3, 4)
    y[[[0, 1], [1, 2]]] = 1.
    assert y.sum().item() == 2.


def test_tuples_ranges_and_empty_lists_inside_keys_are_index_arrays():
    x = sg.arange(12.).reshape(3, 4)
    assert x[(0, 1), ].shape == (2, 4)
    assert x[range(2)].shape == (2, 4)
    assert x[[]].shape == (0, 4)
    assert x[0, []].shape == (0,)


def test_zero_dim_indices_are_numbers():
    x = sg.zeros(3)
    r = x[np.array(1)]
    r.fill_(7.)                      # a view, as x[1]
    assert x.tolist() == [0., 7., 0.]
    y = sg.ones(3, requires_grad=True)
    assert y[np.array(1)].grad_fn.name() == "SelectBackward0"
    assert y[sg.tensor(1)].grad_fn.name() == "SelectBackward0"
    assert sg.arange(3.)[None, sg.tensor(-1, dtype=sg.int8)].tolist() == [2.]


def test_uint8_indices_are_masks():
    x = sg.arange(3.)
    with pytest.warns(UserWarning, match="indexing with dtype symgrad.uint8 is now deprecated"):
        assert x[sg.tensor([1, 0, 1], dtype=sg.uint8)].tolist() == [0., 2.]
    with pytest.raises(RuntimeError, match="masked_fill_ only supports boolean masks, but got mask with dtype "
                                           "unsigned char"):
        x[sg.tensor([1, 0, 1], dtype=sg.uint8)] = 5.
    assert x.tolist() == [0., 1., 2.]


def test_advanced_results_are_contiguous():
    r = sg.arange(24.).reshape(2, 3, 4)[:, [0, 1]]
    assert r.is_contiguous() and r.stride() == (8, 4, 1)
    assert r.view(-1).shape == (16,)


# ------------------------------------------------------------------ writes
def test_writes_into_views_of_a_view_that_became_a_leaf_are_refused():
    x = sg.arange(6.).reshape(2, 3).requires_grad_()
    for write in (lambda: x.__setitem__(0, 5.), lambda: x[0].mul_(2)):
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an "
                                               "in-place operation."):
            write()
    assert x.is_leaf and x.tolist() == [[0., 1., 2.], [3., 4., 5.]]


def test_setting_false_writes_and_checks_nothing():
    x = sg.zeros(3, requires_grad=True)
    v = x._version
    x[False] = sg.ones(5, 7)
    assert x._version == v and x.is_leaf and x.tolist() == [0.] * 3


def test_whole_tensor_writes_are_writes_into_the_tensor():
    x = sg.ones(3, requires_grad=True)
    for key in (Ellipsis, (), slice(None), slice(0, 3)):
        y = x * 1
        y[key] = 0.
        assert y.grad_fn.name() == "FillBackward3"
        y[key] = sg.zeros(3)
        assert y.grad_fn.name() == "CopyBackwards"
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad"):
        x[...] = 1.
    y = x * 1
    y.zero_()
    assert y.grad_fn.name() == "ZeroBackward0"


@pytest.mark.parametrize("value, error, text", [
    (np.array([1., 2.]), TypeError, "can't assign a numpy.ndarray to a symgrad.FloatTensor"),
    (np.float32(2.5), TypeError, "can't assign a numpy.float32 to a symgrad.FloatTensor"),
    (np.bool_(True), TypeError, "can't assign a numpy.bool to a symgrad.FloatTensor"),
    (None, TypeError, "can't assign a NoneType to a symgrad.FloatTensor"),
    (1 + 2j, RuntimeError, "value cannot be converted to type float without overflow"),
])
def test_setitem_values_pytorch_refuses(value, error, text):
    x = sg.zeros(3)
    with pytest.raises(error, match=text):
        x[0:2] = value


def test_setitem_takes_numpy_integers_and_float64():
    x = sg.zeros(3, dtype=sg.int64)
    x[0] = np.int32(2)
    x[1] = np.float64(2.5)
    assert x.tolist() == [2, 2, 0]


def test_index_put_dtype_and_shape_checks():
    x = sg.zeros(3, dtype=sg.float64)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match, got Double "
                                           "for the destination and Float for the source."):
        x[[0, 1]] = sg.tensor([1., 2.])
    x[sg.tensor([False, False, True])] = sg.tensor([-1])    # one element by a mask: cast, as masked_fill_
    assert x.tolist() == [0., 0., -1.]
    with pytest.raises(RuntimeError, match=r"shape mismatch: value tensor of shape \[3\] cannot be broadcast to "
                                           r"indexing result of shape \[2\]"):
        x[[0, 1]] = sg.ones(3, dtype=sg.float64)
    y = sg.zeros(4)
    y[sg.tensor([True, True, False, False])] = sg.tensor([[1., 2.]])     # leading size-1 dims are dropped
    assert y.tolist() == [1., 2., 0., 0.]


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("make, key, error, text", [
    (lambda: sg.tensor(1.), 0, IndexError, "invalid index of a 0-dim tensor"),
    (lambda: sg.tensor(1.), -1, IndexError, "index -1 is out of bounds for dimension 0 with size 0"),
    (lambda: sg.tensor(1.), (0,), IndexError, "too many indices for tensor of dimension 0"),
    (lambda: sg.tensor(1.), sg.tensor(0), IndexError, "too many indices for tensor of dimension 0"),
    (lambda: sg.tensor(1.), slice(None, 1), IndexError, r"slice\(\) cannot be applied to a 0-dim tensor."),
    (lambda: sg.zeros(3), [[0], [0]], IndexError, "too many indices for tensor of dimension 1"),
    (lambda: sg.zeros(3, 4), (slice(None), [5]), IndexError, "index 5 is out of bounds for dimension 0 with size 4"),
    (lambda: sg.zeros(3, 4), ([0], [9]), IndexError, "index 9 is out of bounds for dimension 1 with size 4"),
    (lambda: sg.zeros(0), [0], IndexError, "index is out of bounds for dimension with size 0"),
    (lambda: sg.zeros(3, 4), ([1, 2], [0, 1, 2]), IndexError, r"shape mismatch: indexing tensors could not be "
                                                            r"broadcast together with shapes \[2\], \[3\]"),
    (lambda: sg.zeros(4, 2), (sg.tensor([True, True, False, False]), sg.tensor([0, 1, 0])), IndexError,
     r"shapes \[2\], \[3\]"),
    (lambda: sg.zeros(1, 3, 2), (None, [True, True]), IndexError, r"The shape of the mask \[2\] at index 0 does not "
                                                                  r"match the shape of the indexed tensor \[1, 1, 3, "
                                                                  r"2\] at index 1"),
    (lambda: sg.zeros(3), sg.tensor([0, 1], dtype=sg.int8), IndexError, "tensors used as indices must be long, int, "
                                                                         "byte or bool tensors"),
    (lambda: sg.zeros(3), 2 ** 63, ValueError, "Overflow when unpacking long long"),
])
def test_index_errors_as_pytorch(make, key, error, text):
    with pytest.raises(error, match=text):
        make()[key]


def test_expand_errors_name_the_last_mismatching_dim():
    x = sg.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(3\) must match the existing size "
                                           r"\(2\) at non-singleton dimension 1"):
        x[...] = sg.ones(3, 2)


# --------------------------------------------------------- take, narrow, rows
def test_take_as_pytorch():
    x = t64(np.arange(6.).reshape(2, 3))
    y = sg.take(x, sg.tensor([[0, -1], [2, 2]]))
    assert y.tolist() == [[0., 5.], [2., 2.]] and y.grad_fn.name() == "TakeBackward0"
    y.backward(sg.ones(2, 2, dtype=sg.float64))
    assert x.grad.tolist() == [[1., 0., 2.], [0., 0., 1.]]
    with pytest.raises(IndexError, match="out of range: tried to access index -7 on a tensor of 6 elements."):
        sg.take(x, sg.tensor([-7]))
    with pytest.raises(RuntimeError, match="take\\(\\): Expected a long tensor for index, but got Int"):
        sg.take(x, sg.tensor([1], dtype=sg.int32))


def test_rows_and_narrow_are_named_as_pytorch():
    x = sg.ones(2, 3, requires_grad=True)
    assert [r.grad_fn.name() for r in x] == ["UnbindBackward0"] * 2
    assert x.narrow(0, 0, 2).grad_fn.name() == "SliceBackward0"
    with pytest.raises(RuntimeError, match="Output 0 of Unbind is a view and is being modified inplace"):
        next(iter(x * 1)).add_(1)
