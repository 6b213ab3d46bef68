"""The autograd API around the numbers: hooks (order, removal, what they may
keep), grad modes (threads, generators, decorators) and the argument checks
of backward() and grad().  Expected values are PyTorch 2.13's results."""
import threading

import numpy as np
import pytest

import symgrad as sg


# ------------------------------------------------------------------- hooks
def test_a_handle_removes_its_own_registration():
    x = sg.ones(2, requires_grad=True)
    y = x * 2
    triple = lambda g: g * 3  # noqa: E731
    y.register_hook(triple)
    y.register_hook(lambda g: g + 1)
    h3 = y.register_hook(triple)         # the same function twice: remove the second
    h3.remove()
    y.sum().backward()
    assert x.grad.tolist() == [8.0, 8.0]          # ((1 * 3) + 1) * 2


def test_hooks_that_change_the_hooks_take_effect_next_pass():
    x = sg.ones(2, requires_grad=True)
    y = x * 2
    handles = []
    handles.append(y.register_hook(lambda g: handles[0].remove()))
    y.register_hook(lambda g: g * 4)
    log = []
    y.register_hook(lambda g: y.register_hook(lambda g: log.append(1)) and None)
    y.sum().backward(retain_graph=True)
    assert x.grad.tolist() == [8.0, 8.0] and log == []
    y.sum().backward()
    assert log == [1]


def test_retain_grad_keeps_the_gradient_after_every_hook():
    x = sg.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert y.grad.tolist() == [10.0, 10.0] and x.grad.tolist() == [20.0, 20.0]


@pytest.mark.parametrize("through", ["leaf", "non-leaf"])
def test_what_a_hook_keeps_is_apart_from_grad(through):
    x = sg.ones(2, requires_grad=True)
    seen = []
    if through == "leaf":
        x.register_hook(seen.append)
        (x * 3).sum().backward()
    else:
        y = x + 0                       # the gradient flows on unchanged into x.grad
        y.register_hook(seen.append)
        (y * 3).sum().backward()
    x.grad.zero_()
    assert seen[0].tolist() == [3.0, 3.0]


def test_hooks_run_only_where_gradients_are_needed():
    x, z = sg.ones(2, requires_grad=True), sg.ones(2, requires_grad=True)
    b = z * 3
    log = []
    b.register_hook(log.append)
    b.retain_grad()
    sg.autograd.grad((x * b).sum(), x)
    assert log == [] and b.grad is None


def test_an_assigned_grad_that_requires_grad_is_added_to_in_place():
    x = sg.ones(2, requires_grad=True)
    g0 = sg.ones(2, requires_grad=True)
    x.grad = g0
    (x * 2).sum().backward()
    assert x.grad is g0 and g0.tolist() == [3.0, 3.0] and g0.requires_grad


# ---------------------------------------------------------------- grad modes
def test_grad_mode_is_each_threads_own():
    x = sg.ones(2, requires_grad=True)
    seen = []
    worker = threading.Thread(target=lambda: seen.append((x * 2).requires_grad))
    with sg.no_grad():
        worker.start()
        worker.join()
    assert seen == [True] and sg.is_grad_enabled()


def test_decorated_generators_run_in_the_decorators_mode():
    x = sg.ones(2, requires_grad=True)

    @sg.no_grad()
    def steps():
        yield (x * 2).requires_grad
        yield (x * 2).requires_grad

    it = steps()
    assert next(it) is False
    assert (x * 2).requires_grad           # the caller's code between resumes keeps its own mode
    assert next(it) is False


def test_bare_decorators_and_inference_mode_false():
    x = sg.ones(2, requires_grad=True)

    @sg.no_grad
    def off():
        return (x * 2).requires_grad

    @sg.inference_mode(False)
    def as_is():
        return (x * 2).requires_grad

    @sg.inference_mode
    def inference():
        return (x * 2).requires_grad

    assert (off(), as_is(), inference()) == (False, True, False)


# ------------------------------------------------------------ argument checks
@pytest.mark.parametrize("call, error, text", [
    (lambda x: sg.autograd.backward([(x * 2).sum(), (x * 3).sum()], [sg.tensor(1.0)]), RuntimeError,
     "got 2 tensors and 1 gradients"),
    (lambda x: sg.autograd.grad([(x * 2).sum(), (x * 3).sum()], x, [sg.tensor(1.0)]), RuntimeError,
     "got 2 tensors and 1 gradients"),
    (lambda x: (x * 2).backward([1.0, 1.0]), TypeError, "gradients can be either Tensors or None, but got float"),
    (lambda x: sg.autograd.grad((x * 2).sum(), []), RuntimeError,
     "`inputs` argument to `grad\\(\\)` cannot be empty."),
    (lambda x: (x * 2).sum().backward(inputs=[sg.ones(2)]), RuntimeError,
     "can't retain_grad on Tensor that has requires_grad=False"),
    (lambda x: sg.autograd.grad((x * 2).sum(), x, materialize_grads=True, allow_unused=False), ValueError,
     "Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False."),
    (lambda x: setattr(x * 2, "requires_grad", True), RuntimeError,
     "you can only change requires_grad flags of leaf variables.$"),
])
def test_argument_errors_as_pytorch(call, error, text):
    with pytest.raises(error, match=text):
        call(sg.ones(2, requires_grad=True))


# ------------------------------------------------------------ custom Functions
class _MulInPlace(sg.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        x.mul_(k)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None


def test_mark_dirty_gives_the_input_the_functions_history():
    a = sg.tensor([1., 2.], requires_grad=True)
    y = a * 1
    v = y._version
    assert _MulInPlace.apply(y, 3.0) is y
    assert y._version == v + 2 and y.grad_fn.name() == "_MulInPlaceBackward" and y.tolist() == [3., 6.]
    (y * y).sum().backward()
    assert a.grad.tolist() == [18., 36.]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
        _MulInPlace.apply(a, 2.0)


def test_apply_binds_keyword_arguments_and_setup_context_defaults():
    class Scale(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k=2.0):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g * 2, None

    class Scale2(sg.autograd.Function):
        @staticmethod
        def forward(x, k=2.0):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    x = sg.ones(2, requires_grad=True)
    assert Scale.apply(x, k=3.0).tolist() == [3., 3.] and Scale.apply(x).tolist() == [2., 2.]
    Scale2.apply(x, k=5.0).sum().backward()
    assert x.grad.tolist() == [5., 5.] and Scale2.apply(x).tolist() == [2., 2.]


def test_saved_tensors_free_and_version_checks_as_pytorch():
    class Twice(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2             # never reads what it saved

    x = sg.ones(2, requires_grad=True)
    y = Twice.apply(x)
    y.sum().backward()
    y.sum().backward()               # nothing freed is read: allowed, as PyTorch
    assert x.grad.tolist() == [4., 4.]
    w = x * 1
    z = Twice.apply(w)
    w.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.grad_fn.saved_tensors


def test_version_errors_name_a_function_by_its_class():
    class F(sg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x * 2
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y

    y = F.apply(sg.ones(2, requires_grad=True))
    y.add_(1)
    with pytest.raises(RuntimeError, match="which is output 0 of F, is at version 1"):
        y.sum().backward()


def test_an_expanded_grad_is_not_accumulated_into():
    x = sg.ones(2, requires_grad=True)
    x.grad = sg.zeros(1).expand(2)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        (x * 2).sum().backward()


# ------------------------------------------------------ inference tensors
SAVED = ("Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
         "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
         "it in autograd, or use `symgrad.no_grad()` instead of `symgrad.inference_mode()`.")


def test_inference_tensors():
    x = sg.ones(3, requires_grad=True)
    assert not sg.is_inference_mode_enabled()
    with sg.inference_mode():
        assert sg.is_inference_mode_enabled() and not sg.is_grad_enabled()
        i = sg.ones(3) * 2
        j = x * 2
        i.add_(1)                        # in place inside inference mode: allowed
        with sg.inference_mode(False):
            assert not sg.ones(1).is_inference() and not sg.is_inference_mode_enabled()
    assert i.is_inference() and j.is_inference() and not j.requires_grad and not x.is_inference()
    assert i[:2].is_inference() and not i.clone().is_inference()
    with sg.no_grad():
        assert not (sg.ones(2) * 2).is_inference()
    np.testing.assert_array_equal((i * 2).numpy(), [6., 6., 6.])      # outside autograd: usable
    assert (x + i).grad_fn.name() == "AddBackward0"                     # add saves neither input
    for f in (lambda: x * i, lambda: x.exp() * i[:3], lambda: sg.matmul(x, i)):
        with pytest.raises(RuntimeError) as e:
            f()
        assert str(e.value) == SAVED
    with pytest.raises(RuntimeError, match="^Setting requires_grad=True on inference tensor outside InferenceMode "
                                           "is not allowed.$"):
        i.requires_grad_()
    for write in (lambda: i.add_(1), lambda: i[:1].mul_(2), lambda: i.__setitem__(0, 5.)):
        with pytest.raises(RuntimeError, match=r"^Inplace update to inference tensor outside InferenceMode is not "
                                               r"allowed.You can make a clone"):
            write()
    np.testing.assert_array_equal(i.numpy(), [3., 3., 3.])


def test_inference_mode_decorators():
    @sg.inference_mode()
    def made():
        return sg.ones(2) * 3

    @sg.inference_mode
    def bare():
        return sg.ones(2)

    @sg.inference_mode()
    def gen():
        yield sg.is_inference_mode_enabled()

    assert made().is_inference() and bare().is_inference()
    assert list(gen()) == [True] and not sg.is_inference_mode_enabled()


# ------------------------------------------- AccumulateGrad and node names
def test_accumulate_grad_is_one_object_per_leaf():
    x = sg.ones(3, requires_grad=True)
    y, z = x * 2, x + 1
    acc = y.grad_fn.next_functions[0][0]
    assert acc is z.grad_fn.next_functions[0][0] is y.grad_fn.next_functions[0][0]
    assert acc.variable is x and acc.name() == "symgrad::autograd::AccumulateGrad"
    (a, _), (b, _) = (x * x).grad_fn.next_functions
    assert a is b is acc
    other = sg.ones(1, requires_grad=True)
    assert (other * 1).grad_fn.next_functions[0][0] is not acc


def test_copy_slices_named_with_its_namespace():
    c = sg.ones(3, requires_grad=True).clone()
    d = c.exp()
    c[0] = 2.
    assert c.grad_fn.name() == "symgrad::autograd::CopySlices" and type(c.grad_fn).__name__ == "CopySlices"
    e = c.sin()
    c[1] = 3.
    with pytest.raises(RuntimeError, match="which is output 0 of symgrad::autograd::CopySlices, is at version 2"):
        (d + e).sum().backward()
