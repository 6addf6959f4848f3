"""Weight initialisers (torch.nn.init): each fills a Value in place, without recording a graph, and returns it.

Random fills draw from the global generator (or the `generator` given) exactly as torch's do, so after the same
`manual_seed` every layer starts with torch's weights.
fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (receptive field = prod(size[2:])).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.ops import inplace
from tinygrad_lr.random import factories
from tinygrad_lr.random.generator import Generator
from tinygrad_lr.value import Value

_LINEAR_GAINS = (
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended std scaling for a nonlinearity: 1 (linear, sigmoid), 5/3 (tanh), sqrt(2) (relu),
    sqrt(2 / (1 + slope^2)) (leaky_relu, slope = param or 0.01), 3/4 (selu)."""
    if nonlinearity in _LINEAR_GAINS:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, numbers.Number):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Value) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor: Value, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


# These never record a graph: initialising is not part of the model's computation (torch runs them under no_grad).
def uniform_(tensor: Value, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Value:
    """Fill with draws from U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Value, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Value:
    """Fill with draws from N(mean, std^2)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(
    tensor: Value,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Generator | None = None,
) -> Value:
    """Fill with draws from N(mean, std^2) restricted to [a, b], by rejection as torch does: when [a, b] holds
    more than 30 % of the mass, normal draws outside it are redrawn (a whole tensor of draws per round);
    otherwise uniform proposals x on [a, b] are kept when log u < -((x - mean) / std)^2 / 2 - log_peak."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", UserWarning, stacklevel=2)
    mass = _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std)
    data = tensor._data
    if mass > 0.3:
        low, high = data.dtype.type(a), data.dtype.type(b)
        result = factories.normal_sample(tensor, mean, std, generator)
        while ((result < low) | (result > high)).any():
            outside = (result < low) | (result > high)
            redraw = factories.normal_sample(Value._make_const(np.empty_like(result)), mean, std, generator)
            result = np.where(outside, redraw, result)
        inplace.note_modified(tensor)
        data[...] = result
        return tensor
    return _trunc_normal_by_uniform_proposals(tensor, mean, std, a, b, generator)


def _norm_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _trunc_normal_by_uniform_proposals(
    tensor: Value, mean: float, std: float, a: float, b: float, generator: Generator | None
) -> Value:
    """torch's branch for a narrow [a, b]: proposals U(a, b) accepted with probability pdf(x) / pdf(mode).

    The acceptance test compares log u with the log density in the tensor's dtype; torch's vectorised log and
    NumPy's can differ in the last bit, which changes a decision only when the two sides are that close."""
    dtype = tensor._data.dtype
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def log_density(x: np.ndarray) -> np.ndarray:
        scaled = (x - dtype.type(mean)) / dtype.type(std)
        return (scaled * scaled) * dtype.type(-0.5) - dtype.type(log_peak)

    scratch = Value._make_const(np.empty(tensor.shape, dtype=dtype))

    def accept_draws() -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(factories.uniform_sample(scratch, 0.0, 1.0, generator))

    result = factories.uniform_sample(tensor, a, b, generator)
    pending = accept_draws() > log_density(result)
    while pending.any():
        candidates = factories.uniform_sample(scratch, a, b, generator)
        result = np.where(pending, candidates, result)
        pending = np.where(pending, accept_draws() > log_density(candidates), pending)
    inplace.note_modified(tensor)
    tensor._data[...] = result
    return tensor


def orthogonal_(tensor: Value, gain: float = 1, generator: Generator | None = None) -> Value:
    """Saxe et al. (2013): a (semi-)orthogonal matrix Q from the QR factorisation of a N(0, 1) matrix
    (trailing dims flattened), with Q's columns signed by diag(R) so Q is uniformly distributed
    (Mezzadri 2007), times `gain`. The draws are torch's; the QR is NumPy's LAPACK, so the values agree with
    torch's to rounding, not bit for bit."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor._data.size == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor._data.size // rows
    flat = factories.normal_sample(Value._make_const(np.empty((rows, cols), dtype=tensor.dtype)), 0, 1, generator)
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    inplace.note_modified(tensor)
    tensor._data[...] = (q * gain).reshape(tensor.shape).astype(tensor.dtype)
    return tensor


def constant_(tensor: Value, val: float) -> Value:
    """Fill with `val`."""
    inplace.note_modified(tensor)
    tensor._data.fill(val)
    return tensor


def ones_(tensor: Value) -> Value:
    """Fill with 1."""
    return constant_(tensor, 1)


def zeros_(tensor: Value) -> Value:
    """Fill with 0."""
    return constant_(tensor, 0)


def _xavier_std(tensor: Value, gain: float) -> float:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_uniform_(tensor: Value, gain: float = 1.0, generator: Generator | None = None) -> Value:
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    bound = math.sqrt(3.0) * _xavier_std(tensor, gain)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Value, gain: float = 1.0, generator: Generator | None = None) -> Value:
    """Glorot & Bengio (2010): N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    return normal_(tensor, 0.0, _xavier_std(tensor, gain), generator)


def _kaiming_std(tensor: Value, a: float, mode: str, nonlinearity: str) -> float | None:
    """gain / sqrt(fan), or None (with torch's warning) for a tensor with no elements, which is left as it is."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return None
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Value,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Value:
    """He et al. (2015): U(-bound, bound) with bound = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    nn.Linear uses a = sqrt(5), which gives bound = 1 / sqrt(fan_in).
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Value,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Value:
    """He et al. (2015): N(0, std^2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a)."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else normal_(tensor, 0.0, std, generator)


def eye_(tensor: Value) -> Value:
    """Fill a 2-D Value with the identity matrix."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    inplace.note_modified(tensor)
    tensor._data[...] = np.eye(*tensor._data.shape, dtype=tensor._data.dtype)
    return tensor
