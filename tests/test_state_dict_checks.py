"""Checkpoint values that cannot be loaded as they are: torch's bfloat16 and requires-grad tensors in a model's
state dict, and optimizer state whose shape is not its parameter's (issue 16 items 8 and 11)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lr as tg


def torch_linear(torch):  # type: ignore[no-untyped-def]
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2)


def test_a_torch_state_dict_that_requires_grad_loads_as_in_torch(torch) -> None:  # type: ignore[no-untyped-def]
    source = torch_linear(torch)
    params = dict(source.named_parameters())  # Parameters: they require grad
    theirs, ours = torch.nn.Linear(3, 2), tg.nn.Linear(3, 2)
    theirs.load_state_dict(params)
    ours.load_state_dict(params)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    assert ours.weight.requires_grad and ours.weight.is_leaf


def test_a_bfloat16_state_dict_names_the_key_and_the_fix(torch) -> None:  # type: ignore[no-untyped-def]
    state = {k: v.to(torch.bfloat16) for k, v in torch_linear(torch).state_dict().items()}
    ours = tg.nn.Linear(3, 2)
    with pytest.raises(RuntimeError) as error:
        ours.load_state_dict(state)
    text = str(error.value)
    assert text.startswith("Error(s) in loading state_dict for Linear:\n\t")
    assert """While copying the parameter named "weight", the value of 'weight' is a torch.bfloat16 value""" in text
    assert "{k: v.float() for k, v in state_dict.items()}" in text and '"bias"' in text
    ours.load_state_dict({k: v.float() for k, v in state.items()})  # the fix it names works
    np.testing.assert_array_equal(ours.bias.detach().numpy(), state["bias"].float().numpy())


def torch_adam_state(torch):  # type: ignore[no-untyped-def]
    model = torch_linear(torch)
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.ones(4, 3)).sum().backward()
    optimizer.step()
    return optimizer.state_dict()


def test_an_optimizer_state_in_bfloat16_names_the_key_and_the_fix(torch) -> None:  # type: ignore[no-untyped-def]
    state = torch_adam_state(torch)
    state["state"][1]["exp_avg_sq"] = state["state"][1]["exp_avg_sq"].to(torch.bfloat16)
    optimizer = tg.optim.Adam(tg.nn.Linear(3, 2).parameters())
    with pytest.raises(TypeError, match=r"^state_dict\['state'\]\[1\]\['exp_avg_sq'\] is a torch.bfloat16 value .*"
                                        r"v\.float\(\)"):
        optimizer.load_state_dict(state)


def test_an_adam_state_of_the_wrong_shape_fails_at_load_state_dict(torch) -> None:  # type: ignore[no-untyped-def]
    state = torch_adam_state(torch)
    model = tg.nn.Linear(3, 2)
    optimizer = tg.optim.Adam(model.parameters())
    optimizer.load_state_dict(state)  # the right shapes load
    state["state"][0]["exp_avg"] = torch.zeros(5)
    optimizer = tg.optim.Adam(model.parameters())
    with pytest.raises(ValueError, match=r"^size mismatch for state_dict\['state'\]\[0\]\['exp_avg'\]: copying a "
                                         r"state with shape torch.Size\(\[5\]\) from checkpoint, the shape of "
                                         r"its parameter in the current optimizer is torch.Size\(\[2, 3\]\)\.$"):
        optimizer.load_state_dict(state)
    saved = tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(tg.ones(4, 3)).sum().backward()
    saved.step()
    ours = saved.state_dict()
    ours["state"][1]["momentum_buffer"] = tg.zeros(3)
    with pytest.raises(ValueError, match=r"size mismatch for state_dict\['state'\]\[1\]\['momentum_buffer'\]"):
        tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9).load_state_dict(ours)
