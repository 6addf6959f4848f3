# Whole-function derivatives: jacobian, hessian, vjp, jvp, hvp.
import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vjp


def f(x):
    return x ** 2 + 3 * x


def g(x, y):
    return x * y + y.exp()


def scalar(x):
    return (x ** 3).sum() + x[0] * x[1]


x = torch.tensor([1.0, 2.0, 3.0])
print(jacobian(f, x))
print(jacobian(g, (torch.tensor([1.0, 2.0]), torch.tensor([0.5, -1.0]))))
print(hessian(scalar, torch.tensor([1.0, 2.0])))
print(vjp(f, x, torch.ones(3)))
print(jvp(f, x, torch.tensor([1.0, 0.0, 1.0])))
print(hvp(scalar, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0])))
print(jacobian(lambda t: torch.ones(2), torch.tensor([1.0, 2.0])))
print(jacobian(lambda t: t.sum(), torch.tensor([[1.0, 2.0], [3.0, 4.0]])))
w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
print(jacobian(lambda v: w @ v, torch.tensor([1.0, 1.0], dtype=torch.float64)))
