"""Whether operations record a graph: `no_grad`, `enable_grad`, `set_grad_enabled`.

The switch is thread-local, as in torch: a `no_grad()` block in one thread does not
turn off recording in another.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _GradState(threading.local):
    enabled: bool = True  # read it freely; change it only through set_enabled


STATE = _GradState()

# Reading a thread-local costs about as much as a small op's bookkeeping step, and every recorded op
# asks. So set_enabled also counts the threads that have grad mode off, and while none has,
# `everywhere` says so in one cheap read: `everywhere or STATE.enabled` is this thread's mode.
# (A thread that ends with grad mode off stays counted: recording then reads the thread-local again,
# correct and slower.)
_lock = threading.Lock()
_threads_off = 0
everywhere = True


def set_enabled(mode: bool) -> bool:
    """Set this thread's grad mode; returns the previous one."""
    global _threads_off, everywhere
    previous = STATE.enabled
    if mode != previous:
        with _lock:
            STATE.enabled = mode
            _threads_off += -1 if mode else 1
            everywhere = _threads_off == 0
    return previous


def is_grad_enabled() -> bool:
    """True when new operations record the graph needed for `backward()`."""
    return STATE.enabled


class _GradModeSwitch:
    """A context manager and decorator that sets grad mode and restores it on exit."""

    _mode: bool

    def __enter__(self) -> None:
        self._previous = set_enabled(self._mode)

    def __exit__(self, *exc_info: object) -> None:
        set_enabled(self._previous)

    def __call__(self, func: F) -> F:
        mode = self._mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = set_enabled(mode)
            try:
                return func(*args, **kwargs)
            finally:
                set_enabled(previous)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeSwitch):
    """Operations inside do not record a graph: results have `requires_grad=False`."""

    _mode = False


class enable_grad(_GradModeSwitch):
    """Turns recording back on, e.g. inside a `no_grad()` block."""

    _mode = True


class set_grad_enabled(_GradModeSwitch):
    """Sets recording on or off. Takes effect at once, and also works as a context manager."""

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._previous = set_enabled(self._mode)

    def __enter__(self) -> None:
        set_enabled(self._mode)

    def __exit__(self, *exc_info: object) -> None:
        set_enabled(self._previous)

    def __call__(self, func: F) -> F:
        # Used as a decorator, the mode applies only inside calls: undo the immediate switch of __init__.
        set_enabled(self._previous)
        return super().__call__(func)


class inference_mode(_GradModeSwitch):
    """torch.inference_mode: like `no_grad()` (no graph is recorded) when `mode` is True; `inference_mode(False)`
    changes nothing. (torch also marks the results as inference tensors; here they are ordinary Values.)"""

    _mode = False

    def __init__(self, mode: bool = True) -> None:
        self._active = bool(mode)

    def __enter__(self) -> None:
        self._previous = set_enabled(False) if self._active else STATE.enabled

    def __call__(self, func: F) -> F:
        return super().__call__(func) if self._active else func
