"""Each misuse raises PyTorch's error (the key part of its message), never a wrong number."""
import numpy as np
import pytest

import symgrad as sg

from helpers import sin_function


def leaf(*shape):
    return sg.ones(*shape, dtype=sg.float64, requires_grad=True)


def test_backward_twice_through_freed_values():
    x = leaf(3)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()
    with pytest.raises(RuntimeError, match="Specify retain_graph=True"):
        sg.autograd.grad(y, x)


def test_non_scalar_backward_needs_gradient():
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (leaf(3) * 2).backward()


def test_gradient_shape_mismatch():
    x = leaf(3)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of .*\[2\].* and "
                                           r"output\[0\] has a shape of .*\[3\]"):
        (x * 2).backward(sg.ones(2, dtype=sg.float64))


def test_backward_of_tensor_without_grad():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"):
        sg.ones(3).sum().backward()
    x = leaf(2)
    with pytest.raises(RuntimeError, match="element 1 of tensors does not require grad"):
        sg.autograd.backward([x.sum(), sg.ones(1).sum()])
    with sg.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        y.backward()


def test_grad_misuse():
    x = leaf(2)
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        sg.autograd.grad((x * 2).sum(), sg.ones(2))
    with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to not have been used"):
        sg.autograd.grad((x * 2).sum(), [x, leaf(2)])
    with pytest.raises(RuntimeError, match="`inputs` argument to `backward\\(\\)` cannot be empty"):
        (x * 2).sum().backward(inputs=[])


def test_numpy_on_tensor_that_requires_grad():
    x = leaf(2)
    msg = r"Can't call numpy\(\) on Tensor that requires grad. Use tensor.detach\(\).numpy\(\) instead."
    with pytest.raises(RuntimeError, match=msg):
        x.numpy()
    with pytest.raises(RuntimeError, match=msg):
        (x * 2).numpy()
    with pytest.raises(RuntimeError, match=msg):
        np.asarray(x)
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0])


LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."


def test_inplace_on_leaf_and_view_of_leaf():
    x = leaf(3)
    with pytest.raises(RuntimeError, match=LEAF_INPLACE):
        x.add_(1)
    with pytest.raises(RuntimeError, match=LEAF_INPLACE):
        x += 1
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place "
                                           "operation."):
        x[1:].mul_(2)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0] = 5.0
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0, 1.0])   # nothing was written
    with sg.no_grad():
        x.mul_(2)                                                         # allowed without grad mode
    np.testing.assert_array_equal(x.detach().numpy(), [2.0, 2.0, 2.0])


def test_inplace_change_of_saved_value():
    msg = "one of the variables needed for gradient computation has been modified by an inplace operation"
    x = leaf(3)
    h = x * 1
    y = h.sin()                      # saves h
    h.add_(1)
    with pytest.raises(RuntimeError, match=msg):
        y.sum().backward()
    e = (x * 1).exp()                # saves its output
    z = e.sum()
    e.mul_(2)
    with pytest.raises(RuntimeError, match=msg + r": \[symgrad.DoubleTensor \[3\]\], which is output 0 of Exp, is at version 1; "
                                            r"expected version 0"):
        z.backward()
    v = x * 1
    w = (v[:2] ** 2).sum()           # saves a view of v
    v.zero_()
    with pytest.raises(RuntimeError, match=msg):
        w.backward()


def test_inplace_change_not_saved_is_fine():
    x = leaf(3)
    h = x * 1
    y = h + 2                        # add saves nothing
    h.add_(1)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])


@pytest.mark.parametrize("a,b,sa,sb,dim", [
    ((2, 3), (2, 4), 3, 4, 1),
    ((3,), (2, 4), 3, 4, 1),
    ((5, 1, 3), (2, 4), 3, 4, 2),
    ((2, 3), (4, 3), 2, 4, 0),
])
def test_broadcast_mismatch(a, b, sa, sb, dim):
    msg = (rf"The size of tensor a \({sa}\) must match the size of tensor b \({sb}\) at non-singleton "
           rf"dimension {dim}")
    with pytest.raises(RuntimeError, match=msg):
        sg.ones(*a) + sg.ones(*b)
    with pytest.raises(RuntimeError, match=msg):
        sg.ones(*a, requires_grad=True) * sg.ones(*b)


def test_broadcast_mismatch_in_place_and_where():
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of tensor b \(4\)"):
        sg.ones(2, 3).add_(sg.ones(2, 4))
    with pytest.raises(RuntimeError, match=r"output with shape \[2, 3\] doesn't match the broadcast shape \[4, 2, 3\]"):
        sg.ones(2, 3).add_(sg.ones(4, 2, 3))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of tensor b \(4\)"):
        sg.where(sg.ones(2, 3) > 0, sg.ones(3), sg.ones(4))


def test_impossible_view():
    with pytest.raises(RuntimeError, match=r"shape '\[3, 4\]' is invalid for input of size 15"):
        sg.ones(15).view(3, 4)
    with pytest.raises(RuntimeError, match=r"shape '\[-1, 4\]' is invalid for input of size 15"):
        sg.ones(15).view(-1, 4)
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size and stride"):
        sg.ones(3, 4).t().view(12)
    assert tuple(sg.ones(3, 4).t().reshape(12).shape) == (12,)


def test_cuda_is_unavailable_with_a_clear_error():
    assert sg.cuda.is_available() is False
    with pytest.raises(RuntimeError, match="cuda"):
        sg.ones(2).to("cuda")
    with pytest.raises(RuntimeError, match="not available"):
        sg.ones(2, device="cuda")


def test_requires_grad_misuse():
    with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point .*dtype can require gradients"):
        sg.ones(2, dtype=sg.int64, requires_grad=True)
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        sg.ones(2).retain_grad()
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        sg.ones(2).register_hook(lambda g: g)
    x = leaf(3)
    with pytest.raises(RuntimeError, match=r"attempting to assign a gradient of size '\[2\]' to a tensor of "
                                           r"size '\[3\]'"):
        x.grad = sg.ones(2, dtype=sg.float64)
    with pytest.raises(RuntimeError, match="attempting to assign a gradient with dtype"):
        x.grad = sg.ones(3, dtype=sg.float32)


WrongSin = sin_function(lambda ctx, g: g * ctx.saved_tensors[0].cos() * 1.01)      # 1% off


def test_gradcheck_catches_a_wrong_gradient():
    x = sg.tensor([0.3, -1.2, 2.0], dtype=sg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0"):
        sg.autograd.gradcheck(WrongSin.apply, (x,))
    assert sg.autograd.gradcheck(WrongSin.apply, (x,), raise_exception=False) is False
    assert sg.autograd.gradcheck(sg.sin, (x,))
