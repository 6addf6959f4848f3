"""Reverse-mode automatic differentiation: the engine, `Function`, `grad`, and gradient checking."""

from tinygrad_lr.autograd import functional, profiler
from tinygrad_lr.autograd.api import backward, grad
from tinygrad_lr.autograd.function import Function, Node
from tinygrad_lr.autograd.grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from tinygrad_lr.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from tinygrad_lr.autograd.variable import Variable

__all__ = [
    "Function",
    "GradcheckError",
    "Node",
    "Variable",
    "backward",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "profiler",
    "set_grad_enabled",
]
