"""`torch.profiler`'s names for the same profiler as `autograd.profiler` (CPU only: `activities` other than the CPU
are accepted and ignored, as there is no GPU to time)."""

from __future__ import annotations

import enum
from typing import Any

from tinygrad_lr.autograd import profiler as _autograd_profiler
from tinygrad_lr.autograd.profiler import record_function


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1


class profile(_autograd_profiler.profile):
    """`torch.profiler.profile(activities=[ProfilerActivity.CPU], ...)`."""

    def __init__(self, *, activities: Any = None, schedule: Any = None, on_trace_ready: Any = None,
                 record_shapes: bool = False, profile_memory: bool = False, with_stack: bool = False,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__()

    def step(self) -> None:
        """torch advances its schedule here; every step is recorded."""


__all__ = ["ProfilerActivity", "profile", "record_function"]
