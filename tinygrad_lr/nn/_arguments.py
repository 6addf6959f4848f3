"""Argument checks shared by `nn.functional` and the loss functions, with torch's error texts."""

from __future__ import annotations

from typing import Any

from tinygrad_lr.value import Value


def require_value(x: Any, function: str, name: str, position: int) -> Value:
    """`x` itself if it is a Value, else torch's TypeError naming the argument and the type that was given."""
    if not isinstance(x, Value):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x
