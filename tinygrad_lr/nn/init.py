"""Weight initialisers (torch.nn.init): each fills a Value in place, without recording a graph, and returns it.

Random fills draw from the global generator (or the `generator` given), so `manual_seed` makes them repeat.
fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (receptive field = prod(size[2:])).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from tinygrad_lr.ops import inplace
from tinygrad_lr.random import Generator, default_generator
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


def _source(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


# These write into `_data` directly: initialising is never part of the graph (torch runs them under no_grad).
def uniform_(tensor: Value, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Value:
    """Fill with draws from U(a, b)."""
    inplace.note_modified(tensor)
    tensor._data[...] = _source(generator).uniform(a, b, tensor._data.shape)
    return tensor


def normal_(tensor: Value, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Value:
    """Fill with draws from N(mean, std^2)."""
    inplace.note_modified(tensor)
    tensor._data[...] = _source(generator).normal(mean, std, tensor._data.shape)
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
