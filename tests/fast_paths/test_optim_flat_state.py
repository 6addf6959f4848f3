"""Adam's flat state (`optim.flat_state`) gives exactly the per-parameter numbers, and steps aside when it must."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg
from tinygrad_lr.optim import flat_state

OPTIONS = [
    {},
    {"maximize": True},
    {"weight_decay": 0.1},
    {"weight_decay": 0.1, "decoupled_weight_decay": True},
    {"amsgrad": True, "weight_decay": 0.05},
]


def _params(dtype: Any = np.float32) -> list[tg.Tensor]:
    rng = np.random.default_rng(0)
    shapes = [(4, 3), (4,), (1, 4), (1,)]
    return [tg.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


def _run(params: list[tg.Tensor], optimizer: Any, steps: int, skip: dict[int, int] | None = None) -> None:
    """Steps with gradients from a fixed generator; at step s, parameter skip[s] gets no gradient."""
    rng = np.random.default_rng(1)
    for step in range(steps):
        optimizer.zero_grad()
        for i, p in enumerate(params):
            grad = rng.standard_normal(p.shape).astype(p.dtype)
            if skip is None or skip.get(step) != i:
                p.grad = tg.tensor(grad)
        optimizer.step()


def _per_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flat_state, "MAX_ELEMENTS", 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS)
def test_flat_adam_equals_per_parameter_adam_bit_for_bit(
    options: dict[str, Any], dtype: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    flat_params = _params(dtype)
    flat_optimizer = tg.optim.Adam(flat_params, lr=0.01, **options)
    _run(flat_params, flat_optimizer, 3)
    assert flat_optimizer._flat_groups, "the flat path was not taken"
    _run(flat_params, flat_optimizer, 4, skip={1: 1})  # one parameter without a gradient: per parameter again
    assert not flat_optimizer._flat_groups  # its step count now differs from the others'

    _per_parameter(monkeypatch)
    plain_params = _params(dtype)
    plain_optimizer = tg.optim.Adam(plain_params, lr=0.01, **options)
    _run(plain_params, plain_optimizer, 3)
    _run(plain_params, plain_optimizer, 4, skip={1: 1})
    assert not plain_optimizer._flat_groups

    for flat, plain in zip(flat_params, plain_params):
        np.testing.assert_array_equal(flat.detach().numpy(), plain.detach().numpy())
        for key, value in plain_optimizer.state[plain].items():
            np.testing.assert_array_equal(flat_optimizer.state[flat][key].numpy(), value.numpy())


def test_state_stays_one_value_per_parameter_and_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    params = _params()
    optimizer = tg.optim.AdamW(params, lr=0.01)
    _run(params, optimizer, 3)
    state = optimizer.state_dict()["state"]
    assert sorted(state) == [0, 1, 2, 3]
    assert all(state[i]["exp_avg"].shape == params[i].shape for i in range(4))
    assert all(float(state[i]["step"]) == 3.0 for i in range(4))
    saved = {i: {k: np.array(v.numpy()) for k, v in s.items()} for i, s in state.items()}

    # resume into a fresh optimizer from copies of the state: same numbers as the uninterrupted run
    resumed_params = [tg.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
    resumed = tg.optim.AdamW(resumed_params, lr=0.01)
    copied = {i: {k: tg.tensor(v) for k, v in s.items()} for i, s in saved.items()}
    resumed.load_state_dict({"state": copied, "param_groups": optimizer.state_dict()["param_groups"]})
    _run(params, optimizer, 2)
    _run(resumed_params, resumed, 2)
    for p, q in zip(params, resumed_params):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert float(resumed.state[resumed_params[0]]["step"]) == 5.0


def test_state_replaced_by_hand_is_used() -> None:
    params = _params()
    optimizer = tg.optim.Adam(params, lr=0.01)
    _run(params, optimizer, 3)
    optimizer.state[params[0]]["exp_avg"] = tg.zeros(4, 3)
    optimizer.state[params[0]]["exp_avg_sq"] = tg.zeros(4, 3)
    before = params[0].detach().numpy().copy()
    params[0].grad = tg.ones(4, 3)
    for p in params[1:]:
        p.grad = tg.zeros(*p.shape)
    optimizer.step()
    # from zero moments, m = 0.1 and v = 0.001 at step 4: the step is lr * m_hat / (sqrt(v_hat) + eps)
    m_hat, v_hat = 0.1 / (1 - 0.9**4), 0.001 / (1 - 0.999**4)
    expected = before - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(params[0].detach().numpy(), expected, rtol=1e-5)


def test_repeated_parameter_is_updated_twice_like_torch() -> None:
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    q = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        twice = tg.optim.Adam([p, p], lr=0.1)
    once = tg.optim.Adam([q], lr=0.1)
    for _ in range(3):
        p.grad = tg.tensor([0.5, -0.5])
        twice.step()
        for _ in range(2):
            q.grad = tg.tensor([0.5, -0.5])
            once.step()
    np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_a_gradient_of_another_dtype_falls_back_to_the_per_parameter_update(monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> tuple[list[tg.Tensor], Any]:
        params = [tg.zeros(3, requires_grad=True), tg.zeros(2, requires_grad=True)]
        optimizer = tg.optim.Adam(params, lr=0.1)
        for step in range(3):
            for p in params:
                p.grad = tg.ones(*p.shape)
            if step == 2:  # the public setter refuses this; the engine never produces it
                params[0]._grad = tg.ones(3, dtype=tg.float64)
            optimizer.step()
        return params, optimizer

    params, optimizer = run()
    assert not optimizer._flat_groups
    _per_parameter(monkeypatch)
    plain, _ = run()
    for p, q in zip(params, plain):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
