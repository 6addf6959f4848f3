"""Random factories and in-place fills with torch's signatures: rand, randn, randint, randperm, their `_like`
forms, normal, bernoulli, multinomial, and the `uniform_`/`normal_`/`bernoulli_`/`random_`/`exponential_`
fills behind the Tensor methods. Every draw comes from `generator` or the global one (`kernels`)."""

from __future__ import annotations

import builtins
import operator
from typing import Any

import numpy as np

from tinygrad_lr import devices, dtypes
from tinygrad_lr.random import default_generator, kernels
from tinygrad_lr.random.generator import Generator
from tinygrad_lr.value import Value, as_array


def _source(generator: Generator | None) -> Generator:
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a Generator, not {type(generator).__name__}")
    return generator


def size_of(size: tuple[Any, ...]) -> tuple[int, ...]:
    """A shape from `f(2, 3)`, `f((2, 3))` or `f([2, 3])`, refusing negative sizes as torch does."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(operator.index(s) for s in size)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def _float_dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _finish(array: np.ndarray, requires_grad: bool) -> Value:
    value = Value._make_const(array)
    if requires_grad:
        value.requires_grad_(True)
    return value


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Value:
    """Samples of U[0, 1)."""
    devices.check(device)
    shape, dtype = size_of(size), _float_dtype(dtype)
    values = kernels.uniform(_source(generator), int(np.prod(shape)), 0.0, 1.0, dtype)
    return _finish(values.reshape(shape), requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
          device: Any = None) -> Value:
    """Samples of N(0, 1)."""
    devices.check(device)
    shape, dtype = size_of(size), _float_dtype(dtype)
    values = kernels.normal(_source(generator), int(np.prod(shape)), 0.0, 1.0, dtype)
    return _finish(values.reshape(shape), requires_grad)


def randint(low: int = 0, high: Any = None, size: Any = None, *, generator: Generator | None = None, dtype: Any = None,
            requires_grad: bool = False, device: Any = None) -> Value:
    """Integers drawn uniformly from [low, high) (`randint(high, size)` starts at 0); int64 by default."""
    devices.check(device)
    if size is None:
        low, high, size = 0, low, high
    shape = size_of((size,))
    dtype = dtypes.int64 if dtype is None else np.dtype(dtype)
    values = kernels.random_from_to(_source(generator), int(np.prod(shape)), int(low), int(high), dtype)
    return _finish(values.reshape(shape), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
             device: Any = None) -> Value:
    """A random permutation of 0..n-1 (int64 by default)."""
    devices.check(device)
    size_of((n,))
    values = kernels.randperm(_source(generator), operator.index(n))
    return _finish(values.astype(dtypes.int64 if dtype is None else np.dtype(dtype)), requires_grad)


def _empty_like(input: Value, dtype: Any, requires_grad: bool) -> Value:  # noqa: A002 - torch's name
    """An uninitialised tensor with `input`'s memory layout, as torch's `empty_like` (so fills land as torch's)."""
    out = Value._make_const(np.empty_like(input._data, dtype=input.dtype if dtype is None else np.dtype(dtype)))
    return out.requires_grad_(True) if requires_grad else out


def rand_like(input: Value, *, dtype: Any = None, requires_grad: bool = False,  # noqa: A002 - torch's name
              generator: Generator | None = None) -> Value:
    return _empty_like(input, dtype, False).uniform_(generator=generator).requires_grad_(requires_grad)


def randn_like(input: Value, *, dtype: Any = None, requires_grad: bool = False,  # noqa: A002 - torch's name
               generator: Generator | None = None) -> Value:
    return _empty_like(input, dtype, False).normal_(generator=generator).requires_grad_(requires_grad)


def randint_like(input: Value, low: int, high: Any = None, *, dtype: Any = None,  # noqa: A002 - torch's name
                 requires_grad: bool = False, generator: Generator | None = None) -> Value:
    if high is None:
        low, high = 0, low
    out = _empty_like(input, dtype, False)
    return out.random_(low, high, generator=generator).requires_grad_(requires_grad)


# -- in-place fills: each `*_sample` gives the new values laid out like the tensor's memory; the Tensor methods
# (ops/random.py) write them in, with torch's rules for in-place ops
def _laid_out(target: np.ndarray, values: np.ndarray) -> np.ndarray:
    """`values` (in draw order) placed as torch's fill would place them in `target`'s memory."""
    out = np.empty_like(target, dtype=values.dtype)
    kernels.fill(out, values)
    return out


def uniform_sample(tensor: Value, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> np.ndarray:
    """Samples of U[a, b) for every element of `tensor`."""
    data = tensor._data
    return _laid_out(data, kernels.uniform(_source(generator), data.size, float(a), float(b), data.dtype))


def normal_sample(tensor: Value, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
                  ) -> np.ndarray:
    """Samples of N(mean, std^2) for every element of `tensor` (torch's path depends on its contiguity)."""
    data = tensor._data
    values = kernels.normal(_source(generator), data.size, float(mean), float(std), data.dtype,
                            contiguous=data.flags.c_contiguous)
    return _laid_out(data, values)


def bernoulli_sample(tensor: Value, p: Any = 0.5, generator: Generator | None = None) -> np.ndarray:
    """1 where a draw succeeds with probability p (a number, or a tensor broadcast to `tensor`), else 0."""
    data = tensor._data
    if isinstance(p, Value):
        probs = np.broadcast_to(p._data, data.shape)
        in_draw_order = np.ascontiguousarray(probs.transpose(kernels.memory_order_axes(data))).reshape(-1)
        draws = kernels.bernoulli_tensor(_source(generator), in_draw_order)
    else:
        draws = kernels.bernoulli_scalar(_source(generator), data.size, float(p))
    return _laid_out(data, draws.astype(data.dtype))


def random_sample(tensor: Value, from_: int | None = None, to: int | None = None,
                  generator: Generator | None = None) -> np.ndarray:
    """Integers in [from, to), [0, from) with one bound, else [0, 2^mantissa] or [0, max] of the dtype."""
    data = tensor._data
    if from_ is None:
        values = kernels.random_full(_source(generator), data.size, data.dtype)
    else:
        low, high = (0, from_) if to is None else (from_, to)
        values = kernels.random_from_to(_source(generator), data.size, int(low), int(high), data.dtype)
    return _laid_out(data, values)


def exponential_sample(tensor: Value, lambd: float = 1.0, generator: Generator | None = None) -> np.ndarray:
    """Samples of Exp(lambd) (density lambd e^(-lambd x)) for every element of `tensor`."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={kernels.number(lambd)}")
    data = tensor._data
    return _laid_out(data, kernels.exponential(_source(generator), data.size, float(lambd)).astype(data.dtype))


# -- torch.normal, torch.bernoulli, torch.multinomial -------------------------------------------------------
def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: Any = None, requires_grad: bool = False) -> Value:
    """Samples of N(mean, std^2): numbers with a `size`, or tensors (broadcast) giving each element's
    mean and std. torch draws N(0, 1) (N(0, std) for a number std) and then scales and shifts."""
    source = _source(generator)
    if not isinstance(mean, Value) and not isinstance(std, Value):
        if size is None:
            raise TypeError("normal() missing 1 required positional argument: \"size\"")
        shape = size_of((size,))
        values = kernels.normal(source, int(np.prod(shape)), float(mean), float(std), _float_dtype(dtype))
        return _finish(values.reshape(shape), requires_grad)
    if isinstance(std, Value):
        if (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    else:
        kernels.check_std(float(std))
    mean_data, std_data = as_array(mean), as_array(std)
    out_dtype = mean_data.dtype if isinstance(mean, Value) else std_data.dtype
    shape = np.broadcast_shapes(mean_data.shape, std_data.shape)
    size_n = int(np.prod(shape))
    if isinstance(std, Value):
        draws = kernels.normal(source, size_n, 0.0, 1.0, out_dtype).reshape(shape)
        out = draws * std_data.astype(out_dtype) + mean_data.astype(out_dtype)
    else:
        out = kernels.normal(source, size_n, 0.0, float(std), out_dtype).reshape(shape) + mean_data.astype(out_dtype)
    return _finish(np.asarray(out, dtype=out_dtype), requires_grad)


def bernoulli(input: Value, p: float | None = None, *,  # noqa: A002 - torch's name
              generator: Generator | None = None) -> Value:
    """0/1 samples, 1 with probability `input` (element-wise) or `p`; the dtype of `input`."""
    out = Value._make_const(np.empty(input.shape, dtype=input.dtype))  # contiguous, whatever input's layout
    return out.bernoulli_(input if p is None else p, generator=generator)


def multinomial(input: Value, num_samples: int, replacement: builtins.bool = False, *,  # noqa: A002
                generator: Generator | None = None) -> Value:
    """Indices sampled from each row of the weights `input` (1-D or 2-D, need not sum to 1), int64."""
    return Value._make_const(
        kernels.multinomial(_source(generator), np.asarray(input._data), operator.index(num_samples), replacement)
    )
