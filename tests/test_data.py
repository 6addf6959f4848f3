"""tinygrad_lr.utils.data (datasets, DataLoader, random_split) and tinygrad_lr.data (splits, scalers, unscaling)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr.preprocessing import MinMaxScaler, StandardScaler, train_val_test_split, unscale_linear
from tinygrad_lr.utils.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


def five_rows() -> TensorDataset:
    return TensorDataset(tg.arange(10.0).reshape(5, 2), tg.arange(5))


# ----- TensorDataset ------------------------------------------------------------------------------------
def test_tensor_dataset_items_are_tuples_and_slices_work() -> None:
    ds = five_rows()
    x, y = ds[1]
    assert len(ds) == 5 and isinstance(ds[1], tuple)
    assert x.tolist() == [2.0, 3.0] and y.item() == 1 and y.dtype == np.int64
    xs, ys = ds[1:3]
    assert xs.tolist() == [[2.0, 3.0], [4.0, 5.0]] and ys.tolist() == [1, 2]


def test_tensor_dataset_size_mismatch() -> None:
    with pytest.raises(AssertionError, match="^Size mismatch between tensors$"):
        TensorDataset(tg.zeros(3, 1), tg.zeros(4))


# ----- DataLoader ---------------------------------------------------------------------------------------
def test_batches_are_lists_stacked_along_dim_0_with_a_smaller_last_batch() -> None:
    loader = DataLoader(five_rows(), batch_size=2)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    assert all(isinstance(b, list) and len(b) == 2 for b in batches)
    assert [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    assert batches[2][0].tolist() == [[8.0, 9.0]] and batches[1][1].tolist() == [2, 3]
    assert batches[0][0].dtype == tg.get_default_dtype() and batches[0][1].dtype == np.int64


def test_drop_last() -> None:
    loader = DataLoader(five_rows(), batch_size=2, drop_last=True)
    assert len(loader) == 2 and [b[0].shape[0] for b in loader] == [2, 2]


def test_batch_size_none_yields_single_samples_as_lists() -> None:
    loader = DataLoader(five_rows(), batch_size=None)
    items = list(loader)
    assert len(loader) == 5 and len(items) == 5
    assert isinstance(items[0], list) and items[3][0].tolist() == [6.0, 7.0] and items[3][1].item() == 3


def test_batches_match_torch_without_shuffle() -> None:
    torch = require_torch()
    x = np.random.default_rng(0).normal(size=(7, 3))
    y = np.arange(7)
    ours = list(DataLoader(TensorDataset(tg.tensor(x), tg.tensor(y)), batch_size=3))
    theirs = list(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                              batch_size=3))
    assert len(ours) == len(theirs)
    for (xb, yb), (txb, tyb) in zip(ours, theirs):
        np.testing.assert_array_equal(xb.numpy(), txb.numpy())
        np.testing.assert_array_equal(yb.numpy(), tyb.numpy())
        assert xb.dtype == np.float64 and yb.dtype == np.int64


def test_batches_do_not_alias_the_dataset() -> None:
    x = tg.zeros(4, 2)
    xb, _ = next(iter(DataLoader(TensorDataset(x, tg.zeros(4)), batch_size=2)))
    xb.add_(1.0)
    assert x.sum().item() == 0.0


def test_shuffle_visits_every_row_once_per_epoch_and_reshuffles() -> None:
    tg.manual_seed(0)
    loader = DataLoader(TensorDataset(tg.arange(50)), batch_size=8, shuffle=True)
    epochs = [np.concatenate([b[0].numpy() for b in loader]) for _ in range(3)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(50))
    assert epochs[0].tolist() != epochs[1].tolist() != epochs[2].tolist()
    assert epochs[0].tolist() != list(range(50))


def test_manual_seed_makes_shuffling_reproducible() -> None:
    def two_epochs() -> list[list[int]]:
        loader = DataLoader(TensorDataset(tg.arange(20)), batch_size=6, shuffle=True)
        return [np.concatenate([b[0].numpy() for b in loader]).tolist() for _ in range(2)]

    tg.manual_seed(123)
    first = two_epochs()
    tg.manual_seed(123)
    assert two_epochs() == first
    tg.manual_seed(124)
    assert two_epochs() != first


def test_an_explicit_generator_drives_the_order() -> None:
    def order(seed: int) -> list[int]:
        loader = DataLoader(TensorDataset(tg.arange(30)), batch_size=7, shuffle=True,
                            generator=tg.Generator().manual_seed(seed))
        return np.concatenate([b[0].numpy() for b in loader]).tolist()

    tg.manual_seed(0)
    a = order(5)
    tg.manual_seed(99)  # the global generator does not matter
    assert order(5) == a and order(6) != a


def test_loader_errors() -> None:
    ds = five_rows()
    for bad in (0, -1, 1.5):
        message = f"^batch_size should be a positive integer value, but got batch_size={bad}$"
        with pytest.raises(ValueError, match=message):
            DataLoader(ds, batch_size=bad)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)


class Squares(Dataset):
    """A dataset that is only indexable sample by sample."""

    def __len__(self) -> int:
        return 5

    def __getitem__(self, i: int) -> tuple[np.ndarray, float, int]:
        return np.array([i, i * i], dtype=np.float32), float(i) / 2, i


def test_a_plain_dataset_is_collated_sample_by_sample() -> None:
    features, halves, labels = next(iter(DataLoader(Squares(), batch_size=3)))
    assert features.tolist() == [[0, 0], [1, 1], [2, 4]] and features.dtype == np.float32
    assert halves.dtype == np.float64 and halves.tolist() == [0.0, 0.5, 1.0]
    assert labels.dtype == np.int64 and labels.tolist() == [0, 1, 2]


def test_default_collate_matches_torch_for_numbers_dicts_and_lists() -> None:
    torch = require_torch()
    samples = [{"x": (1, 2.5), "name": "a"}, {"x": (3, 4.5), "name": "b"}]
    ours = default_collate(samples)
    theirs = torch.utils.data.default_collate(samples)
    assert ours["name"] == theirs["name"] == ["a", "b"]
    assert [v.tolist() for v in ours["x"]] == [v.tolist() for v in theirs["x"]]
    assert [str(v.dtype) for v in ours["x"]] == ["torch.int64", "torch.float64"]
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([(1, 2), (3,)])


def test_a_collate_fn_receives_the_list_of_samples() -> None:
    loader = DataLoader(five_rows(), batch_size=2, collate_fn=lambda samples: len(samples))
    assert list(loader) == [2, 2, 1]


class RecordingMemmap(np.memmap):
    """A memmap that records how many rows each indexing call asks for."""

    requests: list[int]

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        rows = np.arange(self.shape[0])[index] if self.ndim else np.array([])
        self.requests.append(int(np.size(rows)) if np.ndim(rows) else 1)
        return super().__getitem__(index)


def test_a_memmap_streams_batch_by_batch(tmp_path) -> None:  # type: ignore[no-untyped-def]
    n, d = 1000, 4
    x_file, y_file = tmp_path / "x.f32", tmp_path / "y.f32"
    rng = np.random.default_rng(0)
    x_disk = np.memmap(x_file, dtype=np.float32, mode="w+", shape=(n, d))
    x_disk[:] = rng.normal(size=(n, d))
    y_disk = np.memmap(y_file, dtype=np.float32, mode="w+", shape=(n,))
    y_disk[:] = rng.normal(size=n)
    x_disk.flush()
    y_disk.flush()
    x_mm = np.memmap(x_file, dtype=np.float32, mode="r", shape=(n, d)).view(RecordingMemmap)
    y_mm = np.memmap(y_file, dtype=np.float32, mode="r", shape=(n,)).view(RecordingMemmap)
    x_mm.requests, y_mm.requests = [], []
    expected_x = np.array(x_mm)
    x_mm.requests.clear()

    for shuffle in (False, True):
        tg.manual_seed(1)
        loader = DataLoader(TensorDataset(x_mm, y_mm), batch_size=64, shuffle=shuffle)
        seen = 0
        for xb, yb in loader:
            assert xb.shape[0] == yb.shape[0] <= 64 and xb.dtype == np.float32
            assert type(xb.numpy()) is np.ndarray  # an in-memory copy, not a view of the file
            seen += xb.shape[0]
        assert seen == n
        assert x_mm.requests and max(x_mm.requests) <= 64 and sum(x_mm.requests) == n
        x_mm.requests.clear()

    # a memmap can be the dataset itself, and the batches hold the file's rows
    batches = list(DataLoader(x_mm, batch_size=300))
    assert [b.shape for b in batches] == [(300, d), (300, d), (300, d), (100, d)]
    np.testing.assert_array_equal(np.concatenate([b.numpy() for b in batches]), expected_x)
    assert max(x_mm.requests) == 300


# ----- random_split and Subset --------------------------------------------------------------------------
def test_random_split_lengths_and_disjointness() -> None:
    parts = random_split(range(10), [3, 7], generator=tg.Generator().manual_seed(42))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    again = random_split(range(10), [3, 7], generator=tg.Generator().manual_seed(42))
    assert list(again[0]) == list(parts[0])


def test_random_split_fractions_spread_the_remainder_round_robin() -> None:
    torch = require_torch()
    for fractions in ([0.3, 0.3, 0.4], [0.5, 0.5], [0.34, 0.33, 0.33]):
        ours = [len(p) for p in random_split(range(31), fractions)]
        theirs = [len(p) for p in torch.utils.data.random_split(range(31), fractions)]
        assert ours == theirs


def test_random_split_errors() -> None:
    with pytest.raises(ValueError, match="^Sum of input lengths does not equal the length of the input dataset!$"):
        random_split(range(5), [2, 2])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [1.0, 0.0])


def test_subset_of_a_tensor_dataset_loads_in_batches() -> None:
    subset = Subset(five_rows(), [4, 0, 2])
    xb, yb = next(iter(DataLoader(subset, batch_size=3)))
    assert yb.tolist() == [4, 0, 2] and xb.tolist() == [[8.0, 9.0], [0.0, 1.0], [4.0, 5.0]]
    assert subset[0][1].item() == 4


@pytest.mark.parametrize("indices", [[4, 0, 2, 3], np.array([4, 0, 2, 3], dtype=np.int32), range(4, -1, -1)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_subset_batches_equal_its_samples_for_any_kind_of_indices(indices: Any, shuffle: bool) -> None:
    subset = Subset(five_rows(), indices)
    source = tg.Generator().manual_seed(3)
    tg.empty((), dtype=tg.int64).random_(generator=source)  # as torch, the loader's iterator draws a seed first
    order = tg.randperm(len(subset), generator=source).tolist() if shuffle else list(range(len(subset)))
    expected = [[subset[i] for i in order[start : start + 3]] for start in range(0, len(subset), 3)]
    batches = list(DataLoader(subset, batch_size=3, shuffle=shuffle, generator=tg.Generator().manual_seed(3)))
    assert len(batches) == len(expected) == 2
    for (xb, yb), samples in zip(batches, expected):
        assert xb.tolist() == [x.tolist() for x, _ in samples]
        assert yb.tolist() == [y.item() for _, y in samples]


# ----- tinygrad_lr.preprocessing: splits ------------------------------------------------------------------
def test_train_val_test_split_sizes_are_disjoint_and_seeded() -> None:
    x = np.arange(40, dtype=np.float64).reshape(20, 2)
    y = np.arange(20)
    x_tr, x_va, x_te, y_tr, y_va, y_te = train_val_test_split(x, y, (0.6, 0.2, 0.2), seed=3)
    assert (len(x_tr), len(x_va), len(x_te)) == (12, 4, 4)
    assert sorted(np.concatenate([y_tr, y_va, y_te]).tolist()) == list(range(20))
    np.testing.assert_array_equal(x_tr[:, 0] / 2, y_tr)  # rows stay paired
    again = train_val_test_split(x, y, (0.6, 0.2, 0.2), seed=3)
    np.testing.assert_array_equal(again[0], x_tr)
    other = train_val_test_split(x, y, (0.6, 0.2, 0.2), seed=4)
    assert not np.array_equal(other[0], x_tr)


def test_train_val_test_split_takes_counts_and_values() -> None:
    x, y = tg.randn(10, 3), tg.arange(10)
    parts = train_val_test_split(x, y, (5, 3, 2), seed=0)
    assert [p.shape[0] for p in parts] == [5, 3, 2, 5, 3, 2]
    assert all(isinstance(p, tg.Value) for p in parts)


def test_train_val_test_split_errors() -> None:
    with pytest.raises(ValueError, match="same number of rows"):
        train_val_test_split(np.zeros((4, 2)), np.zeros(5), (0.5, 0.25, 0.25))
    with pytest.raises(ValueError, match="fractions summing to 1 or row counts summing to 4"):
        train_val_test_split(np.zeros((4, 2)), np.zeros(4), (0.5, 0.5, 0.5))


# ----- scalers --------------------------------------------------------------------------------------------
def test_standard_scaler() -> None:
    x = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 10.0]])
    scaler = StandardScaler()
    z = scaler.fit_transform(x)
    np.testing.assert_allclose(z[:, 0], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)])
    np.testing.assert_array_equal(z[:, 1], [0.0, 0.0, 0.0])  # a constant column does not divide by zero
    np.testing.assert_allclose(scaler.inverse_transform(z), x)
    np.testing.assert_allclose(scaler.mean_, [2.0, 10.0])


def test_min_max_scaler_with_a_feature_range_and_values() -> None:
    x = tg.tensor([[0.0, -1.0], [5.0, 1.0], [10.0, 0.0]])
    scaler = MinMaxScaler(feature_range=(-1.0, 1.0)).fit(x)
    z = scaler.transform(x)
    assert isinstance(z, tg.Value) and z.dtype == np.float32
    np.testing.assert_allclose(z.numpy(), [[-1.0, -1.0], [0.0, 1.0], [1.0, 0.0]], atol=1e-7)
    np.testing.assert_allclose(scaler.inverse_transform(z).numpy(), x.numpy(), atol=1e-6)


def test_a_1d_target_scales_as_one_column() -> None:
    y = np.array([2.0, 4.0, 6.0])
    scaler = StandardScaler().fit(y)
    assert scaler.transform(y).shape == (3,)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(y)), y)


def test_scaler_errors() -> None:
    with pytest.raises(RuntimeError, match="This StandardScaler instance is not fitted yet"):
        StandardScaler().transform(np.zeros((2, 2)))
    scaler = MinMaxScaler().fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="^X has 3 features, but MinMaxScaler is expecting 2 features as input.$"):
        scaler.transform(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="feature range"):
        MinMaxScaler((1.0, 0.0))


@pytest.mark.parametrize("scaler_type", [StandardScaler, MinMaxScaler])
def test_unscale_linear_recovers_the_original_units(scaler_type: type) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3)) * [1.0, 100.0, 0.01] + [5.0, -20.0, 1.0]
    true_w, true_b = np.array([[2.0, -0.03, 50.0]]), np.array([7.0])
    y = x @ true_w.T + true_b  # (50, 1)
    x_scaler, y_scaler = scaler_type().fit(x), scaler_type().fit(y)
    xs, ys = x_scaler.transform(x), y_scaler.transform(y)
    # the exact least-squares fit in scaled units
    solution, *_ = np.linalg.lstsq(np.hstack([xs, np.ones((50, 1))]), ys, rcond=None)
    w_scaled, b_scaled = solution[:3].T, solution[3]
    w, b = unscale_linear(w_scaled, b_scaled, x_scaler, y_scaler)
    np.testing.assert_allclose(w, true_w, rtol=1e-9)
    np.testing.assert_allclose(b, true_b, rtol=1e-9)
    # and predictions agree in both unit systems
    np.testing.assert_allclose(x @ w.T + b, y_scaler.inverse_transform(xs @ w_scaled.T + b_scaled), rtol=1e-9)


def test_unscale_linear_with_only_x_scaled_and_values() -> None:
    x = np.array([[1.0], [2.0], [3.0]])
    scaler = StandardScaler().fit(x)
    weight, bias = tg.tensor([[2.0]], requires_grad=True), tg.tensor([1.0], requires_grad=True)
    w, b = unscale_linear(weight, bias, x_scaler=scaler)
    assert isinstance(w, tg.Value) and not w.requires_grad
    # y = 2 * (x - 2) / std + 1 = (2/std) x + 1 - 4/std
    std = np.std([1.0, 2.0, 3.0])
    assert w.item() == pytest.approx(2 / std) and b.item() == pytest.approx(1 - 4 / std)
    with pytest.raises(ValueError, match="x_scaler was fitted on 1 columns, but the weight has 2 inputs"):
        unscale_linear(np.zeros((1, 2)), np.zeros(1), x_scaler=scaler)


def test_datasets_concatenate_with_plus() -> None:
    both = five_rows() + TensorDataset(tg.full((2, 2), -1.0), tg.tensor([7, 8]))
    assert len(both) == 7 and both[5][1].item() == 7 and both[-1][1].item() == 8
    labels = [yb.tolist() for _, yb in DataLoader(both, batch_size=4)]
    assert labels == [[0, 1, 2, 3], [4, 7, 8]]
