"""2.3 Automatic differentiation: grad_fn, leaves, backward, gradient
accumulation, backward(v) for non-scalars, no_grad and .data."""
import symgrad as sg

sg.manual_seed(0)

# 2.3.2 Tensor
x = sg.ones(2, 2, requires_grad=True)
print(x)
print(x.grad_fn)

y = x + 2
print(y)
print(y.grad_fn)

print(x.is_leaf, y.is_leaf)  # True False

z = y * y * 3
out = z.mean()
print(z, out)

a = sg.randn(2, 2)  # requires_grad is False by default
a = ((a * 3) / (a - 1))
print(a.requires_grad)  # False
a.requires_grad_(True)
print(a.requires_grad)  # True
b = (a * a).sum()
print(b.grad_fn)

# 2.3.3 Gradients
out.backward()  # same as out.backward(sg.tensor(1.))
print(x.grad)

# backward again: grad accumulates
out2 = x.sum()
out2.backward()
print(x.grad)

out3 = x.sum()
x.grad.data.zero_()
out3.backward()
print(x.grad)

x = sg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
y = 2 * x
z = y.view(2, 2)
print(z)

v = sg.tensor([[1.0, 0.1], [0.01, 0.001]], dtype=sg.float)
z.backward(v)
print(x.grad)

# Stopping gradient tracking
x = sg.tensor(1.0, requires_grad=True)
y1 = x ** 2
with sg.no_grad():
    y2 = x ** 3
y3 = y1 + y2

print(x.requires_grad)
print(y1, y1.requires_grad)  # True
print(y2, y2.requires_grad)  # False
print(y3, y3.requires_grad)  # True

y3.backward()
print(x.grad)

try:
    y2.backward()
except RuntimeError as e:
    print(f"RuntimeError: {e}")

# Changing values through .data is not recorded by autograd
x = sg.ones(1, requires_grad=True)

print(x.data)  # still a tensor
print(x.data.requires_grad)  # but outside the graph

y = 2 * x
x.data *= 100  # changes the value only; the gradient is unaffected

y.backward()
print(x)  # the tensor's value changed with its data
print(x.grad)
