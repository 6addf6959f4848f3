"""Activation functions and (log-)softmax, each with its derivative beside it."""

from __future__ import annotations

import builtins
import warnings
from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.table import entry, functional_only, unary
from tinygrad_lr.value import Value, require_value


class Tanh(Function):
    """tanh a;  da = g (1 - tanh^2 a)."""

    torch_name = "TanhBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g - g * out * out  # = g (1 - out^2), without the slower array-with-Python-number op `1 - out`


def _widen_half(a: np.ndarray) -> np.ndarray:
    """float16 as float32, where torch's CPU kernels compute half-precision ops (the result is rounded back)."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


class Sigmoid(Function):
    """s = 1 / (1 + e^-a), computed without overflow;  da = g s (1 - s)."""

    torch_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = dual._stable_sigmoid(_widen_half(a)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * (out - out * out)  # = g s (1 - s), without an array-with-Python-number step (see Tanh)


class Relu(Function):
    """max(a, 0);  da = g where a > 0 (0 at a == 0, as torch)."""

    torch_name = "ReluBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        if a.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        out = np.maximum(a, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * (out > 0)


class LeakyRelu(Function):
    """a if a > 0 else slope * a;  da = g or slope * g."""

    torch_name = "LeakyReluBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, slope: float) -> Any:
        ctx.save_for_backward(a)
        ctx.slope = slope
        return np.where(a > 0, a, a * slope)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return dual.where(a > 0, g, g * ctx.slope), None


class Softplus(Function):
    """log(1 + e^(beta a)) / beta, or a where beta a > threshold;  da = g sigmoid(beta a) (g past the threshold)."""

    torch_name = "SoftplusBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, beta: float, threshold: float) -> Any:
        ctx.save_for_backward(a)
        ctx.beta, ctx.threshold = beta, threshold
        scaled = a * beta
        return np.where(scaled > threshold, a, np.logaddexp(0, scaled) / beta).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        beta = ctx.beta
        linear = (a * beta > ctx.threshold)
        linear = linear._data if dual.is_value(linear) else linear
        return dual.where(linear, g, g * dual.sigmoid(a * beta)), None, None


class Softmax(Function):
    """s = e^a / sum(e^a) along dim (shifted by the max, so +-1000 is fine);  da = s (g - sum(g s))."""

    torch_name = "SoftmaxBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, dim: int) -> Any:
        axes = _softmax_axes(a, dim)
        shifted = np.exp(_minus_max(_widen_half(a), axes))
        out = (shifted / shifted.sum(axis=axes, keepdims=True)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        ctx.axes = axes
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        gs = g * out
        return gs - out * dual.sum(gs, ctx.axes, True), None


class LogSoftmax(Function):
    """a - logsumexp(a) along dim, stable for large inputs;  da = g - softmax(a) sum(g)."""

    torch_name = "LogSoftmaxBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, dim: int) -> Any:
        axes = _softmax_axes(a, dim)
        shifted = _minus_max(a, axes)
        out = shifted - np.log(np.exp(shifted).sum(axis=axes, keepdims=True))
        ctx.save_for_backward(out)
        ctx.axes = axes
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g - dual.exp(out) * dual.sum(g, ctx.axes, True), None


def _minus_max(a: np.ndarray, axes: tuple[int, ...] | None) -> np.ndarray:
    """a shifted so that its max along axes is 0: e^a then cannot overflow (an empty a has no max)."""
    return a - a.max(axis=axes, keepdims=True) if a.size else a


def _softmax_axes(a: np.ndarray, dim: int) -> tuple[int, ...] | None:
    """The axis softmax normalizes over; a 0-d input is its own (single-element) distribution."""
    return (dim,) if a.ndim else None


class ActivationMethods:
    """The op table's rows for activations and (log-)softmax (see ops/table.py)."""

    tanh = unary(Tanh, inplace="tanh_", functional="tanh", floating=True)
    sigmoid = unary(Sigmoid, inplace="sigmoid_", functional="sigmoid", floating=True)
    relu = unary(Relu, inplace="relu_", functional="relu(inplace)")

    @entry(LeakyRelu, inplace="leaky_relu_", functional="leaky_relu(inplace)")
    def leaky_relu(self: Any, negative_slope: builtins.float = 0.01) -> Value:
        """x if x > 0 else negative_slope * x;  derivative 1 where x > 0, else negative_slope."""
        if self._data.dtype.kind != "f":
            raise arguments.float_kernel_error("leaky_relu_cpu", self._data.dtype)
        return LeakyRelu.apply(self, negative_slope)

    @entry(Softplus, functional="softplus")
    def softplus(self: Any, beta: builtins.float = 1.0, threshold: builtins.float = 20.0) -> Value:
        """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (torch's F.softplus)."""
        if self._data.dtype.kind != "f":
            raise arguments.float_kernel_error("softplus_cpu", self._data.dtype)
        return Softplus.apply(self, beta, threshold)

    @entry(Softmax)
    def softmax(self: Any, dim: builtins.int) -> Value:
        """e^x_i / sum_j e^x_j along `dim` (shifted by the max, so large inputs are fine)."""
        axis = arguments.single_dim(dim, self._data.ndim)
        _require_float_softmax("softmax", self._data, axis)
        return Softmax.apply(self, axis)

    @entry(LogSoftmax)
    def log_softmax(self: Any, dim: builtins.int) -> Value:
        """x - logsumexp(x) along `dim`, computed stably."""
        axis = arguments.single_dim(dim, self._data.ndim)
        _require_float_softmax("log_softmax", self._data, axis)
        return LogSoftmax.apply(self, axis)


def _require_float_softmax(name: str, data: np.ndarray, axis: int) -> None:
    """torch's error for (log_)softmax of integers: its kernel's name says whether dim is the last one."""
    if data.dtype.kind != "f":
        kernel = f"{name}_lastdim_kernel_impl" if axis == max(data.ndim - 1, 0) else f"{name}_kernel_impl"
        raise arguments.float_kernel_error(kernel, data.dtype)


def _softmax_arguments(
    function: str, input: Any, dim: int | None, stacklevel: int, dtype: Any  # noqa: A002
) -> tuple[Value, int]:
    """What F.softmax and F.log_softmax share: the type check, torch's implicit dim (with its deprecation
    warning, `stacklevel` frames above the public function) and the cast to `dtype` before the op."""
    require_value(input, function, "input", 1)
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {function} has been deprecated. "
            "Change the call to include dim=X as an argument.",
            UserWarning,
            stacklevel=stacklevel,
        )
        dim = 0 if input.ndim in (0, 1, 3) else 1
    if dtype is not None:
        input = input.to(dtype)
    return input, dim


@functional_only
def softmax(input: Value, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Value:  # noqa: A002
    """F.softmax: e^x_i / sum_j e^x_j along `dim`;  d x = s (g - sum(g s))."""
    input, dim = _softmax_arguments("softmax", input, dim, _stacklevel, dtype)
    return input.softmax(dim)


@functional_only
def log_softmax(input: Value, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Value:  # noqa: A002
    """F.log_softmax: x - logsumexp(x) along `dim`;  d x = g - softmax(x) sum(g)."""
    input, dim = _softmax_arguments("log_softmax", input, dim, _stacklevel, dtype)
    return input.log_softmax(dim)
