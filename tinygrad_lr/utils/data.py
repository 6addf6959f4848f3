"""Datasets and mini-batch loading (torch.utils.data's API): `TensorDataset`, `Subset`, `ConcatDataset`,
`IterableDataset`, `DataLoader`, `random_split`, `default_collate`, and the samplers (from `samplers`).

Any object with `__len__` and `__getitem__` is a dataset. Batches are fetched one at a time, so a dataset
backed by a `np.memmap` larger than memory streams from disk: only the rows of the current batch are read.
Arrays (NumPy arrays, memmaps, Values) and `TensorDataset`s are fetched a whole batch at a time with one
indexing call per array; other datasets are asked for each sample, and the samples are stacked (`default_collate`).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from tinygrad_lr.ops.shape import stack
from tinygrad_lr.random import default_generator, kernels
from tinygrad_lr.random.generator import Generator
from tinygrad_lr.utils.samplers import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
    draw_int64_seed,
    is_positive_int,
)
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
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
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
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        return _same_container(elem, collated)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [default_collate(list(field)) for field in zip(*batch)]
        return fields if isinstance(elem, tuple) else _same_container(elem, fields)
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem)}"
    )


def _same_container(elem: Any, collated: Any) -> Any:
    """`collated` in the container type of the samples (an OrderedDict stays one), as torch tries to;
    a plain dict or list when that type cannot be built from one."""
    try:
        return type(elem)(collated)
    except TypeError:
        return collated


def default_convert(sample: Any) -> Any:
    """One sample as the loader yields it with `batch_size=None`: arrays become Values, tuples become lists."""
    if isinstance(sample, np.ndarray):
        return Value._make_const(as_array(sample))
    if isinstance(sample, Mapping):
        return {key: default_convert(value) for key, value in sample.items()}
    if isinstance(sample, (tuple, list)):
        return [default_convert(value) for value in sample]
    return sample


class IterableDataset(Dataset):
    """Base class for datasets that are streams: subclasses define `__iter__` (no indexing, no sampler)."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def __add__(self, other: Any) -> ChainDataset:  # type: ignore[override]  # torch chains streams
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """Several streams one after the other."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from dataset

    def __len__(self) -> int:
        return sum(len(dataset) for dataset in self.datasets)


def get_worker_info() -> None:
    """Information about the current loading worker: None, since loading runs in the calling process."""
    return None


class DataLoader:
    """Iterate over a dataset in mini-batches: each batch is a list `[xb, yb]` (for a dataset of `(x, y)`
    samples) stacked along a new dim 0; the last batch is smaller unless `drop_last=True`.

    Indices come from `sampler` (default: `SequentialSampler`, or `RandomSampler` with `shuffle=True`),
    grouped by `batch_sampler` (default: `BatchSampler(sampler, batch_size, drop_last)`); `batch_size=None`
    yields the samples one by one. As in torch, every `iter(loader)` draws one int64 from `generator` (or the
    global generator), and an unseeded `RandomSampler` draws its epoch seed from the global generator, so a
    seeded script shuffles as it does under torch. Loading runs in the calling process (`num_workers` is
    accepted and ignored).
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
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
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        _check_loader_options(num_workers, timeout, prefetch_factor, persistent_workers)
        if generator is not None and not isinstance(generator, Generator):
            raise TypeError(f"generator should be a tinygrad_lr.Generator, but got {type(generator).__name__}")
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        elif batch_size is not None and self._iterable and not is_positive_int(batch_size):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.collate_fn = collate_fn
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self._initialized = True

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr in _FIXED_AFTER_INIT and getattr(self, "_initialized", False):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self) -> Iterator[Any]:
        # torch's iterator draws its base seed (for worker processes) as it is created, before any batch
        draw_int64_seed(self.generator)
        if self._iterable:
            return self._stream()
        return self._batches() if self.batch_sampler is not None else self._samples()

    def _samples(self) -> Iterator[Any]:
        convert = default_convert if self.collate_fn is None else self.collate_fn
        for i in self.sampler:
            yield convert(self.dataset[i])

    def _batches(self) -> Iterator[Any]:
        for index in self._index_batches():
            if self.collate_fn is None:
                yield _batch_of(self.dataset, index)
            else:
                yield self.collate_fn(_samples(self.dataset, index))

    def _index_batches(self) -> Iterator[Index]:
        """The batch sampler's batches; for the default samplers as slices or arrays (no int per index)."""
        batches = self.batch_sampler
        if type(batches) is not BatchSampler or type(batches.sampler) not in (SequentialSampler, RandomSampler):
            for batch in batches:
                yield np.asarray(batch, dtype=np.int64)
            return
        sampler, size = batches.sampler, batches.batch_size
        order = sampler.order() if isinstance(sampler, RandomSampler) else None
        n = len(sampler) if order is None else len(order)  # type: ignore[arg-type]
        stop = n - n % size if batches.drop_last else n
        for start in range(0, stop, size):
            yield slice(start, min(start + size, n)) if order is None else order[start : start + size]

    def _stream(self) -> Iterator[Any]:
        samples = iter(self.dataset)
        if self.batch_size is None:
            convert = default_convert if self.collate_fn is None else self.collate_fn
            yield from map(convert, samples)
            return
        collate = default_collate if self.collate_fn is None else self.collate_fn
        while batch := list(itertools.islice(samples, self.batch_size)):
            if self.drop_last and len(batch) < self.batch_size:
                return
            yield collate(batch)


_FIXED_AFTER_INIT = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


def _check_loader_options(num_workers: int, timeout: float, prefetch_factor: int | None,
                          persistent_workers: bool) -> None:
    """torch's checks of the multiprocessing options (which are otherwise ignored here)."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable "
            "multiprocessing, otherwise set prefetch_factor to None."
        )
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")


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
    indices = kernels.randperm(generator or default_generator, n).tolist()
    subsets, offset = [], 0
    for size in map(int, lengths):
        subsets.append(Subset(dataset, indices[offset : offset + size]))
        offset += size
    return subsets


__all__ = [
    "BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset", "RandomSampler",
    "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler",
    "default_collate", "default_convert", "get_worker_info", "random_split",
]
