"""The activations of `nn.functional` that torch composes from other ops in Python (softsign, softmin,
tanhshrink), and the in-place forms torch names with a trailing underscore (elu_, selu_, celu_, hardtanh_,
rrelu_, threshold_, leaky_relu_, relu_). The activations torch computes as one kernel are rows of the op table
(`ops/nn_activation.py`, `ops/activation.py`); all are re-exported by `nn.functional`.
"""

from __future__ import annotations

from typing import Any

from tinygrad_lr.ops.activation import _softmax_arguments
from tinygrad_lr.ops.table import FUNCTIONAL
from tinygrad_lr.value import Value


def softsign(input: Value) -> Value:  # noqa: A002 - torch's name
    """x / (1 + |x|) (composed from Value ops, as torch composes it)."""
    return input / (input.abs() + 1)


def softmin(input: Value, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Value:  # noqa: A002
    """softmax(-x) along `dim`."""
    input, dim = _softmax_arguments("softmin", input, dim, _stacklevel, dtype)
    return (-input).softmax(dim)


def tanhshrink(input: Value) -> Value:  # noqa: A002
    """x - tanh(x) (composed, as torch composes it)."""
    return input - input.tanh()


def _in_place(name: str, input: Value, *args: Any) -> Value:  # noqa: A002
    """nn.functional.<name>(input, *args, inplace=True)."""
    return FUNCTIONAL[name](input, *args, inplace=True)


def relu_(input: Value) -> Value:  # noqa: A002
    """relu written into input: max(x, 0)."""
    return _in_place("relu", input)


def leaky_relu_(input: Value, negative_slope: float = 0.01) -> Value:  # noqa: A002
    """leaky_relu written into input."""
    return _in_place("leaky_relu", input, negative_slope)


def elu_(input: Value, alpha: float = 1.0) -> Value:  # noqa: A002
    """elu written into input."""
    return _in_place("elu", input, alpha)


def selu_(input: Value) -> Value:  # noqa: A002
    """selu written into input."""
    return _in_place("selu", input)


def celu_(input: Value, alpha: float = 1.0) -> Value:  # noqa: A002
    """celu written into input."""
    return _in_place("celu", input, alpha)


def hardtanh_(input: Value, min_val: float = -1.0, max_val: float = 1.0) -> Value:  # noqa: A002
    """hardtanh written into input."""
    return _in_place("hardtanh", input, min_val, max_val)


def rrelu_(input: Value, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Value:  # noqa: A002
    """rrelu written into input."""
    return _in_place("rrelu", input, lower, upper, training)


def threshold_(input: Value, threshold: float, value: float) -> Value:  # noqa: A002
    """threshold written into input."""
    return _in_place("threshold", input, threshold, value)
