"""A perceptron trained with autograd: for each misclassified point the loss
is -y * (w . x + b); its gradient drives a stochastic gradient step."""
import symgrad as sg

X = sg.tensor([[3.0, 3.0], [4.0, 3.0], [1.0, 1.0]])
Y = sg.tensor([1.0, 1.0, -1.0])
w = sg.zeros(2, requires_grad=True)
b = sg.zeros(1, requires_grad=True)
lr = 1.0

done = False
while not done:
    done = True
    for xi, yi in zip(X, Y):
        loss = -yi * (sg.dot(w, xi) + b)
        if loss.item() >= 0:  # misclassified or on the boundary
            loss.backward()
            with sg.no_grad():
                w -= lr * w.grad
                b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
            done = False

print(w)
print(b)
print((X @ w.detach() + b.detach()).sign())
