"""`Dropout`: random zeroing while training, identity in eval mode."""

from __future__ import annotations

from tinygrad_lr.nn import functional as F
from tinygrad_lr.nn.module import Module
from tinygrad_lr.value import Value


class Dropout(Module):
    """In training mode, zero each element with probability p and scale the rest by 1 / (1 - p); in eval mode,
    return the input unchanged. The mask comes from the global generator (`manual_seed` makes it repeat)."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Value) -> Value:  # noqa: A002 - torch's name
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
