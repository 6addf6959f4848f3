"""Every optimizer, under a scheduler that changes lr (and momentum or betas) every step, compiled against eager:
bit for bit, or detected as not replayable. (Such a test found SGD with momentum and RMSprop freezing lr.)"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as torch
from tests.test_compile import _training_step

nn = torch.nn

OPTIMIZERS: dict[str, Callable[[Any], Any]] = {
    "SGD": lambda p: torch.optim.SGD(p, lr=0.05),
    "SGD momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "Adam": lambda p: torch.optim.Adam(p, lr=1e-2),
    "Adam amsgrad": lambda p: torch.optim.Adam(p, lr=1e-2, amsgrad=True, weight_decay=1e-2),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=1e-2),
    "Adamax": lambda p: torch.optim.Adamax(p, lr=1e-2),
    "NAdam": lambda p: torch.optim.NAdam(p, lr=1e-2),
    "RAdam": lambda p: torch.optim.RAdam(p, lr=1e-2),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=1e-2, momentum=0.5, centered=True),
    "Adagrad": lambda p: torch.optim.Adagrad(p, lr=1e-2),
    "Adadelta": lambda p: torch.optim.Adadelta(p),
    "ASGD": lambda p: torch.optim.ASGD(p, lr=1e-2),
    "Rprop": lambda p: torch.optim.Rprop(p, lr=1e-2),
}

SCHEDULERS: dict[str, Callable[[Any], Any]] = {
    "ExponentialLR": lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    "OneCycleLR": lambda opt: torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=0.05, total_steps=20, cycle_momentum="momentum" in opt.defaults or "betas" in opt.defaults),
}


def _model() -> Any:
    return nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.GELU(), nn.Dropout(0.2), nn.Linear(8, 3))


def _state(model: Any, optimizer: Any) -> list[np.ndarray]:
    arrays = [p.detach().numpy().copy() for p in model.parameters()]
    arrays += [p.grad.numpy().copy() for p in model.parameters() if p.grad is not None]
    for entry in optimizer.state_dict()["state"].values():
        arrays += [np.array(v.numpy() if isinstance(v, torch.Value) else v) for _, v in sorted(entry.items())]
    return arrays


def _train(optimizer_name: str, scheduler_name: str, compiled: bool, steps: int = 10) -> tuple[list[Any], Any]:
    torch.manual_seed(0)
    model = _model()
    optimizer = OPTIMIZERS[optimizer_name](model.parameters())
    scheduler = SCHEDULERS[scheduler_name](optimizer)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(0)
    x, y = torch.from_numpy(rng.standard_normal((16, 4), dtype=np.float32)), torch.from_numpy(rng.integers(0, 3, 16))

    step = _training_step(model, optimizer, loss_fn)
    run = torch.compile(step) if compiled else step
    torch.manual_seed(1)  # the same dropout masks
    trail = []
    for i in range(steps):
        if i == 7:
            model.eval()
        trail.append(run(x, y).item())
        scheduler.step()
        trail.append(_state(model, optimizer))
    return trail, run


@pytest.mark.parametrize("scheduler_name", SCHEDULERS)
@pytest.mark.parametrize("optimizer_name", OPTIMIZERS)
def test_compiled_training_under_a_scheduler_is_eager_bit_for_bit(optimizer_name: str, scheduler_name: str) -> None:
    eager, _ = _train(optimizer_name, scheduler_name, compiled=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled, run = _train(optimizer_name, scheduler_name, compiled=True)
    for a, b in zip(eager, compiled):
        if isinstance(a, float):
            assert a == b or a != a and b != b
        else:
            assert len(a) == len(b) and all(np.array_equal(u, v, equal_nan=True) for u, v in zip(a, b))
    # two eager calls, a trace, replays; traced again after eval() at the 8th call (and RAdam's 6th step)
    assert run.n_replays >= 4 and not caught, run.explain().splitlines()[:3]
