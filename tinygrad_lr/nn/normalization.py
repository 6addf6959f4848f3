"""`BatchNorm1d` and `LayerNorm`, built from Value ops, so their gradients (through the batch statistics too)
come from the engine.

    y = (x - mean) / sqrt(var + eps) * weight + bias

BatchNorm1d takes mean and (biased) variance per feature over the batch (and the length of a (N, C, L) input)
while training, and keeps running estimates for evaluation; LayerNorm takes them per sample over the last dims.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.nn.module import Module
from tinygrad_lr.nn.parameter import Parameter
from tinygrad_lr.value import Size, Value, require_value


def _float_dtype(dtype: Any, device: Any) -> np.dtype:
    if device is not None and str(device) != "cpu":
        raise RuntimeError(f"tinygrad_lr runs on the CPU only, got device {device!r}")
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _reset_affine(module: Module) -> None:
    """weight back to ones and bias to zeros, where the module has them."""
    with no_grad():
        if module.weight is not None:
            module.weight.fill_(1.0)
        if module.bias is not None:
            module.bias.zero_()


class BatchNorm1d(Module):
    """Normalizes each of `num_features` channels of an (N, C) or (N, C, L) input by its batch statistics.

    Training: y = (x - mean_B) / sqrt(var_B + eps) * weight + bias, var_B biased; then
    running = (1 - momentum) running + momentum batch (the running variance from the unbiased batch variance;
    a cumulative average when momentum is None). Evaluation: the running statistics instead of the batch's.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        dtype = _float_dtype(dtype, device)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        if affine and bias:
            self.bias = Parameter(np.zeros(num_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Value(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Value(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Value(np.zeros((), dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1.0)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self)

    def forward(self, input: Value) -> Value:  # noqa: A002 - torch's name
        require_value(input, "batch_norm", "input", 1)
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")
        if input.shape[1] != self.num_features:
            raise RuntimeError(
                f"running_mean should contain {input.shape[1]} elements not {self.num_features}"
                if self.track_running_stats
                else f"weight should contain {input.shape[1]} elements not {self.num_features}"
            )
        axes = (0,) if input.ndim == 2 else (0, 2)
        per_channel = (1, self.num_features) if input.ndim == 2 else (1, self.num_features, 1)
        use_batch_stats = self.training or not self.track_running_stats
        if use_batch_stats:
            count = input.numel() // self.num_features
            if self.training and count <= 1:
                raise ValueError(
                    f"Expected more than 1 value per channel when training, got input size {Size(input.shape)!r}"
                )
            mean = input.mean(dim=axes, keepdim=True)
            var = input.var(dim=axes, unbiased=False, keepdim=True)
            if self.training and self.track_running_stats:
                self._update_running_stats(mean, var, count)
        else:
            mean = self.running_mean.reshape(per_channel)
            var = self.running_var.reshape(per_channel)
        out = (input - mean) / (var + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight.reshape(per_channel)
        if self.bias is not None:
            out = out + self.bias.reshape(per_channel)
        return out

    def _update_running_stats(self, mean: Value, var: Value, count: int) -> None:
        with no_grad():
            self.num_batches_tracked.add_(1)
            factor = 1.0 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
            unbiased = var.reshape(self.num_features) * (count / (count - 1))
            self.running_mean.mul_(1 - factor).add_(mean.reshape(self.num_features) * factor)
            self.running_var.mul_(1 - factor).add_(unbiased * factor)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class LayerNorm(Module):
    """Normalizes each sample over its last len(normalized_shape) dims: y = (x - mean) / sqrt(var + eps) * weight +
    bias, var biased; weight and bias have shape normalized_shape."""

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...] | list[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = _float_dtype(dtype, device)
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape = tuple(int(s) for s in shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Value) -> Value:  # noqa: A002
        require_value(input, "layer_norm", "input", 1)
        n = len(self.normalized_shape)
        if tuple(input.shape[input.ndim - n :]) != self.normalized_shape or input.ndim < n:
            raise RuntimeError(
                f"Given normalized_shape={list(self.normalized_shape)}, expected input with shape "
                f"[*, {', '.join(str(s) for s in self.normalized_shape)}], but got input of size{list(input.shape)}"
            )
        axes = tuple(range(input.ndim - n, input.ndim))
        mean = input.mean(dim=axes, keepdim=True)
        var = input.var(dim=axes, unbiased=False, keepdim=True)
        out = (input - mean) / (var + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight
        if self.bias is not None:
            out = out + self.bias
        return out

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
