"""Hook registries and the handle that removes a hook again (torch's `torch.utils.hooks.RemovableHandle`).

A registry is a dict from a handle's id to its hook, in calling order: `Value.register_hook`, a node's pre-hooks and
every `nn.Module` hook list use it, so `handle.remove()` means the same thing everywhere.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

_next_id = itertools.count()


class RemovableHandle:
    """What `register_*hook` returns: `handle.remove()` (or leaving a `with handle:` block) unregisters the hook."""

    def __init__(self, registry: dict[int, Any], flags: tuple[set[int], ...] = ()) -> None:
        self.id = next(_next_id)
        self._registry = registry
        self._flags = flags  # the sets (with_kwargs, always_call) this hook's id may be in

    def remove(self) -> None:
        """Unregister the hook; removing twice is harmless."""
        self._registry.pop(self.id, None)
        for flag in self._flags:
            flag.discard(self.id)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def register(
    registry: dict[int, Any], hook: Callable[..., Any], prepend: bool = False, flags: tuple[set[int], ...] = ()
) -> RemovableHandle:
    """Add `hook` to `registry` (first if `prepend`, else last) and return its handle."""
    handle = RemovableHandle(registry, flags)
    registry[handle.id] = hook
    if prepend:
        for key in [k for k in registry if k != handle.id]:
            registry[key] = registry.pop(key)  # move every other hook behind the new one
    return handle
