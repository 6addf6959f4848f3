"""Fused multiply-add, a * b + c rounded once, for NumPy arrays of float32 or float64.

torch's CPU kernels are compiled with FMA contraction, so `x * (to - from) + from` in `uniform_` and
`z * std + mean` in `normal_` round once, not twice. Reproducing their numbers bit for bit needs the same
single rounding; NumPy has no fma, so it is built here from exact float operations.

float32: the product of two float32 is exact in float64; one float64 addition then rounds, and the only
case where rounding that result again to float32 differs from rounding once is a float64 sum sitting
exactly on a float32 halfway point while the addition was inexact: there the exact remainder decides.

float64: Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
rounding to odd" (IEEE Trans. Computers 57(4), 2008): with a * b = uh + ul exactly (Dekker's product) and
c + uh = th + tl exactly (Knuth's two-sum), fma = RN(th + RO(tl + ul)), RO rounding to odd. Valid while
nothing overflows or underflows (|a * b| well inside 1e-290 .. 1e290), which holds for random draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a float64 into two 26-bit halves


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """s + e == a + b exactly, s = fl(a + b) (Knuth)."""
    s = a + b
    b_part = s - a
    a_part = s - b_part
    return s, (a - a_part) + (b - b_part)


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p + e == a * b exactly, p = fl(a * b) (Dekker)."""
    p = a * b
    t = _SPLITTER * a
    a_hi = t - (t - a)
    a_lo = a - a_hi
    t = _SPLITTER * b
    b_hi = t - (t - b)
    b_lo = b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _add_round_to_odd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b rounded to odd: exact sums stay, inexact ones take the neighbour with an odd last bit."""
    s, e = _two_sum(a, b)
    inexact_even = (e != 0) & ((s.view(np.int64) & 1) == 0)
    if not inexact_even.any():
        return s
    return np.where(inexact_even, np.nextafter(s, np.where(e > 0, np.inf, -np.inf)), s)


def fma64(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c in float64 with one rounding."""
    a, b, c = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
    product_hi, product_lo = _two_product(a, b)
    sum_hi, sum_lo = _two_sum(c, product_hi)
    return np.asarray(sum_hi + _add_round_to_odd(sum_lo, product_lo))


def fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """a * b + c in float32 with one rounding (inputs are float32 values)."""
    product = np.multiply(a, b, dtype=np.float64)  # exact: 24 + 24 bits fit in 53
    total = np.asarray(np.add(product, c, dtype=np.float64))
    # a float32 halfway point has the 29 float64 bits below float32's last bit equal to 1000...0; only there
    # can the float64 rounding have decided the float32 one, and then the exact remainder decides instead
    # (done on every element, without a Python branch on the data, so that `compile` can replay it)
    halfway = (total.view(np.int64) & 0x1FFFFFFF) == 0x10000000
    _, error = _two_sum(product, np.asarray(c, dtype=np.float64))
    nudged = np.nextafter(total, np.where(error > 0, np.inf, -np.inf))
    total = np.where(halfway & (error != 0), nudged, total)
    return np.asarray(total.astype(np.float32))
