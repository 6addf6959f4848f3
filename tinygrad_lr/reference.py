"""Closed-form linear regression, to check what gradient descent learns.

Both fits solve for a weight vector w and an unpenalized intercept b in  y ≈ X w + b.
Centering removes the intercept from the problem: with x̄, ȳ the column means and Xc = X - x̄, yc = y - ȳ,

    least squares:  minimize ||yc - Xc w||²             normal equations  Xc^T Xc w = Xc^T yc
    ridge:          minimize ||yc - Xc w||² + α ||w||²  normal equations  (Xc^T Xc + α I) w = Xc^T yc

and then b = ȳ - x̄ · w. (Setting the derivative of ||y - X w - b||² with respect to b to zero gives exactly
that b, so centering loses nothing.) The objectives are sums of squares, as in scikit-learn's `Ridge`: a model
trained on the *mean* squared error plus λ ||w||² matches `ridge(X, y, alpha=λ * n_samples)`.
"""

# ruff: noqa: N803, N806  (X is the design matrix, as in the math and in scikit-learn)

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["least_squares", "ridge"]


def least_squares(X: Any, y: Any, fit_intercept: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Ordinary least squares: the (w, b) minimizing ||y - X w - b||².

    Solved with `numpy.linalg.lstsq` on the centered data (the normal equations Xc^T Xc w = Xc^T yc,
    without forming Xc^T Xc, so it stays accurate when X is ill-conditioned; for rank-deficient X it
    returns the w of least norm). X is (n_samples, n_features) or (n_samples,) for one feature;
    y is (n_samples,) or (n_samples, n_targets). Returns `weight` of shape (n_features,) — or
    (n_features, n_targets) — and `bias`, a 0-d array (or (n_targets,)); `bias` is 0 when
    `fit_intercept=False`.
    """
    X, y = _check_xy(X, y, "least_squares")
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    weight = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    return weight, _intercept(weight, x_mean, y_mean)


def ridge(X: Any, y: Any, alpha: float, fit_intercept: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Ridge regression: the (w, b) minimizing ||y - X w - b||² + alpha ||w||²; the intercept b is not penalized.

    Solves (Xc^T Xc + alpha I) w = Xc^T yc with `numpy.linalg.solve`, then b = ȳ - x̄ · w.
    Shapes as in `least_squares`. `alpha` must be >= 0 (alpha = 0 is least squares, when Xc^T Xc is invertible).
    """
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"ridge: alpha must be a finite number >= 0, got {alpha}")
    X, y = _check_xy(X, y, "ridge")
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    gram = Xc.T @ Xc
    gram[np.diag_indices_from(gram)] += alpha
    try:
        weight = np.linalg.solve(gram, Xc.T @ yc)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            "ridge: Xc^T Xc + alpha I is singular (collinear features and alpha = 0); use alpha > 0 or least_squares"
        ) from None
    return weight, _intercept(weight, x_mean, y_mean)


def _check_xy(X: Any, y: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(f"{name}: X must be 2-D (n_samples, n_features) or 1-D, got shape {X.shape}")
    if y.ndim not in (1, 2):
        raise ValueError(f"{name}: y must be 1-D (n_samples,) or 2-D (n_samples, n_targets), got shape {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"{name}: X has {X.shape[0]} samples but y has {y.shape[0]} (shapes {X.shape} and {y.shape})")
    if X.shape[0] == 0:
        raise ValueError(f"{name}: X and y are empty")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError(f"{name}: X and y must be finite (found NaN or inf)")
    return X, y


def _center(X: np.ndarray, y: np.ndarray, fit_intercept: bool) -> tuple[np.ndarray, ...]:
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), np.zeros(y.shape[1:])
    x_mean = X.mean(axis=0)
    y_mean = y.mean(axis=0)
    return X - x_mean, y - y_mean, x_mean, y_mean


def _intercept(weight: np.ndarray, x_mean: np.ndarray, y_mean: np.ndarray) -> np.ndarray:
    return np.asarray(y_mean - x_mean @ weight, dtype=np.float64)
