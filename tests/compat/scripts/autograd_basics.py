# Autograd: requires_grad, the graph (grad_fn, next_functions), backward, grad accumulation, no_grad, detach.
import torch

x = torch.ones(5)
y = torch.zeros(3)
w = torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, 0.8, 0.9], [-1.0, 1.1, 1.2], [1.3, -1.4, 1.5]],
                 requires_grad=True)
b = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn.name()}")
print(z)
print(loss)
loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(z_det.requires_grad)

a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
Q = 3 * a ** 3 - b ** 2
external_grad = torch.tensor([1.0, 1.0])
Q.backward(gradient=external_grad)
print(9 * a ** 2 == a.grad)
print(-2 * b == b.grad)
print(a.grad, b.grad)

a = torch.linspace(0.0, 2.0 * torch.pi, steps=5, requires_grad=True)
print(a)
b = torch.sin(a)
print(b)
c = 2 * b
print(c)
d = c + 1
print(d)
out = d.sum()
print(out)
print("d:")
print(d.grad_fn.name())
print([(None if f is None else f.name(), i) for f, i in d.grad_fn.next_functions])
print([(None if f is None else f.name(), i) for f, i in d.grad_fn.next_functions[0][0].next_functions])
print([(None if f is None else f.name(), i) for f, i in d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions])
print(repr(c.grad_fn).split(" object at ")[0] + ">")
out.backward()
print(a.grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

x = torch.tensor(2.0, requires_grad=True)
y = x * x
y.retain_grad()
z = y * 3
z.backward()
print(x.grad, y.grad, x.is_leaf, y.is_leaf, z.requires_grad)
v = torch.autograd.Variable(torch.tensor([1.0, 2.0]), requires_grad=True)
(v * v).sum().backward()
print(v.grad, isinstance(v, torch.autograd.Variable))
g, = torch.autograd.grad((x ** 3), x, create_graph=True)
g2, = torch.autograd.grad(g, x)
print(g, g2)
