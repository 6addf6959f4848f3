"""The global random generator behind every random factory and initializer.

`manual_seed(s)` makes rand/randn/randint/randperm, `nn.init` and DataLoader shuffling repeat
exactly. (The numbers differ from torch's: NumPy's generator is a different algorithm.)
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _fresh_seed() -> int:
    """A seed in [0, 2**63) from the operating system's entropy."""
    entropy = np.random.SeedSequence().entropy  # an int when SeedSequence draws it itself
    assert isinstance(entropy, int)
    return entropy % (2**63)


class Generator:
    """A seedable source of random numbers (NumPy's PCG64 underneath)."""

    def __init__(self, seed: int | None = None) -> None:
        self._seed = _fresh_seed() if seed is None else int(seed)
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        return self.manual_seed(_fresh_seed()).initial_seed()

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict[str, Any]:
        return dict(self._rng.bit_generator.state)  # NumPy builds a fresh dict; its stubs say Mapping

    def set_state(self, state: dict[str, Any]) -> None:
        self._rng.bit_generator.state = state

    def uniform(self, low: float, high: float, shape: tuple[int, ...]) -> np.ndarray:
        return self._rng.uniform(low, high, shape)

    def normal(self, mean: float, std: float, shape: tuple[int, ...]) -> np.ndarray:
        return self._rng.normal(mean, std, shape)

    def integers(self, low: int, high: int, shape: tuple[int, ...]) -> np.ndarray:
        return self._rng.integers(low, high, shape, dtype=np.int64)

    def permutation(self, n: int) -> np.ndarray:
        return self._rng.permutation(n).astype(np.int64)


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Seed the global generator; returns it, as torch does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()
