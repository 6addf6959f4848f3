"""`nn.functional.pad` in constant mode: widen (or, with negative amounts, crop) the last dimensions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Function
from tinygrad_lr.value import Value, require_value


def _widths(pad: Sequence[int], ndim: int) -> list[tuple[int, int]]:
    """(before, after) for each dimension: pad lists (left, right) of the last dimension first."""
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return widths


class ConstantPad(Function):
    """out = input cropped by the negative amounts, then widened by the positive ones with `value`, in each
    dimension (torch's order);  d input = the part of g that lies over the input, 0 where it was cropped."""

    torch_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, widths: list[tuple[int, int]], value: float) -> Any:
        ctx.widths = widths
        cropped = a[tuple(slice(max(-b, 0), n - max(-e, 0)) for (b, e), n in zip(widths, a.shape))]
        return np.pad(cropped, [(max(b, 0), max(e, 0)) for b, e in widths], constant_values=value)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        shape = (g._data if isinstance(g, Value) else g).shape
        inner = g[tuple(slice(max(b, 0), n - max(e, 0)) for (b, e), n in zip(ctx.widths, shape))]
        # where the forward cropped, the gradient is 0: pad it back with zeros
        crop = [(max(-b, 0), max(-e, 0)) for b, e in ctx.widths]
        if any(b or e for b, e in crop):
            if isinstance(inner, Value):
                inner = ConstantPad.apply(inner, crop, 0.0)
            else:
                inner = np.pad(inner, crop)
        return inner, None, None


def pad(input: Value, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Value:  # noqa: A002
    """Pad the last len(pad) // 2 dimensions: pad = (left, right) for the last dimension, then (top, bottom) for
    the one before, ...; filled with `value` (0). Negative amounts crop. Only mode='constant' is supported."""
    require_value(input, "pad", "input", 1)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension but got padding length "
            f"{len(pad)} and input of dimension {input.ndim}"
        )
    if mode != "constant":
        if mode in ("reflect", "replicate", "circular"):
            raise NotImplementedError(
                f"tinygrad_lr: pad supports mode='constant' only (padding layers are out of scope), got mode='{mode}'"
            )
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    widths = _widths(pad, input.ndim)
    for (before, after), size in zip(widths, input._data.shape):
        if size + min(before, 0) + min(after, 0) < 0:  # torch crops (narrows) first, then pads
            raise RuntimeError("narrow(): length must be non-negative.")
    return ConstantPad.apply(input, widths, 0.0 if value is None else value)
