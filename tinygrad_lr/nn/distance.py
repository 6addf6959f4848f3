"""Distances and similarities between batches of vectors: `pairwise_distance`, `cosine_similarity` and
`normalize`, with their modules `PairwiseDistance` and `CosineSimilarity`; composed from Value ops exactly as
torch composes them."""

from __future__ import annotations

import numpy as np

from tinygrad_lr.arguments import single_dim
from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.nn.module import Module
from tinygrad_lr.value import Value, require_value


def _norm(x: Value, p: float, dim: int, keepdim: bool) -> Value:
    """The p-norm along `dim` (one op, with torch's gradient 0 for an all-zero vector)."""
    return x.norm(p, dim, keepdim)


def pairwise_distance(x1: Value, x2: Value, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Value:
    """||x1 - x2 + eps||_p along the last dimension (eps keeps the gradient finite when x1 == x2)."""
    require_value(x1, "pairwise_distance", "x1", 1)
    require_value(x2, "pairwise_distance", "x2", 2)
    output_dim = max(x1.ndim, x2.ndim)
    innermost = output_dim - 1 if output_dim > 0 else 0
    return _norm(x1 - x2 + eps, p, innermost, keepdim)


def cosine_similarity(x1: Value, x2: Value, dim: int = 1, eps: float = 1e-8) -> Value:
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along `dim` (each norm clamped, as torch does, without
    the clamp entering the gradient)."""
    require_value(x1, "cosine_similarity", "x1", 1)
    require_value(x2, "cosine_similarity", "x2", 2)
    ndim = max(x1.ndim, x2.ndim)
    axis = single_dim(dim, ndim)
    norms = []
    for x in (x1, x2):
        norm = _norm(x, 2, axis - (ndim - x.ndim), True).clone()
        with no_grad():
            np.maximum(norm._data, eps, out=norm._data)
        norms.append(norm)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(axis)


def normalize(input: Value, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Value | None = None) -> Value:  # noqa: A002
    """x / max(||x||_p, eps) along `dim`."""
    require_value(input, "normalize", "input", 1)
    denom = _norm(input, p, single_dim(dim, max(input.ndim, 1)), True).clamp(min=eps).expand_as(input)
    result = input / denom
    if out is not None:
        out.copy_(result)
        return out
    return result


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p along the last dimension, for each row."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Value, x2: Value) -> Value:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """The cosine of the angle between x1 and x2 along `dim`."""

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Value, x2: Value) -> Value:
        return cosine_similarity(x1, x2, self.dim, self.eps)
