"""utils.data's samplers, DataLoader options, datasets and collation, checked against torch (seeded shuffles too)."""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg
from tests.conftest import assert_same_error, require_torch

Loader = Callable[[Any], Any]  # given the module (torch or tinygrad_lr), returns an iterable to compare


def _plain(x: Any) -> Any:
    """A batch as nested Python values (dtype names kept), comparable across the two libraries."""
    if hasattr(x, "detach"):
        return (str(x.dtype).split(".")[-1], x.detach().numpy().tolist())
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


def _rows(m: Any, n: int = 10) -> Any:
    return m.utils.data.TensorDataset(m.arange(n * 2.0).reshape(n, 2), m.arange(n))


class _Squares:
    """A map-style dataset that is not a TensorDataset: the samples are fetched one by one."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> tuple[int, float]:
        return i, float(i * i)


def _stream(m: Any, n: int) -> Any:
    class Stream(m.utils.data.IterableDataset):
        def __iter__(self) -> Any:
            return iter(range(n))

        def __len__(self) -> int:
            return n

    return Stream()


LOADERS: dict[str, Loader] = {
    "shuffle three epochs": lambda m: [b for _ in range(3) for b in m.utils.data.DataLoader(_rows(m), 4, True)],
    "no shuffle still draws a seed": lambda m: list(m.utils.data.DataLoader(_rows(m), batch_size=3)) + [m.rand(2)],
    "shuffle with a generator": lambda m: list(
        m.utils.data.DataLoader(_rows(m), 3, shuffle=True, generator=m.Generator().manual_seed(5))) + [m.rand(2)],
    "shuffle drop_last": lambda m: list(m.utils.data.DataLoader(_rows(m, 11), 4, True, drop_last=True)),
    "shuffle samples one by one": lambda m: list(m.utils.data.DataLoader(_rows(m, 5), batch_size=None, shuffle=True)),
    "shuffle a plain dataset": lambda m: list(m.utils.data.DataLoader(_Squares(9), batch_size=4, shuffle=True)),
    "collate_fn": lambda m: list(m.utils.data.DataLoader(_Squares(7), 3, shuffle=True, collate_fn=lambda b: b)),
    "RandomSampler with replacement": lambda m: list(m.utils.data.RandomSampler(range(10), True, num_samples=70)),
    "RandomSampler num_samples over n": lambda m: list(m.utils.data.RandomSampler(range(6), num_samples=15)),
    "SubsetRandomSampler": lambda m: list(m.utils.data.SubsetRandomSampler([5, 9, 2, 7, 1])),
    "WeightedRandomSampler": lambda m: list(m.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0], 20)),
    "WeightedRandomSampler no replacement": lambda m: list(
        m.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.3], 3, replacement=False)),
    "WeightedRandomSampler zero weight": lambda m: list(
        m.utils.data.WeightedRandomSampler([1.0, 0.0, 0.0], 2, replacement=False)),
    "SequentialSampler": lambda m: list(m.utils.data.SequentialSampler(range(4))),
    "BatchSampler": lambda m: list(m.utils.data.BatchSampler(range(10), 3, drop_last=False)),
    "BatchSampler drop_last": lambda m: list(m.utils.data.BatchSampler(range(10), 3, drop_last=True)),
    "sampler option": lambda m: list(
        m.utils.data.DataLoader(_rows(m), 3, sampler=m.utils.data.SubsetRandomSampler([1, 3, 5, 7, 9]))),
    "batch_sampler option": lambda m: list(m.utils.data.DataLoader(
        _rows(m), batch_sampler=m.utils.data.BatchSampler(m.utils.data.RandomSampler(range(10)), 4, True))),
    "batch_sampler of lists": lambda m: list(m.utils.data.DataLoader(_Squares(9), batch_sampler=[[0, 8], [3]])),
    "weighted sampler in a loader": lambda m: list(m.utils.data.DataLoader(
        _rows(m), 5, sampler=m.utils.data.WeightedRandomSampler(list(range(10)), 10))),
    "IterableDataset": lambda m: list(m.utils.data.DataLoader(_stream(m, 7), batch_size=3)),
    "IterableDataset drop_last": lambda m: list(m.utils.data.DataLoader(_stream(m, 7), batch_size=3, drop_last=True)),
    "IterableDataset no batching": lambda m: list(m.utils.data.DataLoader(_stream(m, 3), batch_size=None)),
    "random_split then shuffle": lambda m: [
        list(m.utils.data.DataLoader(part, batch_size=2, shuffle=True))
        for part in m.utils.data.random_split(_rows(m), [0.7, 0.3])],
    "ConcatDataset": lambda m: list(
        m.utils.data.DataLoader(m.utils.data.ConcatDataset([_rows(m, 3), _rows(m, 4)]), 2, shuffle=True)),
    "Subset": lambda m: list(m.utils.data.DataLoader(m.utils.data.Subset(_rows(m), [9, 1, 4]), 2)),
}


@pytest.mark.parametrize("seed", [0, 123])
@pytest.mark.parametrize("name", list(LOADERS))
def test_loading_equals_torch(name: str, seed: int) -> None:
    torch = require_torch()
    torch.manual_seed(seed)
    theirs = _plain(LOADERS[name](torch))
    tg.manual_seed(seed)
    ours = _plain(LOADERS[name](tg))
    assert ours == theirs


def test_lengths_equal_torch(torch: Any) -> None:
    def lengths(m: Any) -> list[int]:
        d = m.utils.data
        return [len(d.DataLoader(_rows(m, 11), 4)), len(d.DataLoader(_rows(m, 11), 4, drop_last=True)),
                len(d.DataLoader(_rows(m, 11), batch_size=None)), len(d.DataLoader(_stream(m, 11), batch_size=4)),
                len(d.DataLoader(_rows(m), sampler=d.RandomSampler(range(10), num_samples=25), batch_size=5)),
                len(d.DataLoader(_rows(m), batch_sampler=d.BatchSampler(range(7), 2, False))),
                len(d.BatchSampler(range(7), 2, True)), len(d.WeightedRandomSampler([1.0, 2.0], 9))]

    assert lengths(tg) == lengths(torch)


P = collections.namedtuple("P", "a b")


@pytest.mark.parametrize("batch", [
    [(1, 2.0), (3, 4.0)], [{"x": 1.5, "y": 2}, {"x": 2.5, "y": 3}], [1, 2, 3], [1.0, 2.5], [True, False],
    ["a", "b"], [np.float32(1), np.float32(2)], [np.int32(1), np.int32(5)], [np.ones(2), np.zeros(2)],
    [[1, 2], [3, 4]], [P(1, 2.0), P(3, 4.0)],
    [(np.ones(2), {"k": 1}), (np.zeros(2), {"k": 2})],
    [collections.OrderedDict(b=1, a=2.0), collections.OrderedDict(b=3, a=4.0)],
])
def test_default_collate_equals_torch(batch: list[Any]) -> None:
    torch = require_torch()
    theirs = torch.utils.data.default_collate(batch)
    ours = tg.utils.data.default_collate(batch)
    assert (type(ours) is type(theirs)) or (isinstance(ours, tg.Tensor) and isinstance(theirs, torch.Tensor))
    assert _plain(ours) == _plain(theirs)


@pytest.mark.parametrize("call", [
    lambda m: m.utils.data.DataLoader(_rows(m), shuffle=True, sampler=range(3)),
    lambda m: m.utils.data.DataLoader(_rows(m), batch_size=2, batch_sampler=[[0]]),
    lambda m: m.utils.data.DataLoader(_rows(m), shuffle=True, batch_sampler=[[0]]),
    lambda m: m.utils.data.DataLoader(_rows(m), drop_last=True, batch_sampler=[[0]]),
    lambda m: m.utils.data.DataLoader(_rows(m), batch_size=None, drop_last=True),
    lambda m: m.utils.data.DataLoader(_rows(m), batch_size=0),
    lambda m: m.utils.data.DataLoader(_rows(m), num_workers=-1),
    lambda m: m.utils.data.DataLoader(_rows(m), timeout=-1),
    lambda m: m.utils.data.DataLoader(_rows(m), prefetch_factor=2),
    lambda m: m.utils.data.DataLoader(_rows(m), persistent_workers=True),
    lambda m: m.utils.data.DataLoader(_stream(m, 3), shuffle=True),
    lambda m: m.utils.data.DataLoader(_stream(m, 3), sampler=[0]),
    lambda m: m.utils.data.DataLoader(_stream(m, 3), batch_sampler=[[0]]),
    lambda m: m.utils.data.RandomSampler(range(3), replacement=1),
    lambda m: m.utils.data.RandomSampler(range(3), num_samples=0),
    lambda m: m.utils.data.RandomSampler([]),
    lambda m: m.utils.data.WeightedRandomSampler([1.0], 0),
    lambda m: m.utils.data.WeightedRandomSampler([1.0], 2, replacement=None),
    lambda m: m.utils.data.WeightedRandomSampler([[1.0]], 2),
    lambda m: m.utils.data.BatchSampler(range(3), 0, False),
    lambda m: m.utils.data.BatchSampler(range(3), 2, None),
    lambda m: m.utils.data.ConcatDataset([]),
    lambda m: m.utils.data.ConcatDataset([_stream(m, 2)]),
    lambda m: m.utils.data.random_split(range(5), [2, 2]),
    lambda m: m.utils.data.default_collate([object(), object()]),
    lambda m: m.utils.data.default_collate([[1, 2], [3]]),
    lambda m: setattr(m.utils.data.DataLoader(_rows(m)), "batch_size", 5),
    lambda m: setattr(m.utils.data.DataLoader(_rows(m)), "sampler", None),
])
def test_errors_match_torch(call: Callable[[Any], Any]) -> None:
    torch = require_torch()
    assert_same_error(lambda: call(torch), lambda: call(tg))


def test_get_worker_info_is_none_in_the_main_process(torch: Any) -> None:
    assert tg.utils.data.get_worker_info() is None is torch.utils.data.get_worker_info()


def test_iterable_datasets_chain_with_plus(torch: Any) -> None:
    ours = list(_stream(tg, 2) + _stream(tg, 3))
    assert ours == list(_stream(torch, 2) + _stream(torch, 3)) == [0, 1, 0, 1, 2]
