"""`BatchNorm1d`, `LayerNorm` and `RMSNorm`, and their functions batch_norm, layer_norm and rms_norm, built
from Value ops, so their gradients (through the batch statistics too) come from the engine.

    y = (x - mean) / sqrt(var + eps) * weight + bias

BatchNorm1d takes mean and (biased) variance per feature over the batch (and the length of a (N, C, L) input)
while training, and keeps running estimates for evaluation; LayerNorm takes them per sample over the last dims.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.nn import init as nn_init
from tinygrad_lr.nn.factory import layer_dtype
from tinygrad_lr.nn.module import Module
from tinygrad_lr.nn.parameter import Parameter
from tinygrad_lr.value import Size, Value, require_value


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
        dtype = layer_dtype(dtype, device)
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
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:  # torch's 1.0 / float(n), the count read as a float (which compile replays)
                factor = 1.0 / self.num_batches_tracked._data.astype(np.float64).item()
            else:
                factor = self.momentum
        else:
            factor = 0.0 if self.momentum is None else self.momentum
        use_batch_stats = self.training or not self.track_running_stats
        return batch_norm(
            input,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight,
            self.bias,
            use_batch_stats,
            factor,
            self.eps,
        )

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
        dtype = layer_dtype(dtype, device)
        self.normalized_shape = _as_shape(normalized_shape)
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
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Root-mean-square normalization over the last len(normalized_shape) dims: y = x / sqrt(mean(x^2) + eps) *
    weight (no centring, no bias); eps None means the machine epsilon of the input's dtype."""

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...] | list[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = layer_dtype(dtype, device)
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.empty(self.normalized_shape, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight back to ones."""
        if self.weight is not None:
            nn_init.ones_(self.weight)

    def forward(self, x: Value) -> Value:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


# ----- the functions (nn.functional.batch_norm, layer_norm, rms_norm) ------------------------------------------------
def _check_normalized_shape(
    input: Value, normalized_shape: tuple[int, ...], separator: str = ", "  # noqa: A002
) -> tuple[int, ...]:
    """The axes of the trailing `normalized_shape`, or torch's error when input does not end in it (torch's
    rms_norm writes the shape as [*4], its layer_norm as [*, 4]: `separator`)."""
    n = len(normalized_shape)
    if input.ndim < n or tuple(input.shape[input.ndim - n :]) != normalized_shape:
        raise RuntimeError(
            f"Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*{separator}{', '.join(str(s) for s in normalized_shape)}], but got input of size{list(input.shape)}"
        )
    return tuple(range(input.ndim - n, input.ndim))


def _as_shape(normalized_shape: Any) -> tuple[int, ...]:
    return (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(int(s) for s in normalized_shape)


def layer_norm(
    input: Value,  # noqa: A002 - torch's name
    normalized_shape: Any,
    weight: Value | None = None,
    bias: Value | None = None,
    eps: float = 1e-5,
) -> Value:
    """(x - mean) / sqrt(var + eps) * weight + bias, mean and biased var over the trailing `normalized_shape`."""
    require_value(input, "layer_norm", "input", 1)
    axes = _check_normalized_shape(input, _as_shape(normalized_shape))
    mean = input.mean(dim=axes, keepdim=True)
    var = input.var(dim=axes, unbiased=False, keepdim=True)
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def rms_norm(
    input: Value,  # noqa: A002
    normalized_shape: Any,
    weight: Value | None = None,
    eps: float | None = None,
) -> Value:
    """x / sqrt(mean(x^2) + eps) * weight over the trailing `normalized_shape` (eps None: the dtype's epsilon)."""
    require_value(input, "rms_norm", "input", 1)
    axes = _check_normalized_shape(input, _as_shape(normalized_shape), separator="")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    out = input * ((input * input).mean(dim=axes, keepdim=True) + eps).rsqrt()
    if weight is not None:
        out = out * weight
    return out


def batch_norm(
    input: Value,  # noqa: A002
    running_mean: Value | None,
    running_var: Value | None,
    weight: Value | None = None,
    bias: Value | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Value:
    """Per channel (dim 1) of an (N, C, *) input: (x - mean) / sqrt(var + eps) * weight + bias, with the batch's
    mean and biased var when training (then running = (1 - momentum) running + momentum batch, the running var
    from the unbiased batch var), else the running statistics."""
    require_value(input, "batch_norm", "input", 1)
    channels = input.shape[1] if input.ndim > 1 else 1
    if training:
        count = input.numel() // max(channels, 1)
        if count <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {Size(input.shape)!r}"
            )
    for name, stat in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                       ("bias", bias)):
        if stat is not None and stat.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {stat.numel()}")
    axes = (0,) + tuple(range(2, input.ndim))
    per_channel = (1, channels) + (1,) * (input.ndim - 2)
    if training or running_mean is None or running_var is None:
        mean = input.mean(dim=axes, keepdim=True)
        var = input.var(dim=axes, unbiased=False, keepdim=True)
        if training and running_mean is not None and running_var is not None:
            count = input.numel() // channels
            with no_grad():
                unbiased = var.reshape(channels) * (count / (count - 1))
                running_mean.mul_(1 - momentum).add_(mean.reshape(channels) * momentum)
                running_var.mul_(1 - momentum).add_(unbiased * momentum)
    else:
        mean = running_mean.reshape(per_channel)
        var = running_var.reshape(per_channel)
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out
