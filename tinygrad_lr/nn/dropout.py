"""`Dropout` (random zeroing while training) and `AlphaDropout` (its SELU form); identity in eval mode."""

from __future__ import annotations

import math

import numpy as np

from tinygrad_lr.nn import functional as F
from tinygrad_lr.nn._arguments import require_value
from tinygrad_lr.nn.module import Module
from tinygrad_lr.random import default_generator
from tinygrad_lr.value import Value


class _DropoutNd(Module):
    """What the dropout modules share: the probability `p` (checked), `inplace`, and their repr."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training mode, zero each element with probability p and scale the rest by 1 / (1 - p); in eval mode,
    return the input unchanged. The mask comes from the global generator (`manual_seed` makes it repeat)."""

    def forward(self, input: Value) -> Value:  # noqa: A002 - torch's name
        return F.dropout(input, self.p, self.training, self.inplace)


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
    keep = (default_generator.uniform(0.0, 1.0, data.shape) < 1.0 - p).astype(data.dtype)
    a = 1.0 / math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p))
    b = (keep - 1) * (ALPHA_PRIME * a) + ALPHA_PRIME * a * p
    return input * Value._make_const(keep * data.dtype.type(a)) + Value._make_const(b.astype(data.dtype))


class AlphaDropout(_DropoutNd):
    """Alpha dropout (Klambauer et al., 2017) for self-normalising (SELU) networks: drops to SELU's saturation
    value and rescales so the output keeps the input's mean and variance; identity in eval mode. (`inplace` is
    kept for torch's signature and repr; the result is a new Value.)"""

    def forward(self, input: Value) -> Value:  # noqa: A002
        return alpha_dropout(input, self.p, self.training)
