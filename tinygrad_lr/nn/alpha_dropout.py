"""`nn.functional.alpha_dropout`: dropout for self-normalising (SELU) networks (the `AlphaDropout` layer calls
it)."""

from __future__ import annotations

import math

import numpy as np

from tinygrad_lr.random import default_generator, kernels
from tinygrad_lr.value import Value, require_value

# SELU's negative saturation value, -scale * alpha: alpha dropout sets dropped units to it (before the affine fix)
ALPHA_PRIME = 1.7580993408473766


def alpha_dropout(input: Value, p: float = 0.5, training: bool = False, inplace: bool = False) -> Value:  # noqa: A002
    """Dropout for SELU networks: in training, each element is dropped with probability p to SELU's negative
    saturation value, then the output is rescaled by a and shifted by b so mean and variance stay those of the
    input: y = x * (keep * a) + ((keep - 1) alpha' a + alpha' a p), a = ((alpha'^2 p + 1)(1 - p))^(-1/2).
    In eval mode, the input unchanged."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    require_value(input, "alpha_dropout", "input", 1)
    if p == 0 or not training or input.numel() == 0:
        return input
    data = input._data
    if p == 1:
        return input * Value._make_const(np.zeros((), dtype=data.dtype))
    keep = np.empty_like(data)  # torch: noise = empty_like(input).bernoulli_(1 - p), the same draws as dropout's
    kernels.fill(keep, kernels.bernoulli_scalar(default_generator, data.size, 1.0 - p))
    a = 1.0 / math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p))
    b = (keep - 1) * (ALPHA_PRIME * a) + ALPHA_PRIME * a * p
    return input * Value._make_const(keep * data.dtype.type(a)) + Value._make_const(b.astype(data.dtype))
