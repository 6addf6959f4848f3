"""Reverse-mode automatic differentiation: the engine, `Function`, `grad`, and gradient checking."""

from tinygrad_lr.autograd.api import backward, grad
from tinygrad_lr.autograd.function import Function, Node
from tinygrad_lr.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from tinygrad_lr.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = [
    "Function",
    "GradcheckError",
    "Node",
    "backward",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]
