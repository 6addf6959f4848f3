"""The global random generator behind every random factory and initializer (torch.random's API).

Draws are torch's CPU streams bit for bit: after `manual_seed(s)`, `rand`, `randn`, `randint`, `randperm`,
`bernoulli`, `multinomial`, `nn.init`, Dropout's masks, `random_split` and DataLoader shuffling give the
numbers torch gives (see `generator` for MT19937 and `kernels` for each distribution). Like torch, the global
generator starts from a seed drawn from the operating system, so unseeded runs differ.

Where torch's numbers depend on the machine, these are those of torch's x86-64 build (checked against torch
2.13 on Linux): `normal_` of 16+ float32 values follows its AVX2 kernel (an ARM build computes them with the C
library's float log/sin/cos instead), and float64 normals use the C library's log/sin/cos through `math`, the
same functions torch calls on the same machine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from tinygrad_lr.random.generator import Generator, fresh_seed

default_generator = Generator()
default_generator.manual_seed(fresh_seed())


def manual_seed(seed: Any) -> Generator:
    """Seed the global generator; returns it, as torch does. Floats are truncated to int as in torch."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the global generator from the operating system's entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the global generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The global generator's state as a uint8 tensor (torch's 5056-byte layout)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the global generator's state from `get_rng_state()`."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type: str = "cuda") -> Iterator[None]:
    """Inside the block draw freely; on leaving it the global generator is back where it was."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


__all__ = [
    "Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed",
    "set_rng_state",
]
