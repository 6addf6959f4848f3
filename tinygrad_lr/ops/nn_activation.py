"""The activations of `nn.functional` that torch computes as one kernel each (hardtanh, relu6, elu, selu,
celu, gelu, silu, mish, logsigmoid, hardsigmoid, hardswish, hardshrink, softshrink, threshold, glu, prelu,
rrelu): each a `Function` with its derivative right below (torch's gradient at the kinks, torch's grad_fn
name), and at the end the rows of the op table that make `nn.functional.<name>` (see ops/table.py).

Backward rules go through `dual` helpers, so they also run on Values under `create_graph=True`.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.table import entry, functional_only, unary
from tinygrad_lr.ops.transcendental import Erf, erf_array
from tinygrad_lr.random import default_generator, kernels
from tinygrad_lr.value import Value, require_value

SQRT1_2 = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)  # the standard normal density at 0
GELU_BETA = math.sqrt(2.0 / math.pi)  # tanh approximation: tanh(beta (x + kappa x^3))
GELU_KAPPA = 0.044715


def _array(x: Any) -> np.ndarray:
    """The array behind a saved input (a Value under create_graph=True)."""
    return x._data if dual.is_value(x) else x


def _mask(g: Any, keep: np.ndarray) -> Any:
    """g where `keep`, 0 elsewhere (keep: a boolean array)."""
    return g * keep.astype(_array(g).dtype)


def _erf(x: Any) -> Any:
    return Erf.apply(x) if dual.is_value(x) else erf_array(x)


def _tanh(x: Any) -> Any:
    return x.tanh() if dual.is_value(x) else np.tanh(x)


class Hardtanh(Function):
    """clamp(a, min_val, max_val);  da = g strictly inside (min_val, max_val), 0 at and beyond the ends."""

    torch_name = "HardtanhBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, min_val: float, max_val: float) -> Any:
        ctx.save_for_backward(a)
        ctx.bounds = (min_val, max_val)
        return np.clip(a, a.dtype.type(min_val), a.dtype.type(max_val))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a = _array(ctx.saved_tensors[0])
        low, high = ctx.bounds
        return _mask(g, (a > low) & (a < high)), None, None


class Elu(Function):
    """scale a for a > 0, else scale alpha (e^(input_scale a) - 1): ELU, SELU (its constants) and CELU
    (input_scale = 1/alpha);  da = g scale, or g scale alpha input_scale e^(input_scale a) for a <= 0."""

    torch_inputs = slice(1)

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "CeluBackward0" if ctx.celu else "EluBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, alpha: float, scale: float, input_scale: float, celu: bool) -> Any:
        ctx.save_for_backward(a)
        ctx.coefficients, ctx.celu = (alpha, scale, input_scale), celu
        negative = np.expm1(np.minimum(a, 0) * input_scale) * (alpha * scale)
        return np.where(a > 0, a * scale, negative).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.coefficients
        positive = _array(a) > 0
        a_negative = dual.where(positive, a * 0, a)  # e^(input_scale a) only where it is used (no overflow)
        slope_negative = dual.exp(a_negative * input_scale) * (alpha * scale * input_scale)
        return dual.where(positive, g * scale, g * slope_negative), None, None, None, None


class Gelu(Function):
    """a Phi(a), Phi the standard normal CDF: 0.5 a (1 + erf(a / sqrt 2)); approximate='tanh':
    0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3))).  da = g (Phi(a) + a phi(a)) (or the tanh form's slope)."""

    torch_name = "GeluBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, approximate: str) -> Any:
        ctx.save_for_backward(a)
        ctx.approximate = approximate
        if approximate == "tanh":
            inner = (a + a * a * a * GELU_KAPPA) * GELU_BETA
            return (a * 0.5 * (1 + np.tanh(inner))).astype(a.dtype, copy=False)
        erf = ctx.erf = erf_array(a * SQRT1_2)  # kept for backward: erf is the costly part of both
        return (a * 0.5 * (1 + erf)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            a_sq = a * a
            tanh_inner = _tanh((a + a_sq * a * GELU_KAPPA) * GELU_BETA)
            left_derivative = (tanh_inner + 1) * 0.5
            right_derivative = a * 0.5 * (1 - tanh_inner * tanh_inner) * ((a_sq * (3 * GELU_KAPPA) + 1) * GELU_BETA)
            return g * (left_derivative + right_derivative), None
        # (differentiated again under create_graph: erf of the saved Value, recorded)
        cdf = ((_erf(a * SQRT1_2) if dual.is_value(a) else ctx.erf) + 1) * 0.5
        pdf = dual.exp(a * a * -0.5) * INV_SQRT_2PI
        return g * (cdf + a * pdf), None


class Silu(Function):
    """a sigmoid(a) (also called swish);  da = g s (1 + a (1 - s)), s = sigmoid(a)."""

    torch_name = "SiluBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return (a * dual.sigmoid(a)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        s = dual.sigmoid(a)
        return g * s * (a * (1 - s) + 1)


class Mish(Function):
    """a tanh(softplus(a));  da = g (t + a sigmoid(a) (1 - t^2)), t = tanh(softplus(a))."""

    torch_name = "MishBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return (a * np.tanh(np.logaddexp(0, a))).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        t = a.softplus(1.0, math.inf).tanh() if dual.is_value(a) else np.tanh(np.logaddexp(0, a))
        return g * (t + a * dual.sigmoid(a) * (1 - t * t))


class LogSigmoid(Function):
    """log(sigmoid(a)) = min(a, 0) - log(1 + e^-|a|) (no overflow);  da = g sigmoid(-a)."""

    torch_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return (np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g * dual.sigmoid(-a)


class Hardsigmoid(Function):
    """clamp(a / 6 + 1/2, 0, 1) = relu6(a + 3) / 6;  da = g / 6 strictly inside (-3, 3), else 0 (torch
    multiplies by 1/6 rounded to float32, whatever the dtype: so do we)."""

    torch_name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return (np.clip(a + 3, 0, 6) / 6).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a = _array(ctx.saved_tensors[0])
        return _mask(g, (a > -3) & (a < 3)) * float(np.float32(1.0) / np.float32(6.0))


class Hardswish(Function):
    """a relu6(a + 3) / 6;  da = 0 for a <= -3, g (a / 3 + 1/2) for -3 < a < 3, g for a >= 3."""

    torch_name = "HardswishBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return (a * np.clip(a + 3, 0, 6) / 6).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        data = _array(a)
        middle = g * (a / 3 + 0.5)
        return dual.where(data <= -3, g * 0, dual.where(data < 3, middle, g))


class Shrink(Function):
    """Hardshrink: a where |a| > lambd, else 0. Softshrink: a - lambd above lambd, a + lambd below -lambd,
    else 0.  Both: da = g where |a| > lambd, else 0."""

    torch_inputs = slice(1)

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "SoftshrinkBackward0" if ctx.soft else "HardshrinkBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, lambd: float, soft: bool) -> Any:
        ctx.save_for_backward(a)
        ctx.lambd, ctx.soft = lambd, soft
        inside = (a >= -lambd) & (a <= lambd)
        if soft:
            return np.where(inside, 0, np.where(a > lambd, a - lambd, a + lambd)).astype(a.dtype, copy=False)
        return np.where(inside, 0, a).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a = _array(ctx.saved_tensors[0])
        return _mask(g, (a < -ctx.lambd) | (a > ctx.lambd)), None, None


class Threshold(Function):
    """a where a > threshold, else value;  da = g where a > threshold, else 0."""

    torch_name = "ThresholdBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, threshold: float, value: float) -> Any:
        ctx.save_for_backward(a)
        ctx.threshold = threshold
        return np.where(a <= threshold, a.dtype.type(value), a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a = _array(ctx.saved_tensors[0])
        return _mask(g, a > ctx.threshold), None, None


class Glu(Function):
    """Split a in halves x, y along dim: x sigmoid(y);  dx = g sigmoid(y), dy = g x s (1 - s)."""

    torch_name = "GluBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, dim: int) -> Any:
        x, y = np.split(a, 2, axis=dim)
        s = dual.sigmoid(y).astype(a.dtype, copy=False)
        ctx.save_for_backward(a)
        ctx.dim = dim
        return x * s

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        half = _array(a).shape[ctx.dim] // 2
        if dual.is_value(a):
            x, y = a.split(half, ctx.dim)
            s = y.sigmoid()
            from tinygrad_lr.ops.shape import cat

            return cat([g * s, g * x * s * (1 - s)], ctx.dim), None
        x, y = np.split(a, 2, axis=ctx.dim)
        s = dual.sigmoid(y)
        return np.concatenate([g * s, g * x * s * (1 - s)], axis=ctx.dim), None


class Prelu(Function):
    """a where a > 0, else w a, with w one slope or one per channel (dim 1, for 2 or more dims);  da = g or w g,
    dw = sum of g a over the elements where a <= 0 (per channel)."""

    torch_name = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, weight: Any) -> Any:
        w = _channel_view(weight, a.ndim)
        ctx.save_for_backward(a, weight)
        return np.where(a > 0, a, w * a).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, weight = ctx.saved_tensors
        data = _array(a)
        positive = data > 0
        need_a, need_weight = ctx.needs_input_grad
        w = _channel_view(weight, data.ndim)
        grad_a = dual.where(positive, g, g * w) if need_a else None
        grad_weight = None
        if need_weight:
            per_element = dual.where(positive, g * 0, g * a)
            wdata = _array(weight)
            if wdata.size == 1:
                grad_weight = dual.sum(per_element, None, False).reshape(wdata.shape)
            else:
                axes = tuple(i for i in range(data.ndim) if i != 1)
                grad_weight = dual.sum(per_element, axes, False).reshape(wdata.shape)
        return grad_a, grad_weight


def _channel_view(weight: Any, ndim: int) -> Any:
    """PReLU's weight shaped to broadcast along the channel dimension 1 (one slope: a scalar)."""
    size = _array(weight).size
    if size == 1:
        return weight.reshape(())
    return weight.reshape((size,) + (1,) * (ndim - 2))


class Rrelu(Function):
    """a where a > 0, else a r, with r the given slopes (random in training, (lower + upper)/2 in eval);
    da = g or g r."""

    torch_name = "RreluWithNoiseBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, slopes: Any) -> Any:
        ctx.save_for_backward(a)
        ctx.slopes = slopes
        return np.where(a > 0, a, a * slopes).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a = _array(ctx.saved_tensors[0])
        return dual.where(a > 0, g, g * ctx.slopes), None


# ----- argument checks with torch's words --------------------------------------------------------------------------
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_C_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}  # fmt: skip
_FLOAT_MAX = {"float32": "3.40282e+38", "float64": "1.79769e+308", "float16": "65504"}


def _c_name(dtype: np.dtype) -> str:
    return _C_NAMES.get(dtype.name, dtype.name)


def _floating(x: Value, kernel: str) -> None:
    """torch's NotImplementedError for an activation kernel given an integer or boolean tensor."""
    if x._data.dtype.kind not in "fc":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_c_name(x._data.dtype)}\'')


def _check_lambd(x: Value, lambd: float) -> None:
    if lambd < 0:
        name = x._data.dtype.name
        raise RuntimeError(
            f"lambda must be in range [0, {_FLOAT_MAX.get(name, 'inf')}] for input dtype {_c_name(x._data.dtype)}, "
            f"but found {lambd:g}"
        )


def _prelu_checks(x: Value, weight: Any) -> None:
    require_value(weight, "prelu", "weight", 2)
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    if x._data.dtype != weight._data.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_c_name(x._data.dtype)} and {_c_name(weight._data.dtype)}"
        )
    count = weight._data.size
    if count != 1:
        if x.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = x._data.shape[1] if x.ndim >= 2 else 1
        if count != channels:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                f"{count} and channel size = {channels}."
            )


def unary_row(op: type[Function], functional: str) -> Any:
    """A row whose method takes no argument but the Value: nn.functional only (no tinygrad_lr function)."""
    return unary(op, function=False, functional=functional)


class NnActivationMethods:
    """The op table's rows for these activations: each makes `nn.functional.<name>` (with `inplace=` where torch
    has it) and a Value method of the same name; none is a function of `tinygrad_lr` itself."""

    @entry(Hardtanh, function=False, functional="hardtanh(inplace)")
    def hardtanh(self: Any, min_val: builtins.float = -1.0, max_val: builtins.float = 1.0) -> Value:
        """clamp(x, min_val, max_val);  derivative 1 strictly between the bounds, 0 elsewhere (also at them)."""
        if min_val > max_val:
            raise ValueError("min_val cannot be greater than max_val")
        return Hardtanh.apply(self, min_val, max_val)

    @entry(Hardtanh, function=False, functional="relu6(inplace)")
    def relu6(self: Any) -> Value:
        """min(max(x, 0), 6) = hardtanh(x, 0, 6)."""
        return Hardtanh.apply(self, 0.0, 6.0)

    @entry(Elu, function=False, functional="elu(inplace)")
    def elu(self: Any, alpha: builtins.float = 1.0) -> Value:
        """x for x > 0, alpha (e^x - 1) otherwise;  derivative 1, or alpha e^x for x <= 0."""
        _floating(self, "elu_cpu")
        return Elu.apply(self, alpha, 1.0, 1.0, False)

    @entry(Elu, function=False, functional="selu(inplace)")
    def selu(self: Any) -> Value:
        """scale * elu(x, alpha), alpha = 1.6732632423543772, scale = 1.0507009873554805 (self-normalising)."""
        _floating(self, "elu_cpu")
        return Elu.apply(self, SELU_ALPHA, SELU_SCALE, 1.0, False)

    @entry(Elu, function=False, functional="celu(inplace)")
    def celu(self: Any, alpha: builtins.float = 1.0) -> Value:
        """max(0, x) + min(0, alpha (e^(x/alpha) - 1));  derivative 1, or e^(x/alpha) for x <= 0."""
        if alpha == 0:
            raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
        _floating(self, "elu_cpu")
        return Elu.apply(self, alpha, 1.0, 1.0 / alpha, True)

    @entry(Gelu, function=False, functional="gelu")
    def gelu(self: Any, approximate: str = "none") -> Value:
        """x Phi(x) with Phi the standard normal CDF; approximate='tanh' uses torch's tanh formula."""
        if approximate not in ("none", "tanh"):
            raise RuntimeError("approximate argument must be either none or tanh.")
        _floating(self, "GeluKernelImpl")
        return Gelu.apply(self, approximate)

    silu = unary_row(Silu, "silu(inplace)")
    mish = unary_row(Mish, "mish(inplace)")
    hardsigmoid = unary_row(Hardsigmoid, "hardsigmoid(inplace)")
    hardswish = unary_row(Hardswish, "hardswish(inplace)")

    @entry(LogSigmoid, function=False)
    def logsigmoid(self: Any) -> Value:
        """log(sigmoid(x)), computed without overflow;  derivative sigmoid(-x)."""
        return LogSigmoid.apply(self)

    @entry(Shrink, function=False, functional="hardshrink")
    def hardshrink(self: Any, lambd: builtins.float = 0.5) -> Value:
        """x where |x| > lambd, else 0."""
        return Shrink.apply(self, lambd, False)

    @entry(Shrink, function=False, functional="softshrink")
    def softshrink(self: Any, lambd: builtins.float = 0.5) -> Value:
        """x - lambd above lambd, x + lambd below -lambd, else 0."""
        _check_lambd(self, lambd)
        return Shrink.apply(self, lambd, True)

    @entry(Threshold, function=False, functional="threshold(inplace)")
    def threshold(self: Any, threshold: builtins.float, value: builtins.float) -> Value:
        """x where x > threshold, else value."""
        return Threshold.apply(self, threshold, value)

    @entry(Glu, function=False, functional="glu")
    def glu(self: Any, dim: builtins.int = -1) -> Value:
        """The gated linear unit: a sigmoid(b), where a and b are the two halves of x along `dim`."""
        if self.ndim == 0:
            raise RuntimeError("glu does not support scalars because halving size must be even")
        axis = arguments.single_dim(dim, self.ndim)
        size = self._data.shape[axis]
        if size % 2:
            raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size {size}")
        return Glu.apply(self, axis)

    @entry(Prelu, function=False, functional="prelu")
    def prelu(self: Any, weight: Value) -> Value:
        """x where x > 0, else weight x, with one learned slope or one per channel (dim 1)."""
        _prelu_checks(self, weight)
        return Prelu.apply(self, weight)

    @entry(Rrelu, function=False, functional="rrelu(inplace)")
    def rrelu(self: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Value:
        """x where x > 0, else r x: r drawn uniformly from [lower, upper] per element when training, r = (lower +
        upper) / 2 otherwise. (Plain `float`/`bool` annotations: no Value method of those names in this class.)"""
        if lower > upper:
            raise RuntimeError("Lower bound should be less than or equal to the upper bound")
        data = self._data
        if training:
            slopes = np.ones(data.shape, dtype=data.dtype)
            negative = data <= 0
            # torch's CPU kernel: one double U[lower, upper) per element <= 0, in memory order
            draws = kernels.uniform_double(default_generator, int(negative.sum())) * (upper - lower) + lower
            slopes[negative] = draws.astype(data.dtype)
        else:
            slopes = data.dtype.type((lower + upper) / 2)
        return Rrelu.apply(self, slopes)


@functional_only
def logsigmoid(input: Value) -> Value:  # noqa: A002 - torch's name
    """F.logsigmoid: log(sigmoid(x)) (torch names it log_sigmoid in its errors)."""
    return require_value(input, "log_sigmoid", "input", 1).logsigmoid()
