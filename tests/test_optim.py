"""Optimizers: torch parity on whole training runs (plain leaf Values), bookkeeping, state dicts and error texts."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg
from tinygrad_lr import optim

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}

# (optimizer name, options): every option of every optimizer, alone and combined.
CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1, "nesterov": True, "maximize": True}),
    ("SGD", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "maximize": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "amsgrad": True}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6, "maximize": True}),
]


def regression_data(dtype: type, n: int = 24, d: int = 3, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    return {
        "x": x.astype(dtype),
        "y": (x @ rng.normal(size=(d, 1)) + 0.5 + 0.1 * rng.normal(size=(n, 1))).astype(dtype),
        "w": rng.normal(size=(d, 1)).astype(dtype),
        "b": rng.normal(size=(1,)).astype(dtype),
    }


def train_regression(lib: Any, name: str, options: dict, data: dict, steps: int) -> list[np.ndarray]:
    """Full-batch regression with `lib.optim.<name>`: the same loop for `lib = tinygrad_lr` and `lib = torch`."""
    w = lib.tensor(data["w"].copy(), requires_grad=True)
    b = lib.tensor(data["b"].copy(), requires_grad=True)
    x, y = lib.tensor(data["x"]), lib.tensor(data["y"])
    opt = getattr(lib.optim, name)([w, b], **options)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        history.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return history


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "options"), CONFIGS, ids=[f"{n}-{'-'.join(o)}" for n, o in CONFIGS])
def test_training_run_matches_torch(name: str, options: dict, dtype: type) -> None:
    torch = require_torch()
    data = regression_data(dtype)
    ours = train_regression(tg, name, options, data, steps=15)
    theirs = train_regression(torch, name, options, data, steps=15)
    assert ours[0].dtype == dtype
    for step, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=0, atol=TOLERANCE[dtype], err_msg=f"step {step + 1}")
    assert not np.allclose(ours[0], ours[-1])  # the run really moved the weights


@pytest.mark.parametrize(("name", "options"), CONFIGS[::3])
def test_state_matches_torch(name: str, options: dict) -> None:
    torch = require_torch()
    data = regression_data(np.float64)
    p = tg.tensor(data["w"].copy(), requires_grad=True)
    q = torch.tensor(data["w"].copy(), requires_grad=True)
    ours, theirs = getattr(optim, name)([p], **options), getattr(torch.optim, name)([q], **options)
    for _ in range(3):
        p.grad = tg.tensor(np.sin(p.detach().numpy()))
        q.grad = torch.sin(q.detach())
        ours.step()
        theirs.step()
    mine, ref = ours.state_dict()["state"], theirs.state_dict()["state"]
    assert list(mine) == list(ref) == ([] if name == "SGD" and not options.get("momentum") else [0])
    for key, value in ref.get(0, {}).items():
        assert mine[0][key].dtype == np.dtype(str(value.dtype).replace("torch.", "")), key
        np.testing.assert_allclose(mine[0][key].numpy(), value.numpy(), rtol=0, atol=1e-12, err_msg=key)
    if ref:
        assert list(mine[0]) == list(ref[0])


def test_step_counter_is_float64_when_default_dtype_is_float64() -> None:
    previous = tg.get_default_dtype()
    tg.set_default_dtype(tg.float64)
    try:
        p = tg.tensor([1.0, 2.0], requires_grad=True)
        opt = optim.Adam([p])
        p.grad = tg.ones_like(p)
        opt.step()
    finally:
        tg.set_default_dtype(previous)
    assert opt.state[p]["step"].dtype == np.float64
    assert opt.state[p]["step"].shape == ()
    assert opt.state[p]["step"].item() == 1.0


def test_adam_eps_goes_after_the_bias_correction() -> None:
    p = tg.tensor([0.0], dtype=tg.float64, requires_grad=True)
    opt = optim.Adam([p], lr=1.0, eps=1.0)
    p.grad = tg.tensor([1.0], dtype=tg.float64)
    opt.step()
    assert p.item() == pytest.approx(-0.5, abs=1e-15)


def test_sgd_first_momentum_step_uses_no_dampening() -> None:
    p = tg.tensor([1.0], dtype=tg.float64, requires_grad=True)
    opt = optim.SGD([p], lr=1.0, momentum=0.9, dampening=0.5)
    p.grad = tg.tensor([2.0], dtype=tg.float64)
    opt.step()
    assert opt.state[p]["momentum_buffer"].item() == 2.0  # a clone of g, not (1 - dampening) * g
    assert p.item() == -1.0
    opt.step()
    assert opt.state[p]["momentum_buffer"].item() == pytest.approx(0.9 * 2.0 + 0.5 * 2.0)


def test_momentum_buffer_is_not_the_gradient_array() -> None:
    p = tg.tensor([1.0, 1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = tg.tensor([1.0, 2.0])
    opt.step()
    p.grad.zero_()
    assert opt.state[p]["momentum_buffer"].tolist() == [1.0, 2.0]


def test_gradient_accumulation_over_two_backward_calls_matches_torch() -> None:
    torch = require_torch()
    data = regression_data(np.float64)
    halves = (slice(0, 12), slice(12, 24))
    w = tg.tensor(data["w"].copy(), requires_grad=True)
    tw = torch.tensor(data["w"].copy(), requires_grad=True)
    ours, theirs = optim.SGD([w], lr=0.1, momentum=0.9), torch.optim.SGD([tw], lr=0.1, momentum=0.9)
    for _ in range(4):
        ours.zero_grad()
        theirs.zero_grad()
        for part in halves:
            x, y = data["x"][part], data["y"][part]
            ((tg.tensor(x) @ w - tg.tensor(y)) ** 2).mean().backward()
            ((torch.from_numpy(x) @ tw - torch.from_numpy(y)) ** 2).mean().backward()
        np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=0, atol=1e-12)
        ours.step()
        theirs.step()
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=0, atol=1e-12)


def test_parameter_groups_with_their_own_options_match_torch() -> None:
    torch = require_torch()
    data = regression_data(np.float64)
    w = tg.tensor(data["w"].copy(), requires_grad=True)
    b = tg.tensor(data["b"].copy(), requires_grad=True)
    tw = torch.tensor(data["w"].copy(), requires_grad=True)
    tb = torch.tensor(data["b"].copy(), requires_grad=True)
    ours = optim.Adam([{"params": [w]}, {"params": b, "lr": 0.3, "betas": (0.5, 0.9)}], lr=0.05)
    theirs = torch.optim.Adam([{"params": [tw]}, {"params": tb, "lr": 0.3, "betas": (0.5, 0.9)}], lr=0.05)
    assert [list(g) for g in ours.param_groups] == [list(g) for g in theirs.param_groups]
    for _ in range(5):
        for opt, (xw, xb, x, y) in ((ours, (w, b, tg.tensor(data["x"]), tg.tensor(data["y"]))),
                                    (theirs, (tw, tb, torch.from_numpy(data["x"]), torch.from_numpy(data["y"])))):
            opt.zero_grad()
            ((x @ xw + xb - y) ** 2).mean().backward()
            opt.step()
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.detach().numpy(), tb.detach().numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_param_groups_layout_and_repr_match_torch(name: str) -> None:
    torch = require_torch()
    p, q = tg.zeros(2, requires_grad=True), tg.zeros(3, requires_grad=True)
    tp, tq = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    ours = getattr(optim, name)([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.25)
    theirs = getattr(torch.optim, name)([{"params": [tp]}, {"params": [tq], "lr": 0.5}], lr=0.25)
    for mine, ref in zip(ours.param_groups, theirs.param_groups):
        assert list(mine) == list(ref)
        assert {k: v for k, v in mine.items() if k != "params"} == {k: v for k, v in ref.items() if k != "params"}
    assert repr(ours) == repr(theirs)
    mine_sd, ref_sd = ours.state_dict(), theirs.state_dict()
    assert mine_sd["param_groups"] == ref_sd["param_groups"]
    assert list(mine_sd["state"]) == list(ref_sd["state"])


def test_params_without_grad_are_skipped_entirely() -> None:
    used, unused = tg.tensor([1.0], requires_grad=True), tg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([used, unused], lr=0.1, momentum=0.9, weight_decay=0.5)
    used.grad = tg.tensor([1.0])
    opt.step()
    assert unused.item() == 1.0  # no weight decay either
    assert unused not in opt.state and used in opt.state
    adam = optim.Adam([unused], weight_decay=1.0)
    adam.step()
    assert len(adam.state) == 0 and unused.item() == 1.0


def test_a_zero_gradient_is_not_skipped() -> None:
    p = tg.tensor([1.0], dtype=tg.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, weight_decay=0.5)
    p.grad = tg.zeros(1, dtype=tg.float64)
    opt.step()
    assert p.item() == pytest.approx(0.95, abs=1e-15)


def test_sgd_without_momentum_keeps_no_state() -> None:
    p = tg.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.ones(1)
    opt.step()
    assert opt.state_dict()["state"] == {}


def test_zero_grad_sets_to_none_or_zeros_in_place() -> None:
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.zero_grad()
    assert p.grad is None
    (p * p).sum().backward()
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and p.grad.tolist() == [0.0, 0.0] and not p.grad.requires_grad
    (p * 3).sum().backward()
    assert p.grad.tolist() == [3.0, 3.0]


def test_step_runs_closure_with_grad_enabled_and_returns_its_loss() -> None:
    p = tg.tensor([3.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.25)
    seen = []

    def closure() -> tg.Value:
        opt.zero_grad()
        seen.append(tg.is_grad_enabled())
        loss = (p * p).sum()
        loss.backward()
        return loss

    with tg.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert loss.item() == 9.0
    assert p.item() == pytest.approx(3.0 - 0.25 * 6.0)
    assert opt.step() is None


def test_step_is_not_recorded_in_a_graph() -> None:
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adam([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    assert p.is_leaf and p.grad_fn is None and p.requires_grad


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_state_dict_round_trip_resumes_identically(name: str) -> None:
    data = regression_data(np.float64)
    options = {"lr": 0.05} if name != "SGD" else {"lr": 0.05, "momentum": 0.9}

    def make() -> tuple[tg.Value, optim.Optimizer]:
        w = tg.tensor(data["w"].copy(), requires_grad=True)
        return w, getattr(optim, name)([w], **options)

    def train(w: tg.Value, opt: optim.Optimizer, steps: int) -> None:
        for _ in range(steps):
            opt.zero_grad()
            ((tg.tensor(data["x"]) @ w - tg.tensor(data["y"])) ** 2).mean().backward()
            opt.step()

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


def test_load_state_dict_takes_hyperparameters_from_the_saved_dict() -> None:
    p = tg.zeros(2, requires_grad=True)
    source = optim.SGD([p], lr=0.5, momentum=0.9)
    target = optim.SGD([tg.zeros(2, requires_grad=True)], lr=0.01)
    target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] == 0.5 and target.param_groups[0]["momentum"] == 0.9
    source.param_groups[0]["lr"] = 7.0
    assert target.param_groups[0]["lr"] == 0.5  # groups were copied, not shared


def test_load_state_dict_casts_state_to_the_parameter_dtype() -> None:
    p32 = tg.zeros(2, requires_grad=True)
    source = optim.Adam([p32])
    p32.grad = tg.ones(2)
    source.step()
    p64 = tg.zeros(2, dtype=tg.float64, requires_grad=True)
    target = optim.Adam([p64])
    target.load_state_dict(source.state_dict())
    assert target.state[p64]["exp_avg"].dtype == np.float64
    assert target.state[p64]["step"].dtype == np.float32  # step counters are never cast


def test_load_state_dict_errors() -> None:
    a, b = tg.zeros(2, requires_grad=True), tg.zeros(2, requires_grad=True)
    two_groups = optim.SGD([{"params": [a]}, {"params": [b]}]).state_dict()
    with pytest.raises(ValueError, match="^loaded state dict has a different number of parameter groups$"):
        optim.SGD([a, b]).load_state_dict(two_groups)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group$"):
        optim.SGD([{"params": [a, b]}, {"params": [tg.zeros(1, requires_grad=True)]}]).load_state_dict(two_groups)


def test_state_dict_indices_run_across_groups() -> None:
    a, b, c = (tg.zeros(1, requires_grad=True) for _ in range(3))
    opt = optim.SGD([{"params": [a, b]}, {"params": [c]}], lr=0.1, momentum=0.5)
    for p in (a, c):
        p.grad = tg.ones(1)
    opt.step()
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2]]
    assert sorted(state["state"]) == [0, 2]
    assert list(state["param_groups"][0])[-1] == "params"


def test_add_param_group_and_named_parameters() -> None:
    a, b = tg.zeros(1, requires_grad=True), tg.zeros(1, requires_grad=True)
    opt = optim.SGD([("weight", a)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight"]
    with pytest.raises(ValueError, match="cannot add param group without names"):
        opt.add_param_group({"params": [b]})
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.2})
    assert opt.param_groups[1]["lr"] == 0.2 and opt.param_groups[1]["params"] == [b]


def test_adagrad_creates_its_state_at_construction() -> None:
    p = tg.zeros(3, requires_grad=True)
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    assert opt.state[p]["sum"].tolist() == [0.25] * 3 and opt.state[p]["step"].item() == 0.0


class TestConstructorErrors:
    def test_empty_list(self) -> None:
        with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
            optim.SGD([])

    def test_bare_tensor(self) -> None:
        with pytest.raises(TypeError, match=r"iterable of Tensors or dicts, but got torch\.FloatTensor$"):
            optim.SGD(tg.zeros(2, requires_grad=True))

    def test_non_leaf(self) -> None:
        p = tg.zeros(2, requires_grad=True)
        with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
            optim.Adam([p * 2])

    def test_float_in_list(self) -> None:
        with pytest.raises(TypeError, match="^optimizer can only optimize Tensors, but one of the params is float$"):
            optim.SGD([tg.zeros(1, requires_grad=True), 1.5])

    def test_same_parameter_in_two_groups(self) -> None:
        p = tg.zeros(1, requires_grad=True)
        with pytest.raises(ValueError, match="^some parameters appear in more than one parameter group$"):
            optim.SGD([{"params": [p]}, {"params": [p]}])

    def test_duplicate_within_a_group_warns(self) -> None:
        p = tg.zeros(1, requires_grad=True)
        with pytest.warns(UserWarning, match="parameter group with duplicate parameters; in future"):
            optim.SGD([p, p])

    def test_set_of_parameters(self) -> None:
        with pytest.raises(TypeError, match="ordered collections"):
            optim.SGD([{"params": {tg.zeros(1, requires_grad=True)}}])


BAD_OPTIONS = [
    ("SGD", {"lr": -1}),
    ("SGD", {"momentum": -0.5}),
    ("SGD", {"weight_decay": -1}),
    ("SGD", {"nesterov": True}),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
    ("Adam", {"lr": -0.1}),
    ("Adam", {"eps": -1e-8}),
    ("Adam", {"betas": (1.0, 0.999)}),
    ("Adam", {"betas": (0.9, -0.1)}),
    ("Adam", {"weight_decay": -1e-2}),
    ("Adam", {"betas": (0, 0.9)}),
    ("AdamW", {"betas": (0.9, 1.5)}),
    ("RMSprop", {"alpha": -0.5}),
    ("RMSprop", {"momentum": -1}),
    ("RMSprop", {"eps": -1}),
    ("Adagrad", {"lr_decay": -1}),
    ("Adagrad", {"initial_accumulator_value": -1}),
    ("Adagrad", {"eps": -1}),
]


@pytest.mark.parametrize(("name", "options"), BAD_OPTIONS)
def test_invalid_options_raise_torchs_error(name: str, options: dict) -> None:
    torch = require_torch()
    assert_same_error(
        lambda: getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **options),
        lambda: getattr(optim, name)([tg.zeros(1, requires_grad=True)], **options),
    )


def test_sgd_accepts_negative_dampening_like_torch() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optim.SGD([tg.zeros(1, requires_grad=True)], momentum=0.9, dampening=-0.5)


def test_optimizer_docstrings_state_their_update() -> None:
    for cls in (optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad):
        assert "p = p -" in cls.__doc__ or "p <- p -" in cls.__doc__ or "p * (1 - lr" in cls.__doc__


@pytest.mark.parametrize(("name", "options"), [("Adam", {"lr": 0.05, "amsgrad": True}),
                                               ("SGD", {"lr": 0.05, "momentum": 0.9}),
                                               ("RMSprop", {"lr": 0.01, "centered": True})])
def test_a_torch_optimizer_state_dict_loads_and_continues_like_torch(name: str, options: dict) -> None:
    torch = require_torch()
    data = regression_data(np.float64)
    x, y = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])
    tw = torch.tensor(data["w"].copy(), requires_grad=True)
    theirs = getattr(torch.optim, name)([tw], **options)

    def torch_steps(k: int) -> None:
        for _ in range(k):
            theirs.zero_grad()
            ((x @ tw - y) ** 2).mean().backward()
            theirs.step()

    torch_steps(3)
    w = tg.tensor(tw.detach().numpy().copy(), requires_grad=True)
    ours = getattr(optim, name)([w], lr=123.0)
    ours.load_state_dict(theirs.state_dict())
    assert ours.param_groups[0]["lr"] == options["lr"]
    for _ in range(3):
        ours.zero_grad()
        ((tg.tensor(data["x"]) @ w - tg.tensor(data["y"])) ** 2).mean().backward()
        ours.step()
    torch_steps(3)
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=0, atol=1e-12)


def test_a_custom_optimizer_written_the_torch_way_works() -> None:
    class PlainSGD(optim.Optimizer):
        def __init__(self, params, lr: float = 0.1) -> None:  # type: ignore[no-untyped-def]
            super().__init__(params, {"lr": lr})

        @tg.no_grad()
        def step(self, closure=None):  # type: ignore[no-untyped-def]
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self.state[p]["seen"] = self.state[p].get("seen", 0) + 1
                        p.add_(p.grad, alpha=-group["lr"])

    p = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = PlainSGD([p], lr=0.5)
    (p * p).sum().backward()
    opt.step()
    assert p.tolist() == [0.0, 0.0] and opt.state_dict()["state"] == {0: {"seen": 1}}
    assert repr(opt) == "PlainSGD (\nParameter Group 0\n    lr: 0.5\n)"
