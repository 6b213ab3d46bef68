"""The autograd walk-through: build a small graph from x = ones(2, 2),
backpropagate, accumulate gradients, backpropagate a non-scalar through a
view, stop tracking with no_grad, and edit values through .data."""
import symgrad as sg

sg.manual_seed(0)

# x is created directly, so it is a leaf with no grad_fn; y comes from an
# addition, so it has one.
x = sg.ones(2, 2, requires_grad=True)
print(x)
print(x.grad_fn)

y = x + 2
print(y)
print(y.grad_fn)

z = y * y * 3
out = z.mean()
print(z, out)

# requires_grad_() changes the flag in place
a = sg.randn(2, 2)  # requires_grad is False by default
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

# d(out)/dx = 3/2 * (x + 2) = 4.5 at x = 1
grads = out.backward()
print(x.grad)

# The same derivative in closed form, derived by symgrad, not by hand
print(out.expr)
print(x.grad.expr)
print(grads)

# Gradients accumulate across backward calls, so clear them first
out2 = x.sum()
out2.backward()
print(x.grad)

out3 = x.sum()
x.grad.data.zero_()
out3.backward()
print(x.grad)

# A non-scalar output needs a weight tensor of its own shape
x = sg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
y = 2 * x
z = y.view(2, 2)
print(z)

v = sg.tensor([[1.0, 0.1], [0.01, 0.001]], dtype=sg.float)
z.backward(v)
print(x.grad)
print(x.grad.expr)  # the weights v, read back through the view

# Operations under no_grad are not tracked: only y1 = x**2 contributes
x = sg.tensor(1.0, requires_grad=True)
y1 = x ** 2
with sg.no_grad():
    y2 = x ** 3
y3 = y1 + y2
print(x.requires_grad)
print(y1, y1.requires_grad)
print(y2, y2.requires_grad)
print(y3, y3.requires_grad)
y3.backward()
print(x.grad)
print(x.grad.expr)  # 2*x: the no_grad part is a constant

# Changing a tensor through .data is not recorded by autograd
x = sg.ones(1, requires_grad=True)
print(x.data)
print(x.data.requires_grad)

y = 2 * x
x.data *= 100

y.backward()
print(x)
print(x.grad)
