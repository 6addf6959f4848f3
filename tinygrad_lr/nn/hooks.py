"""Module hooks, as torch's: functions called around a module's forward and when its gradients are computed.

    model.hidden.register_forward_hook(lambda module, args, output: print(output.shape))
    model.hidden.register_full_backward_hook(lambda module, grad_input, grad_output: print(grad_output[0]))

Backward hooks work as in torch: the module's Value inputs and its output pass through an identity op each, whose
node sees the gradient arriving there (`BackwardHook` below). `grad_output` is d loss / d output; `grad_input` is
d loss / d (each positional argument), None for arguments that are not Values requiring grad.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_lr.arguments import as_tuple
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.autograd.grad_mode import STATE
from tinygrad_lr.value import Value

NO_INPUT_GRAD_WARNING = (
    "Full backward hook is firing when gradients are computed with respect to module outputs since no inputs require "
    "gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
    "#torch.nn.Module.register_full_backward_hook for more details."
)

class _HookPoint(Function):
    """Identity; its node is where a backward hook sees the gradient flowing through (torch's BackwardHookFunction)."""

    torch_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return a

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g


class BackwardHook:
    """One call of a module with backward hooks: routes its inputs and output through hook points and calls the
    module's `full_backward_pre` hooks with grad_output and its `full_backward` hooks with grad_input."""

    def __init__(self, module: Any, full_hooks: list[Callable[..., Any]], pre_hooks: list[Callable[..., Any]]) -> None:
        self.module = module
        self.full_hooks = full_hooks
        self.pre_hooks = pre_hooks
        self.n_args = 0
        self.input_positions: list[int] = []
        self.grad_output: tuple[Any, ...] | None = None

    def setup_input_hook(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        self.n_args = len(args)
        if not STATE.enabled:
            return args
        self.input_positions = [i for i, a in enumerate(args) if isinstance(a, Value) and a.requires_grad]
        if len(self.input_positions) > 1 and self.full_hooks:
            raise NotImplementedError(
                "full backward hooks are supported on modules with at most one input that requires grad; "
                f"{type(self.module).__name__} got {len(self.input_positions)}"
            )
        new_args = list(args)
        for i in self.input_positions:
            new_args[i] = _HookPoint.apply(args[i])
            new_args[i].grad_fn.register_hook(lambda grad, i=i: self._on_grad_input(i, grad))
        return tuple(new_args)

    def setup_output_hook(self, result: Any) -> Any:
        if not STATE.enabled:
            return result
        if isinstance(result, Value):
            if not result.requires_grad:
                return result
            hooked = _HookPoint.apply(result)
            hooked.grad_fn.register_hook(self._on_grad_output)
            return hooked
        if isinstance(result, (tuple, list)) and any(isinstance(r, Value) and r.requires_grad for r in result):
            raise NotImplementedError(
                "full backward hooks are supported on modules that return one Value; "
                f"{type(self.module).__name__} returned a {type(result).__name__}"
            )
        return result

    def _on_grad_output(self, grad: Value) -> Value:
        grad_output: tuple[Any, ...] = (grad,)
        for hook in self.pre_hooks:
            result = hook(self.module, grad_output)
            if result is not None:
                grad_output = _checked(result, grad_output, "grad_output")
        self.grad_output = grad_output
        if not self.input_positions and self.full_hooks:
            warnings.warn(NO_INPUT_GRAD_WARNING, UserWarning, stacklevel=2)
            grad_input = (None,) * self.n_args
            for hook in self.full_hooks:
                result = hook(self.module, grad_input, grad_output)
                if result is not None and any(g is not None for g in as_tuple(result)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should always return None or "
                        "None for all gradients."
                    )
        result_grad: Value = grad_output[0]
        return result_grad

    def _on_grad_input(self, position: int, grad: Value) -> Value:
        grad_input = tuple(grad if i == position else None for i in range(self.n_args))
        for hook in self.full_hooks:
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None:
                grad_input = _checked(result, grad_input, "grad_input")
        replaced = grad_input[position]
        if replaced is None:  # the hook cut this gradient
            return Value._make_const(np.zeros_like(grad._data))
        result_grad: Value = replaced
        return result_grad


def _checked(result: Any, current: tuple[Any, ...], name: str) -> tuple[Any, ...]:
    """A hook's replacement for grad_input / grad_output: as many entries as before (torch's message if not)."""
    replacement = as_tuple(result)
    if len(replacement) != len(current):
        raise RuntimeError(
            f"Backward hook returned an invalid number of {name}, got {len(replacement)}, but expected {len(current)}"
        )
    return replacement
