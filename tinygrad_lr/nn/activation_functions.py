"""The activation functions of `nn.functional` beyond relu/tanh/sigmoid/softmax, with torch's signatures,
defaults and error texts (re-exported by `nn.functional`).

Where torch computes an activation as one kernel, so do we (`activation_ops`: its gradient at the kinks and
its grad_fn name); where torch composes it from other ops (softsign, softmin, tanhshrink), so do we.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_lr.arguments import single_dim, torch_dtype_name
from tinygrad_lr.nn import activation_ops as ops
from tinygrad_lr.nn._arguments import require_value
from tinygrad_lr.random import default_generator
from tinygrad_lr.value import Value

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_C_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half"}
_FLOAT_MAX = {"float32": "3.40282e+38", "float64": "1.79769e+308", "float16": "65504"}


def _in_place(input: Value, compute: Callable[[Value], Value], inplace: bool) -> Value:  # noqa: A002
    """compute(input), written into input's memory when `inplace` (torch's `inplace=True`)."""
    if not inplace:
        return compute(input)
    from tinygrad_lr.nn.functional import _check_inplace, _maybe_in_place  # (functional re-exports this module)

    _check_inplace(input, inplace)
    return _maybe_in_place(input, compute, inplace)


def _floating(input: Value, kernel: str) -> None:  # noqa: A002
    """torch's NotImplementedError for an activation kernel given an integer or boolean tensor."""
    if input._data.dtype.kind not in "fc":
        name = torch_dtype_name(input._data.dtype).removeprefix("torch.")
        c_name = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
                  "bool": "Bool"}.get(name, name)
        raise NotImplementedError(f'"{kernel}" not implemented for \'{c_name}\'')


def hardtanh(input: Value, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Value:  # noqa: A002
    """clamp(x, min_val, max_val);  derivative 1 strictly between the bounds, 0 elsewhere (also at them)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    require_value(input, "hardtanh", "input", 1)
    return _in_place(input, lambda x: ops.Hardtanh.apply(x, min_val, max_val), inplace)


def relu6(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """min(max(x, 0), 6) = hardtanh(x, 0, 6)."""
    require_value(input, "relu6", "input", 1)
    return _in_place(input, lambda x: ops.Hardtanh.apply(x, 0.0, 6.0), inplace)


def elu(input: Value, alpha: float = 1.0, inplace: bool = False) -> Value:  # noqa: A002
    """x for x > 0, alpha (e^x - 1) otherwise;  derivative 1, or alpha e^x for x <= 0."""
    require_value(input, "elu", "input", 1)
    _floating(input, "elu_cpu")
    return _in_place(input, lambda x: ops.Elu.apply(x, alpha, 1.0, 1.0, False), inplace)


def selu(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """scale * elu(x, alpha) with alpha = 1.6732632423543772, scale = 1.0507009873554805 (self-normalising)."""
    require_value(input, "selu", "input", 1)
    _floating(input, "elu_cpu")
    return _in_place(input, lambda x: ops.Elu.apply(x, SELU_ALPHA, SELU_SCALE, 1.0, False), inplace)


def celu(input: Value, alpha: float = 1.0, inplace: bool = False) -> Value:  # noqa: A002
    """max(0, x) + min(0, alpha (e^(x/alpha) - 1));  derivative 1, or e^(x/alpha) for x <= 0."""
    require_value(input, "celu", "input", 1)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    _floating(input, "elu_cpu")
    return _in_place(input, lambda x: ops.Elu.apply(x, alpha, 1.0, 1.0 / alpha, True), inplace)


def gelu(input: Value, approximate: str = "none") -> Value:  # noqa: A002
    """x Phi(x) with Phi the standard normal CDF; approximate='tanh' uses torch's tanh formula."""
    require_value(input, "gelu", "input", 1)
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _floating(input, "GeluKernelImpl")
    return ops.Gelu.apply(input, approximate)


def silu(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """x sigmoid(x);  derivative s (1 + x (1 - s))."""
    require_value(input, "silu", "input", 1)
    return _in_place(input, ops.Silu.apply, inplace)


def mish(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """x tanh(softplus(x))."""
    require_value(input, "mish", "input", 1)
    return _in_place(input, ops.Mish.apply, inplace)


def logsigmoid(input: Value) -> Value:  # noqa: A002
    """log(sigmoid(x)), computed without overflow;  derivative sigmoid(-x)."""
    require_value(input, "log_sigmoid", "input", 1)
    return ops.LogSigmoid.apply(input)


def softsign(input: Value) -> Value:  # noqa: A002
    """x / (1 + |x|) (composed from Value ops, as torch composes it)."""
    return input / (input.abs() + 1)


def softmin(input: Value, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Value:  # noqa: A002
    """softmax(-x) along `dim`."""
    from tinygrad_lr.nn.functional import _softmax_arguments

    input, dim = _softmax_arguments("softmin", input, dim, _stacklevel + 1, dtype)
    return (-input).softmax(dim)


def hardsigmoid(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """relu6(x + 3) / 6;  derivative 1/6 strictly between -3 and 3, else 0."""
    require_value(input, "hardsigmoid", "input", 1)
    return _in_place(input, ops.Hardsigmoid.apply, inplace)


def hardswish(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """x relu6(x + 3) / 6;  derivative 0 below -3, x/3 + 1/2 on [-3, 3], 1 above."""
    require_value(input, "hardswish", "input", 1)
    return _in_place(input, ops.Hardswish.apply, inplace)


def _check_lambd(input: Value, lambd: float) -> None:  # noqa: A002
    if lambd < 0:
        name = input._data.dtype.name
        raise RuntimeError(
            f"lambda must be in range [0, {_FLOAT_MAX.get(name, 'inf')}] for input dtype "
            f"{_C_NAMES.get(name, name)}, but found {lambd:g}"
        )


def hardshrink(input: Value, lambd: float = 0.5) -> Value:  # noqa: A002
    """x where |x| > lambd, else 0."""
    require_value(input, "hardshrink", "input", 1)
    return ops.Shrink.apply(input, lambd, False)


def softshrink(input: Value, lambd: float = 0.5) -> Value:  # noqa: A002
    """x - lambd above lambd, x + lambd below -lambd, else 0."""
    require_value(input, "softshrink", "input", 1)
    _check_lambd(input, lambd)
    return ops.Shrink.apply(input, lambd, True)


def tanhshrink(input: Value) -> Value:  # noqa: A002
    """x - tanh(x) (composed, as torch composes it)."""
    return input - input.tanh()


def threshold(input: Value, threshold: float, value: float, inplace: bool = False) -> Value:  # noqa: A002
    """x where x > threshold, else value."""
    require_value(input, "threshold", "input", 1)
    return _in_place(input, lambda x: ops.Threshold.apply(x, threshold, value), inplace)


_threshold = threshold  # (threshold_'s argument `threshold` hides the function)


def glu(input: Value, dim: int = -1) -> Value:  # noqa: A002
    """The gated linear unit: a sigmoid(b), where a and b are the two halves of x along `dim`."""
    if not isinstance(input, Value):
        raise AttributeError(f"'{type(input).__name__}' object has no attribute 'dim'")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    axis = single_dim(dim, input.ndim)
    size = input._data.shape[axis]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size {size}")
    return ops.Glu.apply(input, axis)


def prelu(input: Value, weight: Value) -> Value:  # noqa: A002
    """x where x > 0, else weight x, with one learned slope or one per channel (dim 1)."""
    require_value(input, "prelu", "input", 1)
    require_value(weight, "prelu", "weight", 2)
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_C_NAMES.get(input._data.dtype.name, input._data.dtype.name)} "
            f"and {_C_NAMES.get(weight._data.dtype.name, weight._data.dtype.name)}"
        )
    count = weight._data.size
    if count != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input._data.shape[1] if input.ndim >= 2 else 1
        if count != channels:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                f"{count} and channel size = {channels}."
            )
    return ops.Prelu.apply(input, weight)


def rrelu(
    input: Value, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, inplace: bool = False  # noqa: A002
) -> Value:
    """Randomized leaky ReLU: x where x > 0, else r x, with r drawn uniformly from [lower, upper] for each
    element in training, and r = (lower + upper) / 2 in evaluation."""
    require_value(input, "rrelu", "input", 1)
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    data = input._data
    if training:
        slopes = np.ones(data.shape, dtype=data.dtype)
        negative = data <= 0
        slopes[negative] = default_generator.uniform(lower, upper, (int(negative.sum()),))
    else:
        slopes = data.dtype.type((lower + upper) / 2)
    return _in_place(input, lambda x: ops.Rrelu.apply(x, slopes), inplace)


# ----- the in-place forms torch names with a trailing underscore ----------------------------------------------------
def elu_(input: Value, alpha: float = 1.0) -> Value:  # noqa: A002
    """elu written into input."""
    return elu(input, alpha, inplace=True)


def selu_(input: Value) -> Value:  # noqa: A002
    """selu written into input."""
    return selu(input, inplace=True)


def celu_(input: Value, alpha: float = 1.0) -> Value:  # noqa: A002
    """celu written into input."""
    return celu(input, alpha, inplace=True)


def hardtanh_(input: Value, min_val: float = -1.0, max_val: float = 1.0) -> Value:  # noqa: A002
    """hardtanh written into input."""
    return hardtanh(input, min_val, max_val, inplace=True)


def rrelu_(input: Value, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Value:  # noqa: A002
    """rrelu written into input."""
    return rrelu(input, lower, upper, training, inplace=True)


def threshold_(input: Value, threshold: float, value: float) -> Value:  # noqa: A002
    """threshold written into input."""
    return _threshold(input, threshold, value, inplace=True)
