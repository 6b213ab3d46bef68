"""2.2 Data operations: creating tensors, arithmetic, indexing, views,
broadcasting, memory sharing and numpy conversion."""
import numpy as np

import symgrad as sg

sg.manual_seed(0)

# 2.2.1 Creating tensors
x = sg.empty(5, 3)
print(x)

x = sg.rand(5, 3)
print(x)

x = sg.zeros(5, 3, dtype=sg.long)
print(x)

x = sg.tensor([5.5, 3])
print(x)

x = x.new_ones(5, 3, dtype=sg.float64)  # keeps the device, takes the given dtype
print(x)

x = sg.randn_like(x, dtype=sg.float)  # a new dtype
print(x)

print(x.size())
print(x.shape)

# 2.2.2 Arithmetic: three ways to add
y = sg.rand(5, 3)
print(x + y)

print(sg.add(x, y))

result = sg.empty(5, 3)
sg.add(x, y, out=result)
print(result)

# adds x to y
y.add_(x)
print(y)

# Indexing shares memory with the source
y = x[0, :]
y += 1
print(y)
print(x[0, :])  # the source changed too

# Changing the shape with view()
y = x.view(15)
z = x.view(-1, 5)  # -1 is inferred from the other dims
print(x.size(), y.size(), z.size())

x += 1
print(x)
print(y)  # also increased by 1

x_cp = x.clone().view(15)
x -= 1
print(x)
print(x_cp)

x = sg.randn(1)
print(x)
print(x.item())

# 2.2.3 Broadcasting
x = sg.arange(1, 3).view(1, 2)
print(x)
y = sg.arange(1, 4).view(3, 1)
print(y)
print(x + y)

# 2.2.4 Memory cost of operations
x = sg.tensor([1, 2])
y = sg.tensor([3, 4])
id_before = id(y)
y = y + x
print(id(y) == id_before)  # False

x = sg.tensor([1, 2])
y = sg.tensor([3, 4])
id_before = id(y)
y[:] = y + x
print(id(y) == id_before)  # True

x = sg.tensor([1, 2])
y = sg.tensor([3, 4])
id_before = id(y)
sg.add(x, y, out=y)  # y += x, y.add_(x)
print(id(y) == id_before)  # True

# 2.2.5 Tensor <-> NumPy
a = sg.ones(5)
b = a.numpy()
print(a, b)

a += 1
print(a, b)
b += 1
print(a, b)

a = np.ones(5)
b = sg.from_numpy(a)
print(a, b)

a += 1
print(a, b)
b += 1
print(a, b)

c = sg.tensor(a)  # always copies
a += 1
print(a, c)

# 2.2.6 Tensor on GPU: symgrad keeps tensors on the CPU, so this block is skipped
if sg.cuda.is_available():
    device = sg.device("cuda")
    y = sg.ones_like(x, device=device)
    x = x.to(device)
    z = x + y
    print(z)
    print(z.to("cpu", sg.double))
