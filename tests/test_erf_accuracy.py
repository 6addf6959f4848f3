"""erf_array (ops/transcendental.py) against the C library's erf (`math.erf`), which it replaced: float64 within
1 ulp everywhere, float32 and float16 equal to math.erf rounded once to them, shapes and dtypes kept."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygrad_lr.ops import erf_table
from tinygrad_lr.ops.transcendental import erf_array

_libm_erf = np.frompyfunc(math.erf, 1, 1)


def libm_erf(x: np.ndarray) -> np.ndarray:
    """math.erf of each element, in double, then rounded once to x's dtype (what erf_array did before)."""
    return _libm_erf(x.reshape(-1)).astype(x.dtype).reshape(x.shape)


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many doubles lie between a and b, plus one (0 when equal; +0.0 and -0.0 count as equal)."""
    ordered = []
    for v in (a, b):
        bits = np.ascontiguousarray(v, dtype=np.float64).view(np.int64)
        ordered.append(np.where(bits < 0, np.int64(-(2**63)) - bits, bits))  # wraps to -|bits| on purpose
    return np.abs(ordered[0] - ordered[1])


def _dense_float64() -> np.ndarray:
    rng = np.random.default_rng(20261206)
    tiny = 10.0 ** rng.uniform(-323.5, 0, 20_000)  # subnormals to 1, log-uniform
    return np.concatenate([
        np.linspace(-7, 7, 400_001),
        rng.uniform(-6.5, 6.5, 100_000),
        tiny, -tiny,
    ])


def _special_float64() -> np.ndarray:
    boundaries = np.arange(erf_table.END * erf_table.STEPS + 1) / erf_table.STEPS  # every interval's ends
    tiny = np.array([5e-324, 1e-323, 2.5e-323, 1e-320, 1e-310, np.finfo(np.float64).smallest_normal,
                     2.2e-308, 4.5e-308, 1e-307, 1e-300, 1e-200, 1e-100, 1e-20, 2.0**-28, 1e-8])
    points = np.concatenate([boundaries, tiny, [5.8, 5.86, 5.9, 5.95, 6.0, 6.5, 27.0, 1e10, 1e308]])
    around = np.concatenate([points, np.nextafter(points, np.inf), np.nextafter(points, -np.inf)])
    return np.concatenate([around, -around])


def test_float64_is_within_one_ulp_of_math_erf_on_a_dense_sweep() -> None:
    x = _dense_float64()
    distance = ulp_distance(erf_array(x), libm_erf(x))
    assert distance.max() <= 1, x[np.argmax(distance)]
    assert (distance == 0).mean() > 0.95  # most are the very same double


def test_float64_is_within_one_ulp_at_interval_ends_and_their_neighbours() -> None:
    x = _special_float64()
    ours, theirs = erf_array(x), libm_erf(x)
    distance = ulp_distance(ours, theirs)
    assert distance.max() <= 1, x[np.argmax(distance)]
    assert np.array_equal(np.signbit(ours), np.signbit(theirs))


def test_tiny_arguments_keep_their_relative_accuracy() -> None:
    """erf(x) ~ 2x/sqrt(pi): no underflow to 0 and no loss of digits, down to the smallest subnormal."""
    x = np.array([5e-324, 1e-323, 3e-310, 1e-307, 1e-300, 1e-30, 1e-17])
    ours = erf_array(x)
    assert np.all(ours > 0)
    assert ulp_distance(ours, libm_erf(x)).max() <= 1
    assert ulp_distance(ours[2:], x[2:] * (2 / math.sqrt(math.pi))).max() <= 1


def test_special_values() -> None:
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 6.0, -6.0, 1e308, -1e308])
    ours = erf_array(x)
    assert ours[0] == 0.0 and not np.signbit(ours[0])
    assert ours[1] == 0.0 and np.signbit(ours[1])
    assert list(ours[2:4]) == [1.0, -1.0]
    assert np.isnan(ours[4])
    assert list(ours[5:]) == [1.0, -1.0, 1.0, -1.0]


def test_exactly_one_where_math_erf_is_one() -> None:
    x = np.linspace(5.0, 6.5, 30_001)
    ours, theirs = erf_array(x), libm_erf(x)
    assert np.array_equal(ours == 1.0, theirs == 1.0)
    assert np.array_equal(erf_array(-x) == -1.0, theirs == 1.0)


def test_float32_equals_math_erf_rounded_to_float32() -> None:
    """Every 127th float32 from 0 to 6 (8.6 million), every 17th of them negated, and random ones."""
    end = np.array(6.0, dtype=np.float32).view(np.int32)
    x = np.arange(0, end + 1, 127, dtype=np.int32).view(np.float32)
    rng = np.random.default_rng(32)
    x = np.concatenate([x, -x[::17], rng.uniform(-7, 7, 500_000).astype(np.float32)])
    ours = erf_array(x)
    assert ours.dtype == np.float32
    mismatches = np.flatnonzero(ours != libm_erf(x))
    assert mismatches.size == 0, x[mismatches[:10]]


def test_float16_equals_math_erf_rounded_to_float16_for_every_value() -> None:
    x = np.arange(2**16, dtype=np.uint16).view(np.float16)
    ours, theirs = erf_array(x), libm_erf(x)
    assert ours.dtype == np.float16
    assert np.array_equal(ours, theirs, equal_nan=True)
    assert np.array_equal(np.signbit(ours), np.signbit(theirs))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3), (2, 3, 4)])
def test_shape_and_dtype_are_kept(shape: tuple[int, ...], dtype: type) -> None:
    x = np.random.default_rng(0).uniform(-3, 3, shape).astype(dtype)
    ours = erf_array(x)
    assert type(ours) is np.ndarray and ours.shape == shape and ours.dtype == dtype
    theirs = libm_erf(x)
    assert np.array_equal(ours, theirs) if dtype != np.float64 else ulp_distance(ours, theirs).max(initial=0) <= 1


def test_the_ulp_distance_sees_one_and_two_ulps() -> None:
    """The checks above can fail: a result two doubles away is seen as such, across zero too."""
    x = np.array([0.3, 1.7, 5.5, 1e-310])
    assert list(ulp_distance(x, np.nextafter(np.nextafter(x, 2), 2))) == [2, 2, 2, 2]
    assert list(ulp_distance(np.array([5e-324]), np.array([-5e-324]))) == [2]
    assert list(ulp_distance(np.array([0.0]), np.array([-0.0]))) == [0]


def test_the_stored_table_is_what_its_generator_makes() -> None:
    """ops/erf_table.py is generated (tests/make_erf_table.py, with mpmath): unchanged by hand."""
    pytest.importorskip("mpmath")
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        import make_erf_table
    finally:
        sys.path.pop(0)
    source = (Path(erf_table.__file__)).read_text()
    assert source == make_erf_table.module_source()
    heads, _ = make_erf_table.table()
    small_end = erf_table.STEPS // 2
    assert heads[:small_end] == [0.0] * small_end  # A = y below 1/2, A = H = HEADS + 1/2 from there on
    assert all(0 < h <= 0.5 for h in heads[small_end:]) and heads[-1] == 0.5  # H = 1 at the end
