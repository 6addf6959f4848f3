"""Samplers (torch.utils.data's): which dataset indices a DataLoader visits, and in what order.

The random ones draw exactly what torch's draw, so a seeded script shuffles as it does under torch:
`RandomSampler` without a generator seeds a fresh Generator with one int64 draw of the global generator
each epoch, then takes `randperm(n)` from it (or `randint(n)` in chunks of 32 with replacement);
`SubsetRandomSampler` permutes its indices with `randperm`; `WeightedRandomSampler` calls `multinomial`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from tinygrad_lr.random import default_generator, kernels
from tinygrad_lr.random.generator import Generator


def draw_int64_seed(generator: Generator | None) -> int:
    """torch's `torch.empty((), dtype=torch.int64).random_(generator=...)`: a 64-bit draw modulo 2^63."""
    source = default_generator if generator is None else generator
    return int(kernels.random_full(source, 1, np.dtype(np.int64))[0])


def is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class Sampler:
    """Base class: subclasses define `__iter__` (the indices) and usually `__len__`."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random order of the indices each epoch (`replacement=True`: `num_samples` independent draws)."""

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _epoch_generator(self) -> Generator:
        if self.generator is not None:
            return self.generator
        return Generator().manual_seed(draw_int64_seed(None))

    def order(self) -> np.ndarray:
        """This epoch's indices as one array: the draws `__iter__` makes, without a Python int per index."""
        n = len(self.data_source)
        generator = self._epoch_generator()
        if self.replacement:
            chunks = [kernels.random_from_to(generator, 32, 0, n, np.dtype(np.int64))
                      for _ in range(self.num_samples // 32)]
            chunks.append(kernels.random_from_to(generator, self.num_samples % 32, 0, n, np.dtype(np.int64)))
        else:
            chunks = [kernels.randperm(generator, n) for _ in range(self.num_samples // n)]
            chunks.append(kernels.randperm(generator, n)[: self.num_samples % n])
        return np.concatenate(chunks)

    def __iter__(self) -> Iterator[int]:
        yield from self.order().tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (`randperm` of their count)."""

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        source = default_generator if self.generator is None else self.generator
        for i in kernels.randperm(source, len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probability proportional to `weights` (`multinomial` in float64)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Generator | None = None) -> None:
        if not is_positive_int(num_samples):
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        from tinygrad_lr.value import Value

        weights_array = np.asarray(weights._data if isinstance(weights, Value) else weights, dtype=np.float64)
        if weights_array.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {weights_array.shape}")
        self.weights = Value._make_const(weights_array)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        source = default_generator if self.generator is None else self.generator
        yield from kernels.multinomial(source, self.weights._data, self.num_samples, self.replacement).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of `batch_size` (the last shorter unless `drop_last`)."""

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not is_positive_int(batch_size):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        indices = iter(self.sampler)
        while batch := list(itertools.islice(indices, self.batch_size)):
            if self.drop_last and len(batch) < self.batch_size:
                return
            yield batch

    def __len__(self) -> int:
        size = len(self.sampler)  # type: ignore[arg-type]
        return size // self.batch_size if self.drop_last else (size + self.batch_size - 1) // self.batch_size
