"""What every layer's constructor does with torch's `device=` and `dtype=` arguments."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import devices, dtypes


def layer_dtype(dtype: Any, device: Any) -> np.dtype:
    """The dtype of a new layer's parameters: `dtype`, or the default dtype; any device but the CPU is refused."""
    devices.check(device)
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
