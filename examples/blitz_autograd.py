"""60-minute blitz, part 2: Autograd."""
import symgrad as sg

sg.manual_seed(0)

x = sg.ones(2, 2, requires_grad=True)
print(x)

y = x + 2
print(y)

print(y.grad_fn)
print(x.grad_fn)

z = y * y * 3
out = z.mean()
print(z, out)

a = sg.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

# Gradients
out.backward()
print(x.grad)

# A vector-Jacobian product
x = sg.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)

v = sg.tensor([0.1, 1.0, 0.0001], dtype=sg.float)
y.backward(v)
print(x.grad)

print(x.requires_grad)
print((x ** 2).requires_grad)
with sg.no_grad():
    print((x ** 2).requires_grad)
