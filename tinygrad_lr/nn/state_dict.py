"""`Module.load_state_dict`: copying a checkpoint into a module's parameters and buffers, with torch's errors."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tinygrad_lr.arguments import checkpoint_array
from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.ops import inplace
from tinygrad_lr.value import Size, Value

if TYPE_CHECKING:
    from tinygrad_lr.nn.module import Module


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns: the keys it could not match (both empty when everything matched)."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _quoted(keys: list[str]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def load_state_dict(module: Module, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False) -> Any:
    """Copy values from `state_dict` into the parameters and buffers in place (casting to their dtype).

    Returns `_IncompatibleKeys(missing_keys, unexpected_keys)`. Raises RuntimeError with torch's text on
    missing or unexpected keys when `strict`, and on a shape mismatch always. Values may be Values, NumPy
    arrays or anything NumPy can read as an array (a torch state dict works as it is).
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    missing: list[str] = []
    unexpected: list[str] = []
    errors: list[str] = []
    stack: list[tuple[Module, str]] = [(module, "")]
    while stack:
        current, prefix = stack.pop()
        _load_own_state(current, state_dict, prefix, assign, missing, unexpected, errors)
        children = [(child, f"{prefix}{name}.") for name, child in current._modules.items() if child is not None]
        stack.extend(reversed(children))
    if strict:
        if unexpected:
            errors.insert(0, f"Unexpected key(s) in state_dict: {_quoted(unexpected)}. ")
        if missing:
            errors.insert(0, f"Missing key(s) in state_dict: {_quoted(missing)}. ")
    if errors:
        raise RuntimeError(
            "Error(s) in loading state_dict for {}:\n\t{}".format(type(module).__name__, "\n\t".join(errors))
        )
    return _IncompatibleKeys(missing, unexpected)


def _load_own_state(
    module: Module,
    state_dict: Mapping[str, Any],
    prefix: str,
    assign: bool,
    missing: list[str],
    unexpected: list[str],
    errors: list[str],
) -> None:
    local: list[tuple[str, Value]] = [(n, p) for n, p in module._parameters.items() if p is not None]
    local += [
        (n, b) for n, b in module._buffers.items() if b is not None and n not in module._non_persistent_buffers_set
    ]
    for name, target in local:
        key = prefix + name
        if key not in state_dict:
            missing.append(key)
            continue
        source = state_dict[key]
        if isinstance(source, Value):
            array = source._data
        elif isinstance(source, np.ndarray) or hasattr(source, "__array__"):
            try:
                array = checkpoint_array(source, f"the value of {key!r}")
            except TypeError as error:
                errors.append(f'While copying the parameter named "{key}", {error}')
                continue
        else:
            errors.append(
                f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like object from '
                f"checkpoint but received {type(source)}"
            )
            continue
        if target._data.ndim == 0 and array.ndim == 1 and array.shape[0] == 1:
            array = array[0]  # torch accepts a 1-element checkpoint value for a 0-d parameter
        if array.shape != target._data.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {Size(array.shape)!r} from checkpoint, "
                f"the shape in current model is {Size(target._data.shape)!r}."
            )
            continue
        if assign:
            target._data = array  # share the checkpoint's memory, as torch's assign=True does
        else:
            inplace.note_modified(target)
            with no_grad():
                np.copyto(target._data, array, casting="unsafe")
    # torch reports unexpected keys whatever `strict` is: a dotted key must name a child module,
    # a plain one a parameter or buffer of this module
    own = {name for name, _ in local}
    for key in state_dict:
        if key.startswith(prefix):
            parts = key[len(prefix) :].split(".", 1)
            if (parts[0] not in module._modules) if len(parts) > 1 else (parts[0] not in own):
                unexpected.append(key)
