"""Whole training runs, written once and run with `lib = torch` and `lib = tinygrad_lr`: the same numbers.

The loops below are ordinary PyTorch code; only the module they receive differs. Initial weights come from
NumPy and are copied into both models, so float64 runs agree to 1e-10 and float32 runs to 1e-5.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg

TOLERANCE = {"float64": 1e-10, "float32": 1e-5}

OPTIMIZERS = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.02, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True, "maximize": False}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
]


def make_data(dtype: str, n: int = 30, d: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, d))
    y = np.sin(x @ rng.normal(size=(d, 1))) + 0.1 * rng.normal(size=(n, 1))
    return x.astype(dtype), y.astype(dtype)


def initial_weights(sizes: list[int], dtype: str, seed: int = 2) -> dict[str, np.ndarray]:
    """Weights for Sequential(Linear, Tanh, Linear, ...) keyed like its state_dict (Linear i sits at index 2i)."""
    rng = np.random.default_rng(seed)
    weights = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = 1 / np.sqrt(fan_in)
        weights[f"{2 * i}.weight"] = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype)
        weights[f"{2 * i}.bias"] = rng.uniform(-bound, bound, (fan_out,)).astype(dtype)
    return weights


def build_model(lib: Any, sizes: list[int], weights: dict[str, np.ndarray], dtype: str) -> Any:
    layers: list[Any] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [lib.nn.Linear(fan_in, fan_out), lib.nn.Tanh()]
    model = lib.nn.Sequential(*layers[:-1])
    if dtype == "float64":
        model = model.double()
    model.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    return model


def snapshot(model: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def train(lib: Any, name: str, options: dict, dtype: str, sizes: list[int], epochs: int = 3,
          batch_size: int = 8, scheduler: tuple[str, dict] | None = None) -> tuple[list[float], dict]:
    """A textbook PyTorch loop: DataLoader mini-batches, zero_grad, forward, loss, backward, step."""
    x, y = make_data(dtype)
    model = build_model(lib, sizes, initial_weights(sizes, dtype), dtype)
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y)),
                                       batch_size=batch_size, shuffle=False)
    optimizer = getattr(lib.optim, name)(model.parameters(), **options)
    sched = getattr(lib.optim.lr_scheduler, scheduler[0])(optimizer, **scheduler[1]) if scheduler else None
    loss_fn = lib.nn.MSELoss()
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        if sched is not None:
            sched.step()
    return losses, snapshot(model)


def assert_same_run(ours: tuple[list[float], dict], theirs: tuple[list[float], dict], atol: float) -> None:
    np.testing.assert_allclose(ours[0], theirs[0], rtol=0, atol=atol)
    assert list(ours[1]) == list(theirs[1])
    for key in theirs[1]:
        assert ours[1][key].dtype == theirs[1][key].dtype, key
        np.testing.assert_allclose(ours[1][key], theirs[1][key], rtol=0, atol=atol, err_msg=key)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("name", "options"), OPTIMIZERS, ids=[f"{n}{i}" for i, (n, _) in enumerate(OPTIMIZERS)])
def test_linear_regression_with_dataloader_matches_torch(name: str, options: dict, dtype: str) -> None:
    torch = require_torch()
    ours = train(tg, name, options, dtype, sizes=[3, 1])
    theirs = train(torch, name, options, dtype, sizes=[3, 1])
    assert_same_run(ours, theirs, TOLERANCE[dtype])
    assert not np.allclose(ours[1]["0.weight"], initial_weights([3, 1], dtype)["0.weight"], atol=1e-3)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_tanh_mlp_matches_torch(name: str, dtype: str) -> None:
    torch = require_torch()
    options = {"lr": 0.05, "momentum": 0.9} if name == "SGD" else {"lr": 0.01}
    ours = train(tg, name, options, dtype, sizes=[3, 16, 8, 1], epochs=4)
    theirs = train(torch, name, options, dtype, sizes=[3, 16, 8, 1], epochs=4)
    assert_same_run(ours, theirs, TOLERANCE[dtype])
    assert ours[0][-1] < ours[0][0]


@pytest.mark.parametrize(("scheduler", "options"), [
    ("StepLR", {"step_size": 2, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [1, 3]}),
    ("ExponentialLR", {"gamma": 0.8}),
    ("CosineAnnealingLR", {"T_max": 3, "eta_min": 0.001}),
    ("LambdaLR", {"lr_lambda": lambda epoch: 0.9**epoch}),
])
def test_training_with_a_scheduler_matches_torch(scheduler: str, options: dict) -> None:
    torch = require_torch()
    ours, theirs = (
        train(lib, "SGD", {"lr": 0.1, "momentum": 0.5}, "float64", [3, 4, 1], epochs=6, scheduler=(scheduler, options))
        for lib in (tg, torch)
    )
    assert_same_run(ours, theirs, 1e-10)


def test_full_batch_and_mini_batch_losses_are_batch_means() -> None:
    torch = require_torch()
    ours = train(tg, "SGD", {"lr": 0.1}, "float64", [3, 1], epochs=1, batch_size=7)  # 30 rows: last batch of 2
    theirs = train(torch, "SGD", {"lr": 0.1}, "float64", [3, 1], epochs=1, batch_size=7)
    assert len(ours[0]) == 5
    assert_same_run(ours, theirs, 1e-12)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_checkpoint_through_save_and_load_resumes_to_the_same_numbers(name: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    options = {"SGD": {"lr": 0.05, "momentum": 0.9}, "Adam": {"lr": 0.02, "amsgrad": True},
               "RMSprop": {"lr": 0.01, "centered": True, "momentum": 0.3}, "Adagrad": {"lr": 0.1}}[name]
    sizes = [3, 5, 1]
    x, y = make_data("float32")
    xs, ys = tg.tensor(x), tg.tensor(y)

    def fresh() -> tuple[Any, Any, Any]:
        model = build_model(tg, sizes, initial_weights(sizes, "float32"), "float32")
        opt = getattr(tg.optim, name)(model.parameters(), **options)
        return model, opt, tg.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

    def run(model: Any, opt: Any, sched: Any, epochs: int) -> None:
        for _ in range(epochs):
            for xb, yb in tg.utils.data.DataLoader(tg.utils.data.TensorDataset(xs, ys), batch_size=10):
                opt.zero_grad()
                tg.nn.MSELoss()(model(xb), yb).backward()
                opt.step()
            sched.step()

    straight = fresh()
    run(*straight, epochs=8)

    first = fresh()
    run(*first, epochs=4)
    path = tmp_path / "checkpoint.npz"
    tg.save({"model": first[0].state_dict(), "optimizer": first[1].state_dict(),
             "scheduler": first[2].state_dict(), "epoch": 4}, path)
    del first

    checkpoint = tg.load(path)
    resumed = fresh()
    resumed[0].load_state_dict(checkpoint["model"])
    resumed[1].load_state_dict(checkpoint["optimizer"])
    resumed[2].load_state_dict(checkpoint["scheduler"])
    assert checkpoint["epoch"] == 4
    run(*resumed, epochs=4)

    for key, value in snapshot(straight[0]).items():
        np.testing.assert_array_equal(snapshot(resumed[0])[key], value, err_msg=key)  # bit for bit
    assert resumed[1].param_groups[0]["lr"] == straight[1].param_groups[0]["lr"]


def test_model_state_dict_round_trips_into_torch() -> None:
    torch = require_torch()
    sizes = [3, 4, 1]
    ours = build_model(tg, sizes, initial_weights(sizes, "float32"), "float32")
    train_ours = train(tg, "Adam", {"lr": 0.01}, "float32", sizes, epochs=2)
    theirs = build_model(torch, sizes, train_ours[1], "float32")
    ours.load_state_dict({k: tg.tensor(v) for k, v in train_ours[1].items()})
    x, _ = make_data("float32")
    np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(), theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=0, atol=1e-6)
