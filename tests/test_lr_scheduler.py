"""Learning-rate schedulers: the lr sequences equal torch's bit for bit (same recursion), warnings and errors."""

from __future__ import annotations

import warnings

import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr import optim
from tinygrad_lr.optim import lr_scheduler

SCHEDULES = [
    ("StepLR", {"step_size": 3}),
    ("StepLR", {"step_size": 2, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 5}),
    ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),
    ("LambdaLR", {"lr_lambda": lambda epoch: 1.0 / (epoch + 1)}),
]


def lr_sequence(module, sched_name: str, options: dict, params: list, epochs: int) -> list[list[float]]:
    opt = module.optim.SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}], lr=0.1)
    sched = getattr(module.optim.lr_scheduler, sched_name)(opt, **options)
    seen = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seen.append(sched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == seen[-1]
    return seen


@pytest.mark.parametrize(("name", "options"), SCHEDULES, ids=[s[0] + str(i) for i, s in enumerate(SCHEDULES)])
def test_lr_sequence_equals_torch_exactly(name: str, options: dict) -> None:
    torch = require_torch()
    ours = lr_sequence(tg, name, options, [tg.zeros(1, requires_grad=True), tg.zeros(1, requires_grad=True)], 20)
    theirs = lr_sequence(torch, name, options, [torch.zeros(1, requires_grad=True),
                                                torch.zeros(1, requires_grad=True)], 20)
    assert ours == theirs  # exact: the same recursion, the same floating-point operations
    assert len(set(map(tuple, ours))) > 1


def test_exponential_lr_is_recursive_not_closed_form() -> None:
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    values = []
    for _ in range(3):
        opt.step()
        sched.step()
        values.append(sched.get_last_lr()[0])
    assert values == [0.09000000000000001, 0.08100000000000002, 0.07290000000000002]


def test_cosine_annealing_keeps_oscillating_past_t_max() -> None:
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=2)
    values = [sched.get_last_lr()[0]]
    for _ in range(4):
        opt.step()
        sched.step()
        values.append(sched.get_last_lr()[0])
    assert values == pytest.approx([1.0, 0.5, 0.0, 0.5, 1.0], abs=1e-15)


def test_plateau_sequence_equals_torch() -> None:
    torch = require_torch()
    metrics = [1.0, 0.9, 0.9, 0.9, 0.95, 0.89, 0.89, 0.89, 0.89, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    for options in ({"patience": 1}, {"patience": 2, "factor": 0.5, "cooldown": 2, "min_lr": 0.004},
                    {"mode": "max", "threshold_mode": "abs", "threshold": 0.01, "patience": 0}):
        sequences = []
        for module, p in ((tg, tg.zeros(1, requires_grad=True)), (torch, torch.zeros(1, requires_grad=True))):
            opt = module.optim.SGD([p], lr=0.1)
            sched = module.optim.lr_scheduler.ReduceLROnPlateau(opt, **options)
            seq = []
            for m in metrics:
                opt.step()
                sched.step(m)
                seq.append((sched.get_last_lr()[0], sched.num_bad_epochs, sched.cooldown_counter, sched.best))
            sequences.append(seq)
        assert sequences[0] == sequences[1], options


def test_scheduler_sets_initial_lr_and_last_epoch() -> None:
    opt = optim.Adam([tg.zeros(1, requires_grad=True)], lr=0.02)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    assert sched.last_epoch == 0 and sched.base_lrs == [0.02]
    assert opt.param_groups[0]["initial_lr"] == 0.02
    opt.step()
    sched.step()
    assert sched.last_epoch == 1 and opt.param_groups[0]["lr"] == 0.01


def test_stepping_the_scheduler_before_the_optimizer_warns() -> None:
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()


def test_no_warning_in_the_right_order() -> None:
    p = tg.zeros(1, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    p.grad = tg.ones(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()
    assert p.item() == pytest.approx(-0.1)
    assert opt.param_groups[0]["lr"] == 0.05


def test_resuming_needs_initial_lr() -> None:
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)


def test_scheduler_state_dict_round_trip() -> None:
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=2)
    for _ in range(3):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    fresh_opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    fresh = lr_scheduler.StepLR(fresh_opt, step_size=2)
    fresh.load_state_dict(state)
    fresh_opt.load_state_dict(opt.state_dict())
    fresh_opt.step()
    opt.step()
    fresh.step()
    sched.step()
    assert fresh.get_last_lr() == sched.get_last_lr()


def test_constructor_errors() -> None:
    opt = optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match="^list is not an Optimizer$"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(ValueError, match=r"^Factor should be < 1\.0\.$"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="^mode avg is unknown!$"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="avg")
    with pytest.raises(ValueError, match="^Expected 1 lr_lambdas, but got 2$"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0, lambda e: 1.0])
