"""tinygrad_lr.preprocessing speaks scikit-learn: train_test_split's sizes and rows, and the scalers' fitted
attributes (the Made With ML lesson reads `scale_`, `var_` and `mean_`)."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lr as tl
from tinygrad_lr.preprocessing import MinMaxScaler, StandardScaler, train_test_split


def test_train_test_split_sizes_follow_scikit_learn_rounding():
    x, y = np.arange(50.0).reshape(-1, 1), np.arange(50.0) * 2
    x_train, x_rest, y_train, y_rest = train_test_split(x, y, train_size=0.7, random_state=0)
    assert (len(x_train), len(x_rest)) == (35, 15)
    x_val, x_test, _, _ = train_test_split(x_rest, y_rest, train_size=0.5, random_state=0)
    assert (len(x_val), len(x_test)) == (7, 8)  # train floor(7.5), test the rest
    assert [len(p) for p in train_test_split(x, test_size=0.25, random_state=0)] == [37, 13]  # test ceil(12.5)
    assert [len(p) for p in train_test_split(x, random_state=0)] == [37, 13]  # default test_size 0.25
    assert [len(p) for p in train_test_split(x, test_size=10, train_size=20, random_state=0)] == [20, 10]


def test_train_test_split_keeps_rows_together_and_draws_from_numpys_global_generator():
    x, y = np.arange(20.0).reshape(-1, 1), np.arange(20.0) * 3
    np.random.seed(7)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3)
    np.random.seed(7)
    permutation = np.random.permutation(20)
    assert x_test[:, 0].tolist() == permutation[:6].tolist()  # test takes the permutation's first rows
    assert x_train[:, 0].tolist() == permutation[6:].tolist()
    assert np.array_equal(y_train, x_train[:, 0] * 3) and np.array_equal(y_test, x_test[:, 0] * 3)
    again = train_test_split(x, test_size=0.3, random_state=3)
    assert np.array_equal(again[0], train_test_split(x, test_size=0.3, random_state=3)[0])
    ordered = train_test_split(x, test_size=0.3, shuffle=False)
    assert ordered[0][:, 0].tolist() == list(range(14)) and ordered[1][:, 0].tolist() == list(range(14, 20))


def test_train_test_split_takes_lists_and_values():
    value = tl.tensor(np.arange(10.0))
    train, test, names_train, names_test = train_test_split(value, list("abcdefghij"), test_size=0.2, random_state=1)
    assert isinstance(train, tl.Tensor) and train.shape == (8,) and isinstance(names_train, list)
    assert [int(v) for v in test.numpy()] == ["abcdefghij".index(c) for c in names_test]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"test_size": 1.5}, "test_size=1.5 should be either positive and smaller than the number of samples 10"),
        ({"train_size": 10}, "train_size=10 should be either positive and smaller than the number of samples 10"),
        ({"train_size": 0.8, "test_size": 0.5}, "The sum of train_size and test_size = 13, should be smaller"),
    ],
)
def test_train_test_split_refuses_impossible_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_test_split(np.zeros(10), **kwargs)


def test_train_test_split_refuses_arrays_of_different_lengths():
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[3, 4\]"):
        train_test_split(np.zeros(3), np.zeros(4))


def test_standard_scaler_has_scikit_learns_attributes():
    x = np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]])
    scaler = StandardScaler().fit(x)
    assert scaler.mean_.tolist() == [3.0, 5.0]
    assert scaler.var_ == pytest.approx([8 / 3, 0.0])
    assert scaler.scale_ == pytest.approx([np.sqrt(8 / 3), 1.0])  # the std; 1 for a constant column
    assert scaler.transform(x)[:, 0] == pytest.approx((x[:, 0] - 3) / np.sqrt(8 / 3))
    assert np.allclose(scaler.inverse_transform(scaler.transform(x)), x)


def test_min_max_scaler_has_scikit_learns_attributes():
    x = np.array([[1.0], [3.0], [5.0]])
    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(x)
    assert scaler.data_range_.tolist() == [4.0]
    assert scaler.scale_.tolist() == [0.5] and scaler.min_.tolist() == [-1.5]  # x * scale_ + min_
    assert scaler.transform(x)[:, 0].tolist() == [-1.0, 0.0, 1.0]
