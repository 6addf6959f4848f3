"""nn.init: gains, fans, the bounds and spreads of each initialiser, in-place filling, reproducibility, errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg
from tinygrad_lr import nn
from tinygrad_lr.nn import init


def test_calculate_gain_matches_torch(torch: Any) -> None:
    cases = [("linear", None), ("sigmoid", None), ("conv2d", None), ("tanh", None), ("relu", None),
             ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("leaky_relu", 0), ("selu", None)]
    for nonlinearity, param in cases:
        assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_errors_match_torch(torch: Any) -> None:
    for args in (("swish",), ("leaky_relu", "x"), ("leaky_relu", True)):
        with pytest.raises(ValueError) as expected:
            torch.nn.init.calculate_gain(*args)
        with pytest.raises(ValueError) as got:
            init.calculate_gain(*args)
        assert str(got.value) == str(expected.value)


def test_initialisers_fill_in_place_and_return_the_tensor() -> None:
    param = nn.Parameter(tg.zeros(3, 4))  # requires grad: initialising must not count as a graph op
    for fill in (init.ones_, init.zeros_, lambda t: init.constant_(t, 2.5), init.uniform_, init.normal_,
                 init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_, init.kaiming_normal_, init.eye_):
        array = param.detach().numpy()
        assert fill(param) is param
        assert param.detach().numpy() is array or np.shares_memory(param.detach().numpy(), array)
        assert param.grad_fn is None and param.requires_grad
    init.constant_(param, 2.5)
    assert np.all(param.detach().numpy() == 2.5)
    init.eye_(param)
    np.testing.assert_array_equal(param.detach().numpy(), np.eye(3, 4))


def _sample(fill: Any, shape: tuple[int, ...] = (300, 400)) -> np.ndarray:
    tensor = tg.zeros(*shape, dtype=tg.float64)
    fill(tensor)
    return tensor.numpy()


def test_uniform_and_normal_have_the_requested_range_and_moments() -> None:
    tg.manual_seed(0)
    values = _sample(lambda t: init.uniform_(t, -2.0, 3.0))
    assert values.min() >= -2.0 and values.max() < 3.0
    assert values.mean() == pytest.approx(0.5, abs=0.02)
    values = _sample(lambda t: init.normal_(t, 1.0, 0.5))
    assert values.mean() == pytest.approx(1.0, abs=0.01)
    assert values.std() == pytest.approx(0.5, rel=0.01)


def test_xavier_bounds_and_std() -> None:
    fan_in, fan_out = 400, 300
    bound = 2.0 * math.sqrt(6.0 / (fan_in + fan_out))
    values = _sample(lambda t: init.xavier_uniform_(t, gain=2.0))
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound
    values = _sample(init.xavier_normal_)
    assert values.std() == pytest.approx(math.sqrt(2.0 / (fan_in + fan_out)), rel=0.01)


def test_kaiming_bounds_and_std_for_each_mode_and_nonlinearity() -> None:
    fan_in, fan_out = 400, 300
    for mode, fan in (("fan_in", fan_in), ("fan_out", fan_out)):
        bound = math.sqrt(2.0) * math.sqrt(3.0 / fan)
        values = _sample(lambda t, mode=mode: init.kaiming_uniform_(t, mode=mode, nonlinearity="relu"))
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound
        values = _sample(lambda t, mode=mode: init.kaiming_normal_(t, a=0.2, mode=mode))
        assert values.std() == pytest.approx(math.sqrt(2.0 / (1 + 0.04)) / math.sqrt(fan), rel=0.01)


def test_kaiming_uniform_with_sqrt5_is_linears_init() -> None:
    tensor = tg.zeros(50, 100, dtype=tg.float64)
    tg.manual_seed(3)
    init.kaiming_uniform_(tensor, a=math.sqrt(5))
    tg.manual_seed(3)
    layer = nn.Linear(100, 50, bias=False, dtype=tg.float64)
    np.testing.assert_array_equal(tensor.numpy(), layer.weight.detach().numpy())
    assert np.abs(tensor.numpy()).max() <= 1 / math.sqrt(100)


def test_receptive_field_multiplies_the_fans() -> None:
    values = _sample(init.xavier_uniform_, (8, 4, 3, 3))
    bound = math.sqrt(6.0 / (4 * 9 + 8 * 9))
    assert np.abs(values).max() <= bound


def test_initialisers_are_reproducible_and_accept_a_generator() -> None:
    tg.manual_seed(11)
    first = _sample(init.kaiming_normal_, (5, 5))
    tg.manual_seed(11)
    second = _sample(init.kaiming_normal_, (5, 5))
    np.testing.assert_array_equal(first, second)
    generator = tg.Generator().manual_seed(5)
    third = _sample(lambda t: init.uniform_(t, generator=generator), (4,))
    again = _sample(lambda t: init.uniform_(t, generator=tg.Generator().manual_seed(5)), (4,))
    np.testing.assert_array_equal(third, again)


def test_fan_and_mode_errors_match_torch(torch: Any) -> None:
    cases = [
        (lambda lib, mod: mod.xavier_uniform_(lib.zeros(3)),),
        (lambda lib, mod: mod.kaiming_uniform_(lib.zeros(3, 3), mode="fan_avg"),),
    ]
    for (case,) in cases:
        with pytest.raises(ValueError) as expected:
            case(torch, torch.nn.init)
        with pytest.raises(ValueError) as got:
            case(tg, init)
        assert str(got.value) == str(expected.value)


def test_zero_element_tensors_warn_and_stay_empty() -> None:
    tensor = tg.zeros(0, 3)
    for fill in (init.kaiming_normal_, init.kaiming_uniform_):
        with pytest.warns(UserWarning, match="^Initializing zero-element tensors is a no-op$") as record:
            assert fill(tensor) is tensor
        assert record[0].filename == __file__  # the warning points at the caller
