"""The structure stamp (`nn/structure.py`): every change to what a Module holds moves it; reads leave it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import tinygrad_lr as torch
from tinygrad_lr.nn import structure


def _model() -> Any:
    return torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())


CHANGES: dict[str, Callable[[Any], Any]] = {
    "setattr": lambda m: setattr(m[0], "reduction", "sum"),
    "setattr the same value": lambda m: setattr(m[0], "training", True),
    "delattr": lambda m: delattr(m[0], "bias"),
    "a new Parameter": lambda m: setattr(m[0], "scale", torch.nn.Parameter(torch.ones(1))),
    "register_parameter": lambda m: m[0].register_parameter("extra", None),
    "register_buffer": lambda m: m[0].register_buffer("running", torch.zeros(1)),
    "add_module": lambda m: m.add_module("extra", torch.nn.Tanh()),
    "append": lambda m: m.append(torch.nn.Tanh()),
    "insert": lambda m: m.insert(0, torch.nn.Tanh()),
    "del item": lambda m: m.__delitem__(1),
    "eval": lambda m: m.eval(),
    "forward hook": lambda m: m[0].register_forward_hook(lambda *a: None),
    "hook removed": lambda m: m[0].register_forward_pre_hook(lambda *a: None).remove(),
    "registry entry": lambda m: m[0]._parameters.__setitem__("weight", torch.nn.Parameter(torch.ones(3, 2))),
    "registry pop": lambda m: m[0]._parameters.pop("bias"),
    "registry popitem": lambda m: m[0]._parameters.popitem(),
    "registry clear": lambda m: m[0]._buffers.clear(),
    "registry update": lambda m: m[0]._buffers.update(extra=None),
    "registry setdefault": lambda m: m[0]._buffers.setdefault("extra", None),
    "registry |=": lambda m: m[0]._buffers.__ior__({"extra": None}),
    "registry move_to_end": lambda m: m[0]._parameters.move_to_end("weight"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_to_a_module_moves_the_stamp_to_a_number_it_never_had(change: str) -> None:
    model = _model()
    seen = structure.version[0]
    CHANGES[change](model)
    assert structure.version[0] > seen


def test_reading_and_running_a_module_leave_the_stamp() -> None:
    model = _model()
    seen = structure.version[0]
    model(torch.ones(1, 2)).sum().backward()
    list(model.parameters())
    model.state_dict()
    _ = model[0].weight, model[0].training, len(model)
    assert structure.version[0] == seen


def test_registries_are_ordered_dicts_to_their_readers() -> None:
    linear = torch.nn.Linear(2, 3)
    assert isinstance(linear._parameters, dict) and list(linear._parameters) == ["weight", "bias"]
    assert linear._parameters["weight"] is linear.weight
