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
    enabled: bool = True


STATE = _GradState()


def is_grad_enabled() -> bool:
    """True when new operations record the graph needed for `backward()`."""
    return STATE.enabled


class _GradModeSwitch:
    """A context manager and decorator that sets grad mode and restores it on exit."""

    _mode: bool

    def __enter__(self) -> None:
        self._previous = STATE.enabled
        STATE.enabled = self._mode

    def __exit__(self, *exc_info: object) -> None:
        STATE.enabled = self._previous

    def __call__(self, func: F) -> F:
        mode = self._mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = STATE.enabled
            STATE.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                STATE.enabled = previous

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
        self._previous = STATE.enabled
        STATE.enabled = self._mode

    def __enter__(self) -> None:
        STATE.enabled = self._mode

    def __exit__(self, *exc_info: object) -> None:
        STATE.enabled = self._previous

    def __call__(self, func: F) -> F:
        # Used as a decorator, the mode applies only inside calls: undo the immediate switch of __init__.
        STATE.enabled = self._previous
        return super().__call__(func)
