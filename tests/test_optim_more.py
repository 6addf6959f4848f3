"""Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD and LBFGS against torch: whole parameter trajectories (float64 to
1e-10, float32 to 1e-5), state dict keys and dtypes, parameter groups, resuming, and constructor error texts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch
from test_optim import TOLERANCE, regression_data, train_regression

import tinygrad_lr as tg
from tinygrad_lr import optim

CONFIGS = [
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}),
    ("Adadelta", {"lr": 0.5, "maximize": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.01, "betas": (0.3, 0.9), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.05, "maximize": True}),
    ("NAdam", {"lr": 0.05}),
    ("NAdam", {"lr": 0.05, "betas": (0.8, 0.99), "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {"lr": 0.05}),
    ("RAdam", {"lr": 0.05, "betas": (0.4, 0.8), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("Rprop", {}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}),
    ("Rprop", {"lr": 0.05, "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.05, "t0": 3, "maximize": True}),
]
IDS = [f"{n}-{'-'.join(o) or 'defaults'}" for n, o in CONFIGS]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "options"), CONFIGS, ids=IDS)
def test_training_run_matches_torch(name: str, options: dict, dtype: type) -> None:
    torch = require_torch()
    data = regression_data(dtype)
    ours = train_regression(tg, name, options, data, steps=40)
    theirs = train_regression(torch, name, options, data, steps=40)
    assert ours[0].dtype == dtype
    for step, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=0, atol=TOLERANCE[dtype], err_msg=f"step {step + 1}")
    assert not np.allclose(ours[0], ours[-1])  # the run really moved the weights


@pytest.mark.parametrize("default", [np.float32, np.float64])
@pytest.mark.parametrize(("name", "options"), CONFIGS[::3], ids=IDS[::3])
def test_state_keys_dtypes_and_values_match_torch(name: str, options: dict, default: type) -> None:
    """Also with float64 parameters under a float32 default dtype: NAdam's mu_product and ASGD's eta and mu
    are float32 in torch then, and rounded there."""
    torch = require_torch()
    data = regression_data(np.float64)
    before_tg, before_torch = tg.get_default_dtype(), torch.get_default_dtype()
    tg.set_default_dtype(tg.float64 if default == np.float64 else tg.float32)
    torch.set_default_dtype(torch.float64 if default == np.float64 else torch.float32)
    try:
        p = tg.tensor(data["w"].copy(), requires_grad=True)
        q = torch.tensor(data["w"].copy(), requires_grad=True)
        ours, theirs = getattr(optim, name)([p], **options), getattr(torch.optim, name)([q], **options)
        for _ in range(12):
            p.grad = tg.tensor(np.sin(3 * p.detach().numpy()))
            q.grad = torch.sin(3 * q.detach())
            ours.step()
            theirs.step()
    finally:
        tg.set_default_dtype(before_tg)
        torch.set_default_dtype(before_torch)
    mine, ref = ours.state_dict(), theirs.state_dict()
    assert list(mine["state"][0]) == list(ref["state"][0])
    for key, value in ref["state"][0].items():
        assert str(mine["state"][0][key].dtype) == str(value.dtype), key
        np.testing.assert_allclose(mine["state"][0][key].numpy(), value.numpy(), rtol=0, atol=1e-12, err_msg=key)
    np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=0, atol=1e-12)
    assert mine["param_groups"] == ref["param_groups"]


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD"])
def test_parameter_groups_with_their_own_options_match_torch(name: str) -> None:
    torch = require_torch()
    data = regression_data(np.float64)

    def run(lib: Any) -> np.ndarray:
        w = lib.tensor(data["w"].copy(), requires_grad=True)
        b = lib.tensor(data["b"].copy(), requires_grad=True)
        x, y = lib.tensor(data["x"]), lib.tensor(data["y"])
        opt = getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": 0.01}], lr=0.2)
        for _ in range(10):
            opt.zero_grad()
            ((x @ w + b - y) ** 2).mean().backward()
            opt.step()
        return np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()])

    np.testing.assert_allclose(run(tg), run(torch), rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "LBFGS"])
def test_state_dict_round_trip_resumes_identically(name: str) -> None:
    """float32 parameters: their state has the dtype of the scalar state, so loading casts nothing."""
    data = regression_data(np.float32)
    x, y = tg.tensor(data["x"]), tg.tensor(data["y"])
    options = {"lr": 0.05, "t0": 2} if name == "ASGD" else {"max_iter": 3} if name == "LBFGS" else {"lr": 0.05}

    def make() -> tuple[tg.Value, optim.Optimizer]:
        w = tg.tensor(data["w"].copy(), requires_grad=True)
        return w, getattr(optim, name)([w], **options)

    def train(w: tg.Value, opt: optim.Optimizer, steps: int) -> None:
        def closure() -> tg.Value:
            opt.zero_grad()
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            return loss

        for _ in range(steps):
            opt.step(closure)

    w_full, opt_full = make()
    train(w_full, opt_full, 6)
    w_a, opt_a = make()
    train(w_a, opt_a, 3)
    saved = opt_a.state_dict()
    w_b, opt_b = make()
    w_b.data.copy_(w_a.detach())
    opt_b.load_state_dict(saved)
    train(w_b, opt_b, 3)
    np.testing.assert_array_equal(w_b.detach().numpy(), w_full.detach().numpy())


@pytest.mark.parametrize(("name", "options"), [("NAdam", {"lr": 0.05}), ("ASGD", {"lr": 0.05, "t0": 2})])
def test_loading_casts_scalar_state_to_the_parameter_dtype_like_torch(name: str, options: dict) -> None:
    """torch casts every state tensor but `step` to the parameter's dtype on load, so a float64 parameter's float32
    `mu_product` / `eta` / `mu` come back as float64 and the run continues with them: the same here."""
    torch = require_torch()
    data = regression_data(np.float64)

    def run(lib: Any) -> tuple[np.ndarray, Any]:
        w = lib.tensor(data["w"].copy(), requires_grad=True)
        x, y = lib.tensor(data["x"]), lib.tensor(data["y"])
        opt = getattr(lib.optim, name)([w], **options)
        for i in range(8):
            if i == 4:
                opt.load_state_dict(opt.state_dict())
            opt.zero_grad()
            ((x @ w - y) ** 2).mean().backward()
            opt.step()
        return w.detach().numpy(), opt.state_dict()["state"][0]

    (ours, our_state), (theirs, their_state) = run(tg), run(torch)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    for key, value in their_state.items():
        assert str(our_state[key].dtype) == str(value.dtype), key


# ----- LBFGS -----------------------------------------------------------------------------------------------------

def lbfgs_run(lib: Any, problem: str, dtype: type, steps: int, **options: Any) -> tuple[list[np.ndarray], int]:
    """`steps` LBFGS steps on `problem`: the parameters before and after each step, and the closure calls made.

    'rosenbrock': the 2-D Rosenbrock function from (-1.5, 2), a curved valley that makes the line search work
    (and amplifies rounding, so only float64 and few steps). 'regression': least squares plus 0.1 * sum(w**4)."""
    if problem == "rosenbrock":
        params = [lib.tensor(np.array([-1.5, 2.0], dtype=dtype), requires_grad=True)]

        def objective() -> Any:
            xy = params[0]
            return (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2
    else:
        data = regression_data(dtype)
        params = [lib.tensor(data["w"].copy(), requires_grad=True), lib.tensor(data["b"].copy(), requires_grad=True)]
        x, y = lib.tensor(data["x"]), lib.tensor(data["y"])

        def objective() -> Any:
            w, b = params
            return ((x @ w + b - y) ** 2).mean() + 0.1 * (w**4).sum()

    opt = lib.optim.LBFGS(params, **options)
    evaluations = [0]

    def closure() -> Any:
        opt.zero_grad()
        loss = objective()
        loss.backward()
        evaluations[0] += 1
        return loss

    path = [np.concatenate([p.detach().numpy().ravel() for p in params])]
    for _ in range(steps):
        first_loss = opt.step(closure)
        assert first_loss.requires_grad  # step returns closure()'s first loss itself
        path.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    return path, evaluations[0]


LBFGS_CONFIGS = [
    ("rosenbrock", 2, {}),
    ("rosenbrock", 20, {"max_iter": 1}),
    ("rosenbrock", 4, {"line_search_fn": "strong_wolfe"}),
    ("rosenbrock", 4, {"lr": 0.8, "max_iter": 7, "history_size": 2, "line_search_fn": "strong_wolfe", "max_eval": 9}),
    ("regression", 3, {}),
    ("regression", 3, {"line_search_fn": "strong_wolfe"}),
    ("regression", 3, {"lr": 0.5, "max_iter": 5, "history_size": 3}),
    ("regression", 3, {"lr": 0.8, "max_iter": 7, "history_size": 2, "line_search_fn": "strong_wolfe", "max_eval": 9}),
    ("regression", 3, {"max_iter": 4, "tolerance_change": 1e-3, "tolerance_grad": 1e-2}),
]


# (in float32 the Rosenbrock valley turns one-ulp differences of the gradients into visible ones: float64 only)
LBFGS_RUNS = [
    pytest.param(problem, steps, options, dtype,
                 id=f"{problem}-{'-'.join(f'{k}={v}' for k, v in options.items()) or 'defaults'}-{dtype.__name__}")
    for problem, steps, options in LBFGS_CONFIGS
    for dtype in ([np.float64] if problem == "rosenbrock" else [np.float64, np.float32])
]


@pytest.mark.parametrize(("problem", "steps", "options", "dtype"), LBFGS_RUNS)
def test_lbfgs_path_matches_torch(problem: str, steps: int, options: dict, dtype: type) -> None:
    torch = require_torch()
    ours, our_evaluations = lbfgs_run(tg, problem, dtype, steps, **options)
    theirs, their_evaluations = lbfgs_run(torch, problem, dtype, steps, **options)
    if dtype == np.float64:  # (in float32 a stopping test can flip on the last bit)
        assert our_evaluations == their_evaluations
    for step, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=0, atol=TOLERANCE[dtype], err_msg=f"after step {step}")
    assert not np.allclose(ours[0], ours[1])  # the first step moved the parameters


def test_lbfgs_state_matches_torch() -> None:
    torch = require_torch()
    data = regression_data(np.float64)

    def run(lib: Any) -> Any:
        w = lib.tensor(data["w"].copy(), requires_grad=True)
        x, y = lib.tensor(data["x"]), lib.tensor(data["y"])
        opt = lib.optim.LBFGS([w], max_iter=3, history_size=4, line_search_fn="strong_wolfe")

        def closure() -> Any:
            opt.zero_grad()
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            return loss

        opt.step(closure)
        opt.step(closure)
        return opt.state_dict()

    mine, ref = run(tg), run(torch)
    assert list(mine["state"][0]) == list(ref["state"][0])
    for key, value in ref["state"][0].items():
        ours = mine["state"][0][key]
        if isinstance(value, list):
            assert len(ours) == len(value), key
            for a, b in zip(ours, value):
                assert (a is None) == (b is None), key
                if b is not None:
                    np.testing.assert_allclose(np.asarray(a.numpy()), b.numpy(), rtol=0, atol=1e-9, err_msg=key)
        elif hasattr(value, "numpy"):
            np.testing.assert_allclose(ours.numpy(), value.numpy(), rtol=0, atol=1e-9, err_msg=key)
        else:
            assert ours == pytest.approx(value, abs=1e-12), key
    assert mine["param_groups"] == ref["param_groups"]


def test_lbfgs_returns_the_first_loss_and_stops_at_an_optimum() -> None:
    w = tg.tensor([0.0, 0.0], requires_grad=True)
    opt = optim.LBFGS([w])
    calls = []

    def closure() -> tg.Value:
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        calls.append(float(loss))
        return loss

    loss = opt.step(closure)
    assert float(loss) == 0.0 and calls == [0.0]  # gradient 0: one evaluation, no move
    assert opt.state[w] == {"func_evals": 1, "n_iter": 0}


def test_lbfgs_errors_match_torch(torch: Any) -> None:
    a, b = tg.tensor([1.0], requires_grad=True), tg.tensor([1.0], requires_grad=True)
    ta, tb = torch.tensor([1.0], requires_grad=True), torch.tensor([1.0], requires_grad=True)
    assert_same_error(
        lambda: torch.optim.LBFGS([{"params": [ta]}, {"params": [tb]}]),
        lambda: optim.LBFGS([{"params": [a]}, {"params": [b]}]),
    )
    assert_same_error(lambda: torch.optim.LBFGS([ta], lr=-1), lambda: optim.LBFGS([a], lr=-1))

    def fail(lib: Any, p: Any) -> None:
        opt = lib.optim.LBFGS([p], line_search_fn="armijo")

        def closure() -> Any:
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        opt.step(closure)

    assert_same_error(lambda: fail(torch, ta), lambda: fail(tg, a))


# ----- constructor errors -----------------------------------------------------------------------------------------

BAD_OPTIONS = [
    ("Adadelta", {"lr": -1.0}), ("Adadelta", {"rho": 1.5}), ("Adadelta", {"eps": -1.0}),
    ("Adadelta", {"weight_decay": -1.0}),
    ("Adamax", {"lr": -1.0}), ("Adamax", {"eps": -1.0}), ("Adamax", {"betas": (1.0, 0.9)}),
    ("Adamax", {"betas": (0.9, -0.1)}), ("Adamax", {"weight_decay": -1.0}),
    ("NAdam", {"lr": -1.0}), ("NAdam", {"betas": (0.9, 1.0)}), ("NAdam", {"momentum_decay": -1.0}),
    ("NAdam", {"weight_decay": -0.5}), ("NAdam", {"eps": -1.0}),
    ("RAdam", {"lr": -1.0}), ("RAdam", {"betas": (-0.1, 0.9)}), ("RAdam", {"weight_decay": -1.0}),
    ("RAdam", {"eps": -1.0}),
    ("Rprop", {"lr": -1.0}), ("Rprop", {"etas": (1.5, 2.0)}), ("Rprop", {"etas": (0.5, 0.9)}),
    ("ASGD", {"lr": -1.0}), ("ASGD", {"weight_decay": -1.0}),
]


@pytest.mark.parametrize(("name", "options"), BAD_OPTIONS)
def test_invalid_options_raise_torchs_error(name: str, options: dict, torch: Any) -> None:
    assert_same_error(
        lambda: getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **options),
        lambda: getattr(optim, name)([tg.zeros(1, requires_grad=True)], **options),
    )


@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "LBFGS"])
def test_defaults_and_repr_match_torch(name: str, torch: Any) -> None:
    ours = getattr(optim, name)([tg.zeros(2, requires_grad=True)])
    theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
    assert ours.defaults == theirs.defaults
    assert repr(ours) == repr(theirs)


def test_docstrings_state_the_update() -> None:
    for name in ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "LBFGS"]:
        doc = getattr(optim, name).__doc__
        assert doc is not None and "p" in doc and len(doc.splitlines()) > 4, name
