"""Op semantics at the edges, as PyTorch 2.13 defines them: rounding modes,
reductions in scatter, lerp's two formulas, dtypes of einsum, losses with
nothing counted.  Expected values are PyTorch's printed results, written as
literals, and checked against numpy where one applies."""
import re

import numpy as np
import pytest

import symgrad as sg
import symgrad.nn.functional as F

from helpers import t64, close


def raises(exc, text):
    return pytest.raises(exc, match="^" + re.escape(text) + "$")


@pytest.mark.parametrize("mode,want", [("trunc", [3.0, -3.0]), ("floor", [3.0, -4.0])])
def test_in_place_division_rounds(mode, want):
    x = sg.tensor([7.5, -7.5])
    x.div_(sg.tensor(2.0), rounding_mode=mode)
    np.testing.assert_array_equal(x.numpy(), want)
    i = sg.tensor([7, -7])
    i.div_(2, rounding_mode=mode)
    assert i.dtype is sg.int64 and i.tolist() == [int(v) for v in want]
    with raises(RuntimeError, "result type Float can't be cast to the desired output type Long"):
        sg.tensor([7]).div_(2.5, rounding_mode="trunc")
    y = t64([7.5, -7.5]) * 1
    assert y.div_(2, rounding_mode=mode).grad_fn.name() == "DivBackward2"


def test_true_division_by_an_int_out_of_the_tensors_range():
    u = sg.tensor([1, 2], dtype=sg.uint8)
    np.testing.assert_allclose((u / -3).numpy(), np.array([1, 2]) / -3, rtol=1e-6)
    np.testing.assert_allclose((sg.tensor([1, 2], dtype=sg.int8) / 300).numpy(), np.array([1, 2]) / 300, rtol=1e-6)
    assert sg.true_divide(u, -1).tolist() == [-1.0, -2.0]
    x = t64([2.0, 4.0])
    y = sg.div(3, x)
    assert y.grad_fn.name() == "DivBackward0" and (3 / x).grad_fn.name() == "MulBackward0"
    y.sum().backward()
    close(x.grad, [-3 / 4, -3 / 16])


def test_scatter_with_reduce_accumulates_and_has_no_derivative():
    base = sg.tensor([[2, 3, 4], [5, 6, 7]])
    idx = sg.tensor([[0, 0], [0, 0]])
    assert base.scatter(0, idx, sg.tensor([[3, 3], [3, 3]]), reduce="multiply").tolist() == [[18, 27, 4], [5, 6, 7]]
    assert base.scatter(0, idx, 2, reduce="add").tolist() == [[6, 7, 4], [5, 6, 7]]
    with raises(RuntimeError, "reduce argument must be either add or multiply."):
        base.scatter(0, idx, 2, reduce="sum")
    x = t64([[2.0, 3, 4], [5, 6, 7]])
    y = x.scatter(0, sg.tensor([[0, 0], [1, 1]]), value=2.0, reduce="multiply")
    np.testing.assert_array_equal(y.detach().numpy(), [[4, 6, 4], [10, 12, 7]])
    assert type(y.grad_fn).__name__ == "NotImplemented"
    with raises(RuntimeError, "derivative for aten::scatter is not implemented"):
        y.sum().backward()
    x = sg.tensor([[2.0, 3]], dtype=sg.float64, name="x")
    y = x.scatter(0, sg.tensor([[0, 0]]), value=1.5, reduce="add")
    np.testing.assert_array_equal(y.evaluate(), [[3.5, 4.5]])      # closed form of the add


def test_lerp_from_the_nearer_end_and_its_checks():
    inf = float("inf")
    assert sg.lerp(sg.tensor([inf]), sg.tensor([1.0]), 0.5).tolist() == [inf]
    assert sg.lerp(sg.tensor([inf]), sg.tensor([1.0]), sg.tensor([0.5])).tolist() == [inf]
    a, b, w = t64([1.0, 2.0]), t64([3.0, 5.0]), t64([0.2, 0.7])
    y = sg.lerp(a, b, w)
    assert y.grad_fn.name() == "LerpBackward1"
    y.sum().backward()
    close(a.grad, [0.8, 0.3])
    close(b.grad, [0.2, 0.7])
    close(w.grad, [2.0, 3.0])
    with raises(RuntimeError, "expected dtype float for `end` but got dtype double"):
        sg.lerp(sg.tensor([1.0]), sg.tensor([1.0], dtype=sg.float64), 0.5)
    with raises(NotImplementedError, "\"lerp_kernel_scalar\" not implemented for 'Long'"):
        sg.lerp(sg.tensor([1]), sg.tensor([2]), 0.5)
    x = sg.tensor([1.0, 2.0])
    x.lerp_(sg.tensor([3.0, 2.0]), sg.tensor([0.5, 0.9]))
    assert x.tolist() == [2.0, 2.0]


def test_zero_norm_counts_nan_and_index_select_keeps_0d():
    x = sg.tensor([float("nan"), 1.0, 0.0], requires_grad=True)
    y = x.norm(p=0)
    assert y.item() == 2.0 and y.evaluate() == 2.0
    s = sg.tensor(5.0)
    r = s.index_select(0, sg.tensor([0]))
    assert r.shape == () and r.item() == 5.0
    r.add_(1)
    assert s.item() == 5.0                     # a copy, not a view
    with raises(IndexError, "index_select(): Index to scalar can have only 1 value, got 2 value(s)"):
        s.index_select(0, sg.tensor([0, 0]))


@pytest.mark.parametrize("eq,args,want", [
    ("ij->", [[[True, True]]], (2, "int64")),
    ("i->", [np.array([1, 2], np.uint8)], (3, "int64")),
    ("ii", [[[True, False], [True, True]]], (2, "int64")),
    ("i,i->", [np.array([1, 2], np.uint8), np.array([3, 4], np.uint8)], (11, "uint8")),
    ("i,i->i", [[1, 2], [1.0, 2.0]], ([1.0, 4.0], "float32"))])
def test_einsum_dtypes(eq, args, want):
    r = sg.einsum(eq, *[sg.tensor(a) for a in args])
    assert (r.tolist(), r.dtype.name) == want


def test_einsum_contractions_need_one_dtype():
    with raises(RuntimeError, "expected scalar type Int but found Bool"):
        sg.einsum("i,i", sg.tensor([1, 2], dtype=sg.int32), sg.tensor([True, False]))
    with raises(NotImplementedError, "\"bmm\" not implemented for 'Bool'"):
        sg.einsum("i,i", sg.tensor([True, False]), sg.tensor([True, True]))


@pytest.mark.parametrize("weight", [None, [1.0, 2.0, 3.0]])
def test_label_smoothing_with_every_target_ignored(weight):
    x = t64([[1.0, 2.0, 3.0]])
    w = None if weight is None else sg.tensor(weight, dtype=sg.float64)
    y = F.cross_entropy(x, sg.tensor([-100]), weight=w, label_smoothing=0.1)
    assert np.isnan(y.item())
    y.backward()
    close(x.grad, [[0.0, 0.0, 0.0]])


def test_dropout_of_integers_keeps_their_dtype():
    r = F.dropout(sg.tensor([1, 2]), p=1.0)
    assert r.dtype is sg.int64 and r.tolist() == [0, 0]
    assert F.dropout(sg.tensor([True, False]), p=1.0).tolist() == [False, False]
    with raises(RuntimeError, "result type Float can't be cast to the desired output type Long"):
        F.dropout(sg.tensor([1, 2]), p=0.5)


def test_gather_and_scatter_check_indices_as_pytorch():
    z = sg.zeros(3)
    with raises(RuntimeError, "index -1 is out of bounds for dimension 0 with size 3"):
        z.gather(0, sg.tensor([-1]))                 # numpy would read the last element
    with raises(RuntimeError, "index 5 is out of bounds for dimension 0 with size 3"):
        z.scatter_add(0, sg.tensor([5]), sg.tensor([1.0]))
    with raises(RuntimeError, "gather(): Expected dtype int32/int64 for index"):
        z.gather(0, sg.tensor([1], dtype=sg.int8))
    i32 = sg.tensor([1], dtype=sg.int32)
    assert z.scatter(0, i32, sg.tensor([2.0])).tolist() == [0.0, 2.0, 0.0]
    assert sg.tensor([4.0, 5.0, 6.0]).gather(0, i32).tolist() == [5.0]
    s = sg.tensor(5.0)
    assert s.gather(0, sg.tensor(0)).item() == 5.0
    assert s.scatter(0, sg.tensor(0), sg.tensor(7.0)).item() == 7.0
    assert s.scatter_add(0, sg.tensor(0), sg.tensor(7.0)).item() == 12.0
    x = t64(2.0)
    x.gather(0, sg.tensor(0)).backward()
    close(x.grad, 1.0)


def test_zero_dim_and_bool_corner_cases():
    assert sg.nonzero(sg.tensor(3)).shape == (1, 0) and sg.argwhere(sg.tensor(0)).shape == (0, 0)
    assert [t.tolist() for t in sg.tensor(3).nonzero(as_tuple=True)] == [[0]]
    assert sg.sign(sg.tensor([True, False])).tolist() == [True, False]
    assert sg.clamp_min(sg.tensor([-1.0, 2.0]), False).tolist() == [0.0, 2.0]
    assert sg.clamp(sg.tensor([-1.0, 2.0]), min=True).tolist() == [1.0, 2.0]
    assert sg.bitwise_or(False, sg.tensor([True, False])).tolist() == [True, False]
    assert sg.bitwise_xor(3, sg.tensor([1, 2])).tolist() == [2, 1]
    assert (sg.tensor([], dtype=sg.uint8) // 0).shape == (0,)
    v, i = sg.tensor(3.0).topk(0)
    assert (v.item(), i.item(), v.shape) == (3.0, 0, ())


def test_integer_sums_into_a_small_dtype_wrap():
    u = sg.tensor([200, 100], dtype=sg.uint8)
    r = u.sum(dtype=sg.uint8)
    assert r.dtype is sg.uint8 and r.item() == 44
    assert u.prod(dtype=sg.uint8).item() == (200 * 100) % 256
    assert u.cumprod(0, dtype=sg.uint8).tolist() == [200, (200 * 100) % 256]


def test_tensor_split_by_indices_gives_plain_slices():
    parts = sg.tensor_split(sg.arange(5), [4, 2])
    assert [p.tolist() for p in parts] == [[0, 1, 2, 3], [], [2, 3, 4]]
    with raises(RuntimeError, "number of sections must be larger than 0, got 0"):
        sg.tensor_split(sg.arange(5), 0)
    y = t64([1.0, 2.0, 3.0, 4.0, 5.0]) * 1
    a, b = sg.tensor_split(y, 2)
    assert a.grad_fn.name() == "SliceBackward0" and a.tolist() == [1.0, 2.0, 3.0]
    a.mul_(2)                   # ordinary views, so PyTorch allows the write
    assert y.tolist() == [2.0, 4.0, 6.0, 4.0, 5.0]


def test_linear_on_other_ranks():
    assert F.linear(sg.ones(0), sg.ones(1, 0), sg.ones(1)).tolist() == [1.0]
    assert F.linear(sg.ones(2, 3, 3), sg.ones(3), sg.tensor(1.0)).tolist() == [[4.0] * 3] * 2
    with raises(RuntimeError, "mat2 must be a matrix, got 1-D tensor"):
        F.linear(sg.ones(2, 3), sg.ones(3), sg.tensor(1.0))


def test_out_and_in_place_results_never_truncate_or_broadcast_silently():
    with raises(RuntimeError, "result type Float can't be cast to the desired output type Long"):
        sg.sin(sg.tensor([1.5]), out=sg.zeros(1, dtype=sg.int64))
    with raises(RuntimeError, "result type Float can't be cast to the desired output type Int"):
        sg.add(sg.tensor([1.5]), 1, out=sg.zeros(1, dtype=sg.int32))
    assert sg.add(sg.tensor([1]), 1, out=sg.zeros(1, dtype=sg.float64)).tolist() == [2.0]
    assert sg.eq(sg.tensor([1.5]), 1.5, out=sg.zeros(1, dtype=sg.int64)).tolist() == [1]
    for write in (lambda t: t.eq_(sg.ones(1, 3)), lambda t: t.logical_and_(sg.ones(1, 3))):
        with raises(RuntimeError, "output with shape [3] doesn't match the broadcast shape [1, 3]"):
            write(sg.ones(3))
    with raises(RuntimeError, "output with shape [3] doesn't match the broadcast shape [2, 3]"):
        sg.ones(3).masked_fill_(sg.ones(2, 3, dtype=sg.bool), 0.0)
    x = sg.tensor([1, 2, 3])
    assert x.lt_(2.5) is x and x.tolist() == [1, 1, 0]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        sg.ones(3, requires_grad=True).eq_(1)


@pytest.mark.parametrize("call,exc,text", [
    (lambda: sg.tensor([2], dtype=sg.uint8).pow_(-3), RuntimeError, "Integers to negative integer powers are not allowed."),
    (lambda: sg.tensor([2], dtype=sg.int8).pow(300), RuntimeError,
     "value cannot be converted to type int8_t without overflow"),
    (lambda: sg.tensor([1.0], dtype=sg.float16).clamp_max(-1e6), RuntimeError,
     "value cannot be converted to type c10::Half without overflow"),
    (lambda: sg.full((2,), 300, dtype=sg.uint8), RuntimeError,
     "value cannot be converted to type uint8_t without overflow"),
    (lambda: sg.tensor([3]).frac(), NotImplementedError, "\"frac_cpu\" not implemented for 'Long'"),
    (lambda: sg.tensor([3]).round(decimals=1), NotImplementedError, "\"round_cpu\" not implemented for 'Long'"),
    (lambda: sg.add(sg.tensor([1]), sg.tensor([2]), alpha=True), RuntimeError,
     "Boolean alpha only supported for Boolean results."),
    (lambda: sg.rsub(sg.tensor([1]), sg.tensor([2]), alpha=0.5), RuntimeError,
     "For integral input tensors, argument alpha must not be a floating point number."),
    (lambda: sg.tensor([True]) @ sg.tensor([True]), NotImplementedError, "\"dot\" not implemented for 'Bool'"),
    (lambda: sg.ones(2, 2, dtype=sg.bool) @ sg.ones(2, 2, dtype=sg.bool), NotImplementedError,
     "\"addmm_impl_cpu_\" not implemented for 'Bool'"),
    (lambda: sg.tensor([1.0, 2.0]).softmax(dim=None), TypeError, "softmax(): argument 'dim' must be int, not NoneType"),
    (lambda: sg.flip(sg.ones(2), (0, 0)), RuntimeError, "dim 0 appears multiple times in the list of dims"),
    (lambda: sg.ones(2, 2).movedim((0, 1), (1, 1)), RuntimeError, "movedim: repeated dim in `destination` ([1, 1])"),
    (lambda: sg.tensor(1.0).unbind(), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (lambda: sg.ones(3).select(0, 3), IndexError,
     "select(): index 3 out of range for tensor of size [3] at dimension 0"),
    (lambda: sg.ones(2).fliplr(), RuntimeError, "Input must be >= 2-d.")])
def test_pytorch_errors_instead_of_wrapped_or_numpy_results(call, exc, text):
    with raises(exc, text):
        call()


def test_what_those_checks_still_allow():
    assert sg.tensor([2], dtype=sg.uint8).pow(3).tolist() == [8]
    assert sg.add(sg.tensor([True]), sg.tensor([True]), alpha=True).tolist() == [True]
    assert sg.tensor([3]).round().tolist() == [3]
    assert sg.tensor([1.5]).frac().tolist() == [0.5]
    assert sg.full((2,), 255, dtype=sg.uint8).tolist() == [255, 255]


def test_gather_from_0d_with_a_1d_index():
    assert sg.tensor(3.0).gather(0, sg.tensor([0, 0])).tolist() == [3.0, 3.0]


def test_python_ints_beyond_64_bits_overflow_as_pytorch():
    for f in (lambda: sg.ones(2) / 2 ** 64, lambda: sg.ones(2, dtype=sg.long) / 2 ** 64, lambda: sg.ones(2) + 2 ** 64):
        with raises(OverflowError, "int too big to convert"):
            f()
    assert (sg.ones(1, dtype=sg.float64) * 2 ** 63).item() == 2.0 ** 63


def test_einsum_layouts_as_pytorch():
    a = sg.tensor(np.arange(24.0).reshape(2, 3, 4))
    p = sg.einsum("ijk->kji", a)            # a permutation: PyTorch returns a permuted view's layout
    assert not p.is_contiguous() and p.stride() == (1, 4, 12)
    p.add_(1)
    assert a[0, 0, 0].item() == 0.0         # but never memory shared with the operand
    m = sg.einsum("ij,kj->ik", a[0], a[0])  # a contraction: contiguous, so view() works
    assert m.is_contiguous() and m.view(-1).shape == (9,)


NAN = float("nan")


def test_alpha_zero_ignores_the_product_as_blas():
    # addmm, addmv and addbmm skip the product; addr does not (PyTorch's results)
    m = sg.tensor([[NAN, 1.0], [1.0, 1.0]], dtype=sg.float64)
    one = sg.ones(2, 2, dtype=sg.float64)
    assert sg.addmm(one, m, one, alpha=0).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert sg.addmv(one[0], m, one[0], alpha=0).tolist() == [1.0, 1.0]
    assert sg.addbmm(one, m[None], one[None], alpha=0).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    r = sg.addr(one, m[:, 0], one[0], alpha=0)
    assert np.isnan(r[0].numpy()).all() and r[1].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("values, correction, fn, value, grad", [
    ([1.0, 2.0], 2, "var", float("inf"), [float("inf")] * 2),
    ([1.0, 2.0], 3, "var", float("inf"), [float("inf")] * 2),
    ([1.0, 2.0], 3, "std", float("inf"), [NAN] * 2),
    ([3.0], 2, "var", NAN, [NAN]),
])
def test_moments_without_degrees_of_freedom_as_pytorch(values, correction, fn, value, grad):
    x = t64(values)
    y = getattr(x, fn)(correction=correction)
    y.backward()
    np.testing.assert_array_equal(y.item(), value)
    np.testing.assert_array_equal(x.grad.numpy(), grad)


def test_floor_division_of_a_tensor_in_a_graph_has_no_derivative():
    x = sg.tensor([3.0, 4.0], requires_grad=True)
    y = x // 2
    assert y.tolist() == [1.0, 2.0] and y.grad_fn.name() == "NotImplemented"
    with raises(RuntimeError, "derivative for aten::floor_divide is not implemented"):
        y.sum().backward()


@pytest.mark.parametrize("values, ord, norm, grad", [
    ([1.0, NAN, 3.0], -float("inf"), NAN, [0.0, 0.0, 0.0]),
    ([2.0, -5.0, 0.5], -float("inf"), 0.5, [0.0, 0.0, 1.0]),
    ([1.0, float("inf"), 3.0], -1, 0.75, [0.5625, 0.0, 0.0625]),
    ([-float("inf"), 2.0], -2, 2.0, [0.0, 1.0]),
])
def test_vector_norms_at_non_finite_entries_as_pytorch(values, ord, norm, grad):
    x = t64(values)
    y = sg.linalg.vector_norm(x, ord)
    y.backward()
    assert y.grad_fn.name() == "LinalgVectorNormBackward0"
    np.testing.assert_allclose(y.item(), norm)
    np.testing.assert_allclose(x.grad.numpy(), grad)


def test_nansum_is_its_own_node():
    x = sg.tensor([[1.0, NAN, 2.0], [3.0, 4.0, NAN]], requires_grad=True)
    y = sg.nansum(x, 1)
    assert y.tolist() == [3.0, 7.0] and y.grad_fn.name() == "NansumBackward0"
    y.backward(sg.tensor([2.0, 3.0]))
    assert x.grad.tolist() == [[2.0, 0.0, 2.0], [3.0, 3.0, 0.0]]
