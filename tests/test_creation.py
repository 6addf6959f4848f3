"""Factories (tensor, from_numpy, zeros, ..., rand, randn) and manual_seed's reproducibility."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg


def test_tensor_copies_its_data() -> None:
    source = np.array([1.0, 2.0], dtype=np.float32)
    v = tg.tensor(source)
    source[0] = 9.0
    assert v.tolist() == [1.0, 2.0]
    assert v.is_leaf and not v.requires_grad


def test_tensor_of_a_value_copies_and_warns_like_torch() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        y = tg.tensor(x)
    assert not y.requires_grad and y.is_leaf
    y.add_(1.0)
    assert x.tolist() == [1.0, 2.0]


def test_tensor_requires_grad_makes_a_leaf() -> None:
    x = tg.tensor([[1.0, 2.0]], requires_grad=True)
    assert x.requires_grad and x.is_leaf and x.grad is None


def test_from_numpy_shares_memory_both_ways_and_keeps_dtype() -> None:
    array = np.array([1.0, 2.0, 3.0])
    v = tg.from_numpy(array)
    assert v.dtype == tg.float64
    array[0] = 10.0
    assert v.tolist()[0] == 10.0
    v.add_(1.0)
    assert array.tolist() == [11.0, 3.0, 4.0]
    assert tg.from_numpy(np.zeros(2, dtype=np.float32)).dtype == tg.float32


def test_from_numpy_rejects_non_arrays_and_strings() -> None:
    with pytest.raises(TypeError, match="expected np.ndarray"):
        tg.from_numpy([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="only bool, integer and floating point"):
        tg.from_numpy(np.array(["a"]))


FACTORY_CASES: list[tuple[str, Any]] = [
    ("zeros varargs", lambda lib: lib.zeros(2, 3)),
    ("zeros tuple", lambda lib: lib.zeros((2, 3))),
    ("zeros int64", lambda lib: lib.zeros(3, dtype=lib.int64)),
    ("ones", lambda lib: lib.ones(2, 2)),
    ("ones float64", lambda lib: lib.ones(2, dtype=lib.float64)),
    ("full float", lambda lib: lib.full((2,), 1.5)),
    ("full int", lambda lib: lib.full((2, 2), 7)),
    ("full bool", lambda lib: lib.full((2,), True)),
    ("arange end", lambda lib: lib.arange(5)),
    ("arange start end", lambda lib: lib.arange(1, 4)),
    ("arange float step", lambda lib: lib.arange(0, 1, 0.25)),
    ("arange float end", lambda lib: lib.arange(3.0)),
    ("arange of a 0-d int", lambda lib: lib.arange(lib.tensor(3))),
    ("arange of a 0-d float", lambda lib: lib.arange(lib.tensor(2.0))),
    ("eye", lambda lib: lib.eye(3)),
    ("eye rectangular", lambda lib: lib.eye(2, 3)),
    ("zeros_like float64", lambda lib: lib.zeros_like(lib.ones(2, dtype=lib.float64))),
    ("zeros_like int", lambda lib: lib.zeros_like(lib.tensor([1, 2]))),
    ("ones_like", lambda lib: lib.ones_like(lib.zeros(2, 3))),
    ("ones_like dtype", lambda lib: lib.ones_like(lib.zeros(2), dtype=lib.float64)),
]


@pytest.mark.parametrize("name,make", FACTORY_CASES, ids=[c[0] for c in FACTORY_CASES])
def test_factories_match_torch(name: str, make: Any) -> None:
    torch = require_torch()
    ours, theirs = make(tg), make(torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.is_leaf and not ours.requires_grad


def test_factories_accept_requires_grad() -> None:
    for v in (
        tg.zeros(2, requires_grad=True),
        tg.ones(2, requires_grad=True),
        tg.full((2,), 3.0, requires_grad=True),
        tg.eye(2, requires_grad=True),
        tg.rand(2, requires_grad=True),
        tg.randn(2, requires_grad=True),
        tg.zeros_like(tg.ones(2), requires_grad=True),
        tg.ones_like(tg.ones(2), requires_grad=True),
        tg.arange(0.0, 2.0, requires_grad=True),
    ):
        assert v.requires_grad and v.is_leaf
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        tg.arange(3, requires_grad=True)


def test_rand_and_randn_shapes_dtypes_and_ranges() -> None:
    tg.manual_seed(1)
    u = tg.rand(1000)
    n = tg.randn(20, 50)
    assert u.dtype == tg.float32 and n.dtype == tg.float32
    assert u.shape == (1000,) and n.shape == (20, 50) and tg.rand((2, 3)).shape == (2, 3)
    assert 0.0 <= u.numpy().min() and u.numpy().max() < 1.0
    assert abs(float(u.numpy().mean()) - 0.5) < 0.05
    assert abs(float(n.numpy().mean())) < 0.1 and abs(float(n.numpy().std()) - 1.0) < 0.1
    assert tg.randn(3, dtype=tg.float64).dtype == tg.float64


def test_manual_seed_makes_random_factories_reproducible() -> None:
    def draw() -> list[np.ndarray]:
        return [
            tg.rand(3).numpy(),
            tg.randn(2, 2).numpy(),
            tg.randint(0, 10, (5,)).numpy(),
            tg.randperm(6).numpy(),
            tg.zeros(4).uniform_(-1, 1).numpy(),
            tg.zeros(4).normal_(0, 2).numpy(),
        ]

    tg.manual_seed(123)
    first = draw()
    tg.manual_seed(123)
    second = draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    tg.manual_seed(124)
    assert not np.array_equal(draw()[1], first[1])
    assert tg.initial_seed() == 124


def test_manual_seed_returns_generator_and_a_separate_generator_is_independent() -> None:
    gen = tg.manual_seed(5)
    assert isinstance(gen, tg.Generator)
    own = tg.Generator().manual_seed(7)
    a = tg.rand(3, generator=own).numpy()
    b = tg.rand(3, generator=tg.Generator().manual_seed(7)).numpy()
    np.testing.assert_array_equal(a, b)


def test_randint_and_randperm() -> None:
    tg.manual_seed(0)
    r = tg.randint(2, 5, (100,))
    assert r.dtype == tg.int64 and r.numpy().min() >= 2 and r.numpy().max() < 5
    p = tg.randperm(10)
    assert sorted(p.tolist()) == list(range(10)) and p.dtype == tg.int64
