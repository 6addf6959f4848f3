"""`Variable`, torch's name from before tensors and Variables merged: `Variable(t, requires_grad=True)` is a new leaf
sharing t's memory, and every Value is a Variable (`isinstance(x, Variable)`)."""

from __future__ import annotations

from typing import Any

from tinygrad_lr.value import Value


class _VariableClass(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Value)


class Variable(metaclass=_VariableClass):
    """`Variable(data, requires_grad=False)`: `data.detach()`, requiring grad if asked."""

    def __new__(cls, data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:  # type: ignore[misc]
        if not isinstance(data, Value):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)
