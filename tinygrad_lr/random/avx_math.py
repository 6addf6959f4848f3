"""log and sin/cos of float32 arrays exactly as torch's CPU `normal_` computes them for 16+ float32 values.

torch turns uniforms into normals with the Box-Muller transform, 8 pairs at a time, using the AVX2
routines `log256_ps` and `sincos256_ps` (Cephes' single-precision polynomials, as ported to SSE by Julien
Pommier and to AVX by Giovanni Garberoglio). These are not the correctly rounded log/sin/cos NumPy has,
so they are rewritten here step by step in float32: the same range reduction, the same coefficients, and
the same roundings, including the multiply-adds that the compiler fused into one rounding (read from the
machine code of torch 2.13's x86-64 build; `fma32` marks each).
"""

from __future__ import annotations

import numpy as np

from tinygrad_lr.random.fma import fma32

_F = np.float32
_SMALLEST_NORMAL = np.array(0x00800000, dtype=np.int32).view(np.float32)
_EXPONENT_BITS = 0x7F800000
_HALF_BITS = np.array(0.5, dtype=np.float32).view(np.int32)
_SIGN_BIT = np.int32(-(2**31))

# log(1 + x) ~ x - x^2/2 + x^3 P(x) on [sqrt(1/2) - 1, sqrt(2) - 1] (Cephes logf)
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
          -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)
_LN2_LO, _LN2_HI = _F(-2.12194440e-4), _F(0.693359375)  # ln 2 split so e * _LN2_HI is exact

# sin and cos on [-pi/4, pi/4] (Cephes sinf/cosf); pi/4 split in three for the range reduction
_SIN_P = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)
_COS_P = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
_MINUS_PI_4 = (_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8))
_FOUR_OVER_PI = _F(1.27323954473516)


def log(x: np.ndarray) -> np.ndarray:
    """Natural log of positive float32 values (NaN for x <= 0): x = m * 2^e with m in [sqrt(1/2), sqrt(2))."""
    invalid = x <= 0
    bits = np.maximum(x, _SMALLEST_NORMAL).view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(np.float32) + _F(1)
    m = ((bits & ~_EXPONENT_BITS) | _HALF_BITS).view(np.float32)  # mantissa in [0.5, 1)
    small = m < _F(0.707106781186547524)
    e = e - np.where(small, _F(1), _F(0))
    m = (m + _F(-1)) + np.where(small, m, _F(0))  # m - 1, or 2m - 1 when m < sqrt(1/2)
    z = m * m
    y = np.full_like(m, _F(_LOG_P[0]))
    for coefficient in _LOG_P[1:]:
        y = fma32(y, m, _F(coefficient))
    y = m * y
    y = fma32(y, z, e * _LN2_LO)
    y = fma32(-z, _F(0.5), y)
    result = fma32(e, _LN2_HI, m + y)
    return np.where(invalid, _F(np.nan), result)


def sincos(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sin x, cos x) of float32 values: reduce by multiples of pi/4, then one of two polynomials."""
    sign_sin = x.view(np.int32) & _SIGN_BIT
    x = np.abs(x)
    octant = (x * _FOUR_OVER_PI).astype(np.int32)
    octant = (octant + 1) & ~1  # round up to even: the reduced argument lies in [-pi/4, pi/4]
    y = octant.astype(np.float32)
    sign_sin = sign_sin ^ ((octant & 4) << 29)
    sign_cos = (~(octant - 2) & 4) << 29
    sine_polynomial_for_sin = (octant & 2) == 0
    for part in _MINUS_PI_4:  # x - octant * pi/4 in three exact-ish steps
        x = fma32(y, part, x)
    z = x * x
    cos_poly = fma32(_F(_COS_P[0]), z, _F(_COS_P[1]))
    cos_poly = fma32(cos_poly, z, _F(_COS_P[2]))
    cos_poly = z * cos_poly
    cos_poly = fma32(z, cos_poly, -(z * _F(0.5))) + _F(1)
    sin_poly = fma32(_F(_SIN_P[0]), z, _F(_SIN_P[1]))
    sin_poly = fma32(sin_poly, z, _F(_SIN_P[2]))
    sin_poly = fma32(x, z * sin_poly, x)
    sin = np.where(sine_polynomial_for_sin, sin_poly, cos_poly)
    cos = np.where(sine_polynomial_for_sin, cos_poly, sin_poly)
    return (sin.view(np.int32) ^ sign_sin).view(np.float32), (cos.view(np.int32) ^ sign_cos).view(np.float32)
