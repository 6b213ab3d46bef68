"""In-place writes and views: what a write does to the graph (``CopySlices``,
rebuilt views, version checks), which writes PyTorch forbids, and what a
write invalidates (saved values, retained grads, closed forms).  Numbers are
checked against jax and PyTorch's printed values."""
import numpy as np
import pytest

import symgrad as sg

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

from helpers import F64, t64, close  # noqa: E402

# -------------------------------------------------------- views + in-place
def test_inplace_on_slices_of_clone_matches_jax(rng):
    xa, wa = rng.standard_normal((3, 4)), rng.standard_normal(4)
    x, w = t64(xa), t64(wa)
    y = x.clone()
    y[1].mul_(w)
    y[:, 1:3] += 2 * x[:, :2]
    v = y[2]                    # a view taken before the next in-place op on its base
    y.mul_(1.5)
    out = (y.sin() * y).sum() + (v ** 2).sum()
    out.backward()

    def ref(x, w):
        y = x.at[1].set(x[1] * w)
        y = y.at[:, 1:3].set(y[:, 1:3] + 2 * x[:, :2])
        y = y * 1.5
        return (jnp.sin(y) * y).sum() + (y[2] ** 2).sum()

    gx, gw = jax.grad(ref, argnums=(0, 1))(xa, wa)
    close(x.grad, gx)
    close(w.grad, gw)
    assert y.grad_fn.name() == "MulBackward0"


def test_setitem_with_tensor_value(rng):
    xa, va = rng.standard_normal(5), rng.standard_normal(2)
    x, v = t64(xa), t64(va)
    y = x * 1
    y[1:3] = v.exp()
    (y ** 3).sum().backward()
    gx, gv = jax.grad(lambda x, v: (x.at[1:3].set(jnp.exp(v)) ** 3).sum(), argnums=(0, 1))(xa, va)
    close(x.grad, gx)
    close(v.grad, gv)
    assert type(y.grad_fn).__name__ == "CopySlices"


@pytest.mark.parametrize("relayout, undo", [
    (lambda y: y.t_(), lambda y: y.T),
    (lambda y: y.transpose_(0, 1), lambda y: y.T),
    (lambda y: y.unsqueeze_(0), lambda y: y[0]),
    (lambda y: y.unsqueeze_(2).squeeze_(), lambda y: y),
])
def test_views_taken_before_the_base_changes_layout_in_place(rng, relayout, undo):
    # the views' chains follow the base's old layout; their gradients must too
    xa, wa, ca = rng.standard_normal((3, 3)), rng.standard_normal(3), rng.standard_normal((3, 3))
    x, w = t64(xa), t64(wa)
    y = x.clone()
    col, row = y[:, 0], y[1]
    relayout(y)
    col.mul_(w)                             # a write through an old view
    undo(y)[2].add_(x[0] * 3)               # a write through a new view
    out = (undo(y) * t64(ca, rg=False)).sum() + (row ** 2).sum() + (col * x[:, 1]).sum()
    out.backward()

    def ref(x, w):
        y = x.at[:, 0].set(x[:, 0] * w)
        y = y.at[2].add(x[0] * 3)
        return (y * ca).sum() + (y[1] ** 2).sum() + (y[:, 0] * x[:, 1]).sum()

    gx, gw = jax.grad(ref, argnums=(0, 1))(xa, wa)
    close(out, ref(jnp.asarray(xa), jnp.asarray(wa)))
    close(x.grad, gx)
    close(w.grad, gw)


# ---------------------------------------------- in-place writes and what they invalidate
def test_in_place_op_reading_its_own_target_refuses_backward():
    x = sg.tensor([2.0, 3.0, 4.0], dtype=sg.float64, requires_grad=True)
    y = x * 1
    y.mul_(y)            # mul saves y, which this very write changes: PyTorch refuses too
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*output 0 of Mul, is at version 1; "
                                           "expected version 0"):
        y.sum().backward()
    y = x * 1
    y.add_(y)            # add reads no values: fine
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_backward_inputs_fill_non_leaf_grads():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    y = x * 3
    (y * y).sum().backward(inputs=[y])
    assert y.retains_grad and y.grad.tolist() == [6.0, 12.0] and x.grad is None


@pytest.mark.parametrize("stop", [lambda x: x.requires_grad_(False), lambda x: x.detach_()])
def test_a_leaf_that_stopped_requiring_grad_gets_no_gradient(stop):
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    y = (x * x).sum()
    stop(x)
    y.backward()
    assert x.grad is None


def test_a_view_taken_before_its_base_required_grad_follows_the_base():
    base = sg.zeros(2, 3, dtype=sg.float64)
    v = base.t()
    w = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    base[:, 0] = w
    assert v.requires_grad
    ((v * v).sum() + w.sum()).backward()
    assert w.grad.tolist() == [3.0, 5.0]          # 2w + 1


def test_closed_forms_refuse_constants_written_after_use():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    c = sg.tensor([10.0, 30.0], dtype=sg.float64)
    z = c * x
    np.testing.assert_array_equal(z.evaluate(), [10.0, 60.0])
    c.mul_(2)
    with pytest.raises(RuntimeError, match="no longer exists"):
        z.evaluate()
    c = sg.tensor([3.0, 4.0], dtype=sg.float64)
    c.add_(x)            # the old c enters the gradient's closed form and is gone
    (c * x).sum().backward()
    assert x.grad.tolist() == [5.0, 8.0]
    with pytest.raises(RuntimeError, match="no longer exists"):
        x.grad.evaluate()
    x.grad = None
    c = sg.zeros(2, dtype=sg.float64)
    c += x * x           # a uniform constant keeps its (one) old value
    (c * x).sum().backward()
    np.testing.assert_array_equal(x.grad.evaluate(), [3.0, 12.0])


def test_writing_into_a_view_of_a_gradient_forgets_its_closed_form():
    x = sg.tensor([1.0, 2.0, 3.0], dtype=sg.float64, requires_grad=True)
    (x * x).sum().backward()
    x.grad[0] = 0.5
    with pytest.raises(RuntimeError, match="closed form is unknown"):
        x.grad.evaluate()
    x.grad.zero_()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.evaluate(), [2.0, 4.0, 6.0])
    x.grad.data[1].fill_(7.0)
    with pytest.raises(RuntimeError, match="closed form is unknown"):
        x.grad.evaluate()


def test_retained_grad_follows_in_place_writes():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.mul_(3)
    (y * y).sum().backward()
    assert y.grad.tolist() == [12.0, 24.0]          # 2 * (the new y)
    y = x * 2
    y.retain_grad()
    z = (y + 1).sum()               # uses the old version only
    y.mul_(3)
    z.backward()
    assert y.grad is None
    y = x * 2
    y.retain_grad()
    y[0].mul_(3)                    # through a view: the base's new version
    (y * y).sum().backward()
    assert y.grad.tolist() == [12.0, 8.0]


def test_zero_dim_unbind_outputs_are_views():
    x = sg.tensor([1.0, 2.0, 3.0], dtype=sg.float64)
    a, b, c = x.unbind(0)
    a.add_(10)
    x.mul_(2)
    assert x.tolist() == [22.0, 4.0, 6.0] and a.item() == 22.0


def test_accumulating_onto_a_gradient_with_a_history_keeps_it():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [5.0, 14.0] and x.grad.requires_grad and x.grad.grad_fn.name() == "CopyBackwards"
    with pytest.raises(RuntimeError, match="did not record the write"):
        x.grad.expr


def test_unrecorded_write_to_a_tensor_with_a_history_forgets_its_closed_form():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    y = x * 2
    with sg.no_grad():
        y += 1
    assert y.tolist() == [3.0, 5.0] and y.grad_fn.name() == "MulBackward0"
    with pytest.raises(RuntimeError, match="did not record the write"):
        y.evaluate()


def test_unused_sibling_outputs_get_no_gradient():
    x = sg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=sg.float64, requires_grad=True)
    a, b = (x * 1).unbind(1)
    with pytest.raises(RuntimeError, match="index 0 appears to not have been used in the graph"):
        sg.autograd.grad(a.sum(), [b])
    a, b = (x * 1).unbind(1)
    assert sg.autograd.grad(a.sum(), [b], allow_unused=True) == (None,)
    a, b = (x * 1).unbind(1)
    b.retain_grad()
    a.sum().backward()
    assert b.grad is None and x.grad.tolist() == [[1.0, 0.0], [1.0, 0.0]]


def test_grad_of_a_non_leaf_does_not_run_its_own_rules():
    c = sg.tensor([1.0, 2.0], dtype=sg.float64)
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    a = x * c
    c.add_(1)                       # would fail a's version check, which is not needed
    assert sg.autograd.grad((a * 2).sum(), [a])[0].tolist() == [2.0, 2.0]
    y = x.sigmoid()
    sg.autograd.grad((y * y).sum(), [y])
    y.sum().backward()              # sigmoid's saved values were never used, so not freed
    s = 1 / (1 + np.exp(-np.array([1.0, 2.0])))
    np.testing.assert_allclose(x.grad.numpy(), s * (1 - s))


def test_in_place_scatter_scatter_add_and_fmod():
    x = sg.tensor([1.0, 2.0, 3.0], dtype=sg.float64, requires_grad=True)
    y = x * 1
    y.scatter_(0, sg.tensor([2, 0]), x[:2] * 10)
    y.scatter_add_(0, sg.tensor([1, 1]), x[1:] * 3)
    y.fmod_(7.0)
    assert y.tolist() == [6.0, 3.0, 3.0] and y.grad_fn.name() == "FmodBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [10.0, 14.0, 3.0]        # PyTorch's numbers
    np.testing.assert_array_equal(x.grad.evaluate(), x.grad.numpy())
    assert sg.zeros(3).scatter_(0, sg.tensor([1]), 4.0).tolist() == [0.0, 4.0, 0.0]


def test_views_taken_before_detach_keep_their_history():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    a = x * 2
    v = a.unsqueeze(0)
    a.detach_()
    assert not a.requires_grad and v.grad_fn.name() == "UnsqueezeBackward0"
    (v * x).sum().backward()
    assert x.grad.tolist() == [4.0, 8.0]            # d(2x * x)/dx


def test_chunk_of_an_empty_dim_and_bad_chunk_counts():
    assert [c.shape for c in sg.zeros(0, 3).chunk(3, 0)] == [(0, 3)] * 3
    assert [c.shape for c in sg.zeros(5, 3).chunk(3, 0)] == [(2, 3), (2, 3), (1, 3)]
    with pytest.raises(RuntimeError, match="^chunk expects `chunks` to be greater than 0, got: 0$"):
        sg.zeros(4).chunk(0)


@pytest.mark.parametrize("shape", [(1,), (1, 1), (3,)])
def test_masked_select_double_backward(shape):
    x = sg.ones(*shape, dtype=sg.float64, requires_grad=True)
    m = sg.ones(*shape, dtype=sg.bool)
    g, = sg.autograd.grad((x * x * 3).masked_select(m).sum(), [x], create_graph=True)
    assert g.detach().numpy().ravel().tolist() == [6.0] * int(np.prod(shape))
    g.sum().backward()
    assert x.grad.numpy().ravel().tolist() == [6.0] * int(np.prod(shape))


def test_a_recorded_write_into_a_gradient_with_a_history_keeps_a_closed_form():
    x = sg.tensor([1.0, 2.0], dtype=sg.float64, requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    x.grad.add_(x)                  # recorded: the new node describes the values
    assert x.grad.tolist() == [4.0, 14.0]            # 3x² + x
    np.testing.assert_array_equal(x.grad.evaluate(), [4.0, 14.0])


def test_detach_shares_the_version_counter():
    x = t64([1.0, 2.0])
    y = x.exp()
    y.detach().mul_(2)              # y's saved value is stale now
    assert y._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation: .*output 0 of Exp, is at version 1"):
        y.sum().backward()
    y = x.exp()
    y.data.mul_(2)                  # .data has a counter of its own: PyTorch's documented escape hatch
    assert y._version == 0
    y.sum().backward()
    close(x.grad, 2 * np.exp([1.0, 2.0]))


MULTI = ("This view is the output of a function that returns multiple views. Such functions do not allow the "
         "output views to be modified inplace. You should replace the inplace operation by an out-of-place one.")
NO_GRAD = ("Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
           "moving both the view and the inplace either both inside the no_grad block (if you don't want the "
           "inplace to be tracked) or both outside (if you want the inplace to be tracked).")


def raises(text):
    import re
    return pytest.raises(RuntimeError, match="^" + re.escape(text) + "$")


@pytest.mark.parametrize("cut,name", [(lambda y: y.split(2), "Split"), (lambda y: y.chunk(2), "Split"),
                                      (lambda y: y.split([2, 2]), "SplitWithSizes"),
                                      (lambda y: y.view(2, 2).unbind(), "Unbind")])
def test_outputs_of_multi_view_ops_refuse_writes_as_pytorch(cut, name):
    # texts are PyTorch 2.13's
    y = t64([1.0, 2.0, 3.0, 4.0]) * 1
    a, b = cut(y)
    with raises(f"Output 0 of {name} is a view and is being modified inplace. {MULTI}"):
        a.mul_(2)
    with raises(f"Output 0 of Select is a view and is being modified inplace. {MULTI}"):
        a[0] = 5.0                  # writes through a[0], a view of a
    c = b[0:1]                      # a view of such a view inherits the ban
    with raises(f"Output 0 of Slice is a view and is being modified inplace. {MULTI}"):
        c.add_(1)
    y.add_(1)                       # through the base: using a view afterwards is refused
    with raises(f"Output 1 of {name} is a view and its base or another view of its base has been modified "
                f"inplace. {MULTI}"):
        b * 2
    with raises(f"Output 0 of {name} is a view and its base or another view of its base has been modified "
                f"inplace. {MULTI}"):
        a.grad_fn
    assert b.requires_grad          # reading the flag does not raise, as in PyTorch
    with sg.no_grad():
        np.testing.assert_array_equal((b * 2).numpy(), [8.0, 10.0])
    np.testing.assert_array_equal(a.detach().numpy(), [2.0, 3.0])


def test_multi_view_writes_that_pytorch_allows():
    y = t64([1.0, 2.0, 3.0, 4.0]) * 1
    a, b = y.split(2)
    a.data.mul_(2)                  # .data is outside autograd
    assert a.grad_fn.name() == "SplitBackward0"
    x = sg.zeros(4, dtype=F64)      # nothing requires grad: a plain write
    a, b = x.split(2)
    a.add_(1)
    np.testing.assert_array_equal(x.numpy(), [1, 1, 0, 0])
    assert a.grad_fn is None and a.is_leaf
    w = t64([2.0, 3.0])
    with raises(f"A view was created in no_grad mode and is being modified inplace with grad mode enabled. {MULTI}"):
        b.mul_(w)                   # a view without a history, written with one


def test_writes_into_views_made_under_no_grad():
    x = t64([1.0, 2.0, 3.0])
    y = x * 1
    with sg.no_grad():
        v = y[1:]
    with raises(f"A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
                f"{NO_GRAD}"):
        v.mul_(2)
    with sg.no_grad():
        v.mul_(2)                   # inside no_grad: allowed, untracked
    with raises(f"A view was created in no_grad mode and its base or another view of its base has been modified "
                f"inplace with grad mode enabled. {NO_GRAD}"):
        v.grad_fn
    y = x * 1
    u = y[:2]                       # made in grad mode: an ordinary view
    u.mul_(3)
    y.sum().backward()
    close(x.grad, [3.0, 3.0, 1.0])


def test_second_derivative_through_a_write_into_a_view():
    # out = x0**4 + x1**2: the value the view held before the write keeps its own history
    x = t64([1.5, 0.7])
    t = x * 1
    t[0].mul_(x[0])
    g, = sg.autograd.grad((t * t).sum(), x, create_graph=True)
    close(g, [4 * 1.5 ** 3, 2 * 0.7])
    h, = sg.autograd.grad(g.sum(), x)
    close(h, [12 * 1.5 ** 2, 2.0])


def test_a_write_after_detach_cuts_the_views_taken_before():
    x = t64([1.0, 2.0, 3.0])
    y = x * 1
    v = y[:]
    y.detach_()
    assert v.grad_fn is not None            # unwritten: the view keeps its history
    y.mul_(10)                              # the view now holds constants: no gradient reaches x
    assert not v.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        (v * v).sum().backward()


def test_a_view_of_a_leaf_written_before_it_required_grad_reads_the_leaf():
    x = sg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=F64)
    v = x.t()
    x.add_(1)
    x.requires_grad_()
    assert v.requires_grad
    w = np.array([[1.0, 10.0], [100.0, 1000.0]])
    ((v * sg.tensor(w)).sum() + x.sum()).backward()
    close(x.grad, 1 + w.T)                  # PyTorch's values


def test_shape_changing_in_place_ops_count_as_writes():
    x = t64([[1.0, 2.0]])
    y = x.exp()
    assert [y.t_()._version, y.t_()._version, y.squeeze_()._version, y.unsqueeze_(0)._version] == [1, 2, 3, 4]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()                  # exp's saved output was "written", as in PyTorch


def test_a_number_a_rule_reads_is_freed_after_backward():
    x = t64([1.0, 2.0])
    y = (x * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()
    z = (x + 2).sum()                       # add reads nothing: PyTorch allows a second pass
    z.backward()
    z.backward()
    close(x.grad, [4.0, 4.0])


@pytest.mark.parametrize("write, name", [
    (lambda y: y.normal_(), "NormalBackward0"), (lambda y: y.uniform_(), "UniformBackward0"),
    (lambda y: y.fill_(2.0), "FillBackward2"), (lambda y: y.zero_(), "ZeroBackward0"),
    (lambda y: y.__setitem__(Ellipsis, 2.0), "FillBackward3"),
])
def test_writes_of_new_values_cut_the_gradient_of_the_old(write, name):
    # the old values of y (3x) no longer reach the result: x's gradient is y's new value
    x = t64(np.ones(3))
    y = x * 3
    write(y)
    assert y.grad_fn.name() == name
    (y * x).sum().backward()
    close(x.grad, y.detach().numpy())


def test_ops_on_a_no_grad_view_record_a_graph_that_reaches_nothing():
    # PyTorch's view made under no_grad reports requires_grad and is recorded
    # from, but no gradient flows back through it
    x = sg.ones(3, requires_grad=True)
    with sg.no_grad():
        v = x[0:2]
    assert v.requires_grad and v.is_leaf and v.grad_fn is None
    y = v * 2
    assert y.requires_grad and y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert x.grad is None and v.grad is None
