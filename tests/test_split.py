"""split and chunk: the pieces, their gradients and the error texts, against torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg

X = np.arange(30.0).reshape(3, 10) / 7.0

CALLS = {
    "split 3 dim 1": lambda lib, x: x.split(3, dim=1),
    "split sizes dim -1": lambda lib, x: x.split([2, 5, 3], dim=-1),
    "split 2 dim 0": lambda lib, x: lib.split(x, 2),
    "chunk 4 dim 1": lambda lib, x: x.chunk(4, dim=1),
    "chunk 3 dim 0": lambda lib, x: lib.chunk(x, 3, 0),
    "chunk 6 dim 1 (fewer pieces)": lambda lib, x: x.chunk(6, 1),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_pieces_and_gradients_match_torch(name: str) -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor(X, requires_grad=True)
        pieces = CALLS[name](lib, x)
        sum(((p * (k + 1)) ** 2).sum() for k, p in enumerate(pieces)).backward()
        results.append(([p.detach().numpy().copy() for p in pieces], x.grad.numpy().copy()))
    (ours, our_grad), (theirs, their_grad) = results
    assert [p.shape for p in ours] == [p.shape for p in theirs]
    for got, expected in zip(ours, theirs):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(our_grad, their_grad, rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.arange(10.0).split([2, 3]),
        lambda lib: lib.arange(10.0).chunk(0),
        lambda lib: lib.arange(10.0).split(0),
        lambda lib: lib.arange(10.0).split(-1),
        lambda lib: lib.arange(10.0).split(3, dim=2),
    ],
)
def test_bad_arguments_raise_torchs_errors(call: Any) -> None:
    torch = require_torch()
    assert_same_error(lambda: call(torch), lambda: call(tg))
