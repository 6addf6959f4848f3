"""`torch.cuda` on a machine without CUDA, as scripts probe it: `is_available()` is False, the seeding and cache
calls do nothing, and what needs a GPU raises torch's error."""

from __future__ import annotations

from typing import Any

from tinygrad_lr.devices import no_cuda


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Nothing to seed without a GPU (torch does the same)."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed without a GPU (torch does the same)."""


def empty_cache() -> None:
    """No GPU memory to release."""


def memory_allocated(device: Any = None) -> int:
    return 0


def max_memory_allocated(device: Any = None) -> int:
    return 0


def current_device() -> int:
    raise no_cuda()


def get_device_name(device: Any = None) -> str:
    raise no_cuda()


def synchronize(device: Any = None) -> None:
    raise no_cuda()


def set_device(device: Any) -> None:
    raise no_cuda()
