"""roll, repeat_interleave, index_add, meshgrid beyond their specs (errors,
node names, the forms without a numpy twin), and the keyword forms PyTorch
takes (numpy's ``axis=``/``keepdims=``, ``size=``, ``dims=``, ...)."""
import warnings

import numpy as np
import pytest

import symgrad as sg
from symgrad.ops import arrange


def _x():
    return sg.tensor(np.arange(6.).reshape(2, 3), requires_grad=True)


# ------------------------------------------------------------------ roll
def test_roll_values_and_node():
    a = np.arange(12.).reshape(3, 4)
    x = sg.tensor(a, requires_grad=True)
    for args, ref in [((1,), np.roll(a, 1)), ((-5, 1), np.roll(a, -5, 1)),
                      (((1, 2), (0, 1)), np.roll(a, (1, 2), (0, 1))), ((sg.tensor(2), 0), np.roll(a, 2, 0))]:
        y = sg.roll(x, *args)
        np.testing.assert_array_equal(y.detach().numpy(), ref)
        assert y.grad_fn.name() == "RollBackward0"
    np.testing.assert_array_equal(sg.arange(5).roll(2).numpy(), np.roll(np.arange(5), 2))
    assert sg.roll(x, 1, dims=()).grad_fn.name() == "RollBackward0"


@pytest.mark.parametrize("args,err,msg", [
    (((1, 2), 0), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:1"),
    (((1, 2),), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:0"),
    ((1, (0, 0)), RuntimeError, "shifts and dimensions must align. shifts: 1, dims:2"),
    (((), ()), RuntimeError, "`shifts` required"),
    ((1, 2), IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    ((1.5, 1), TypeError, "roll(): argument 'shifts' (position 2) must be tuple of ints, not float"),
])
def test_roll_errors(args, err, msg):
    with pytest.raises(err) as e:
        sg.roll(_x(), *args)
    assert str(e.value) == msg


def test_roll_of_a_0d_tensor():
    s = sg.tensor(5., requires_grad=True)
    assert sg.roll(s, 3).item() == 5.
    with pytest.raises(IndexError, match="^Dimension specified as 0 but tensor has no dimensions$"):
        sg.roll(s, 1, 0)


def test_roll_closed_form_gradient():
    x = sg.randn(3, requires_grad=True)
    sg.roll(x, 1).pow(2).sum().backward()
    assert x.grad.expr is not None
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy())


# ------------------------------------------------------ repeat_interleave
def test_repeat_interleave_nodes_as_pytorch():
    x = _x()
    assert sg.repeat_interleave(x, 2).grad_fn.name() == "ViewBackward0"
    assert x.repeat_interleave(2, dim=1).grad_fn.name() == "ViewBackward0"
    assert x.repeat_interleave(sg.tensor([1, 2]), 0).grad_fn.name() == "IndexSelectBackward0"


def test_repeat_interleave_of_counts_alone():
    for r in ([1, 0, 3], [], [0, 0]):
        t = sg.tensor(r, dtype=sg.int64)
        out = sg.repeat_interleave(t)
        np.testing.assert_array_equal(out.numpy(), np.repeat(np.arange(len(r)), r))
        assert out.dtype is sg.int64
    assert sg.repeat_interleave(sg.tensor([2, 1], dtype=sg.int32)).dtype is sg.int32
    assert sg.repeat_interleave(sg.tensor([2, 1]), output_size=3).shape == (3,)


def test_repeat_interleave_output_size_and_0d():
    x = _x()
    assert x.repeat_interleave(2, 0, output_size=4).shape == (4, 3)
    s = sg.tensor(3., requires_grad=True)
    np.testing.assert_array_equal(sg.repeat_interleave(s, 2).detach().numpy(), [3., 3.])
    np.testing.assert_array_equal(sg.repeat_interleave(s, sg.tensor([3])).detach().numpy(), [3., 3., 3.])


@pytest.mark.parametrize("call,err,msg", [
    (lambda x: sg.repeat_interleave(x, -1, 0), RuntimeError, "Repeats must be non-negative"),
    (lambda x: sg.repeat_interleave(x, 2, 0, output_size=5), RuntimeError,
     "repeat_interleave: Invalid output_size, expected 4 but got 5"),
    (lambda x: sg.repeat_interleave(x, sg.tensor([1, 2]), 0, output_size=4), RuntimeError,
     "allocated size does not match required size"),
    (lambda x: sg.repeat_interleave(x, sg.tensor([1, 2])), RuntimeError,
     "repeats must have the same size as input along dim, but got repeats.size(0) = 2 and input.size(0) = 6"),
    (lambda x: sg.repeat_interleave(x, sg.tensor([1, 2]), 1), RuntimeError,
     "repeats must have the same size as input along dim, but got repeats.size(0) = 2 and input.size(1) = 3"),
    (lambda x: sg.repeat_interleave(x, sg.tensor([[2]]), 1), RuntimeError, "repeats must be 0-dim or 1-dim tensor"),
    (lambda x: sg.repeat_interleave(x, sg.tensor([-1, 2]), 0), RuntimeError, "repeats can not be negative"),
    (lambda x: sg.repeat_interleave(x, sg.tensor([1., 2.]), 0), NotImplementedError,
     "\"repeat_interleave_cpu\" not implemented for 'Float'"),
    (lambda x: sg.repeat_interleave(sg.tensor([[1, 2]])), RuntimeError,
     "repeat_interleave only accept 1D vector as repeat"),
    (lambda x: sg.repeat_interleave(sg.tensor([-1, 2])), RuntimeError, "repeats can not be negative"),
    (lambda x: sg.repeat_interleave(x, 2, 2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda x: sg.repeat_interleave(sg.tensor(3.), 2, 0), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda x: sg.repeat_interleave(sg.tensor(3.), sg.tensor([3]), 0), IndexError,
     "Dimension specified as 0 but tensor has no dimensions"),
])
def test_repeat_interleave_errors(call, err, msg):
    with pytest.raises(err) as e:
        call(_x())
    assert str(e.value) == msg


def test_repeat_interleave_float_count_is_a_type_error():
    with pytest.raises(TypeError, match=r"^repeat_interleave\(\) received an invalid combination of arguments - "
                                        r"got \(Tensor, float, int\)"):
        sg.repeat_interleave(_x(), 2.0, 1)


# --------------------------------------------------------------- index_add
def test_index_add_gradients_reach_input_and_source():
    a = sg.zeros(3, 2, dtype=sg.float64, requires_grad=True)
    src = sg.tensor(np.arange(4.).reshape(2, 2), requires_grad=True)
    y = a.index_add(0, sg.tensor([2, 2]), src, alpha=3)
    assert y.grad_fn.name() == "IndexAddBackward0"
    w = np.arange(6.).reshape(3, 2)
    (y * sg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), w)
    np.testing.assert_array_equal(src.grad.numpy(), 3 * w[[2, 2]])


def test_index_add_in_place():
    t = sg.zeros(3, 2)
    src = sg.ones(2, 2, requires_grad=True)
    assert t.index_add_(0, sg.tensor([0, 2]), src, alpha=2) is t
    np.testing.assert_array_equal(t.detach().numpy(), [[2, 2], [0, 0], [2, 2]])
    assert t.grad_fn.name() == "IndexAddBackward0"
    t.sum().backward()
    np.testing.assert_array_equal(src.grad.numpy(), np.full((2, 2), 2.))
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        sg.zeros(3, requires_grad=True).index_add_(0, sg.tensor([0]), sg.ones(1))


def test_index_add_integer_alpha_is_truncated():
    t = sg.zeros(3, dtype=sg.int64)
    out = t.index_add(0, sg.tensor([0, 2]), sg.ones(2, dtype=sg.int64), alpha=2.5)
    np.testing.assert_array_equal(out.numpy(), [2, 0, 2])
    assert out.dtype is sg.int64
    out = t.index_add(0, sg.tensor([1]), sg.ones(1, dtype=sg.int64), alpha=sg.tensor(2.7))
    np.testing.assert_array_equal(out.numpy(), [0, 2, 0])
    f = sg.zeros(2).index_add(0, sg.tensor([1]), sg.ones(1), alpha=sg.tensor(0.5))
    np.testing.assert_array_equal(f.numpy(), [0, 0.5])


@pytest.mark.parametrize("call,err,msg", [
    (lambda x: x.index_add(1, sg.tensor([1, 1]), sg.ones(2, 2)), RuntimeError,
     "source tensor shape must match self tensor shape, excluding the specified dimension. "
     "Got self.shape = [3, 2] source.shape = [2, 2]"),
    (lambda x: x.index_add(0, sg.tensor([0, 3]), sg.ones(2, 2)), RuntimeError,
     "index 3 is out of bounds for dimension 0 with size 3"),
    (lambda x: x.index_add(0, sg.tensor([0, -1]), sg.ones(2, 2)), RuntimeError,
     "index -1 is out of bounds for dimension 0 with size 3"),
    (lambda x: x.index_add(0, sg.tensor([0., 1.]), sg.ones(2, 2)), RuntimeError,
     "index_add_(): Expected dtype int32/int64 for index but got: Float"),
    (lambda x: x.index_add(0, sg.tensor([[0, 1]]), sg.ones(2, 2)), IndexError,
     "index_add_(): Index is supposed to be a vector, but got dim: 2 with type: Long and size: [1, 2]"),
    (lambda x: x.index_add(0, sg.tensor([0, 1]), sg.ones(3, 2)), RuntimeError,
     "index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0"),
    (lambda x: x.index_add(0, sg.tensor([0, 1]), sg.ones(2, 2, dtype=sg.float64)), RuntimeError,
     "index_add_(): self (Float) and source (Double) must have the same scalar type"),
    (lambda x: x.index_add(2, sg.tensor([0, 1]), sg.ones(2, 2)), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
])
def test_index_add_errors(call, err, msg):
    with pytest.raises(err) as e:
        call(sg.zeros(3, 2))
    assert str(e.value) == msg


# ---------------------------------------------------------------- meshgrid
def test_meshgrid_views_and_nodes():
    a, b = sg.tensor([1., 2., 3.], requires_grad=True), sg.tensor([4., 5.], requires_grad=True)
    x, y = sg.meshgrid(a, b, indexing="ij")
    nx, ny = np.meshgrid([1., 2., 3.], [4., 5.], indexing="ij")
    np.testing.assert_array_equal(x.detach().numpy(), nx)
    np.testing.assert_array_equal(y.detach().numpy(), ny)
    assert x.grad_fn.name() == "ExpandBackward0" and x._base is a
    (x * y).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), (nx * 0 + ny).sum(1))


def test_meshgrid_warns_once_without_indexing(monkeypatch):
    monkeypatch.setattr(arrange, "_meshgrid_warned", [False])
    a = sg.tensor([1., 2.])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        x, _ = sg.meshgrid(a, sg.tensor([3., 4., 5.]))
        sg.meshgrid(a, a)
        sg.meshgrid(a, a, indexing="ij")
    assert [str(m.message) for m in w] == [
        "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."]
    assert w[0].filename == __file__
    assert x.shape == (2, 3)            # "ij"


@pytest.mark.parametrize("args,kw,err,msg", [
    ((), {"indexing": "ij"}, RuntimeError, "meshgrid expects a non-empty TensorList"),
    (([],), {"indexing": "ij"}, RuntimeError, "meshgrid expects a non-empty TensorList"),
    ((sg.zeros(2), sg.zeros(2)), {"indexing": "foo"}, RuntimeError,
     'torch.meshgrid: indexing must be one of "xy" or "ij", but received: foo'),
    ((sg.zeros(2), sg.tensor([1, 2])), {"indexing": "ij"}, RuntimeError,
     "meshgrid expects all tensors to have the same dtype"),
    ((sg.zeros(2), 1), {"indexing": "ij"}, TypeError, "expected Tensor as element 1 in argument 0, but got int"),
])
def test_meshgrid_errors(args, kw, err, msg):
    with pytest.raises(err) as e:
        sg.meshgrid(*args, **kw)
    assert str(e.value) == msg


def test_meshgrid_rejects_2d():
    with pytest.raises(RuntimeError, match="^torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got"):
        sg.meshgrid(sg.zeros(2), sg.zeros(2, 2), indexing="ij")


# ------------------------------------------------------ keyword forms
A = np.arange(1., 7.).reshape(2, 3)


@pytest.mark.parametrize("call,ref", [
    (lambda x: x.sum(axis=0), lambda a: a.sum(axis=0)),
    (lambda x: sg.sum(x, axis=(0, 1), keepdims=True), lambda a: a.sum(axis=(0, 1), keepdims=True)),
    (lambda x: sg.sum(x=x, dim=1), lambda a: a.sum(1)),
    (lambda x: sg.mean(a=x, axis=0, keepdims=True), lambda a: a.mean(0, keepdims=True)),
    (lambda x: x.amax(axis=1), lambda a: a.max(1)),
    (lambda x: x.max(axis=0, keepdims=True)[0], lambda a: a.max(0, keepdims=True)),
    (lambda x: x.argmin(axis=1), lambda a: a.argmin(1)),
    (lambda x: x.var(axis=0, keepdims=True), lambda a: a.var(0, ddof=1, keepdims=True)),
    (lambda x: x.cumsum(axis=1), lambda a: a.cumsum(1)),
    (lambda x: sg.cat([x, x], axis=1), lambda a: np.concatenate([a, a], 1)),
    (lambda x: x.unsqueeze(axis=0), lambda a: a[None]),
    (lambda x: sg.add(x1=x, x2=x), lambda a: a + a),
    (lambda x: sg.neg(input=x), lambda a: -a),
    (lambda x: x.flip(dims=[0]), lambda a: a[::-1]),
    (lambda x: x.permute(dims=(1, 0)), lambda a: a.T),
    (lambda x: sg.permute(x, dims=[1, 0]), lambda a: a.T),
    (lambda x: x.view(size=(6,)), lambda a: a.reshape(6)),
    (lambda x: x.reshape(shape=[3, 2]), lambda a: a.reshape(3, 2)),
    (lambda x: x.expand(size=(2, 2, 3)), lambda a: np.broadcast_to(a, (2, 2, 3))),
    (lambda x: x.repeat(repeats=(2, 1)), lambda a: np.tile(a, (2, 1))),
    (lambda x: x.swapaxes(axis0=0, axis1=1), lambda a: a.T),
    (lambda x: sg.moveaxis(x, 0, 1), lambda a: np.moveaxis(a, 0, 1)),
    (lambda x: sg.zeros(size=(2, 3)), lambda a: np.zeros((2, 3))),
    (lambda x: sg.ones(size=[2]), lambda a: np.ones(2)),
    (lambda x: x.new_zeros(size=(2,)), lambda a: np.zeros(2)),
    (lambda x: sg.arange(end=4), lambda a: np.arange(4)),
])
def test_keyword_forms(call, ref):
    out = call(sg.tensor(A))
    np.testing.assert_allclose(out.numpy(), ref(A.copy()))


def test_shape_keywords_of_random_factories():
    assert sg.rand(size=(2, 3)).shape == (2, 3)
    assert sg.randn(size=[4]).shape == (4,)
    assert sg.randint(high=3, size=(5,)).shape == (5,)


@pytest.mark.parametrize("call,msg", [
    (lambda x: sg.zeros((2,), size=(3,)), "zeros() got multiple values for argument 'size'"),
    (lambda x: sg.ones(size=2), "ones(): argument 'size' must be tuple of ints, not int"),
    (lambda x: sg.zeros(shape=(2,)), "zeros() got an unexpected keyword argument 'shape'"),
    (lambda x: x.view(size=6), "view(): argument 'size' must be tuple of ints, not int"),
    (lambda x: x.sum(dim=0, axis=1), "sum() got an unexpected keyword argument 'axis'"),
])
def test_keyword_form_errors(call, msg):
    with pytest.raises(TypeError) as e:
        call(sg.tensor(A))
    assert str(e.value) == msg


def test_warnings_of_renamed_ops_name_the_caller():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        sg.tensor([1.]).std(axis=0)
    assert len(w) == 1 and w[0].filename == __file__


@pytest.mark.parametrize("source", [lambda b: b, lambda b: b[:1]])
def test_index_add_refuses_a_source_sharing_memory_with_the_target(source):
    b = sg.ones(2, 2)
    idx = sg.tensor([1, 0]) if source(b).shape[0] == 2 else sg.tensor([1])
    with pytest.raises(RuntimeError, match="refer to a single memory location"):
        b.index_add_(0, idx, source(b))
    np.testing.assert_array_equal(b.numpy(), np.ones((2, 2)))
    b.index_add_(0, idx, source(b).clone())
    np.testing.assert_array_equal(b.numpy()[1], [2., 2.])
