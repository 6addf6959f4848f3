"""Argument checks shared by `nn.functional` and the loss functions, with torch's error texts."""

from __future__ import annotations

from tinygrad_lr.value import require_value

__all__ = ["require_value"]  # (the check lives with Value: the op table's nn.functional names use it)


