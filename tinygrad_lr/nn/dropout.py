"""`Dropout` (random zeroing while training) and `AlphaDropout` (its SELU form); identity in eval mode."""

from __future__ import annotations

from tinygrad_lr.nn import functional as F
from tinygrad_lr.nn.alpha_dropout import alpha_dropout
from tinygrad_lr.nn.module import Module
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


class AlphaDropout(_DropoutNd):
    """Alpha dropout (Klambauer et al., 2017) for self-normalising (SELU) networks: drops to SELU's saturation
    value and rescales so the output keeps the input's mean and variance; identity in eval mode. (`inplace` is
    kept for torch's signature and repr; the result is a new Value.)"""

    def forward(self, input: Value) -> Value:  # noqa: A002
        return alpha_dropout(input, self.p, self.training)
