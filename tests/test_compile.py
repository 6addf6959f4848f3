"""tinygrad_lr.compile: replays must give eager's numbers to the bit, step after step; what cannot be replayed is
detected (fullgraph=True raises naming the line; otherwise that call runs eagerly and warns once)."""

from __future__ import annotations

import argparse
import array
import collections
import enum
import fractions
import functools
import io
import logging
import random
import re
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as torch
from tests.conftest import assert_same_error, require_torch
from tinygrad_lr.compiler import NotReplayableError

STEPS = 6


def _state(model: Any, optimizer: Any) -> list[np.ndarray]:
    """Everything a step changes, as arrays: parameters, gradients, optimizer state."""
    arrays = []
    for p in model.parameters():
        arrays.append(p.detach().numpy().copy())
        arrays.append(None if p.grad is None else p.grad.numpy().copy())
    for entry in optimizer.state_dict()["state"].values():
        arrays.extend(np.array(v.numpy() if isinstance(v, torch.Value) else v) for _, v in sorted(entry.items()))
    return arrays


def _assert_same(a: list[Any], b: list[Any]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if x is None or y is None:
            assert x is None and y is None
        else:
            assert x.dtype == y.dtype and np.array_equal(x, y), (x, y)


def _twins(build: Callable[[], tuple[Any, Any, Any]]) -> tuple[tuple[Any, Any, Any], tuple[Any, Any, Any]]:
    torch.manual_seed(0)
    first = build()
    torch.manual_seed(0)
    return first, build()


def _training_step(model: Any, optimizer: Any, loss_fn: Any) -> Callable[[Any, Any], Any]:
    """One step of the PyTorch training loop on (x, y), returning the loss detached."""

    def step(x: Any, y: Any) -> Any:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


def _run_both(build: Callable[[], tuple[Any, Any, Any]], batches: list[tuple[Any, Any]], steps: int = STEPS,
              between: Callable[[Any, Any], None] | None = None) -> Any:
    """Train the same model twice, eagerly and compiled; compare loss and state after every step."""
    (m1, o1, loss1), (m2, o2, loss2) = _twins(build)

    eager, compiled = _training_step(m1, o1, loss1), torch.compile(_training_step(m2, o2, loss2))
    for i in range(steps):
        x, y = batches[i % len(batches)]
        a, b = eager(x, y), compiled(x, y)
        assert isinstance(b, torch.Value)
        assert a.item() == b.item()
        _assert_same(_state(m1, o1), _state(m2, o2))
        if between is not None:
            between(o1, o2)
    # per shape: the first two calls run eagerly unrecorded, the next ones trace until the state settles
    assert compiled.n_replays >= steps - 6
    assert compiled.n_replays + compiled.n_traces + compiled.n_watched == steps
    return compiled


def _regression_data(n: int, d: int, batches: int = 1, seed: int = 0) -> list[tuple[Any, Any]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(batches):
        x = rng.standard_normal((n, d), dtype=np.float32)
        out.append((torch.from_numpy(x), torch.from_numpy((x.sum(1, keepdims=True) + 0.5).astype(np.float32))))
    return out


def _w1() -> tuple[Any, Any, Any]:
    model = torch.nn.Linear(1, 1)
    return model, torch.optim.SGD(model.parameters(), lr=0.1), torch.nn.MSELoss()


def test_w1_linear_regression_replay_is_bit_identical() -> None:
    _run_both(_w1, _regression_data(50, 1))


def _mlp_adam() -> tuple[Any, Any, Any]:
    model = torch.nn.Sequential(torch.nn.Linear(10, 64), torch.nn.Tanh(), torch.nn.Linear(64, 1))
    return model, torch.optim.Adam(model.parameters(), lr=1e-3), torch.nn.MSELoss()


@pytest.mark.parametrize(("build", "features"), [(_w1, 1), (_mlp_adam, 10)], ids=["sgd", "adam"])
def test_the_same_step_compiled_again_reuses_the_program_code_but_updates_its_own_model(
        build: Callable[[], tuple[Any, Any, Any]], features: int) -> None:
    def compiled_step(model: Any, optimizer: Any, loss_fn: Any) -> Any:
        return torch.compile(_training_step(model, optimizer, loss_fn))

    (x, y), = _regression_data(50, features)
    first, second = _twins(build)
    other, other_eager = _twins(build)
    with torch.no_grad():  # a different model of the same structure: its own numbers
        for twin in (other, other_eager):
            next(iter(twin[0].parameters())).fill_(3.0)
    steps = [compiled_step(*first), compiled_step(*other)]
    for _ in range(5):
        steps[0](x, y)
    for _ in range(5):
        steps[1](x, y)
    # the second function's program was not compiled again (its source names no object of the first one, not
    # even an id() used as a dict key, as Adam's flat layout of a parameter group is)
    assert steps[1].traces[0].replay.__code__ is steps[0].traces[0].replay.__code__
    twin_step = compiled_step(*second)
    for _ in range(5):
        twin_step(x, y)
    _assert_same(_state(first[0], first[1]), _state(second[0], second[1]))
    assert steps[1].n_replays == 2
    assert not np.array_equal(_state(other[0], other[1])[0], _state(first[0], first[1])[0])
    eager_step = _training_step(*other_eager)
    for _ in range(5):
        eager_step(x, y)
    _assert_same(_state(other[0], other[1]), _state(other_eager[0], other_eager[1]))


def test_w1_large_batch_replay_is_bit_identical() -> None:
    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Linear(10, 1)
        return model, torch.optim.SGD(model.parameters(), lr=0.1), torch.nn.MSELoss()

    compiled = _run_both(build, _regression_data(200_000, 10), steps=4)  # the chunked products and the fused MSE
    assert "check bool(" in compiled.explain()  # its finiteness test is checked at replay


def test_w4_mlp_adam_replay_is_bit_identical_including_the_short_last_batch() -> None:
    batches = _regression_data(64, 10, batches=3) + _regression_data(16, 10, seed=1)
    compiled = _run_both(_mlp_adam, batches, steps=12)
    assert len(compiled.traces) == 2  # batch 64 and batch 16


@pytest.mark.parametrize("norm", [torch.nn.LayerNorm, torch.nn.BatchNorm1d])
def test_gelu_and_normalization_layers_replay(norm: Any) -> None:
    def build() -> tuple[Any, Any, Any]:  # GELU's erf: gathers from a table and arithmetic, all recorded
        model = torch.nn.Sequential(torch.nn.Linear(10, 16), norm(16), torch.nn.GELU(), torch.nn.Linear(16, 1))
        return model, torch.optim.AdamW(model.parameters(), lr=1e-2), torch.nn.MSELoss()

    compiled = _run_both(build, _regression_data(32, 10), steps=8)
    assert compiled.n_replays == 5



def test_batch_norm_with_a_cumulative_average_replays_with_eagers_running_statistics() -> None:
    """momentum=None: the running statistics average all batches so far, with factor 1 / num_batches_tracked,
    a count read from a buffer the call increments, which the replay reads again (before, it made the call
    eager)."""
    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Sequential(torch.nn.Linear(10, 16), torch.nn.BatchNorm1d(16, momentum=None),
                                    torch.nn.Linear(16, 1))
        return model, torch.optim.SGD(model.parameters(), lr=0.1), torch.nn.MSELoss()

    (m1, o1, loss1), (m2, o2, loss2) = _twins(build)
    eager, compiled = _training_step(m1, o1, loss1), torch.compile(_training_step(m2, o2, loss2))
    for x, y in _regression_data(32, 10, batches=8):
        assert eager(x, y).item() == compiled(x, y).item()
        _assert_same(_state(m1, o1) + _buffers(m1), _state(m2, o2) + _buffers(m2))
    assert m2[1].num_batches_tracked.item() == 8 and compiled.n_replays == 5 and compiled.n_fallbacks == 0


def test_a_replay_frees_its_large_temporaries_as_eager_does() -> None:
    """A program that held every array it made until it returned would need all of them at once (here 4x what
    an eager step needs at its peak, and a page fault per fresh page at every replay): each large slot is
    deleted after its last use, so the replay's peak is no more than eager's, with the same numbers."""
    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Sequential(torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 64))
        return model, torch.optim.AdamW(model.parameters()), torch.nn.MSELoss()

    (m1, o1, loss1), (m2, o2, loss2) = _twins(build)
    eager, compiled = _training_step(m1, o1, loss1), torch.compile(_training_step(m2, o2, loss2))
    x, y = torch.randn(64, 64), torch.randn(64, 64)
    peaks = []
    for step in range(6):
        for run in (eager, compiled):
            tracemalloc.start()
            try:
                run(x, y)
                if step == 5:
                    peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
        _assert_same(_state(m1, o1), _state(m2, o2))
    assert peaks[1] <= peaks[0], peaks
    assert compiled.n_replays == 3 and "del b" in compiled.traces[0].source

@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_gradient_clipping_replays(norm_type: float) -> None:
    (m1, o1, loss1), (m2, o2, loss2) = _twins(_mlp_adam)

    def clipped_step(model: Any, optimizer: Any, loss_fn: Any) -> Callable[[Any, Any], Any]:
        def step(x: Any, y: Any) -> Any:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.05, norm_type=norm_type)  # the norm stays an array
            optimizer.step()
            return loss.detach()

        return step

    eager, compiled = clipped_step(m1, o1, loss1), torch.compile(clipped_step(m2, o2, loss2))
    (x, y), = _regression_data(32, 10)
    for _ in range(6):
        assert eager(x, y).item() == compiled(x, y).item()
        _assert_same(_state(m1, o1), _state(m2, o2))
    assert compiled.n_replays == 3


def test_classifier_cross_entropy_adamw() -> None:
    rng = np.random.default_rng(1)
    batches = [(torch.from_numpy(rng.standard_normal((32, 4), dtype=np.float32)),
                torch.from_numpy(rng.integers(0, 3, 32))) for _ in range(3)]

    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
        return model, torch.optim.AdamW(model.parameters(), lr=1e-2), torch.nn.CrossEntropyLoss()

    _run_both(build, batches, steps=8)


@pytest.mark.parametrize("options", [{"momentum": 0.9}, {"momentum": 0.9, "nesterov": True, "weight_decay": 1e-3},
                                     {"momentum": 0.5, "dampening": 0.1, "maximize": True}])
def test_sgd_with_momentum_and_nesterov(options: dict[str, Any]) -> None:
    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        return model, torch.optim.SGD(model.parameters(), lr=1e-2, **options), torch.nn.MSELoss()

    _run_both(build, _regression_data(20, 3, batches=2), steps=8)


SCHEDULED = {  # each takes lr into a float32 kernel its own way (a ufunc, a fused multiply-add, a lerp)
    "Adam": lambda p: torch.optim.Adam(p, lr=0.05),
    "SGD": lambda p: torch.optim.SGD(p, lr=0.05),
    "SGD momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=0.05, momentum=0.5, centered=True),
    "Adamax": lambda p: torch.optim.Adamax(p, lr=0.05),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=0.05),
    "Adagrad": lambda p: torch.optim.Adagrad(p, lr=0.05),
}


@pytest.mark.parametrize("optimizer_name", SCHEDULED)
def test_scheduler_changing_lr_every_step_is_read_at_replay(optimizer_name: str) -> None:
    schedulers: list[Any] = []

    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Linear(3, 1)
        optimizer = SCHEDULED[optimizer_name](model.parameters())
        schedulers.append(torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7))
        return model, optimizer, torch.nn.MSELoss()

    def step_schedulers(o1: Any, o2: Any) -> None:
        for s in schedulers:
            s.step()
        assert o1.param_groups[0]["lr"] == o2.param_groups[0]["lr"]

    compiled = _run_both(build, _regression_data(20, 3), steps=10, between=step_schedulers)
    assert compiled.n_traces <= 3  # lr changed every step, and was read at replay instead of retracing


def test_a_replay_time_value_made_a_plain_number_is_guarded_and_a_change_traces_again() -> None:
    """`np.float32(lr)` makes the learning rate a constant of the program: it replays while the parameter group
    holds that lr, and a change (a scheduler's) makes the next call trace again, with eager's numbers."""

    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Linear(2, 1)
        return model, torch.optim.SGD(model.parameters(), lr=0.1), None

    (m1, o1, _), (m2, o2, _) = _twins(build)
    x = torch.from_numpy(np.ones((4, 2), dtype=np.float32))

    def by_hand(model: Any, optimizer: Any) -> Callable[[], Any]:
        def step() -> Any:
            optimizer.zero_grad()
            loss = model(x).pow(2).mean()
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= np.float32(optimizer.param_groups[0]["lr"]) * p.grad
            return loss.detach()

        return step

    eager, compiled = by_hand(m1, o1), torch.compile(by_hand(m2, o2))
    for i in range(12):
        if i == 6:
            o1.param_groups[0]["lr"] = o2.param_groups[0]["lr"] = 0.05
        assert eager().item() == compiled().item()
        _assert_same(_state(m1, o1), _state(m2, o2))
    assert compiled.n_traces == 2 and compiled.n_replays == 8 and compiled.n_fallbacks == 0


def test_dropout_replays_draw_from_the_generator_as_eager_and_eval_switches_it_off() -> None:
    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Sequential(torch.nn.Linear(5, 32), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                                    torch.nn.Linear(32, 1))
        return model, torch.optim.SGD(model.parameters(), lr=1e-2), torch.nn.MSELoss()

    (m1, o1, l1), (m2, o2, l2) = _twins(build)
    x, y = _regression_data(16, 5)[0]

    def step(model: Any, opt: Any, loss_fn: Any) -> Any:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.detach()

    compiled = torch.compile(step)
    for i in range(8):
        if i == 5:
            m1.eval()
            m2.eval()
        state = torch.random.default_generator.get_state()
        a = step(m1, o1, l1)
        torch.random.default_generator.set_state(state)  # both draw the same masks
        b = compiled(m2, o2, l2)
        assert a.item() == b.item()
        _assert_same(_state(m1, o1), _state(m2, o2))
    # the first two calls run eagerly unrecorded, the third traces; eval mode is a new signature: traced again
    assert (compiled.n_watched, compiled.n_traces, compiled.n_replays) == (2, 2, 4)


def test_w1_program_listing() -> None:
    model, optimizer, loss_fn = _w1()
    x, y = _regression_data(50, 1)[0]

    @torch.compile
    def step() -> Any:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    step()  # the first two calls run eagerly, unrecorded
    step()
    step()  # the third is recorded
    text = step.explain()
    assert text.splitlines()[0] == ("traces: 1, replays: 0, fallbacks (eager calls): 0, "
                                    "first calls (eager, not recorded): 2, programs kept: 1")
    calls = [line.split(" = ")[-1].split("(")[0].strip() for line in text.splitlines()[1:]
             if line.startswith("  ")]
    assert calls == ["ndarray.reshape", "multiply", "add", "subtract", "ndarray.reshape", "dot", "divide",
                     "multiply", "transpose", "ndarray.__matmul__", "add.reduce", "array", "array", "negative",
                     "mark_modified", "multiply", "add", "mark_modified", "multiply", "add"]
    assert "multiply(b4:float32[50, 1], b6:float32[1, 1])" in text  # the forward product, with its shapes
    # the backward seed (ones, reshaped, read by .item() into the mean's 2/N) is a constant: no call makes it
    assert re.search(r"multiply\(b\d+:float32\[50, 1\], 0\.04\)", text)
    assert re.search(r"negative\(o\d+\['lr'\], dtype=float32\)", text)  # lr is read when the program runs


def _simple() -> tuple[Any, Any, Any, Any]:
    model = torch.nn.Linear(2, 1)
    x = torch.from_numpy(np.ones((4, 2), dtype=np.float32))
    return model, torch.optim.SGD(model.parameters(), lr=0.1), x, torch.nn.MSELoss()


@pytest.mark.parametrize("read", ["item", "bool", "if", "tolist", "numpy"])
def test_reading_a_value_into_python_falls_back_or_raises_with_fullgraph(read: str) -> None:
    model, optimizer, x, _ = _simple()

    def step() -> Any:
        optimizer.zero_grad()
        loss = model(x).pow(2).mean()
        loss.backward()
        optimizer.step()
        if read == "item":
            loss.item()
        elif read == "bool":
            bool(loss > 0)
        elif read == "if":
            if loss > 0:
                pass
        elif read == "tolist":
            loss.tolist()
        else:
            loss.detach().numpy()
        return loss.detach()

    with pytest.raises(NotReplayableError, match=r"test_compile.py:\d+: .*reads a tensor's value into Python"):
        torch.compile(step, fullgraph=True)()
    model2, optimizer2, x2, _ = _simple()
    eager_model, eager_opt = model, optimizer
    with torch.no_grad():
        for p, q in zip(model.parameters(), model2.parameters()):
            q.copy_(p)
    model, optimizer, x = model2, optimizer2, x2
    compiled = torch.compile(step)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):
            compiled()
    assert sum("runs eagerly" in str(w.message) for w in caught) == 1  # said once
    assert compiled.n_replays == 0 and compiled.n_watched == 2 and compiled.n_fallbacks == 2
    del eager_model, eager_opt


def test_a_new_shape_traces_again_and_at_most_eight_traces_are_kept() -> None:
    model = torch.nn.Linear(3, 1)

    @torch.compile
    def forward(x: Any) -> Any:
        with torch.no_grad():
            return model(x)

    for n in range(1, 11):
        x = torch.ones(n, 3)
        first = forward(x).numpy()  # eager, unrecorded (twice)
        assert np.array_equal(first, forward(x).numpy())
        assert np.array_equal(first, forward(x).numpy())  # traced
        assert np.array_equal(first, forward(x).numpy())  # replayed
    assert forward.n_watched == 20 and forward.n_traces == 10 and len(forward.traces) == 8
    assert forward.n_replays == 10


def test_an_int_setting_replaced_by_an_equal_one_replays_and_by_another_value_traces_again() -> None:
    class Scale(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.factor = 10**6  # an int object of its own (not one of CPython's cached small ints)
            self.mode = "plain"

        def forward(self, x: Any) -> Any:
            return x * self.factor if self.mode == "plain" else -x

    module = Scale()

    @torch.compile
    def forward(x: Any) -> Any:
        return module(x)

    x = torch.ones(2)
    for _ in range(4):  # two eager calls, a trace, a replay
        forward(x)
    module.factor = int("1000000")  # equal, not the same object
    module.mode = "".join(["pla", "in"])
    assert forward(x).numpy().tolist() == [1e6, 1e6] and forward.n_replays == 2
    module.factor = 3
    assert forward(x).numpy().tolist() == [3.0, 3.0] and forward.n_replays == 2  # a new value: not replayed
    module.mode = "negate"
    assert forward(x).numpy().tolist() == [-1.0, -1.0] and forward.n_replays == 2


def test_a_new_parameter_in_the_optimizer_traces_again() -> None:
    model, optimizer, x, _ = _simple()
    extra = torch.nn.Parameter(torch.ones(1))

    @torch.compile
    def step() -> Any:
        optimizer.zero_grad()
        loss = (model(x) * extra).pow(2).mean()
        loss.backward()
        optimizer.step()
        return loss.detach()

    for _ in range(4):  # two eager calls, a trace, a replay
        step()
    assert step.n_replays == 1
    before = extra.detach().numpy().copy()
    optimizer.add_param_group({"params": [extra]})
    step()
    assert not np.array_equal(before, extra.detach().numpy())  # traced again: the new parameter is updated
    assert step.n_traces == 2


@pytest.mark.parametrize(("draw", "replays"), [
    ("torch.rand(3)", True),
    ("torch.randn(4)", True),  # pairs of normals with the C library's log1p, cos and sin, value by value
    ("torch.randn(32)", True),  # blocks of 16 (torch's AVX2 Box-Muller)
    ("torch.randn(32, dtype=torch.float64)", True),  # blocks with the C library's log, cos and sin
    ("torch.randperm(7).float() - 3", True),  # torch's swaps, a Python loop over the draws
    ("torch.randn(3)", False),  # keeps the sine of its last pair in the generator (Python state): eager
], ids=["rand", "randn_pairs", "randn_blocks", "randn_float64_blocks", "randperm", "randn_odd"])
def test_random_ops_replay_from_the_generator_as_eager(draw: str, replays: bool) -> None:
    size = len(eval(draw, {"torch": torch}))

    @torch.compile
    def noisy(x: Any) -> Any:
        return x + eval(draw, {"torch": torch})

    x = torch.zeros(size, dtype=torch.float64 if "float64" in draw else torch.float32)
    torch.manual_seed(5)
    eager = [(x + eval(draw, {"torch": torch})).numpy() for _ in range(5)]
    torch.manual_seed(5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled = [noisy(x).numpy() for _ in range(5)]
    for a, b in zip(eager, compiled):
        assert np.array_equal(a, b)
    if replays:  # the raw words are drawn at replay, the arithmetic on them replayed
        assert noisy.n_replays == 2 and not caught  # the first two calls run eagerly, the third traces
    else:
        assert noisy.n_replays == 0 and "float()" in str(caught[0].message)


def test_unused_results_are_not_computed_again_but_unused_draws_still_advance_the_generator() -> None:
    @torch.compile
    def step(x: Any) -> Any:
        torch.rand(3)  # its numbers are not used, but the next draw depends on it
        x * 3  # nothing reads this product: the replay does not compute it
        return x * 2 + torch.rand(3)

    x = torch.ones(3)
    torch.manual_seed(7)
    eager = [(x * 2 + (torch.rand(3), torch.rand(3))[1]).numpy() for _ in range(5)]
    torch.manual_seed(7)
    compiled = [step(x).numpy() for _ in range(5)]
    assert step.n_replays == 2
    for a, b in zip(eager, compiled):
        assert np.array_equal(a, b)
    calls = step.explain()
    assert "multiply(b0:float32[3], 2)" in calls and "multiply(b0:float32[3], 3)" not in calls
    assert calls.count("Generator.random") == 2


def test_training_compiled_adds_no_more_memory_than_eager_at_a_million_rows() -> None:
    from benchmarks.memory import measure_in_subprocess

    eager, compiled = (measure_in_subprocess(engine) for engine in ("tinygrad_lr", "tinygrad_lr.compile"))
    assert "error" not in eager and "error" not in compiled, (eager, compiled)
    # the traced call allocates its own arrays: it first lets go of those eager steps kept (nn/scratch.py), or
    # the peak would hold both (+4 MiB at W1 N=1e6); what is left is the program's text and code
    assert compiled["added_mib"] <= eager["added_mib"] + 1.0, (eager, compiled)


def test_a_matrix_transpose_in_a_backward_rule_replays() -> None:
    def build() -> Any:
        return torch.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)

    a, twin = build(), build()

    def step(a: Any) -> Any:
        loss = torch.linalg.inv(a).sum()  # its backward rule multiplies by the inverse's .mT
        loss.backward()
        return loss.detach()

    compiled = torch.compile(lambda: step(a))
    for _ in range(5):
        assert compiled().item() == step(twin).item()
        assert np.array_equal(a.grad.numpy(), twin.grad.numpy())
    assert compiled.n_replays == 2


def test_arrays_held_by_tuples_replay_with_their_current_numbers() -> None:
    table = (np.ones(3, dtype=np.float32), np.full(3, 2.0, dtype=np.float32))  # the same arrays at every call

    @torch.compile
    def scaled(x: Any, pair: Any) -> Any:
        return x * torch.from_numpy(table[1]) + torch.from_numpy(pair[0])

    x = torch.ones(3)
    for i in range(6):
        table[1][:] = i  # changed in place: read when the program runs
        pair = (np.full(3, 10.0 * i, dtype=np.float32),)  # a new array every call
        assert scaled(x, pair).numpy().tolist() == [11.0 * i] * 3
    assert scaled.n_replays == 0  # an array in a tuple argument cannot be followed: each call runs eagerly

    @torch.compile
    def offset(x: Any) -> Any:
        return x * torch.from_numpy(table[1])

    for i in range(6):
        table[1][:] = i
        assert offset(x).numpy().tolist() == [float(i)] * 3
    assert offset.n_replays == 3


def test_an_argument_whose_shape_alone_is_read_is_still_guarded() -> None:
    @torch.compile
    def scaled(x: Any, like: Any) -> Any:
        return x * like.shape[0]  # `like`'s numbers are never read, its shape is

    x = torch.ones(2)
    for _ in range(4):  # two eager calls, a trace, a replay
        assert scaled(x, torch.zeros(3)).numpy().tolist() == [3.0, 3.0]
    assert scaled.n_replays == 1
    assert scaled(x, torch.zeros(5)).numpy().tolist() == [5.0, 5.0]
    assert scaled.n_replays == 1


def test_an_array_made_from_literals_is_a_constant_until_data_is_written_into_it() -> None:
    from tinygrad_lr.compiler.patching import recording
    from tinygrad_lr.compiler.tracer import Recorder, Sym

    recorder = Recorder()
    data = recorder.new_slot(np.full(1, 2.0))  # an array of the state before the call
    with recording(recorder):
        seed = np.ones(1)  # literals only: a constant
        view = seed.reshape(())
        folded = view.item()
        np.add(seed, data, out=seed)  # now it holds data: the view of it as well
        read = view.item()
    assert type(folded) is float and folded == 1.0  # the program writes 1.0 where the value is used
    assert type(read) is Sym and read == 3.0 and read.src == f"b{view._slot}.item()"


@pytest.mark.parametrize("fullgraph", [False, True])
def test_a_function_returning_a_graph_records_its_backward_for_the_backward_after_the_call(fullgraph: bool) -> None:
    """A compiled function whose output a backward() after the call needs: the call that finds it out returns
    its eager graph, and the next calls like it record the forward with its backward (compiler/training.py)."""

    def squared_output(model: Any) -> Callable[[Any], Any]:
        def forward(x: Any) -> Any:
            return model(x).pow(2).sum()

        return forward

    grads = []
    for compile_it in (False, True):
        torch.manual_seed(0)
        model = torch.nn.Linear(2, 1)
        forward = squared_output(model)
        run = torch.compile(forward, fullgraph=fullgraph) if compile_it else forward
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing runs eagerly for want of a graph
            for i in range(6):
                out = run(torch.full((2, 2), float(i)))
                out.backward()
                grads.append(model.weight.grad.numpy().copy())
    for a, b in zip(grads[:6], grads[6:]):
        np.testing.assert_array_equal(a, b)
    assert out.grad_fn.name() == "CompiledFunctionBackward" and run._trains.n_replays >= 1
    assert "calls that return a graph (forward and backward):" in run.explain()


def test_a_returned_parameter_or_gradient_is_that_object_and_one_value_returned_twice_is_one_object() -> None:
    model, optimizer, x, _ = _simple()

    @torch.compile
    def step() -> Any:
        optimizer.zero_grad()
        model(x).pow(2).mean().backward()
        optimizer.step()
        doubled = (model.weight * 2).detach()
        return model.weight, model.weight.grad, doubled, doubled

    for _ in range(5):
        weight, grad, a, b = step()
        assert weight is model.weight and grad is model.weight.grad and a is b
        assert np.array_equal(a.numpy(), model.weight.detach().numpy() * 2)
    assert step.n_replays == 2 and step.n_fallbacks == 0


def test_a_returned_shape_dtype_or_device_replays_and_a_shape_the_data_decides_is_checked() -> None:
    """`torch.Size`, dtypes and devices are immutable: a replay returns the traced ones (the guards hold the
    shapes they were read from). The shape of a boolean mask's selection depends on the data: checked."""
    described = torch.compile(lambda x: (x * 2, x.shape, x.dtype, x.device, x.size()))
    for rows in (3, 3, 3, 3, 4, 4, 4, 4):
        x = torch.randn(rows, 2)
        doubled, shape, dtype, device, size = described(x)
        assert type(shape) is torch.Size and shape == size == (rows, 2) and dtype is torch.float32
        assert device == torch.device("cpu") and np.array_equal(doubled.numpy(), x.numpy() * 2)
    assert described.n_replays == 2 and described.n_traces == 2 and described.n_fallbacks == 0
    selected = torch.compile(lambda x: x[x > 0].shape)
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(12):
            x = torch.randn(6)
            assert selected(x) == (int((x > 0).sum()),)
    assert selected.n_replays + selected.n_fallbacks == 9

def test_compiled_module_and_torch_compile_through_the_torch_name() -> None:
    import tinygrad_lr as torch_alias

    model = torch_alias.nn.Sequential(torch_alias.nn.Linear(3, 4), torch_alias.nn.Tanh())
    compiled = torch_alias.compile(model)
    x = torch_alias.ones(2, 3)
    model.eval()
    with torch_alias.no_grad():
        expected = model(x).numpy()
        for _ in range(5):
            assert np.array_equal(compiled(x).numpy(), expected)
    assert compiled.explain().startswith("traces: 1, replays: 2, fallbacks (eager calls): 0, first calls (eager, "
                                         "not recorded): 2")
    assert compiled._orig_mod is model and compiled.training is False  # attributes are the module's
    assert torch_alias.compile(model, disable=True) is model


@pytest.mark.parametrize("call", [
    lambda c: c(lambda x: x, mode="default", options={}),
    lambda c: c(lambda x: x, mode="fastest"),
    lambda c: c(3),
], ids=["mode-and-options", "unknown-mode", "not-callable"])
def test_torch_compile_arguments_are_checked_as_torch_checks_them(call: Callable[[Any], Any]) -> None:
    real = require_torch()
    assert_same_error(lambda: call(real.compile), lambda: call(torch.compile))


def test_every_torch_backend_and_mode_runs_the_same_engine_and_an_unknown_backend_is_refused() -> None:
    real = require_torch()
    x = torch.tensor([1.0, 2.0, 3.0])
    for kwargs in [{"backend": "eager"}, {"backend": "aot_eager", "mode": "max-autotune"}, {"dynamic": True},
                   {"backend": lambda gm, inputs: gm}]:
        fast = torch.compile(lambda t: t * t + 1, **kwargs)
        assert [fast(x).tolist() for _ in range(4)] == [[2.0, 5.0, 10.0]] * 4
        assert fast.explain().startswith("traces: 1, replays: 1")
    with pytest.raises(RuntimeError) as expected:
        real.compile(lambda t: t, backend="nope")
    with pytest.raises(RuntimeError, match=re.escape(str(expected.value))):
        torch.compile(lambda t: t, backend="nope")
    assert repr(torch.compile(torch.nn.Linear(2, 2))) == repr(real.compile(real.nn.Linear(2, 2)))


def test_decorator_with_options_and_explain_counts() -> None:
    model, optimizer, x, loss_fn = _simple()
    y = torch.zeros(4, 1)

    @torch.compile(fullgraph=True, options={"verbose": True})
    def step() -> Any:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    losses = [step().item() for _ in range(4)]
    assert losses == sorted(losses, reverse=True)
    assert step.explain().startswith("traces: 2, replays: 2, fallbacks (eager calls): 0")


def test_hooks_are_python_code_a_replay_would_skip_so_the_call_runs_eagerly() -> None:
    model, optimizer, x, loss_fn = _simple()
    seen: list[int] = []
    model.register_forward_hook(lambda module, args, out: seen.append(1))

    @torch.compile
    def step() -> Any:
        optimizer.zero_grad()
        loss = model(x).pow(2).mean()
        loss.backward()
        optimizer.step()
        return loss.detach()

    with pytest.warns(UserWarning, match="module hook"):
        for _ in range(3):
            step()
    assert seen == [1, 1, 1] and step.n_replays == 0


def _replaying_step() -> tuple[Any, Callable[[], Any], Callable[[], Any], Any]:
    """A compiled step of `_simple`'s model, called until it replays; calls of it and of its eager twin."""
    compiled, eager = _twins(lambda: _simple()[:2] + (torch.nn.MSELoss(),))
    x, y = torch.ones(4, 2), torch.zeros(4, 1)
    step = torch.compile(_training_step(*compiled))
    eager_step = _training_step(*eager)
    for _ in range(4):
        step(x, y)
        eager_step(x, y)
    assert step.n_replays == 1
    return step, lambda: step(x, y), lambda: eager_step(x, y), (compiled, eager)


def test_a_hook_registered_after_the_trace_runs_on_the_next_call() -> None:
    step, call, _, ((model, _, _), _) = _replaying_step()
    seen: list[int] = []
    model.register_forward_hook(lambda module, args, out: seen.append(1))
    with pytest.warns(UserWarning, match="module hook"):
        call()
    assert seen == [1] and step.n_replays == 1
    call()
    assert seen == [1, 1]


@pytest.mark.parametrize("change", ["registry", "attribute", "delete", "unread attribute deleted"])
def test_a_change_to_a_module_after_the_trace_is_seen_by_the_next_call(change: str) -> None:
    _, call, eager_call, twins = _replaying_step()
    for model, _, _ in twins:
        with torch.no_grad():
            replacement = torch.nn.Parameter(torch.full((1, 2), 0.5))
        if change == "registry":  # straight into the registry (a Registry: the change moves the stamp)
            model._parameters["weight"] = replacement
            model.__dict__.pop("weight")  # the attribute lookup then finds the registry's entry
        elif change == "attribute":
            model.weight = replacement
        elif change == "delete":
            del model.bias
            model.bias = None
        else:
            del model.in_features  # forward does not read it: eager runs on, and so must the compiled step
    for _ in range(3):
        _assert_same([call().numpy()], [eager_call().numpy()])
        _assert_same(_state(*twins[0][:2]), _state(*twins[1][:2]))


def test_eval_on_a_model_the_function_closes_over_switches_dropout_off_at_the_next_call() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Dropout(0.5))

    @torch.compile
    def forward(x: Any) -> Any:
        with torch.no_grad():
            return model(x)

    x = torch.ones(2, 3)
    for _ in range(4):
        forward(x)
    assert forward.n_replays == 1
    model.eval()  # the Dropout's `training` attribute: a change of the modules' structure
    with torch.no_grad():
        expected = model(x).numpy()
    assert np.array_equal(forward(x).numpy(), expected)


def test_an_attribute_deleted_after_the_trace_makes_the_guards_fail_not_raise() -> None:
    model = _simple()[0]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    optimizer.note = "a run label"  # read by no step; the walk guards it all the same
    step = torch.compile(_training_step(model, optimizer, torch.nn.MSELoss()))
    x, y = torch.ones(4, 2), torch.zeros(4, 1)
    for _ in range(4):
        step(x, y)
    assert step.n_replays == 1
    del optimizer.note
    step(x, y)  # not an AttributeError: the program's guards fail, and the call is traced again
    step(x, y)
    assert step.n_traces == 2 and step.n_replays == 2


def test_unchanged_modules_are_checked_once_after_the_stamp_moves() -> None:
    from tinygrad_lr.nn import structure

    step, call, _, _ = _replaying_step()
    trace = step.traces[0]
    torch.nn.Linear(3, 3)  # another module made: the stamp moves, nothing this step uses changed
    before = structure.version[0]
    call()
    assert step.n_replays == 2 and trace._structure_seen[0] == before  # checked one by one, then remembered
    check = trace._structure_check
    call()
    assert step.n_replays == 3 and trace._structure_check is check


def test_returning_the_loss_backward_consumed_replays_and_nested_compiled_calls_join_the_trace() -> None:
    model, optimizer, x, loss_fn = _simple()
    y = torch.zeros(4, 1)
    forward = torch.compile(model)

    @torch.compile(fullgraph=True)
    def step() -> Any:
        optimizer.zero_grad()
        loss = loss_fn(forward(x), y)  # a compiled module called while step is traced: traced as part of step
        loss.backward()
        optimizer.step()
        return loss  # its graph is consumed by backward(): the replay returns it detached

    losses = [step() for _ in range(4)]
    assert step.n_replays == 2 and forward.explain().startswith("traces: 0")
    assert all(isinstance(loss, torch.Value) and loss.ndim == 0 for loss in losses)
    assert losses[3].item() < losses[0].item()


def _lesson_data() -> tuple[Any, Any, Any, Any]:
    torch.manual_seed(0)
    return (torch.randn(3, 1, requires_grad=True), torch.zeros(1, requires_grad=True), torch.randn(20, 3),
            torch.randn(20, 1))


def _manual_sgd_run(compiled: bool, steps: int, lr: Callable[[int], float]) -> tuple[list[Any], Any]:
    """The classic lesson's loop: the update written by hand under no_grad, `.grad` zeroed in place, the
    learning rate passed as a Python float that changes at every call."""
    w, b, x, y = _lesson_data()

    def step(x: Any, y: Any, lr: float) -> Any:
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
            b.sub_(lr * b.grad)
            w.grad.zero_()
            b.grad.zero_()
        return loss.detach()

    run = torch.compile(step) if compiled else step
    seen = []
    for i in range(steps):
        loss = run(x, y, lr(i))
        seen.append((loss.item(), w.detach().numpy().copy(), b.detach().numpy().copy(), w.grad.numpy().copy()))
    return seen, run


@pytest.mark.parametrize("schedule", ["constant", "decaying"])
def test_a_hand_written_update_with_the_lr_as_a_float_argument_replays_bit_for_bit(schedule: str) -> None:
    """A float argument is read at replay, as a parameter group's lr is: one trace serves every lr."""
    lr = (lambda i: 0.1) if schedule == "constant" else (lambda i: 0.1 / (i + 1))
    eager, _ = _manual_sgd_run(False, 10, lr)
    compiled, run = _manual_sgd_run(True, 10, lr)
    for a, b in zip(eager, compiled):
        assert a[0] == b[0]
        for x, y in zip(a[1:], b[1:]):
            assert np.array_equal(x, y)
    assert run.n_traces == 1 and run.n_replays == 7 and run.n_fallbacks == 0


@pytest.mark.parametrize("rounding", ["int", "round", "math.floor", "math.ceil", "math.trunc"])
def test_an_int_made_from_a_float_argument_is_guarded(rounding: str) -> None:
    import math

    to_int = {"int": int, "round": round, "math.floor": math.floor, "math.ceil": math.ceil,
              "math.trunc": math.trunc}[rounding]

    @torch.compile
    def repeat(x: Any, times: float) -> Any:
        return x.repeat(to_int(times)) * times

    x = torch.tensor([1.0, 2.0])
    for times in (2.2, 2.2, 2.2, 2.4, 2.4, 3.2, 3.3, 3.3):  # each call as eager computes it
        assert repeat(x, times).numpy().tolist() == (x.repeat(to_int(times)) * times).numpy().tolist()
    assert repeat.n_replays == 4 and repeat.n_traces == 2  # the same int replays; a new int traces again


def test_a_float_argument_rounded_to_digits_is_guarded() -> None:
    @torch.compile(fullgraph=True)
    def scaled(x: Any, scale: float) -> Any:
        return x * round(scale, 2)

    for scale in (0.123, 0.124, 0.125, 0.456, 0.456):
        assert scaled(torch.ones(2), scale).tolist() == (torch.ones(2) * round(scale, 2)).tolist()
    assert scaled.n_traces == 4 and scaled.n_replays == 1  # a new float traces again (fullgraph records at once)


def test_a_step_that_changes_state_at_every_call_stops_being_traced_after_the_limit() -> None:
    """`w.data = ...` puts a new array in the Value at every call: no trace of it can be replayed. After 8 such
    traces the function runs eagerly (torch's recompile limit), says so once, and keeps eager's numbers."""
    from tinygrad_lr.compiler import RECOMPILE_LIMIT

    def run(compiled: bool) -> tuple[list[float], Any]:
        w, _, x, y = _lesson_data()

        def step(x: Any, y: Any) -> Any:
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            w.data = w.data - 0.1 * w.grad.data
            w.grad = None
            return loss.detach()

        fn = torch.compile(step) if compiled else step
        return [fn(x, y).item() for _ in range(20)], fn

    eager, _ = run(False)
    with pytest.warns(UserWarning) as caught:
        compiled, fn = run(True)
    assert compiled == eager
    assert fn.n_traces == RECOMPILE_LIMIT and fn.n_replays == 0
    assert fn.n_fallbacks == 20 - RECOMPILE_LIMIT - 2  # two first calls, the traces, then eagerly
    messages = [str(w.message) for w in caught if "no longer traced" in str(w.message)]
    assert len(messages) == 1 and "changed" in messages[0] and "w._data" in messages[0]
    assert "traces never replayed: 8" in fn.explain()


def test_an_argument_new_at_every_call_stops_being_traced_after_the_limit() -> None:
    @torch.compile
    def shifted(x: Any, n: int) -> Any:
        return x + n

    x = torch.ones(2)
    with pytest.warns(UserWarning, match="pushed out of the cache unused"):
        for n in range(40):
            assert shifted(x, 10**6 + n).numpy().tolist() == [10**6 + n + 1.0] * 2
    # eight programs kept, eight pushed out unused, then no more tracing
    assert shifted.n_traces == 16 and shifted.n_wasted == 8 and shifted.n_replays == 0


@pytest.mark.parametrize("how", ["param_group", "keyword"])
def test_a_replay_time_float_times_a_value_is_computed_again_at_each_replay(how: str) -> None:
    """`group["lr"] * p.grad` (changed between calls, as by a scheduler) and `lr * p.grad` with lr a keyword
    argument: the float is a Sym while tracing, and the product goes through the Value's operator, so the replay
    reads the new lr."""

    def run(compiled: bool) -> list[Any]:
        torch.manual_seed(0)
        model, optimizer, x, _ = _simple()

        def step(lr: float = 0.0) -> Any:
            optimizer.zero_grad()
            loss = model(x).pow(2).mean()
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= (optimizer.param_groups[0]["lr"] if how == "param_group" else lr) * p.grad
            return loss.detach()

        fn = torch.compile(step) if compiled else step
        seen = []
        for _ in range(8):
            seen.append(fn(lr=optimizer.param_groups[0]["lr"]).item())
            seen.extend(p.detach().numpy().copy() for p in model.parameters())
            optimizer.param_groups[0]["lr"] *= 0.5  # as a scheduler does
        if compiled:
            assert fn.n_replays == 5 and fn.n_fallbacks == 0
        return seen

    for a, b in zip(run(False), run(True)):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("formula", ["math.sqrt", "math.cos", "abs", "floordiv", "mod", "math.isfinite"])
def test_python_arithmetic_on_a_replay_time_float_is_computed_again(formula: str) -> None:
    """What Python computes from a float argument (`math.sqrt(lr)`, `abs(lr)`, `lr // 0.1`, ...) is a value the
    replay computes again from the new argument; a bool from it (`math.isfinite`) is guarded like a branch."""
    import math

    # math's functions looked up at the call (as `math.sqrt(lr)` does): one taken by name before the trace
    # (`from math import sqrt`) cannot be seen (docs/design.md, Limits)
    scale = {"math.sqrt": lambda v: math.sqrt(v), "math.cos": lambda v: math.cos(v), "abs": abs,
             "floordiv": lambda v: v // 0.25 + 1.0, "mod": lambda v: v % 0.25,
             "math.isfinite": lambda v: v if math.isfinite(v) else 0.0}[formula]

    @torch.compile
    def scaled(x: Any, value: float) -> Any:
        return x * scale(value)

    x = torch.tensor([1.0, 2.0])
    values = [0.3, 0.3, 0.3, 0.7, 1.3, 0.9, 0.2]
    if formula == "math.isfinite":
        values.append(float("inf"))
    for value in values:
        assert np.array_equal(scaled(x, value).numpy(), (x * scale(value)).numpy())
    assert scaled.n_traces == (2 if formula == "math.isfinite" else 1)
    assert scaled.n_replays == len(values) - 2 - scaled.n_traces


@pytest.mark.parametrize("layers", ["dropout", "dropout_then_batch_norm", "batch_norm_then_dropout"])
def test_a_replay_stopped_by_a_check_after_a_dropout_draw_puts_the_generator_back(layers: str) -> None:
    """CrossEntropy checks its targets after the forward's Dropout drew its mask. A batch with a target out of
    range sends that check the other way: the replay stops there and the call runs eagerly (and raises torch's
    error), which must draw the mask eager would (the generator put back), or every later mask would differ.
    With BatchNorm the forward has written its running statistics before the check: the check goes before that
    write in the program, so a stopped replay has written nothing (eager then updates them once), and if the mask
    is drawn after that write, the check comes before the draw."""

    def build() -> tuple[Any, Any, Any]:
        hidden = {"dropout": [torch.nn.Dropout(0.5)],
                  "dropout_then_batch_norm": [torch.nn.Dropout(0.5), torch.nn.BatchNorm1d(8)],
                  "batch_norm_then_dropout": [torch.nn.BatchNorm1d(8), torch.nn.Dropout(0.5)]}[layers]
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), *hidden, torch.nn.Linear(8, 3))
        return model, torch.optim.SGD(model.parameters(), lr=0.1), torch.nn.CrossEntropyLoss()

    torch.manual_seed(0)
    x = torch.randn(6, 4)
    targets = torch.tensor([0, 1, 2, 0, 1, 2])
    out_of_range = torch.tensor([0, 1, 2, 0, 1, 7])
    batches = [(x, targets)] * 5 + [(x, out_of_range)] + [(x, targets)] * 4
    runs = []
    for compile_it in (False, True):  # one after the other: both draw from the global generator
        torch.manual_seed(1)
        model, optimizer, loss_fn = build()
        step = _training_step(model, optimizer, loss_fn)
        if compile_it:
            step = torch.compile(step)
        seen = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for batch in batches:
                try:
                    seen.append([step(*batch).numpy(), *_state(model, optimizer), *_buffers(model)])
                except IndexError as error:
                    seen.append([str(error), *_buffers(model)])
        runs.append(seen)
    assert runs[0][5][0] == "Target 7 is out of bounds."
    for eager, compiled in zip(*runs):
        if type(eager[0]) is str:
            assert eager[0] == compiled[0]
            _assert_same(eager[1:], compiled[1:])
        else:
            _assert_same(eager, compiled)
    # the call that raised left the .grads cleared (zero_grad ran): the next call is traced again
    assert step.n_replays == 5 and step.n_traces == 2 and step.n_fallbacks == 1 and "check" in step.explain()
    assert [str(w.message) for w in caught] == [
        "tinygrad_lr.compile: _training_step.<locals>.step runs eagerly: a branch on data went the other way "
        "than when it was traced"]


@pytest.mark.parametrize("how", ["read", "write"])
def test_a_replay_with_an_index_out_of_range_raises_torchs_error_with_eager_state(how: str) -> None:
    """Rows picked (or written) by an index array the batch brings, after a Dropout draw: a batch with a position
    outside the table stops the replay at its bounds check, before any write and with the generator put back, so
    the call runs eagerly and raises torch's error (NumPy's own, "for axis 0", is never what a replay shows);
    the steps after it match eager's."""

    def build() -> tuple[Any, Any]:
        table = torch.nn.Parameter(torch.randn(5, 3))
        return table, torch.optim.SGD([table], lr=0.1, momentum=0.9)

    def make_step(table: Any, optimizer: Any) -> Callable[[Any], Any]:
        def step(rows: Any) -> Any:
            optimizer.zero_grad()
            if how == "read":
                picked = table[rows]
            else:
                picked = table * 1.0
                picked[rows] = torch.zeros(3)
            loss = torch.nn.functional.dropout(picked, 0.5).square().sum()
            loss.backward()
            optimizer.step()
            return loss.detach()
        return step

    batches = [torch.tensor([0, 2, 4])] * 4 + [torch.tensor([1, 5, 0])] + [torch.tensor([0, 2, 4])] * 3
    runs = []
    for compile_it in (False, True):
        torch.manual_seed(3)
        table, optimizer = build()
        step = make_step(table, optimizer)
        if compile_it:
            step = torch.compile(step)
        seen: list[Any] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for rows in batches:
                try:
                    seen.append([step(rows).numpy(), table.detach().numpy().copy(), torch.rand(1).numpy()])
                except IndexError as error:
                    seen.append([str(error), table.detach().numpy().copy(), torch.rand(1).numpy()])
        runs.append(seen)
    assert runs[0][4][0] == "index 5 is out of bounds for dimension 0 with size 5 (indexing a Value of shape [5, 3])"
    for eager, compiled in zip(*runs):
        assert type(eager[0]) is type(compiled[0])
        if type(eager[0]) is str:
            assert eager[0] == compiled[0]
            _assert_same(eager[1:], compiled[1:])
        else:
            _assert_same(eager, compiled)
    assert step.n_replays == 3 and step.n_traces == 2 and step.n_fallbacks == 1 and "check" in step.explain()


@pytest.mark.parametrize("name", ["inv", "solve", "cholesky"])
def test_a_replay_meeting_a_matrix_numpy_cannot_factor_raises_torchs_error(name: str) -> None:
    """A singular (or not positive-definite) matrix met by a replay raises the error eager raises, torch's
    words, not NumPy's ("Singular matrix"); the next good matrix replays."""
    functions = {"inv": torch.linalg.inv, "solve": lambda a: torch.linalg.solve(a, torch.ones(2)),
                 "cholesky": torch.linalg.cholesky}
    factor = functions[name]
    compiled = torch.compile(lambda a: factor(a) * 2)
    good, bad = torch.tensor([[2.0, 0.5], [0.5, 1.0]]), torch.tensor([[1.0, 2.0], [2.0, 4.0]])
    for matrix in (good, good, good, good):
        assert np.array_equal(compiled(matrix).numpy(), (factor(matrix) * 2).numpy())
    with pytest.raises(torch.linalg.LinAlgError) as eager:
        factor(bad)
    with pytest.raises(torch.linalg.LinAlgError) as replayed:
        compiled(bad)
    assert str(replayed.value) == str(eager.value) and str(eager.value).startswith(("linalg.", "torch.linalg."))
    assert np.array_equal(compiled(good).numpy(), (factor(good) * 2).numpy())
    assert compiled.n_traces == 1 and compiled.n_fallbacks == 0 and compiled.n_replays == 2

INDEXED_STEPS = {
    "index_add": lambda x, i: x.index_add(0, i, torch.ones(2, 3, dtype=torch.float64)),
    "index_copy": lambda x, i: x.index_copy(0, i, torch.ones(2, 3, dtype=torch.float64)),
    "index_fill": lambda x, i: x.index_fill(0, i, 2.0),
    "take": lambda x, i: x.take(i * 5),
    "take_along_dim": lambda x, i: torch.take_along_dim(x, i * 5),
    "scatter_reduce": lambda x, i: x.scatter_reduce(0, i.reshape(2, 1).expand(2, 3), x[:2] * 2, "amax"),
}


@pytest.mark.parametrize("name", list(INDEXED_STEPS))
def test_a_replay_of_an_indexed_op_given_a_position_out_of_range_raises_eagers_error(name: str) -> None:
    """The bounds check runs before NumPy indexes, so a replay stops there and the call raises torch's words
    eagerly (NumPy's own error would be what a replay met otherwise)."""
    def step(x: Any, i: Any) -> Any:
        y = INDEXED_STEPS[name](x, i)
        (y * y).sum().backward()
        return y.detach()

    def call(fn: Any, rows: list[int]) -> str:
        try:
            fn(torch.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True), torch.tensor(rows))
        except (IndexError, RuntimeError) as error:
            return f"{type(error).__name__}: {error}"
        return "no error"

    compiled = torch.compile(step)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(4):
            assert call(compiled, [0, 2]) == "no error"
        assert compiled.n_replays == 1
        assert call(compiled, [0, 4]) == call(step, [0, 4]) != "no error"


def _buffers(model: Any) -> list[np.ndarray]:
    return [b.numpy().copy() for b in model.buffers()]


def _first(lines: list[str], word: str) -> int:
    return next(i for i, line in enumerate(lines) if word in line)


def test_batch_norm_and_cross_entropy_replay_with_the_target_check_before_the_running_statistics() -> None:
    """BatchNorm writes its running statistics in the forward; CrossEntropy then checks its targets (a branch
    on data). The check and the calls it reads (from the targets alone) go before the first write."""

    def build() -> tuple[Any, Any, Any]:
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                                    torch.nn.Linear(8, 3))
        return model, torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9), torch.nn.CrossEntropyLoss()

    rng = np.random.default_rng(0)
    batches = [(torch.from_numpy(rng.standard_normal((16, 4), dtype=np.float32)), torch.tensor(rng.integers(0, 3, 16)))
               for _ in range(3)]
    compiled = _run_both(build, batches, steps=9)
    assert compiled.n_replays == 6 and compiled.n_fallbacks == 0
    listing = compiled.explain().splitlines()
    first_write = _first(listing, "mark_modified")
    checks = [i for i, line in enumerate(listing) if line.strip().startswith("check ")]
    assert checks and max(checks) < first_write


def test_a_validation_loss_in_eval_mode_after_the_update_replays() -> None:
    """The eval-mode loss after `optimizer.step()` checks its targets after the parameters were written; the
    targets are an argument no call wrote, so the check goes first and the step replays."""
    torch.manual_seed(0)
    rng = np.random.default_rng(1)
    x, y = torch.from_numpy(rng.standard_normal((8, 4), dtype=np.float32)), torch.tensor(rng.integers(0, 3, 8))

    def train_then_validate(model: Any, optimizer: Any, loss_fn: Any) -> Callable[[Any, Any], Any]:
        def step(x: Any, y: Any) -> Any:
            model.train()
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            model.eval()
            with torch.no_grad():
                return loss.detach(), loss_fn(model(x), y)

        return step

    runs = []
    for compile_it in (False, True):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Dropout(0.3), torch.nn.Linear(8, 3))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        run = train_then_validate(model, optimizer, torch.nn.CrossEntropyLoss())
        if compile_it:
            run = torch.compile(run)
        runs.append([[v.numpy() for v in run(x, y)] + _state(model, optimizer) for _ in range(7)])
    for eager, compiled in zip(*runs):
        _assert_same(eager, compiled)
    assert run.n_replays == 4 and run.n_fallbacks == 0


def test_a_check_on_data_the_call_wrote_keeps_the_call_eager_or_raises_with_fullgraph() -> None:
    """Targets computed from parameters the update wrote: their check cannot go before the write."""
    model, optimizer, x, _ = _simple()
    head = torch.nn.Linear(2, 3)

    def step() -> Any:
        optimizer.zero_grad()
        model(x).pow(2).mean().backward()
        optimizer.step()
        target = (model.weight.detach()[0] * 0).long()  # zeros, made from the written weight
        return torch.nn.functional.cross_entropy(head(x[:2]), target).detach()

    with pytest.raises(NotReplayableError, match="computed from state the call had already changed"):
        torch.compile(step, fullgraph=True)()
    compiled = torch.compile(step)
    with pytest.warns(UserWarning, match="computed from state the call had already changed"):
        for _ in range(4):
            compiled()
    assert compiled.n_replays == 0


def test_a_shape_the_data_decides_is_checked_where_python_read_it() -> None:
    """`w[w > 0].mean()` divides by the number of positive elements, a number Python read from the mask's
    shape: the replay checks that shape (the same count replays; another runs eagerly), and gives eager's numbers,
    gradient included. `nonzero` alone, whose shape nothing in Python reads, replays at every count."""

    def masked_mean(x: Any) -> Any:
        w = x.clone().requires_grad_(True)
        y = w[w > 0].mean()
        y.backward()
        return y.detach(), w.grad

    compiled = torch.compile(masked_mean)
    counts = [2, 2, 2, 2, 3, 2, 1, 2]
    for count in counts:
        x = torch.tensor([1.0] * count + [-1.0] * (4 - count)) * torch.arange(1.0, 5.0)
        for a, b in zip(masked_mean(x), compiled(x)):
            assert np.array_equal(a.numpy(), b.numpy())
    assert compiled.n_replays == 3 and compiled.n_fallbacks == 2
    assert "check (b" in compiled.explain() and ".shape == (2,)) is True" in compiled.explain()

    nonzero = torch.compile(lambda x: torch.nonzero(x > 0))
    for count in counts:
        x = torch.tensor([1.0] * count + [-1.0] * (4 - count))
        assert np.array_equal(nonzero(x).numpy(), torch.nonzero(x > 0).numpy())
    assert nonzero.n_replays == len(counts) - 3


def test_a_shape_the_data_decides_read_after_the_state_changed_is_not_replayed() -> None:
    model, optimizer, x, _ = _simple()

    @torch.compile(fullgraph=True)
    def step() -> Any:
        optimizer.zero_grad()
        out = model(x)
        out.pow(2).mean().backward()
        optimizer.step()
        return out[out > 0].mean().detach()  # the count is read after the parameters were written

    with pytest.raises(NotReplayableError, match="size depends on data"):
        step()


def test_numpy_work_in_another_thread_during_a_trace_is_not_recorded() -> None:
    """While one thread traces, NumPy's creation functions and the generator's draws are swapped process-wide and
    the traced state holds traced arrays; another thread's calls must still be its own: plain arrays back, nothing
    in the program (a replay would redo them, drawing from the generator at every step)."""
    import _thread
    import threading

    model = torch.nn.Linear(2, 1)
    x = torch.ones(4, 2)
    seen: list[Any] = []

    def make_pause() -> tuple[Callable[[], None], Callable[[], None]]:
        """`pause()` in the traced call lets the other thread run `work` and waits for it. Its state is three
        locks, which the compiled call's state walk cannot look into, and which are as they were after the call
        (else the call would have changed state, and its trace could not be kept)."""
        armed, start, finished = _thread.allocate_lock(), _thread.allocate_lock(), _thread.allocate_lock()
        for lock in (armed, start, finished):
            lock.acquire()

        def work() -> None:
            start.acquire()
            drawn = torch.rand(3)  # the global generator's uniform draw (random64)
            made = np.zeros(2) + 1.0
            weight = model.weight._data * 2.0  # a traced array of the state, read by another thread
            seen.append((type(drawn._data), type(made), type(weight)))
            finished.release()

        def pause() -> None:
            if threading.current_thread() is threading.main_thread() and armed.acquire(blocking=False):
                start.release()
                finished.acquire()

        def arm() -> None:
            armed.release()
            threading.Thread(target=work).start()

        return pause, arm

    pause, arm = make_pause()

    def forward(x: Any) -> Any:
        with torch.no_grad():
            y = model(x).sum()
        pause()
        return y

    compiled, alone = torch.compile(forward), torch.compile(forward)
    compiled(x), compiled(x)  # the first calls, eager
    arm()
    compiled(x)  # traced, with the other thread at work
    assert seen == [(np.ndarray, np.ndarray, np.ndarray)]
    for _ in range(3):
        alone(x)
    assert compiled.explain().split("\n")[1:] == alone.explain().split("\n")[1:]  # the same program
    torch.manual_seed(0)
    assert np.array_equal(compiled(x).numpy(), forward(x).numpy()) and compiled.n_replays == 1
    assert torch.rand(1).item() == (torch.manual_seed(0), torch.rand(1).item())[1]  # no draw was replayed


def _linear_mse_setup(seed: int, rows: int) -> tuple[Any, Any, Any, Any]:
    torch.manual_seed(seed)
    model = torch.nn.Linear(4, 1)
    return model, torch.optim.SGD(model.parameters(), lr=0.01), torch.randn(rows, 4), torch.randn(rows, 1)


def _train_step(model: Any, optimizer: Any, x: Any, y: Any) -> Any:
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()  # `step`: also the name of the compiled function below, a global of this module
    return loss.detach()


step = torch.compile(_train_step)


def test_a_global_that_shares_its_name_with_an_attribute_the_function_reads_is_not_its_state() -> None:
    """`optimizer.step()` puts the name `step` in the code's names; the global `step` (this compiled function)
    is not something the function reads: the walk must not go into its programs (it gave up, past 20000
    objects, and every call ran eagerly)."""
    model, optimizer, x, y = _linear_mse_setup(0, 8)
    fresh = torch.compile(_train_step)
    globals()["step"] = fresh
    try:
        for _ in range(6):
            fresh(model, optimizer, x, y)
    finally:
        globals()["step"] = step
    assert fresh.n_replays == 3 and fresh.n_fallbacks == 0


def test_two_threads_replaying_one_program_with_kept_buffers_get_their_own_numbers() -> None:
    """Two models trained in two threads through one compiled function share its program, whose `np.empty`
    buffers are kept between replays: one replay at a time (they wrote into each other's buffers)."""
    import threading

    rows, steps = 100_000, 30
    expected = []
    for seed in (1, 2):
        model, optimizer, x, y = _linear_mse_setup(seed, rows)
        expected.append([_train_step(model, optimizer, x, y).item() for _ in range(steps)])
    compiled = torch.compile(_train_step)
    setups = [_linear_mse_setup(seed, rows) for seed in (1, 2)]
    got: list[list[float]] = [[], []]

    def train(k: int) -> None:
        for _ in range(steps):
            got[k].append(compiled(*setups[k]).item())

    threads = [threading.Thread(target=train, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == expected
    # (a call that finds the other thread tracing runs eagerly, not counted as a fallback: none is)
    assert compiled.n_replays > steps and compiled.n_fallbacks == 0
    assert "with _KEPT_LOCK:" in compiled.traces[0].source


LEARNING_RATE = 0.1
LOSS_SCALE = 2
REDUCTION = "mean"


def test_a_python_setting_held_by_a_global_is_read_at_replay_or_guarded() -> None:
    """Globals the function loads that hold plain values (a manual schedule changing `LEARNING_RATE`, an int, a
    str) were not part of the state: a replay kept the values of the trace. A float is now read at replay;
    the others are guarded (a change traces again)."""
    global LEARNING_RATE, LOSS_SCALE, REDUCTION

    def run(compiled: bool) -> tuple[list[float], Any]:
        global LEARNING_RATE, LOSS_SCALE, REDUCTION
        LEARNING_RATE, LOSS_SCALE, REDUCTION = 0.1, 2, "mean"
        w, _, x, y = _lesson_data()

        def step(x: Any, y: Any) -> Any:
            loss = torch.nn.functional.mse_loss(x @ w, y, reduction=REDUCTION) * LOSS_SCALE
            loss.backward()
            with torch.no_grad():
                w.sub_(LEARNING_RATE * w.grad)
                w.grad.zero_()
            return loss.detach()

        fn = torch.compile(step) if compiled else step
        losses = []
        for i in range(12):
            losses.append(fn(x, y).item())
            LEARNING_RATE, LOSS_SCALE, REDUCTION = {5: (0.01, 2, "mean"), 7: (0.01, 3, "mean"),
                                                    9: (0.01, 3, "sum")}.get(i, (LEARNING_RATE, LOSS_SCALE,
                                                                                 REDUCTION))
        return losses, fn

    try:
        eager, _ = run(False)
        compiled, fn = run(True)
    finally:
        LEARNING_RATE, LOSS_SCALE, REDUCTION = 0.1, 2, "mean"
    assert compiled == eager
    assert fn.n_traces == 3 and fn.n_replays == 7  # the int and the str trace again; the float is read



SCALE = np.float32(0.5)


def test_a_numpy_scalar_held_by_a_global_or_an_attribute_is_guarded() -> None:
    """`SCALE = np.float32(0.5)`: a NumPy scalar is a plain value like an int. It was not part of the state, so
    a replay multiplied by the traced 0.5 after the global became 0.25. Now a new value traces again."""
    global SCALE

    def scaled(x: Any) -> Any:
        return x * SCALE

    compiled, x = torch.compile(scaled), torch.ones(3)
    try:
        for value in (0.5, 0.5, 0.5, 0.5, 0.25, 0.25, np.float64(0.25), np.float64(0.25)):
            SCALE = np.float32(value) if type(value) is float else value
            assert np.array_equal(compiled(x).numpy(), scaled(x).numpy()), value
    finally:
        SCALE = np.float32(0.5)
    assert compiled.n_traces == 3 and compiled.n_replays == 3

    class Scaled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = np.float32(0.5)

        def forward(self, x: Any) -> Any:
            return x * self.scale

    module = Scaled()
    with torch.no_grad():
        compiled_module = torch.compile(module)
        for value in (0.5, 0.5, 0.5, 0.5, 3.0):
            module.scale = np.float32(value)
            assert compiled_module(x).tolist() == [value] * 3


class _Mode(enum.Enum):
    DOUBLE = 1
    TRIPLE = 2


_Scaling = collections.namedtuple("_Scaling", "scale")


class _Slotted:
    __slots__ = ("scale",)

    def __init__(self, scale: float) -> None:
        self.scale = scale
# each kind of plain value or container a global may hold: (the global's first value, the change, how it is read)
_HELD = {
    "OrderedDict": (lambda: collections.OrderedDict(scale=0.5), lambda g: g.update(scale=0.25), lambda g: g["scale"]),
    "defaultdict": (lambda: collections.defaultdict(float, scale=0.5), lambda g: g.update(scale=0.25),
                    lambda g: g["scale"]),
    "set": (lambda: {"double"}, lambda g: g.discard("double"), lambda g: 2.0 if "double" in g else 1.0),
    "deque": (lambda: collections.deque([0.5]), lambda g: g.append(0.25), lambda g: g[-1]),
    "frozenset": (lambda: frozenset({"double"}), lambda g: frozenset(), lambda g: 2.0 if "double" in g else 1.0),
    "Enum": (lambda: _Mode.DOUBLE, lambda g: _Mode.TRIPLE, lambda g: 2.0 if g is _Mode.DOUBLE else 3.0),
    "range": (lambda: range(2), lambda g: range(3), lambda g: float(len(g))),
    "Fraction": (lambda: fractions.Fraction(1, 2), lambda g: fractions.Fraction(1, 4), float),
    "namedtuple": (lambda: _Scaling(0.5), lambda g: g._replace(scale=0.25), lambda g: g.scale),
    "bytearray": (lambda: bytearray(b"\x02"), lambda g: g.__setitem__(0, 3), lambda g: float(g[0])),
    "array.array": (lambda: array.array("d", [0.5]), lambda g: g.__setitem__(0, 0.25), lambda g: g[0]),
    "__slots__": (lambda: _Slotted(0.5), lambda g: setattr(g, "scale", 0.25), lambda g: g.scale),
}
HELD: Any = None


@pytest.mark.parametrize("kind", list(_HELD))
def test_a_global_of_any_plain_kind_changed_between_calls_reaches_the_replay(kind: str) -> None:
    """Globals holding a dict or tuple of another class, a set, a deque, an Enum, a range, a Fraction, a buffer
    (bytearray, array.array) or an object with __slots__ were not
    part of the state: a replay kept what the trace read after they changed (a silent wrong number). Each is
    now walked (or compared whole): a float in a dict is read at replay, other changes trace again."""
    global HELD
    first, change, read = _HELD[kind]

    def scaled(x: Any) -> Any:
        return x * read(HELD)

    compiled, x = torch.compile(scaled), torch.ones(3)
    HELD = first()
    try:
        for call in range(8):
            if call == 5:
                changed = change(HELD)  # in place (returns None) or a new value
                HELD = HELD if changed is None else changed
            assert np.array_equal(compiled(x).numpy(), scaled(x).numpy()), call
    finally:
        HELD = None
    traces = 1 if kind in ("OrderedDict", "defaultdict") else 2  # a dict's float is read at replay
    assert compiled.n_traces == traces and compiled.n_replays == 6 - traces


def test_a_step_that_logs_runs_eagerly_and_logs_every_call() -> None:
    """A logging call (at an enabled level) writes a record a replay would not write again: the call runs
    eagerly, with every record written; at a disabled level it writes nothing, and the step replays."""
    stream = io.StringIO()
    logger = logging.getLogger("tinygrad_lr.tests.compile")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for level, replays in ((logging.INFO, 0), (logging.WARNING, 3)):
            logger.setLevel(level)

            def step(x: Any) -> Any:
                logger.info("a step")
                return x * 2

            compiled = torch.compile(step)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for _ in range(6):
                    compiled(torch.ones(2))
            assert compiled.n_replays == replays
        assert stream.getvalue() == "a step\n" * 6
    finally:
        logger.removeHandler(handler)


def test_settings_read_by_the_users_functions_that_the_step_calls_reach_the_replay() -> None:
    """A helper the step calls reads its own globals and closure (`def helper(x): return x * SCALE`): those
    were not part of the state, so a replay kept what the trace read after they changed (a silent wrong number).
    The walk now follows the user's functions the step reaches, to any depth, in any module."""
    other_module: dict[str, Any] = {"__name__": "users_helpers", "FACTOR": 2.0}
    exec("def doubled(x):\n    return x * FACTOR\n", other_module)  # noqa: S102 - a function of another module
    settings = {"flag": True}

    def make_scale() -> Callable[[Any], Any]:
        offset = [1.0]

        def scale(x: Any) -> Any:
            return (other_module["doubled"](x) if settings["flag"] else x) + offset[0]

        scale.offset = offset  # type: ignore[attr-defined]
        return scale

    scale = make_scale()

    def helper(x: Any) -> Any:
        return scale(x) * HELPER_SCALE

    def step(x: Any) -> Any:
        return helper(x) - 1

    global HELPER_SCALE
    compiled, x = torch.compile(step), torch.ones(3)
    changes = {4: lambda: globals().update(HELPER_SCALE=0.25), 6: lambda: scale.offset.__setitem__(0, 3.0),
               8: lambda: settings.update(flag=False), 10: lambda: other_module.update(FACTOR=5.0)}
    try:
        for call in range(12):
            changes.get(call, lambda: None)()
            assert compiled(x).tolist() == step(x).tolist(), call
    finally:
        HELPER_SCALE = 0.5
    assert compiled.n_traces == 3 and compiled.n_replays == 7  # floats read at replay; the list and flag trace



def test_code_passed_or_held_is_guarded_as_itself() -> None:
    """An activation passed as an argument (a function, a bound method, a partial) was guarded by its type only:
    a replay kept calling the traced one after another was passed (a silent wrong number). A function is now
    guarded as itself, a bound method by its function and its object, a partial by what it binds; a function
    held by a module's attribute is guarded too."""
    def triple(x: Any) -> Any:
        return x * 3

    layer = torch.nn.Linear(2, 2)
    activations = [torch.relu] * 4 + [torch.tanh] * 2 + [triple] * 2 + [functools.partial(torch.clamp, min=0.1)] * 2
    activations += [functools.partial(torch.clamp, min=0.2)] * 2 + [layer.forward] * 2 + [torch.nn.Linear(2, 2).forward]
    applied = torch.compile(lambda x, act: act(x))
    x = torch.tensor([[-0.5, 0.5]])
    with torch.no_grad():
        for act in activations:
            assert applied(x, act).tolist() == act(x).tolist()
    assert applied.n_replays >= 2  # (a new argument signature is first watched: see _signature)

    class Block(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.activation = torch.relu

        def forward(self, x: Any) -> Any:
            return self.activation(x)

    block = Block()
    compiled = torch.compile(block)
    with torch.no_grad():
        for call in range(6):
            if call == 4:
                block.activation = torch.sigmoid
            assert compiled(x).tolist() == block(x).tolist()


class _Inner(torch.nn.Module):
    FACTOR = 2.0  # a class attribute the forward reads through self

    def forward(self, x: Any) -> Any:
        return x * HELPER_SCALE * self.FACTOR


class _Outer(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = _Inner()

    @staticmethod
    def shift(x: Any) -> Any:
        return x + HELPER_OFFSET

    def forward(self, x: Any) -> Any:
        return self.shift(self.inner(x))


HELPER_OFFSET = 1.0


def test_what_the_methods_of_the_users_modules_read_reaches_the_replay() -> None:
    """A Module of the user's whose forward (or a submodule's, or a staticmethod it calls) reads a global, or a
    class attribute through self: none was state, so a replay kept the traced values after they changed. The
    walk now reads the user's classes of each object: their data attributes and what their methods read."""
    global HELPER_SCALE, HELPER_OFFSET
    model = _Outer()
    compiled_module, compiled_step = torch.compile(model), torch.compile(lambda x: model(x))
    x = torch.ones(2)
    changes = {4: lambda: globals().update(HELPER_SCALE=0.25), 6: lambda: setattr(_Inner, "FACTOR", 3.0),
               8: lambda: globals().update(HELPER_OFFSET=5.0)}
    try:
        with torch.no_grad():
            for call in range(10):
                changes.get(call, lambda: None)()
                assert compiled_module(x).tolist() == compiled_step(x).tolist() == model(x).tolist(), call
    finally:
        HELPER_SCALE, HELPER_OFFSET, _Inner.FACTOR = 0.5, 1.0, 2.0
    assert compiled_step.n_replays >= 3


def test_a_new_default_dtype_traces_again() -> None:
    """`set_default_dtype(float64)` between calls: what the call creates from Python numbers is float64 in eager
    execution; a replay kept the traced float32 (a silent wrong dtype). The default dtype is now guarded."""
    def made(x: Any) -> Any:
        return torch.zeros(3) + torch.tensor(1.5) + x

    compiled, x = torch.compile(made), torch.ones(3)
    try:
        for call in range(8):
            if call == 4:
                torch.set_default_dtype(torch.float64)
            ours, eager = compiled(x), made(x)
            assert ours.dtype == eager.dtype and ours.tolist() == eager.tolist(), call
    finally:
        torch.set_default_dtype(torch.float32)
    assert compiled.n_traces == 2 and compiled.n_replays == 4

HELPER_SCALE = 0.5

CONFIG: dict[str, Any] = {"lr": 0.1}
SETTINGS = argparse.Namespace(lr=0.1)
RECORDED_LOSSES: list[Any] = []


@pytest.mark.parametrize("kind", ["dict", "namespace", "list"])
def test_settings_and_records_held_by_globals_are_state(kind: str) -> None:
    """A config dict, parsed arguments and a list the step appends its loss to, all globals: a changed setting
    reaches the replay (a dict's float read at replay, an attribute guarded), and an append, Python code a replay
    would skip, keeps the call eager (the list has every loss)."""

    def run(compiled: bool) -> tuple[list[float], int, Any]:
        CONFIG["lr"], SETTINGS.lr = 0.1, 0.1
        RECORDED_LOSSES.clear()
        w, _, x, y = _lesson_data()

        def step(x: Any, y: Any) -> Any:
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            lr = CONFIG["lr"] if kind == "dict" else SETTINGS.lr
            with torch.no_grad():
                w.sub_(lr * w.grad)
                w.grad.zero_()
            if kind == "list":
                RECORDED_LOSSES.append(loss.detach())
            return loss.detach()

        fn = torch.compile(step) if compiled else step
        losses = []
        for i in range(10):
            losses.append(fn(x, y).item())
            if i == 5 and kind == "dict":
                CONFIG["lr"] = 0.01
            elif i == 5:
                SETTINGS.lr = 0.01
        return losses, len(RECORDED_LOSSES), fn

    eager = run(False)
    compiled = run(True)
    assert compiled[:2] == eager[:2]
    fn = compiled[2]
    expected = {"dict": (1, 7), "namespace": (2, 6), "list": (8, 0)}[kind]  # traces, replays
    assert (fn.n_traces, fn.n_replays) == expected


def test_an_attribute_set_on_a_function_is_state_a_replay_would_not_update() -> None:
    """`step.calls += 1` on the function itself: the walk reads a function's attributes, so the change is seen
    and that call's program is not replayed (replays would skip the count)."""
    model, optimizer, x, _ = _simple()

    def counted() -> Any:
        counted.calls += 1  # type: ignore[attr-defined]
        optimizer.zero_grad()
        loss = model(x).pow(2).mean()
        loss.backward()
        optimizer.step()
        return loss.detach()

    counted.calls = 0  # type: ignore[attr-defined]
    step = torch.compile(counted)
    with pytest.warns(UserWarning, match="without a replay"):
        for _ in range(14):
            step()
    assert counted.calls == 14 and step.n_replays == 0  # type: ignore[attr-defined]


class _Settings:  # a class of the user's, used as a namespace of settings
    lr = 0.1
    clip = 5


def test_settings_held_by_a_class_of_the_user_s_are_guarded() -> None:
    """`_Settings.lr`, changed by hand between steps: the walk reads the class's data attributes, so a new value
    traces again instead of replaying the traced one."""

    def by_hand(model: Any, x: Any) -> Callable[[], Any]:
        def step() -> Any:
            loss = model(x).pow(2).mean()
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= _Settings.lr * p.grad.clamp(-_Settings.clip, _Settings.clip)
                    p.grad.zero_()
            return loss.detach()

        return step

    runs = []
    for compile_it in (False, True):
        _Settings.lr = 0.1
        torch.manual_seed(0)
        model, _, x, _ = _simple()
        run = torch.compile(by_hand(model, x)) if compile_it else by_hand(model, x)
        trail = []
        for i in range(10):
            if i == 5:
                _Settings.lr = 0.02
            trail.append([run().item(), *(p.detach().numpy().copy() for p in model.parameters())])
        runs.append(trail)
    for a, b in zip(*runs):
        assert a[0] == b[0] and all(np.array_equal(u, v) for u, v in zip(a[1:], b[1:]))
    assert run.n_traces == 2 and run.n_replays >= 4


class _Log:  # a logger of the user's that keeps what it is given
    def __init__(self) -> None:
        self.losses: list[Any] = []

    def record(self, loss: Any) -> None:
        self.losses.append(loss)


_LOG = _Log()


def test_an_instance_of_a_class_of_the_user_s_that_the_step_changes_is_state() -> None:
    """A global logger whose list the step appends to: the walk reads it, so the change is seen and that call is
    not replayed (a replay would skip the append)."""
    model, optimizer, x, _ = _simple()
    _LOG.losses.clear()

    @torch.compile
    def step() -> None:
        optimizer.zero_grad()
        model(x).pow(2).mean().backward()
        optimizer.step()
        _LOG.record(model.weight.detach().sum())

    with pytest.warns(UserWarning, match="_LOG.losses"):
        for _ in range(12):
            step()
    assert len(_LOG.losses) == 12 and step.n_replays == 0


_NUMPY_RNG = np.random.default_rng(0)
_PYTHON_RNG = random.Random(0)


def _numpy_global(x: Any) -> Any:
    return x + torch.from_numpy(np.random.rand(3).astype(np.float32))


def _python_global(x: Any) -> Any:
    return x + random.random()


def _numpy_generator(x: Any) -> Any:
    return x + torch.from_numpy(_NUMPY_RNG.normal(size=3).astype(np.float32))


def _python_generator(x: Any) -> Any:
    return x + _PYTHON_RNG.random()


@pytest.mark.parametrize(("jittered", "reason"), [
    (_numpy_global, "np.random.rand()"), (_python_global, "random.random()"),
    (_numpy_generator, "draws from global _NUMPY_RNG"), (_python_generator, "draws from global _PYTHON_RNG"),
], ids=["numpy_global", "python_global", "numpy_generator", "python_generator"])
def test_draws_from_numpy_s_or_python_s_generators_keep_the_call_eager(jittered: Any, reason: str) -> None:
    """A replay would not draw again: the traced numbers would come back at every call. (A generator reached
    only through a function the step calls is not seen: design.md, Limits.)"""
    compiled = torch.compile(jittered)
    with pytest.warns(UserWarning, match=re.escape(reason)):
        seen = {tuple(compiled(torch.zeros(3)).tolist()) for _ in range(6)}
    assert len(seen) == 6 and compiled.n_replays == 0


def test_a_generator_the_step_can_reach_but_does_not_draw_from_lets_it_replay() -> None:
    @torch.compile
    def doubled(x: Any) -> Any:
        return x * (2 if _NUMPY_RNG is not None else 3)

    for _ in range(4):
        assert doubled(torch.ones(2)).tolist() == [2.0, 2.0]
    assert doubled.n_replays == 1


_DEFAULT_WEIGHT = torch.ones(3, requires_grad=True)


def _grad_into_a_default(x: Any, w: Any = _DEFAULT_WEIGHT) -> Any:
    loss = (x * w).sum()
    loss.backward()
    return loss.detach()


def _append_to_a_default(x: Any, *, seen: list[Any] = []) -> Any:  # noqa: B006 - the point of the test
    seen.append(1)
    return (x * 2).detach()


def test_default_arguments_are_state_the_walk_reads() -> None:
    """A Value given as a default (`w=w`) is updated like any parameter (its .grad accumulates at every replay);
    a list default the step appends to makes the call not replayable (replays would skip the append)."""
    _DEFAULT_WEIGHT.grad = None
    step = torch.compile(_grad_into_a_default)
    for _ in range(6):
        step(torch.ones(3))
    assert _DEFAULT_WEIGHT.grad.tolist() == [6.0, 6.0, 6.0] and step.n_replays == 3
    appending = torch.compile(_append_to_a_default)
    seen = _append_to_a_default.__kwdefaults__["seen"]
    seen.clear()
    with pytest.warns(UserWarning, match="default seen"):
        for _ in range(12):
            appending(torch.ones(3))
    assert len(seen) == 12 and appending.n_replays == 0


@pytest.mark.parametrize("writes", ["checkpoint", "log_line"])
def test_a_step_that_writes_a_file_stays_eager_so_that_it_writes_every_time(writes: str, tmp_path: Any) -> None:
    """A checkpoint saved, or a line appended to a log, inside the step: a replay would write nothing (and the
    file the traced call opened would be a closed constant of the program)."""
    model, optimizer, x, _ = _simple()
    path = tmp_path / "out"

    @torch.compile
    def step() -> Any:
        optimizer.zero_grad()
        model(x).pow(2).mean().backward()
        optimizer.step()
        if writes == "checkpoint":
            torch.save(model.state_dict(), path)
        else:
            with open(path, "a") as log:
                log.write("step\n")

    with pytest.warns(UserWarning, match="file input or output"):
        for _ in range(6):
            step()
    if writes == "checkpoint":
        assert np.array_equal(torch.load(path)["weight"].numpy(), model.weight.detach().numpy())
    else:
        assert path.read_text().count("step") == 6
    assert step.n_replays == 0


def test_a_print_in_the_step_keeps_it_eager_so_that_it_prints_every_time(capsys: Any) -> None:
    w, _, x, y = _lesson_data()

    @torch.compile
    def step(x: Any, y: Any) -> Any:
        loss = ((x @ w - y) ** 2).mean()
        print("a step")
        return loss.detach()

    with pytest.warns(UserWarning, match=r"runs print\(\), Python code a replay would not run"):
        for _ in range(5):
            step(x, y)
    assert capsys.readouterr().out == "a step\n" * 5 and step.n_replays == 0


def test_an_argument_made_by_a_graph_outside_is_read_at_replay_and_a_backward_through_it_stays_eager() -> None:
    """`h = x * 2` passed in carries a graph made outside the compiled function. Its data was not bound: replays
    used the traced call's numbers (silently). Now it is read at every replay; a backward through it would have
    to reach x's gradient, outside the program: that call runs eagerly, and both gradients are eager's."""

    @torch.compile
    def scaled_sum(h: Any) -> Any:
        with torch.no_grad():
            return (h * 3).sum()

    @torch.compile
    def weighted(h: Any, w: Any) -> Any:
        loss = (h * w).sum()
        loss.backward()
        return loss.detach()

    w = torch.ones(3, requires_grad=True)
    for i in range(6):
        x = torch.full((3,), float(i), requires_grad=True)
        assert scaled_sum(x * 2).item() == 6.0 * 3 * i
        w.grad = None
        assert weighted(x * 2, w).item() == 6.0 * i
        assert w.grad.numpy().tolist() == [2.0 * i] * 3 and x.grad.numpy().tolist() == [2.0] * 3
    assert scaled_sum.n_replays == 3 and weighted.n_replays == 0 and weighted.n_fallbacks == 4  # + the trace
    assert "made by a graph outside the compiled function (args[0])" in weighted.explain()


def test_the_globals_read_off_the_bytecode_are_those_dis_finds() -> None:
    """`reach.global_names` reads LOAD_GLOBAL off the bytecode itself; checked against `dis` on the package's own
    functions and on one with over 256 names (its LOAD_GLOBALs need EXTENDED_ARG)."""
    import dis
    import types

    from tinygrad_lr import compiler
    from tinygrad_lr.compiler import reach

    def by_dis(code: types.CodeType) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.argval for i in dis.get_instructions(code) if i.opname == "LOAD_GLOBAL"))

    source = "def many():\n" + "".join(f"    x.a{i} = 1\n" for i in range(300)) + "    return g1 + g2\n"
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 - a test's own generated function
    codes = [namespace["many"].__code__, _train_step.__code__, compiler.compile.__code__,
             compiler.CompiledFunction.__call__.__code__, reach.roots.__code__]
    for code in codes:
        assert reach.global_names(code) == by_dis(code)
    assert reach.global_names(namespace["many"].__code__) == ("x", "g1", "g2")


LESSON_PARAMETERS: list[Any] = []


def test_the_lessons_global_list_of_parameters_updated_by_hand_replays_bit_for_bit() -> None:
    """The classic loop: `params = [w, b]` at module level, updated in place under no_grad. The list was not part
    of the state (every call ran eagerly, the update writing into arrays the recorder did not know); it is now."""

    def step(x: Any, y: Any) -> Any:
        loss = ((x @ LESSON_PARAMETERS[0] + LESSON_PARAMETERS[1] - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in LESSON_PARAMETERS:
                p -= 0.1 * p.grad
                p.grad = None
        return loss.detach()

    runs = []
    for compiled in (False, True):
        w, b, x, y = _lesson_data()
        LESSON_PARAMETERS[:] = [w, b]
        fn = torch.compile(step) if compiled else step
        runs.append(([fn(x, y).item() for _ in range(10)], w.detach().numpy().copy(), b.detach().numpy().copy()))
    LESSON_PARAMETERS.clear()
    assert runs[0][0] == runs[1][0]
    assert np.array_equal(runs[0][1], runs[1][1]) and np.array_equal(runs[0][2], runs[1][2])
    assert fn.n_replays == 7 and fn.n_fallbacks == 0
