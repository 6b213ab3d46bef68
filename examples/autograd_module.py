"""The autograd module: gradients of scalars and vectors, turning gradient
tracking off, clearing accumulated gradients, gradient descent, and
numpy()/detach()."""
import symgrad as sg


# Basic gradients
def func1():
    x = sg.tensor(10, requires_grad=True, dtype=sg.float64)
    f = x ** 2 + 10
    f.backward()  # reverse-mode differentiation
    # backward() stores the gradient in x.grad
    print(x.grad)


def func2():
    x = sg.tensor([10, 20, 30, 40], requires_grad=True, dtype=sg.float64)
    f1 = x ** 2 + 10
    # f2 = f1.mean()  # mean loss: each value / 4
    f2 = f1.sum()  # sum loss: each value * 1
    f2.backward()
    print(x.grad)


def func3():
    x1 = sg.tensor(10, requires_grad=True, dtype=sg.float64)
    x2 = sg.tensor(20, requires_grad=True, dtype=sg.float64)
    y = x1 ** 2 + x2 ** 2 + x1 * x2
    y = y.sum()
    y.backward()
    print(x1.grad, x2.grad)


def func4():
    x1 = sg.tensor([10, 20], requires_grad=True, dtype=sg.float64)
    x2 = sg.tensor([30, 40], requires_grad=True, dtype=sg.float64)
    y = x1 ** 2 + x2 ** 2 + x1 * x2
    y = y.sum()
    y.backward()
    print(x1.grad, x2.grad)


func1()
func2()
func3()
func4()

# Turning gradient tracking off
x = sg.tensor(10, requires_grad=True, dtype=sg.float64)
print(x.requires_grad)

# 1: a context manager
with sg.no_grad():
    y = x ** 2
print(y.requires_grad)


# 2: a decorator
@sg.no_grad()
def my_func(x):
    return x ** 2


print(my_func(x).requires_grad)

# 3: globally
sg.set_grad_enabled(False)
y = x ** 2
print(y.requires_grad)
sg.set_grad_enabled(True)

# Gradients accumulate; clear them before each backward
x = sg.tensor([10, 20, 30, 40], requires_grad=True, dtype=sg.float64)
for _ in range(3):
    f1 = x ** 2 + 20
    f2 = f1.mean()
    if x.grad is not None:
        x.grad.data.zero_()  # in place
    f2.backward()
    print(x.grad)

# Gradient descent towards the minimum of x ** 2
x = sg.tensor(10, requires_grad=True, dtype=sg.float64)
for _ in range(5000):
    f = x ** 2
    # clear the gradient
    if x.grad is not None:
        x.grad.data.zero_()
    # backpropagate
    f.backward()
    # update the parameter
    x.data = x.data - 0.001 * x.grad
print('%.10f' % x.data)


# numpy() on a tensor that requires grad
def numpy_func1():
    x = sg.tensor([10, 20], requires_grad=True, dtype=sg.float64)
    try:
        print(x.numpy())
    except RuntimeError as e:
        print(e)
    print(x.detach().numpy())


def numpy_func2():
    x1 = sg.tensor([10, 20], requires_grad=True, dtype=sg.float64)
    # x2 is a leaf
    x2 = x1.detach()
    # both hold the same values
    print(id(x1.data), id(x2.data))
    x2.data = sg.tensor([100, 200])
    print(x1)
    print(x2)
    # x2 does not track gradients
    print(x2.requires_grad)


numpy_func1()
numpy_func2()
