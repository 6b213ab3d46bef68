"""Leaves and non-leaves, a Jacobian built row by row with backward(v), and a
perceptron trained with autograd."""
import symgrad as sg

sg.manual_seed(0)

# A scalar target needs no argument to backward()
x = sg.tensor([2])
# w and b require gradients
w = sg.randn(1, requires_grad=True)
b = sg.randn(1, requires_grad=True)
# forward pass
y = sg.mul(w, x)
z = sg.add(y, b)
print(x.requires_grad)
print(y.requires_grad)

print(y.requires_grad)
# leaves: x, w, b; non-leaves: y, z
print(x.is_leaf)
print(y.is_leaf)
print("x grad_fn:", x.grad_fn)
print("y grad_fn:", y.grad_fn)

z.backward()
# z.backward(retain_graph=True) keeps the graph for another backward
print("x grad:", x.grad)  # x does not require grad
print("w grad:", w.grad)

# Only scalars can be differentiated, so build the Jacobian row by row
x = sg.tensor([[2, 3]], dtype=sg.float, requires_grad=True)
print(x)
j = sg.zeros(2, 2)
print(j[0])
y = sg.zeros(1, 2)
# y1 = x1**2 + 3*x2
# y2 = x2**2 + 2*x1
y[0, 0] = x[0, 0] ** 2 + 3 * x[0, 1]
y[0, 1] = x[0, 1] ** 2 + 2 * x[0, 0]
print(y)

# row 1: dy1/dx; keep the graph for the second backward
y.backward(sg.tensor([[1, 0]]), retain_graph=True)
j[0] = x.grad
# gradients accumulate, so clear x.grad
x.grad = sg.zeros_like(x.grad)
# row 2: dy2/dx
y.backward(sg.tensor([[0, 1]]))
j[1] = x.grad
print(j)
