"""Devices as torch names them. tinygrad_lr computes with NumPy on the CPU: `device('cuda')` can be named (scripts
build one before asking `cuda.is_available()`), but putting data there fails with torch's own words for a machine
without CUDA or MPS."""

from __future__ import annotations

import re
from typing import Any

DEVICE_TYPES = (
    "cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, "
    "mtia, privateuseone"
)


class device:
    """`device('cpu')`, `device('cuda:1')`, `device('cuda', 1)`: a type and an optional index."""

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002 - torch's name
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        elif not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({_typename(type)})")
        else:
            match = re.fullmatch(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?", type)
            if match is None:
                raise RuntimeError(f"Invalid device string: '{type}'")
            if match.group(1) not in DEVICE_TYPES.split(", "):
                raise RuntimeError(f"Expected one of {DEVICE_TYPES} device type at start of device string: {type}")
            if match.group(2) is not None:
                if index is not None:
                    raise RuntimeError(
                        f"type (string) must not include an index because index was passed explicitly: {type}"
                    )
                index = int(match.group(2))
            type = match.group(1)
        self.type: str = type
        self.index: int | None = index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self) -> device:
        _previous.append(_default[0])
        set_default_device(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        _default[0] = _previous.pop()

    def __reduce__(self) -> Any:
        return (device, (self.type, self.index))


def _typename(x: Any) -> str:
    return type(x).__name__


CPU = device("cpu")
_default = [CPU]
_previous: list[device] = []


def no_cuda() -> AssertionError:
    """torch's error when CUDA is asked for on a build without it."""
    return AssertionError("Torch not compiled with CUDA enabled")


def check(where: Any) -> device:
    """The device `where` names (None: the default), if tinygrad_lr can hold data there (the CPU); otherwise torch's
    error for a machine without that device."""
    found = _default[0] if where is None else where if isinstance(where, device) else device(where)
    if found.type == "cpu":
        return found
    if found.type == "cuda":
        raise no_cuda()
    if found.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices")
    raise RuntimeError(f"tinygrad_lr computes on the CPU only (NumPy): device '{found}' is not available")


def set_default_device(where: Any) -> None:
    """The device factories use when given none (None: the CPU). Any device can be named, as in torch; factories
    then raise torch's error for a device other than the CPU."""
    _default[0] = CPU if where is None else device(where)


def get_default_device() -> device:
    return _default[0]


def accepts_device(factory: Any) -> Any:
    """`factory` with torch's `device=` keyword (checked, then dropped: everything lives on the CPU)."""

    def with_device(*args: Any, device: Any = None, **kwargs: Any) -> Any:
        check(device)
        return factory(*args, **kwargs)

    with_device.__name__ = factory.__name__
    with_device.__qualname__ = factory.__qualname__
    with_device.__doc__ = factory.__doc__
    with_device.__wrapped__ = factory  # type: ignore[attr-defined]
    return with_device
