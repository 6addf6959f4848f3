"""Datasets and mini-batch loading (torch.utils.data's API): `TensorDataset`, `DataLoader`, `random_split`.

Any object with `__len__` and `__getitem__` is a dataset. Batches are fetched one at a time, so a dataset
backed by a `np.memmap` larger than memory streams from disk: only the rows of the current batch are read.
Arrays (NumPy arrays, memmaps, Values) and `TensorDataset`s are fetched a whole batch at a time with one
indexing call per array; other datasets are asked for each sample, and the samples are stacked (`default_collate`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from tinygrad_lr.ops.shape import stack
from tinygrad_lr.random import Generator, default_generator
from tinygrad_lr.value import Value, as_array

Index = slice | np.ndarray


class Dataset:
    """Base class for map-style datasets: subclasses define `__getitem__(i)` and `__len__()`."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Rows of several arrays of the same length: `ds[i] == (X[i], y[i])`.

    Accepts Values, or NumPy arrays (including `np.memmap`, which stays on disk: rows are read when a
    sample or a batch asks for them).
    """

    def __init__(self, *tensors: Any) -> None:
        assert all(tensors[0].shape[0] == t.shape[0] for t in tensors), "Size mismatch between tensors"
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        return tuple(_rows(t, index) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _batch(self, index: Index) -> list[Value]:
        return [_rows(t, index) for t in self.tensors]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def _batch(self, index: Index) -> Any:
        # only the batch's own indices are looked up: converting all of `indices` would cost O(len) per batch
        indices = self.indices
        if isinstance(index, slice) or isinstance(indices, np.ndarray):
            chosen = indices[index]
        else:
            chosen = [indices[i] for i in index.tolist()]
        return _batch_of(self.dataset, np.asarray(chosen, dtype=np.int64))


class ConcatDataset(Dataset):
    """Several datasets one after the other."""

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        which = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        start = 0 if which == 0 else self.cumulative_sizes[which - 1]
        return self.datasets[which][index - start]


def _rows(source: Any, index: Any) -> Any:
    """`source[index]` as a Value holding its own copy of the rows (read from disk for a memmap)."""
    if isinstance(source, Value):
        if source.requires_grad:
            return source[index]
        return Value._make_const(np.array(source._data[index]))
    return Value._make_const(as_array(np.array(source[index])))


def _batch_of(dataset: Any, index: Index) -> Any:
    """The collated batch at `index`, fetched with one indexing call per array when the dataset allows it."""
    fetch = getattr(dataset, "_batch", None)
    if fetch is not None:
        return fetch(index)
    if isinstance(dataset, (np.ndarray, Value)):
        return _rows(dataset, index)
    return default_collate(_samples(dataset, index))


def _samples(dataset: Any, index: Index) -> list[Any]:
    """The samples at `index` (a slice of positions or an array of them), asked for one by one."""
    positions = range(index.start, index.stop) if isinstance(index, slice) else index.tolist()
    return [dataset[i] for i in positions]


def default_collate(batch: list[Any]) -> Any:
    """Stack a list of samples into a batch: Values and arrays along a new dim 0, numbers into a 1-D Value
    (int64 for ints, float64 for floats), tuples into a list of stacked fields, dicts key by key."""
    elem = batch[0]
    if isinstance(elem, Value):
        if any(s.requires_grad for s in batch):
            return stack(batch)
        return Value._make_const(np.stack([s._data for s in batch]))
    if isinstance(elem, (np.ndarray, np.generic)):
        return Value._make_const(as_array(np.stack(batch)))
    if isinstance(elem, bool):
        return Value._make_const(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return Value._make_const(np.array(batch, dtype=np.int64))
    if isinstance(elem, float):
        return Value._make_const(np.array(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem)}"
    )


def default_convert(sample: Any) -> Any:
    """One sample as the loader yields it with `batch_size=None`: arrays become Values, tuples become lists."""
    if isinstance(sample, np.ndarray):
        return Value._make_const(as_array(sample))
    if isinstance(sample, Mapping):
        return {key: default_convert(value) for key, value in sample.items()}
    if isinstance(sample, (tuple, list)):
        return [default_convert(value) for value in sample]
    return sample


class DataLoader:
    """Iterate over a dataset in mini-batches: each batch is a list `[xb, yb]` (for a dataset of `(x, y)`
    samples) stacked along a new dim 0; the last batch is smaller unless `drop_last=True`.

    `shuffle=True` draws a fresh order each epoch: from `generator` if given, otherwise from a generator
    seeded by one draw of the global generator (so `manual_seed` makes it repeat). `batch_size=None`
    yields the samples one by one. Loading runs in the calling process (`num_workers` is accepted and ignored).
    Unlike torch, iterating without shuffling draws nothing from the global generator.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = False,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
    ) -> None:
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int)
                                       or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if sampler is not None or batch_sampler is not None:
            raise NotImplementedError("custom samplers are not supported: use shuffle=True and a generator")
        if generator is not None and not isinstance(generator, Generator):
            raise TypeError(f"generator should be a tinygrad_lr.Generator, but got {type(generator).__name__}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.drop_last = drop_last
        self.generator = generator
        self.collate_fn = collate_fn
        self.num_workers = num_workers

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> np.ndarray | None:
        """This epoch's sample order, or None for 0..n-1."""
        if not self.shuffle:
            return None
        generator = self.generator
        if generator is None:
            generator = Generator(int(default_generator.integers(0, 2**63 - 1, ())))
        return generator.permutation(len(self.dataset))

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = self._order()
        if self.batch_size is None:
            for i in range(n) if order is None else order.tolist():
                yield default_convert(self.dataset[i])
            return
        size = self.batch_size
        stop = n - n % size if self.drop_last else n
        for start in range(0, stop, size):
            index: Index = slice(start, min(start + size, n)) if order is None else order[start : start + size]
            if self.collate_fn is None:
                yield _batch_of(self.dataset, index)
            else:
                yield self.collate_fn(_samples(self.dataset, index))


def random_split(
    dataset: Any, lengths: Sequence[int | float], generator: Generator | None = default_generator
) -> list[Subset]:
    """Split `dataset` into non-overlapping random `Subset`s of the given lengths, or fractions summing to 1
    (floor(fraction * n) each, the remainder handed out one by one round-robin)."""
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, fraction in enumerate(lengths):
            if fraction < 0 or fraction > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(math.floor(n * fraction))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.",
                              UserWarning, stacklevel=2)
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = (generator or default_generator).permutation(n).tolist()
    subsets, offset = [], 0
    for size in map(int, lengths):
        subsets.append(Subset(dataset, indices[offset : offset + size]))
        offset += size
    return subsets
