"""Shape ops and creation at their edges, as PyTorch 2.13 defines them:
legacy empty inputs of cat, layouts of joins, argument forms, scatter's
checks, and creation that keeps the graph.  Expected values are PyTorch's
printed results."""
import numpy as np
import pytest

import symgrad as sg


def test_cat_skips_legacy_empty_inputs_but_promotes_and_differentiates_them():
    a = sg.ones(2, 3, requires_grad=True)
    e = sg.zeros(0, dtype=sg.float64, requires_grad=True)
    c = sg.cat([a, e], 1)
    assert c.shape == (2, 3) and c.dtype is sg.float64
    c.sum().backward()
    assert e.grad.shape == (0,) and a.grad.tolist() == [[1.0] * 3] * 2
    assert sg.cat([sg.zeros(0), sg.zeros(0)]).shape == (0,)


def test_joins_of_transposed_inputs_are_contiguous():
    x = sg.zeros(2, 3).t()
    for r in (sg.cat([x]), sg.stack([x, x])):
        assert r.is_contiguous()
        r.view(-1)


def test_argument_forms_pytorch_takes():
    x = sg.arange(6.).reshape(2, 3)
    assert x.flip(0, 1).tolist() == [[5., 4., 3.], [2., 1., 0.]]
    assert sg.flip(x, dims=(0,)).tolist() == [[3., 4., 5.], [0., 1., 2.]]
    assert x.tile(2).shape == (2, 6) and x.tile(2, 1).shape == (4, 3) and sg.tile(x, (2, 1)).shape == (4, 3)
    assert [c.tolist() for c in sg.arange(4).chunk(np.int64(2))] == [[0, 1], [2, 3]]
    assert x.movedim(np.int64(0), 1).shape == (3, 2)
    assert sg.hstack([sg.tensor(1.), sg.tensor(2.)]).tolist() == [1., 2.]
    assert sg.zeros(0, 4, 1).flatten(1).shape == (0, 4)
    assert sg.zeros(0, 4).unflatten(1, (-1, 2)).shape == (0, 2, 2)
    assert sg.tensor([5., 6.]).gather(0, sg.tensor(1)).item() == 6.


def test_mT_as_pytorch():
    with pytest.warns(UserWarning, match="Tensor.mT is deprecated on 0-D tensors"):
        assert sg.tensor(1.).mT.item() == 1.
    with pytest.raises(RuntimeError, match="tensor.mT is only supported on matrices or batches of matrices. Got 1-D"):
        sg.tensor([1., 2.]).mT


@pytest.mark.parametrize("call, text", [
    (lambda: sg.zeros(3).scatter(0, sg.tensor([0, 1]), sg.tensor([9.])),
     r"Expected index \[2\] to be no larger than self \[3\] apart from dimension 0 and to be no larger size than "
     r"src \[1\]"),
    (lambda: sg.zeros(2, 2).scatter(1, sg.tensor([0]), sg.tensor([9.])),
     "Index tensor must have the same number of dimensions as self tensor"),
    (lambda: sg.zeros(3).scatter(0, sg.tensor([0]), sg.tensor([9.], dtype=sg.float64)),
     r"scatter\(\): Expected self.dtype to be equal to src.dtype"),
    (lambda: sg.zeros(3).scatter_add(0, sg.tensor([0]), sg.tensor([9.], dtype=sg.float64)),
     r"scatter\(\): Expected self.dtype to be equal to src.dtype"),
])
def test_scatter_checks_as_pytorch(call, text):
    with pytest.raises(RuntimeError, match=text):
        call()


def test_index_select_refuses_negative_indices():
    with pytest.raises(IndexError, match="index out of range in self"):
        sg.arange(3.).index_select(0, sg.tensor([-1]))


def test_creation_from_tensors_keeps_values_and_graph():
    assert sg.tensor([sg.tensor([1]), sg.tensor([2])]).shape == (2,)     # one-element tensors are numbers
    t = sg.ones(2, requires_grad=True)
    u = sg.as_tensor(t, dtype=sg.float64)
    assert u.grad_fn.name() == "ToCopyBackward0"
    u.sum().backward()
    assert t.grad.tolist() == [1., 1.]


def test_normal_with_tensor_arguments_is_recorded_with_zero_gradients():
    m, s = sg.zeros(2, requires_grad=True), sg.ones(2, requires_grad=True)
    assert [sg.normal(*a).grad_fn.name() for a in ((m, 1.), (0., s), (m, s))] == [
        "NormalBackward1", "NormalBackward2", "NormalBackward3"]
    sg.normal(m, s).sum().backward()
    assert m.grad.tolist() == [0., 0.] and s.grad.tolist() == [0., 0.]
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0, but found std -1"):
        sg.normal(0., -1., size=(2,))
    with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
        sg.normal(sg.zeros(2), sg.tensor([1., -1.]))


@pytest.mark.parametrize("call", [
    lambda x: x.view(2.0, 3), lambda x: x.reshape(2.0, 3), lambda x: x.repeat(2.7), lambda x: x.permute(1.0, 0),
    lambda x: x.view(True, 6), lambda x: x.tile(2.0), lambda x: x.flip(0.0), lambda x: x.sum(1.0),
    lambda x: x.transpose(True, 0), lambda x: x.narrow(1, 0.5, 1),
])
def test_sizes_and_dims_must_be_ints(call):
    # a float was truncated silently (repeat(2.7) repeated twice); PyTorch refuses
    with pytest.raises(TypeError):
        call(sg.zeros(2, 3))


def test_integer_like_sizes_are_taken():
    x = sg.zeros(2, 3)
    assert x.view(sg.tensor(2), np.int64(3)).shape == (2, 3) and x.repeat(sg.tensor(2), 1).shape == (4, 3)


@pytest.mark.parametrize("args, error, text", [
    ((0, 1, -1), RuntimeError, r"narrow\(\): length must be non-negative."),
    ((0, 6, 1), IndexError, r"start out of range \(expected to be in range of \[-5, 5\], but got 6\)"),
    ((0, 4, 2), RuntimeError, r"start \(4\) \+ length \(2\) exceeds dimension size \(5\)."),
])
def test_narrow_checks_as_pytorch(args, error, text):
    with pytest.raises(error, match=text):
        sg.arange(5).narrow(*args)


def test_full_infers_its_dtype_from_the_number_held():
    assert sg.full((2,), sg.tensor(3.5, dtype=sg.float64)).dtype is sg.float32      # a 0-d tensor is a Number
    assert sg.full((2,), np.int32(1)).dtype is sg.int64
    with pytest.raises(TypeError, match="argument 'fill_value' \\(position 2\\) must be Number, not Tensor"):
        sg.full((2,), sg.tensor([3.5]))


# strides of new size-1 dims as PyTorch's unsqueeze gives them: size * stride
# of the dim after, or 1 at the end; other dims keep theirs
def _t34():
    return sg.arange(12.).reshape(3, 4).t()         # shape (4, 3), strides (1, 4)


def _s43():
    return sg.arange(24.).reshape(4, 6)[:, ::2]     # shape (4, 3), strides (6, 2)


@pytest.mark.parametrize("make, expected", [
    (lambda: sg.arange(12.).reshape(3, 4)[None], (12, 4, 1)),
    (lambda: sg.arange(12.).reshape(3, 4)[:, None], (4, 4, 1)),
    (lambda: sg.arange(12.).reshape(3, 4)[..., None], (4, 1, 1)),
    (lambda: _t34()[None], (4, 1, 4)),
    (lambda: _t34()[:, None], (1, 12, 4)),
    (lambda: _t34()[..., None], (1, 4, 1)),
    (lambda: _t34()[None, :, None], (4, 1, 12, 4)),
    (lambda: _t34()[None, None], (4, 4, 1, 4)),
    (lambda: _t34().unsqueeze(1), (1, 12, 4)),
    (lambda: _t34().unsqueeze(-1), (1, 4, 1)),
    (lambda: _t34().unsqueeze_(2), (1, 4, 1)),
    (lambda: _s43()[None, 1], (24, 2)),
    (lambda: _s43()[1, None], (6, 2)),
    (lambda: _s43()[:, None, ::2], (6, 6, 4)),
    (lambda: _s43().unsqueeze(2), (6, 2, 1)),
    (lambda: _s43().unflatten(0, (2, 1, 2)), (12, 12, 6, 2)),
    (lambda: _t34().unflatten(1, (1, 3, 1)), (1, 12, 4, 4)),
    (lambda: sg.arange(12.).reshape(3, 1, 4).transpose(0, 2).unsqueeze(1), (1, 4, 4, 4)),
    (lambda: sg.zeros(3, 0).t().unsqueeze(1), (1, 3, 1)),
    (lambda: sg.tensor(3.)[None], (1,)),
])
def test_new_dim_strides(make, expected):
    r = make()
    assert r.stride() == expected
    assert r._data.strides == tuple(s * r._data.itemsize for s in expected)


def test_new_dim_view_writes_reach_base():
    x = sg.arange(12.).reshape(3, 4)
    v = x.t()[:, None]
    v[2, 0, 1] = -1.0
    w = x.t().unsqueeze(2)
    w[3, 2, 0] = -2.0
    ref = np.arange(12.).reshape(3, 4)
    ref[1, 2], ref[2, 3] = -1.0, -2.0
    np.testing.assert_array_equal(x.numpy(), ref)
