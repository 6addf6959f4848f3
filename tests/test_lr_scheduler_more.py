"""The schedules added for issue 12 against torch: lr (and momentum) sequences equal torch's exactly, the closed
forms behind `step(epoch)`, composites, state dicts (same keys, resuming continues identically), errors."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg
from tinygrad_lr.optim import lr_scheduler


class Halve:
    """A callable object (not a function): torch saves its attributes in the state dict."""

    def __init__(self) -> None:
        self.factor = 0.5

    def __call__(self, epoch: int) -> float:
        return self.factor if epoch % 3 == 0 else 1.0


SCHEDULES: list[tuple[str, dict[str, Any], str]] = [
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.9}, "SGD"),
    ("MultiplicativeLR", {"lr_lambda": [lambda e: 0.95, lambda e: 1.0 - 0.01 * e]}, "SGD"),
    ("LinearLR", {}, "SGD"),
    ("LinearLR", {"start_factor": 0.5, "end_factor": 0.1, "total_iters": 7}, "SGD"),
    ("ConstantLR", {}, "SGD"),
    ("ConstantLR", {"factor": 0.2, "total_iters": 3}, "SGD"),
    ("PolynomialLR", {}, "SGD"),
    ("PolynomialLR", {"total_iters": 8, "power": 2.5}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 3}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 2, "eta_min": 0.001}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3}, "SGD"),
    ("CyclicLR", {"base_lr": [0.01, 0.02], "max_lr": 0.1, "step_size_up": 2, "step_size_down": 5,
                  "mode": "triangular2"}, "SGD"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "mode": "exp_range", "gamma": 0.9}, "Adam"),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "scale_fn": lambda x: 0.8**x,
                  "scale_mode": "iterations", "cycle_momentum": False}, "Adagrad"),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 25}, "SGD"),
    ("OneCycleLR", {"max_lr": [0.5, 0.2], "epochs": 5, "steps_per_epoch": 5, "anneal_strategy": "linear",
                    "three_phase": True, "pct_start": 0.25}, "Adam"),
    ("OneCycleLR", {"max_lr": 0.3, "total_steps": 25, "cycle_momentum": False, "div_factor": 10.0,
                    "final_div_factor": 100.0}, "Adagrad"),
]
IDS = [f"{name}{i}" for i, (name, _, _) in enumerate(SCHEDULES)]


def make_optimizer(lib: Any, optimizer: str) -> Any:
    params = [lib.zeros(1, requires_grad=True), lib.zeros(1, requires_grad=True)]
    options = {"momentum": 0.9} if optimizer == "SGD" else {}
    return getattr(lib.optim, optimizer)([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}], lr=0.1,
                                         **options)


def groups_seen(opt: Any) -> list[tuple[Any, ...]]:
    """lr and the momentum-like options of every group (CyclicLR and OneCycleLR cycle those too)."""
    return [(g["lr"], g.get("momentum"), g.get("betas")) for g in opt.param_groups]


def run(lib: Any, name: str, options: dict, optimizer: str, epochs: int = 24) -> list[Any]:
    opt = make_optimizer(lib, optimizer)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **options)
    seen = [sched.get_last_lr(), groups_seen(opt)]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seen += [sched.get_last_lr(), groups_seen(opt)]
    return seen


@pytest.mark.parametrize(("name", "options", "optimizer"), SCHEDULES, ids=IDS)
def test_sequence_equals_torch_exactly(name: str, options: dict, optimizer: str) -> None:
    torch = require_torch()
    ours, theirs = run(tg, name, options, optimizer), run(torch, name, options, optimizer)
    assert ours == theirs  # exact: the same formulas in the same order
    assert len({tuple(lrs) for lrs in ours[::2]}) >= 2  # the lr really changed


@pytest.mark.parametrize(("name", "options", "optimizer"), SCHEDULES, ids=IDS)
def test_state_dict_keys_equal_torch_and_resuming_continues_identically(
    name: str, options: dict, optimizer: str
) -> None:
    torch = require_torch()

    def states(lib: Any) -> tuple[list[str], list[Any]]:
        opt = make_optimizer(lib, optimizer)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **options)
        for _ in range(5):
            opt.step()
            sched.step()
        saved, saved_opt = sched.state_dict(), opt.state_dict()
        keys = list(saved)
        opt2 = make_optimizer(lib, optimizer)
        sched2 = getattr(lib.optim.lr_scheduler, name)(opt2, **options)
        opt2.load_state_dict(saved_opt)
        sched2.load_state_dict(saved)
        seen = []
        for _ in range(6):
            opt.step()
            sched.step()
            opt2.step()
            sched2.step()
            seen.append((sched.get_last_lr(), groups_seen(opt)))
            assert (sched2.get_last_lr(), groups_seen(opt2)) == seen[-1]
        return keys, seen

    (our_keys, ours), (their_keys, theirs) = states(tg), states(torch)
    assert our_keys == their_keys
    assert ours == theirs


@pytest.mark.parametrize(
    ("name", "options"),
    [("LinearLR", {"start_factor": 0.25, "total_iters": 6}), ("ConstantLR", {"factor": 0.5, "total_iters": 4}),
     ("PolynomialLR", {"total_iters": 6, "power": 1.5}), ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 3})],
)
def test_step_with_an_epoch_uses_torchs_closed_form(name: str, options: dict) -> None:
    torch = require_torch()

    def jumps(lib: Any) -> list[list[float]]:
        opt = make_optimizer(lib, "SGD")
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **options)
        seen = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in [3, 1, 7, 0, 5, 2.5, 11]:
                opt.step()
                sched.step(epoch)
                seen.append(sched.get_last_lr())
        return seen

    assert jumps(tg) == jumps(torch)


def test_cosine_warm_restarts_restart_at_t0_times_powers_of_t_mult() -> None:
    opt = make_optimizer(tg, "SGD")
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(14):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    assert [e for e, lr in enumerate(lrs) if lr == 0.1] == [0, 2, 6, 14]  # restarts after 2, 4, 8 epochs


def test_one_cycle_peaks_at_max_lr_and_refuses_extra_steps() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        opt = make_optimizer(lib, "SGD")
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="linear")
        lrs = [sched.get_last_lr()[0]]
        for _ in range(9):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr()[0])
        assert lrs[0] == 1.0 / 25 and max(lrs) == lrs[2] == 1.0 and lrs[-1] == pytest.approx(1.0 / 25 / 1e4)
    ours = lr_scheduler.OneCycleLR(make_optimizer(tg, "SGD"), max_lr=1.0, total_steps=2)
    theirs = torch.optim.lr_scheduler.OneCycleLR(make_optimizer(torch, "SGD"), max_lr=1.0, total_steps=2)
    for sched in (ours, theirs):
        sched.optimizer.step()
        sched.step()
        sched.step()
    assert_same_error(theirs.step, ours.step)


def composite(lib: Any, kind: str) -> tuple[Any, Any]:
    opt = make_optimizer(lib, "SGD")
    sl = lib.optim.lr_scheduler
    if kind == "sequential":
        scheds = [sl.LinearLR(opt, start_factor=0.1, total_iters=4), sl.ExponentialLR(opt, gamma=0.8),
                  sl.CosineAnnealingLR(opt, T_max=5)]
        return opt, sl.SequentialLR(opt, schedulers=scheds, milestones=[4, 9])
    if kind == "nested":
        inner = sl.SequentialLR(opt, [sl.ConstantLR(opt, factor=0.5, total_iters=2), sl.StepLR(opt, 2)], [3])
        return opt, sl.ChainedScheduler([inner, sl.ExponentialLR(opt, gamma=0.95)])
    scheds = [sl.ConstantLR(opt, factor=0.1, total_iters=2), sl.ExponentialLR(opt, gamma=0.9),
              sl.MultiplicativeLR(opt, lambda e: 0.99)]
    return opt, sl.ChainedScheduler(scheds, optimizer=opt)


@pytest.mark.parametrize("kind", ["sequential", "chained", "nested"])
def test_composite_schedules_equal_torch_and_resume(kind: str) -> None:
    torch = require_torch()

    def sequence(lib: Any) -> tuple[list[Any], list[str]]:
        opt, sched = composite(lib, kind)
        seen = [sched.get_last_lr()]
        for _ in range(8):
            opt.step()
            sched.step()
            seen.append(sched.get_last_lr())
        saved, saved_opt = sched.state_dict(), opt.state_dict()
        opt2, sched2 = composite(lib, kind)
        opt2.load_state_dict(saved_opt)
        sched2.load_state_dict(saved)
        for _ in range(8):
            opt.step()
            sched.step()
            opt2.step()
            sched2.step()
            seen.append(sched.get_last_lr())
            assert sched2.get_last_lr() == seen[-1]
        return seen, sorted(saved)

    assert sequence(tg) == sequence(torch)


def test_lambda_state_dict_saves_callable_objects_attributes_like_torch() -> None:
    torch = require_torch()

    def saved(lib: Any, name: str) -> Any:
        halve = Halve()
        opt = make_optimizer(lib, "SGD")
        sched = getattr(lib.optim.lr_scheduler, name)(opt, lr_lambda=[halve, lambda e: 1.0])
        state = sched.state_dict()
        halve.factor = 0.25
        sched.load_state_dict(state)
        return state["lr_lambdas"], halve.factor

    for name in ("LambdaLR", "MultiplicativeLR"):
        assert saved(tg, name) == saved(torch, name) == ([{"factor": 0.5}, None], 0.5)


def test_get_lr_outside_step_warns_like_torch() -> None:
    opt = make_optimizer(tg, "SGD")
    sched = lr_scheduler.LinearLR(opt)
    with pytest.warns(UserWarning, match=r"please use `get_last_lr\(\)`"):
        sched.get_lr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()  # no warning inside step


def test_replacing_optimizer_step_after_the_scheduler_warns() -> None:
    opt = make_optimizer(tg, "SGD")
    sched = lr_scheduler.ConstantLR(opt)
    opt.step = lambda closure=None: None  # type: ignore[method-assign]
    with pytest.warns(UserWarning, match="Seems like `optimizer.step\\(\\)` has been overridden"):
        sched.step()


ERRORS: list[tuple[str, dict[str, Any], str]] = [
    ("LinearLR", {"start_factor": 0.0}, "SGD"),
    ("LinearLR", {"start_factor": 1.5}, "SGD"),
    ("LinearLR", {"end_factor": -0.1}, "SGD"),
    ("ConstantLR", {"factor": 1.5}, "SGD"),
    ("MultiplicativeLR", {"lr_lambda": 0.9}, "SGD"),
    ("MultiplicativeLR", {"lr_lambda": [lambda e: 0.9]}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 0}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 2.5}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 2, "T_mult": 0}, "SGD"),
    ("CosineAnnealingWarmRestarts", {"T_0": 2, "eta_min": "0"}, "SGD"),
    ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "mode": "sawtooth"}, "SGD"),
    ("CyclicLR", {"base_lr": [0.1], "max_lr": 1.0}, "SGD"),
    ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0}, "Adagrad"),
    ("OneCycleLR", {"max_lr": 1.0}, "SGD"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 0}, "SGD"),
    ("OneCycleLR", {"max_lr": 1.0, "epochs": 0, "steps_per_epoch": 3}, "SGD"),
    ("OneCycleLR", {"max_lr": 1.0, "epochs": 2, "steps_per_epoch": -1}, "SGD"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 5, "pct_start": 1}, "SGD"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 5, "anneal_strategy": "exp"}, "SGD"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 5}, "Adagrad"),
]


@pytest.mark.parametrize(("name", "options", "optimizer"), ERRORS)
def test_constructor_errors_match_torch(name: str, options: dict, optimizer: str, torch: Any) -> None:
    assert_same_error(
        lambda: getattr(torch.optim.lr_scheduler, name)(make_optimizer(torch, optimizer), **options),
        lambda: getattr(lr_scheduler, name)(make_optimizer(tg, optimizer), **options),
    )


def test_composite_errors_match_torch(torch: Any) -> None:
    def cases(lib: Any) -> list[Any]:
        sl = lib.optim.lr_scheduler
        opt, other = make_optimizer(lib, "SGD"), make_optimizer(lib, "SGD")
        a, b = sl.StepLR(opt, 2), sl.StepLR(other, 2)
        plateau = sl.ReduceLROnPlateau(opt)
        return [
            lambda: sl.SequentialLR(opt, [], []),
            lambda: sl.SequentialLR(opt, [a, a], []),
            lambda: sl.SequentialLR(opt, [a, plateau], [2]),
            lambda: sl.SequentialLR(opt, [a, object()], [2]),
            lambda: sl.ChainedScheduler([]),
            lambda: sl.ChainedScheduler([a, plateau]),
            lambda: sl.ChainedScheduler([a, b]),  # (the message shows the optimizer's repr: compared up to it)
        ]

    for theirs, ours in zip(cases(torch), cases(tg)):
        assert_same_error(theirs, ours, exact=False)


def test_the_new_schedules_are_in_lr_scheduler_all() -> None:
    for name in ["CosineAnnealingWarmRestarts", "MultiplicativeLR", "LinearLR", "ConstantLR", "PolynomialLR",
                 "OneCycleLR", "CyclicLR", "SequentialLR", "ChainedScheduler"]:
        assert name in lr_scheduler.__all__ and getattr(lr_scheduler, name).__doc__


@pytest.mark.parametrize(
    ("name", "options"),
    [("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3}),
     ("OneCycleLR", {"max_lr": 0.5, "total_steps": 20}), ("LinearLR", {}), ("PolynomialLR", {"total_iters": 8}),
     ("CosineAnnealingWarmRestarts", {"T_0": 3}),
     ("ConstantLR", {}), ("MultiplicativeLR", {"lr_lambda": lambda e: 0.9})],
)
def test_resuming_with_last_epoch_continues_like_torch(name: str, options: dict, torch: Any) -> None:
    """A scheduler rebuilt with last_epoch=4 on an optimizer loaded from a checkpoint (which has initial_lr)."""

    def run(lib: Any) -> list[list[float]]:
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **options)
        for _ in range(4):
            opt.step()
            sched.step()
        resumed = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        resumed.load_state_dict(opt.state_dict())
        sched = getattr(lib.optim.lr_scheduler, name)(resumed, last_epoch=4, **options)
        seen = [sched.get_last_lr()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(5):
                resumed.step()
                sched.step()
                seen.append(sched.get_last_lr())
        return seen

    assert run(tg) == run(torch)
