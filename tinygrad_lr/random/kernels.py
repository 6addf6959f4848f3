"""torch's CPU sampling kernels, reproduced with NumPy: the same draws in the same order, the same arithmetic.

Each function takes a `Generator` and returns a flat NumPy array in the order torch fills memory (see
`fill`). Formulas, with w a 32-bit word (`random()`) and W a 64-bit one (`random64()`):

- uniform U[a, b):  float32 u = (w & (2^24 - 1)) 2^-24, float64 u = (W & (2^53 - 1)) 2^-53; x = fma(u, b - a, a),
  and x == b (rounding) becomes a.
- normal, 16 or more values of a contiguous tensor: all n uniforms first; then Box-Muller on blocks of 16,
  u1 = 1 - u[0:8], u2 = u[8:16], r = sqrt(-2 log u1), theta = 2 pi u2: z[0:8] = r cos theta, z[8:16] = r sin theta,
  x = fma(z, std, mean); when 16 does not divide n, 16 more uniforms redo the last 16 values.
  float32 uses torch's AVX2 log/sincos (`avx_math`), float64 the C library's (`math`).
- normal, fewer values (or a non-contiguous tensor): one at a time in float64, u1 then u2 (float64 uniforms),
  r = sqrt(-2 log1p(-u2)), theta = 2 pi u1, r cos theta now and r sin theta cached on the generator for the next.
- integers in [low, high): w % (high - low) + low, or W % ... when the range needs more than 32 bits.
- randperm(n): Fisher-Yates, swapping i with i + w % (n - i); from n = 2^32 / 20 on, the inside-out variant
  with W % (i + 1).
- bernoulli(p): float64 u < p for a number p or a float64 p tensor, float32 u < p for a float32 p tensor.
- exponential(lambda): -1 / lambda * log1p(-u), float64 u.
- multinomial: without replacement (or one sample), argmax / top-k of p / Exp(1); with replacement, a binary
  search of float64 uniforms in the normalised running sum of each row.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tinygrad_lr.random import avx_math
from tinygrad_lr.random.fma import fma32, fma64
from tinygrad_lr.random.generator import Generator

_FLOAT_MASK = np.uint64(2**24 - 1)
_DOUBLE_MASK = np.uint64(2**53 - 1)
_LARGE_RANDPERM = (2**32 - 1) // 20  # torch switches to 64-bit draws here
_TWO_PI_FLOAT = np.float32(2.0 * math.pi)
# The float32 arithmetic runs over slices of this many values, whose temporaries stay in the cache
# (randn(10**6): 244 -> 141 ms, uniform_ similar; docs/performance.md).
_CHUNK = 65536


def number(x: float) -> str:
    """A double as C++'s ostream prints it (6 significant digits), for torch's messages."""
    return f"{x:g}"


def each_value(function: Any, values: np.ndarray) -> np.ndarray:
    """`function` (a `math` function, i.e. the C library's, which torch calls too) on every float64 value.

    NumPy's own log/log1p differ from the C library's in the last bit for some inputs. `compile` records a call
    of it as one call (compiler/patching.py)."""
    flat = np.fromiter(map(function, values.reshape(-1).tolist()), dtype=np.float64, count=values.size)
    return flat.reshape(values.shape)


def memory_order_axes(target: np.ndarray) -> list[int]:
    """`target`'s axes from the largest stride to the smallest: transposed so, it is read in memory order."""
    return sorted(range(target.ndim), key=lambda axis: -abs(target.strides[axis]))


def fill(target: np.ndarray, values: np.ndarray) -> None:
    """Write `values` into `target` in memory order (the order torch's TensorIterator visits elements)."""
    if target.flags.c_contiguous:
        target.reshape(-1)[...] = values
        return
    view = target.transpose(memory_order_axes(target))
    view[...] = values.reshape(view.shape)


def uniform_float(generator: Generator, n: int) -> np.ndarray:
    """n float32 uniforms in [0, 1): 24 bits of one word each."""
    values = (generator.random(n) & _FLOAT_MASK).astype(np.float32)
    values *= np.float32(2.0**-24)  # exact: a power of two
    return values


def uniform_double(generator: Generator, n: int) -> np.ndarray:
    """n float64 uniforms in [0, 1): 53 bits of one 64-bit draw each."""
    return (generator.random64(n) & _DOUBLE_MASK).astype(np.float64) * 2.0**-53


def _opmath(dtype: np.dtype) -> np.dtype:
    """The dtype torch computes a sample in: float64 for float64, float32 for float32 and float16."""
    return np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)


def uniform(generator: Generator, n: int, low: float, high: float, dtype: np.dtype) -> np.ndarray:
    """n draws from U[low, high) of a floating `dtype`."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise NotImplementedError(f"\"check_uniform_bounds\" not implemented for '{_scalar_type(dtype)}'")
    if not low <= high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={number(low)} > to={number(high)}"
        )
    limit = float(np.finfo(dtype).max)
    if high - low > limit:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{_scalar_type(dtype)}>::max(), but found "
            f"to={number(high)} and from={number(low)} which result in to-from to exceed the limit"
        )
    if _opmath(dtype) == np.float64:
        values = uniform_double(generator, n)
        if (low, high) != (0.0, 1.0):
            values = fma64(values, high - low, low)
    elif low == 0.0 and high == 1.0:  # fma(u, 1, 0) = u: rand() skips the arithmetic
        values = uniform_float(generator, n)
    else:
        start, stop = np.float32(low), np.float32(high)
        values = uniform_float(generator, n)
        for i in range(0, n, _CHUNK):
            values[i : i + _CHUNK] = fma32(values[i : i + _CHUNK], stop - start, start)
    values = values.astype(dtype)
    top = dtype.type(high)
    return np.where(values == top, dtype.type(low), values) if (values == top).any() else values


def check_std(std: float) -> None:
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {number(std)}")


def normal(generator: Generator, n: int, mean: float, std: float, dtype: np.dtype, contiguous: bool = True
           ) -> np.ndarray:
    """n draws from N(mean, std^2) of a floating `dtype`, by torch's blockwise or one-at-a-time path."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{_scalar_type(dtype)}'")
    check_std(std)
    if n >= 16 and contiguous:
        if dtype == np.float64:
            return _normal_blocks_double(generator, n, mean, std)
        return _normal_blocks_float(generator, n, mean, std, whole_buffer=dtype == np.float32).astype(dtype)
    return _normal_one_at_a_time(generator, n, mean, std).astype(dtype)


def _box_muller_float(u: np.ndarray, mean: np.float32, std: np.float32) -> np.ndarray:
    """torch's AVX2 Box-Muller on rows of 16 float32 uniforms."""
    u1 = np.float32(1.0) - u[:, :8]
    radius = np.sqrt(np.float32(-2.0) * avx_math.log(u1))
    sin, cos = avx_math.sincos(_TWO_PI_FLOAT * u[:, 8:])
    return fma32(np.concatenate([radius * cos, radius * sin], axis=1), std, mean)


def _normal_blocks_float(generator: Generator, n: int, mean: float, std: float, whole_buffer: bool) -> np.ndarray:
    """float32 draws 16 at a time. torch draws all n uniforms for float32 (the tail's are overwritten),
    but only the full blocks' for float16, before the 16 that redo the tail."""
    full = n - n % 16
    mean32, std32 = np.float32(mean), np.float32(std)
    u = uniform_float(generator, n if whole_buffer else full)
    out = np.empty(n, dtype=np.float32)
    for i in range(0, full, _CHUNK):
        stop = min(i + _CHUNK, full)
        out[i:stop] = _box_muller_float(u[i:stop].reshape(-1, 16), mean32, std32).reshape(-1)
    if n % 16:
        out[n - 16:] = _box_muller_float(uniform_float(generator, 16).reshape(1, 16), mean32, std32).reshape(-1)
    return out


def _box_muller_double(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """torch's scalar Box-Muller on rows of 16 float64 uniforms, with the C library's log, sin and cos."""
    radius = np.sqrt(-2.0 * each_value(math.log, 1.0 - u[:, :8]))
    theta = 2.0 * math.pi * u[:, 8:]
    cos = each_value(math.cos, theta)
    sin = each_value(math.sin, theta)
    return fma64(np.concatenate([radius * cos, radius * sin], axis=1), std, mean)


def _normal_blocks_double(generator: Generator, n: int, mean: float, std: float) -> np.ndarray:
    full = n - n % 16
    u = uniform_double(generator, n)
    out = np.empty(n, dtype=np.float64)
    out[:full] = _box_muller_double(u[:full].reshape(-1, 16), mean, std).reshape(-1)
    if n % 16:
        out[n - 16:] = _box_muller_double(uniform_double(generator, 16).reshape(1, 16), mean, std).reshape(-1)
    return out


def _normal_one_at_a_time(generator: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """torch's `normal_distribution<double>`: pairs from (u1, u2), the sine half kept for the next call."""
    standard = np.empty(n, dtype=np.float64)
    start = 0
    if n and generator.next_double_normal is not None:
        standard[0] = generator.next_double_normal
        generator.next_double_normal = None
        start = 1
    pairs = (n - start + 1) // 2
    if pairs:
        u = uniform_double(generator, 2 * pairs).reshape(pairs, 2)
        radius = np.sqrt(-2.0 * each_value(math.log1p, -u[:, 1]))
        theta = 2.0 * math.pi * u[:, 0]
        both = np.empty(2 * pairs, dtype=np.float64)
        both[0::2] = radius * each_value(math.cos, theta)
        both[1::2] = radius * each_value(math.sin, theta)
        standard[start:] = both[: n - start]
        if (n - start) % 2:
            generator.next_double_normal = float(both[-1])
    return fma64(standard, std, mean)


def random_from_to(generator: Generator, n: int, low: int, high: int, dtype: np.dtype) -> np.ndarray:
    """n integers in [low, high): a word (or a 64-bit draw for ranges over 2^32) modulo the range, plus low."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    span = high - low
    words = generator.random(n) if span < 2**32 else generator.random64(n)
    offsets = words % np.uint64(span)
    if span < 2**63:
        return (offsets.astype(np.int64) + np.int64(low)).astype(dtype)
    return np.array([int(o) + low for o in offsets.tolist()], dtype=np.int64).astype(dtype)


def random_full(generator: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """`random_()` without bounds: [0, 2^mantissa] for floats, [0, max] for integers, {0, 1} for bool."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return (generator.random(n) & np.uint64(1)).astype(np.bool_)
    if dtype.kind == "f":
        digits = np.finfo(dtype).nmant + 1
        modulus = np.uint64(2**digits + 1)
    else:
        modulus = np.uint64(int(np.iinfo(dtype).max) + 1)
    words = generator.random64(n) if dtype in (np.float64, np.int64) else generator.random(n)
    return (words % modulus).astype(dtype)


def randperm(generator: Generator, n: int) -> np.ndarray:
    """A permutation of 0..n-1, by torch's swaps."""
    if n < _LARGE_RANDPERM:
        if n <= 1:
            return np.array(list(range(n)), dtype=np.int64)
        targets = (generator.random(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).astype(np.int64)
        targets += np.arange(n - 1, dtype=np.int64)
        return swapped(targets)
    picks = (generator.random64(n) % np.arange(1, n + 1, dtype=np.uint64)).astype(np.int64)
    return placed_inside_out(picks)


# The permutations' Python loops, as functions of the drawn array alone: `compile` records each as one call
# (compiler/patching.py), which a replay runs again on that call's draws.
def swapped(targets: np.ndarray) -> np.ndarray:
    """0..n-1 (n = len(targets) + 1) with position i swapped with position targets[i], for i in order."""
    order = list(range(len(targets) + 1))
    for i, j in enumerate(targets.tolist()):
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


def placed_inside_out(picks: np.ndarray) -> np.ndarray:
    """The inside-out Fisher-Yates shuffle: i goes to position picks[i], which moves its value to position i."""
    out = np.empty(len(picks), dtype=np.int64)
    for i, z in enumerate(picks.tolist()):
        out[i] = out[z]
        out[z] = i
    return out


def bernoulli_scalar(generator: Generator, n: int, p: float) -> np.ndarray:
    """n draws of 1 with probability p (bool array)."""
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={number(p)}")
    return uniform_double(generator, n) < p


def bernoulli_tensor(generator: Generator, p: np.ndarray) -> np.ndarray:
    """One draw per element of the probability array `p` (already broadcast, in fill order)."""
    if not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  "
            "If so, please report an enhancement request to PyTorch.)"
        )
    if p.dtype == np.float64:
        return uniform_double(generator, p.size) < p.reshape(-1)
    return uniform_float(generator, p.size) < p.reshape(-1).astype(np.float32)


def exponential(generator: Generator, n: int, lambd: float) -> np.ndarray:
    """n float64 draws from Exp(lambd)."""
    return (-1.0 / lambd) * each_value(math.log1p, -uniform_double(generator, n))


def multinomial(generator: Generator, probs: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """Indices drawn from each row of `probs` (1-D or 2-D, floating), int64, shape (..., num_samples)."""
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {_scalar_type(probs.dtype)}"
        )
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not replacement or num_samples == 1:
        return _multinomial_by_exponential_race(generator, probs, num_samples)
    rows = probs.reshape(-1, probs.shape[-1])
    out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    for i, row in enumerate(rows):
        if (row < 0).any() or np.isnan(row).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if np.isinf(row).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        running = np.cumsum(row)  # NumPy's cumsum adds left to right, as torch's loop does
        total = running[-1]
        if not total > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        running = running / total
        running[-1] = 1
        out[i] = np.searchsorted(running.astype(np.float64), uniform_double(generator, num_samples), side="left")
    return out.reshape(probs.shape[:-1] + (num_samples,))


def _multinomial_by_exponential_race(generator: Generator, probs: np.ndarray, num_samples: int) -> np.ndarray:
    """argmax / top-k of p_i / q_i with q_i ~ Exp(1): the Gumbel-max trick torch uses."""
    if not (np.isfinite(probs) & (probs >= 0)).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (probs.reshape(-1, probs.shape[-1]).sum(axis=-1) == 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    race = probs / exponential(generator, probs.size, 1.0).astype(probs.dtype).reshape(probs.shape)
    if num_samples == 1:
        return np.argmax(race, axis=-1)[..., None].astype(np.int64)
    return np.argsort(-race, axis=-1, kind="stable")[..., :num_samples].astype(np.int64)


_SCALAR_TYPES = {"float64": "Double", "float32": "Float", "float16": "Half", "int64": "Long", "int32": "Int",
                 "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _scalar_type(dtype: np.dtype) -> str:
    """torch's ScalarType name of a dtype (Long for int64), as its kernel errors print it."""
    return _SCALAR_TYPES.get(np.dtype(dtype).name, np.dtype(dtype).name)
