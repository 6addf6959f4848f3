"""Closed-form least squares and ridge against NumPy solved independently."""

# ruff: noqa: N803, N806  (X is the design matrix)

from __future__ import annotations

import numpy as np
import pytest

from tinygrad_lr.datasets import load_advertising
from tinygrad_lr.reference import least_squares, ridge


def _augmented_lstsq(X, y):
    design = np.column_stack([X, np.ones(len(X))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    return solution[:-1], solution[-1]


def test_least_squares_matches_lstsq_with_a_column_of_ones():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.7 + 0.1 * rng.normal(size=50)
    weight, bias = least_squares(X, y)
    expected_w, expected_b = _augmented_lstsq(X, y)
    assert weight.shape == (4,) and bias.shape == ()
    np.testing.assert_allclose(weight, expected_w, rtol=1e-10, atol=1e-12)
    assert float(bias) == pytest.approx(expected_b, rel=1e-10)


def test_least_squares_on_advertising_gives_the_textbook_coefficients():
    X, y, _ = load_advertising()
    weight, bias = least_squares(X, y)
    # ISLR table 3.9: intercept 2.939, TV 0.046, radio 0.189, newspaper -0.001
    np.testing.assert_allclose(weight, [0.045765, 0.188530, -0.001037], atol=5e-7)
    assert float(bias) == pytest.approx(2.938889, abs=5e-7)
    weight_tv, bias_tv = least_squares(X[:, 0], y)  # ISLR table 3.1: 7.0326 + 0.0475 TV
    assert float(bias_tv) == pytest.approx(7.032594, abs=5e-7)
    assert float(weight_tv[0]) == pytest.approx(0.047537, abs=5e-7)


def test_least_squares_without_intercept_and_with_several_targets():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    Y = rng.normal(size=(30, 2))
    weight, bias = least_squares(X, Y, fit_intercept=False)
    np.testing.assert_allclose(weight, np.linalg.lstsq(X, Y, rcond=None)[0], rtol=1e-10)
    np.testing.assert_array_equal(bias, [0.0, 0.0])
    weight, bias = least_squares(X, Y)
    assert weight.shape == (3, 2) and bias.shape == (2,)
    for k in range(2):
        expected_w, expected_b = _augmented_lstsq(X, Y[:, k])
        np.testing.assert_allclose(weight[:, k], expected_w, rtol=1e-10)
        assert bias[k] == pytest.approx(expected_b, rel=1e-10)


def test_ridge_solves_its_normal_equations_and_leaves_bias_unpenalized():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 3)) + 5.0
    y = rng.normal(size=40) + 10.0
    alpha = 3.0
    weight, bias = ridge(X, y, alpha)
    # the objective's gradient is zero: d/dw = -2 X^T r + 2 alpha w, d/db = -2 sum(r)
    residual = y - X @ weight - bias
    np.testing.assert_allclose(-2 * X.T @ residual + 2 * alpha * weight, 0.0, atol=1e-9)
    assert abs(residual.sum()) < 1e-9
    # brute force: an augmented system whose bias row carries no penalty
    design = np.column_stack([X, np.ones(len(X))])
    penalty = np.diag([alpha] * 3 + [0.0])
    solution = np.linalg.solve(design.T @ design + penalty, design.T @ y)
    np.testing.assert_allclose(weight, solution[:3], rtol=1e-9)
    assert float(bias) == pytest.approx(solution[3], rel=1e-9)


def test_ridge_with_alpha_zero_is_least_squares_and_shrinks_with_alpha():
    X, y, _ = load_advertising()
    np.testing.assert_allclose(ridge(X, y, 0.0)[0], least_squares(X, y)[0], rtol=1e-9)
    norms = [np.linalg.norm(ridge(X, y, alpha)[0]) for alpha in (0.0, 1e3, 1e5, 1e7)]
    assert norms == sorted(norms, reverse=True)


def test_bad_inputs_get_clear_errors():
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        least_squares(np.ones((3, 1)), np.ones(2))
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        ridge(np.ones((3, 1)), np.ones(3), -1.0)
    with pytest.raises(ValueError, match="finite"):
        least_squares(np.array([[1.0], [np.nan]]), np.ones(2))
    with pytest.raises(ValueError, match="X must be 2-D"):
        least_squares(np.ones((2, 2, 2)), np.ones(2))


def test_accepts_values():
    import tinygrad_lr as tl

    X, y, _ = load_advertising()
    weight, bias = least_squares(tl.tensor(X), tl.tensor(y))
    np.testing.assert_allclose(weight, least_squares(X, y)[0])
