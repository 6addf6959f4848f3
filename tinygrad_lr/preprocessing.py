"""Preparing regression data: a seeded train/validation/test split, scikit-learn's `train_test_split`, feature
scalers with scikit-learn's names and fitted attributes, and mapping the weights a linear model learned on scaled
data back to the original units.

Every function accepts NumPy arrays or Values and returns the same kind it was given.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import numpy as np

from tinygrad_lr.value import Value

__all__ = ["MinMaxScaler", "StandardScaler", "train_test_split", "train_val_test_split", "unscale_linear"]


def _array(data: Any, name: str) -> np.ndarray:
    if isinstance(data, Value):
        return data._data
    array = np.asarray(data)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, but got an array of dtype {array.dtype}")
    return array


def _like(array: np.ndarray, template: Any) -> Any:
    """`array` as a Value when `template` was one, else as a NumPy array."""
    return Value._make_const(array) if isinstance(template, Value) else array


def train_val_test_split(
    X: Any, y: Any, sizes: tuple[float, float, float] = (0.7, 0.15, 0.15), seed: int = 0  # noqa: N803
) -> tuple[Any, Any, Any, Any, Any, Any]:
    """Shuffle the rows (with `np.random.default_rng(seed)`) and cut them into train, validation and test parts.

    `sizes` are three fractions summing to 1 (validation and test get round(fraction * n) rows, train the
    rest) or three row counts summing to n. Returns `X_train, X_val, X_test, y_train, y_val, y_test`.
    """
    x_array, y_array = _array(X, "X"), _array(y, "y")
    n = x_array.shape[0] if x_array.ndim else 0
    if x_array.ndim == 0 or y_array.ndim == 0 or y_array.shape[0] != n:
        raise ValueError(
            f"X and y must have the same number of rows, but got X of shape {x_array.shape} and y of shape "
            f"{y_array.shape}"
        )
    if len(sizes) != 3 or any(s < 0 for s in sizes):
        raise ValueError(f"sizes must be three non-negative numbers (train, val, test), but got {sizes!r}")
    if all(isinstance(s, (int, np.integer)) for s in sizes) and sum(sizes) == n:
        n_val, n_test = int(sizes[1]), int(sizes[2])
    elif abs(sum(sizes) - 1.0) < 1e-9:
        n_val, n_test = round(sizes[1] * n), round(sizes[2] * n)
    else:
        raise ValueError(f"sizes must be fractions summing to 1 or row counts summing to {n}, but got {sizes!r}")
    order = np.random.default_rng(seed).permutation(n)
    parts = np.split(order, [n - n_val - n_test, n - n_test])
    xs = [_like(x_array[p], X) for p in parts]
    ys = [_like(y_array[p], y) for p in parts]
    return xs[0], xs[1], xs[2], ys[0], ys[1], ys[2]


def train_test_split(
    *arrays: Any, test_size: float | int | None = None, train_size: float | int | None = None,
    random_state: int | np.random.RandomState | None = None, shuffle: bool = True,
) -> list[Any]:
    """scikit-learn's `train_test_split`: the same rows of every array go to train and to test.

    Sizes as in scikit-learn: a float is a fraction of the n rows (test gets ceil(test_size * n), train
    floor(train_size * n)), an int a row count; one missing size is the rest, both missing means test_size=0.25.
    The rows are shuffled by `random_state.permutation(n)`, where `random_state=None` is NumPy's global
    generator (so `np.random.seed(...)` makes the split reproducible) and an int seeds a new RandomState;
    test takes the first rows of the permutation and train the next ones, as scikit-learn does, so the same
    generator state picks the same rows (`shuffle=False`: train the first rows, test the next).
    Returns `[a_train, a_test, b_train, b_test, ...]`.
    """
    if not arrays:
        raise ValueError("At least one array required as input")
    n = len(arrays[0])
    lengths = [len(a) for a in arrays]
    if any(length != n for length in lengths):
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")
    n_train, n_test = _split_sizes(n, test_size, train_size)
    if shuffle:
        rng = random_state if isinstance(random_state, np.random.RandomState) else (
            np.random.mtrand._rand if random_state is None else np.random.RandomState(random_state)
        )
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:n_test + n_train]
    else:  # in order: train the first rows, test the ones after them
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    out: list[Any] = []
    for array in arrays:
        out += [_take_rows(array, train), _take_rows(array, test)]
    return out


def _split_sizes(n: int, test_size: float | int | None, train_size: float | int | None) -> tuple[int, int]:
    if test_size is None and train_size is None:
        test_size = 0.25
    for name, size in (("test_size", test_size), ("train_size", train_size)):
        if size is None:
            continue
        if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
            if not 0 < size < n:
                raise ValueError(f"{name}={size} should be either positive and smaller than the number of samples "
                                 f"{n} or a float in the (0, 1) range")
        elif not (isinstance(size, float) and 0 < size < 1):
            raise ValueError(f"{name}={size} should be either positive and smaller than the number of samples {n} "
                             "or a float in the (0, 1) range")
    n_test = None if test_size is None else (
        math.ceil(test_size * n) if isinstance(test_size, float) else int(test_size))
    n_train = None if train_size is None else (
        math.floor(train_size * n) if isinstance(train_size, float) else int(train_size))
    if n_train is None:
        n_train = n - n_test  # type: ignore[operator]
    if n_test is None:
        n_test = n - n_train
    if n_train + n_test > n:
        raise ValueError(f"The sum of train_size and test_size = {n_train + n_test}, should be smaller than the "
                         f"number of samples {n}. Reduce test_size and/or train_size.")
    if n_train == 0:
        raise ValueError(f"With n_samples={n}, test_size={test_size} and train_size={train_size}, the resulting "
                         "train set will be empty. Adjust any of the aforementioned parameters.")
    return n_train, n_test


def _take_rows(array: Any, rows: np.ndarray) -> Any:
    if isinstance(array, Value):
        return _like(array._data[rows], array)
    if isinstance(array, np.ndarray):
        return array[rows]
    return [array[i] for i in rows]


class _Scaler:
    """A per-column affine map `x_scaled = x * _mult + _shift`, learned by `fit`."""

    _mult: np.ndarray
    _shift: np.ndarray

    def __init__(self) -> None:
        self.n_features_in_: int | None = None

    def _columns(self, X: Any) -> tuple[np.ndarray, tuple[int, ...]]:  # noqa: N803
        array = _array(X, "X")
        if array.ndim not in (1, 2):
            raise ValueError(f"expected a 1-D or 2-D array (rows, columns), but got shape {array.shape}")
        return (array.reshape(-1, 1) if array.ndim == 1 else array), array.shape

    def _check(self, X: Any) -> tuple[np.ndarray, tuple[int, ...]]:  # noqa: N803
        if self.n_features_in_ is None:
            raise RuntimeError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate arguments "
                "before using 'transform' or 'inverse_transform'."
            )
        columns, shape = self._columns(X)
        if columns.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {columns.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        return columns, shape

    def fit(self: ScalerT, X: Any) -> ScalerT:  # noqa: N803
        """Learn each column's affine map from the rows of `X` (1-D: one column); returns the scaler."""
        columns, _ = self._columns(X)
        if columns.shape[0] == 0:
            raise ValueError(f"cannot fit {type(self).__name__} on 0 rows")
        self._fit(columns.astype(np.float64))
        self.n_features_in_ = columns.shape[1]
        return self

    def transform(self, X: Any) -> Any:  # noqa: N803
        """The fitted affine map per column, in X's shape, kind and float dtype (integers give float64)."""
        columns, shape = self._check(X)
        return _restore(columns * self._mult + self._shift, columns, shape, X)

    def inverse_transform(self, X: Any) -> Any:  # noqa: N803
        """Undoes `transform`."""
        columns, shape = self._check(X)
        return _restore((columns - self._shift) / self._mult, columns, shape, X)

    def fit_transform(self, X: Any) -> Any:  # noqa: N803
        """`fit(X)` then `transform(X)`."""
        return self.fit(X).transform(X)

    def _fit(self, columns: np.ndarray) -> None:
        raise NotImplementedError


ScalerT = TypeVar("ScalerT", bound=_Scaler)


def _restore(out: np.ndarray, columns: np.ndarray, shape: tuple[int, ...], template: Any) -> Any:
    """Scaled `out` back in the input's shape and kind: its float dtype, or float64 for integer input."""
    dtype = columns.dtype if columns.dtype.kind == "f" else np.dtype(np.float64)
    return _like(out.reshape(shape).astype(dtype, copy=False), template)


class StandardScaler(_Scaler):
    """`x_scaled = (x - mean_) / scale_` per column (population std; a constant column keeps scale 1).

    Fitted attributes as in scikit-learn: `mean_`, `var_` (population variance) and `scale_` (the std, 1 for a
    constant column); `std_` is `scale_` too.
    """

    def _fit(self, columns: np.ndarray) -> None:
        self.mean_ = columns.mean(axis=0)
        self.var_ = columns.var(axis=0)
        std = np.sqrt(self.var_)
        self.scale_ = self.std_ = np.where(std > 0, std, 1.0)
        self._mult = 1.0 / self.std_
        self._shift = -self.mean_ / self.std_


class MinMaxScaler(_Scaler):
    """`x_scaled = lo + (x - data_min_) * (hi - lo) / (data_max_ - data_min_)` per column, mapping the fitted
    range onto `feature_range = (lo, hi)` (a constant column uses a range of 1).

    Fitted attributes as in scikit-learn: `data_min_`, `data_max_`, `data_range_`, and the map
    `x_scaled = x * scale_ + min_`.
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        super().__init__()
        if feature_range[0] >= feature_range[1]:
            raise ValueError(f"Minimum of desired feature range must be smaller than maximum. Got {feature_range}.")
        self.feature_range = feature_range

    def _fit(self, columns: np.ndarray) -> None:
        lo, hi = self.feature_range
        self.data_min_ = columns.min(axis=0)
        self.data_max_ = columns.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = self._mult = (hi - lo) / np.where(self.data_range_ > 0, self.data_range_, 1.0)
        self.min_ = self._shift = lo - self.data_min_ * self.scale_


def unscale_linear(
    weight: Any, bias: Any, x_scaler: _Scaler | None = None, y_scaler: _Scaler | None = None
) -> tuple[Any, Any]:
    r"""Map the weight and bias of a linear model trained on scaled data back to the original units.

    Both scalers are per-column affine maps, x_s = a_x * x + c_x and y_s = a_y * y + c_y (StandardScaler:
    a = 1/std, c = -mean/std; MinMaxScaler: a = range'/range, c = lo - min * a). The model predicts
    y_s = W x_s + b, so
        a_y * y + c_y = W (a_x * x + c_x) + b
                    y = (W * a_x / a_y) x + (W c_x + b - c_y) / a_y,
    that is W_orig[i, j] = W[i, j] * a_x[j] / a_y[i] and b_orig[i] = (sum_j W[i, j] c_x[j] + b[i] - c_y[i]) / a_y[i].
    Either scaler may be None (that side was not scaled). `weight` has torch's layout (out_features,
    in_features), or is 1-D for one output; `bias` is (out_features,) or a scalar. Returns (weight, bias)
    in the same shapes, as Values if `weight` was a Value.
    """
    w = np.asarray(weight._data if isinstance(weight, Value) else weight, dtype=np.float64)
    b = np.asarray(bias._data if isinstance(bias, Value) else bias, dtype=np.float64)
    w2 = np.atleast_2d(w)
    out_features, in_features = w2.shape
    a_x, c_x = _affine(x_scaler, in_features, "x_scaler")
    a_y, c_y = _affine(y_scaler, out_features, "y_scaler")
    new_w = w2 * a_x[None, :] / a_y[:, None]
    new_b = (w2 @ c_x + np.broadcast_to(b, (out_features,)) - c_y) / a_y
    new_w, new_b = new_w.reshape(w.shape), new_b.reshape(b.shape)
    if isinstance(weight, Value):
        return Value._make_const(new_w.astype(weight.dtype)), Value._make_const(new_b.astype(weight.dtype))
    return new_w, new_b


def _affine(scaler: _Scaler | None, size: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    if scaler is None:
        return np.ones(size), np.zeros(size)
    if scaler.n_features_in_ is None:
        raise RuntimeError(f"{name} is not fitted yet: call its fit() before unscale_linear()")
    if scaler.n_features_in_ != size:
        raise ValueError(
            f"{name} was fitted on {scaler.n_features_in_} columns, but the weight has {size} "
            f"{'inputs' if name == 'x_scaler' else 'outputs'}"
        )
    return scaler._mult, scaler._shift
