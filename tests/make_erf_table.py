"""Makes tinygrad_lr/ops/erf_table.py, the piecewise polynomials of `erf_array` (ops/transcendental.py).

    PYTHONPATH=. python3 tests/make_erf_table.py > tinygrad_lr/ops/erf_table.py

[0, 6) is cut into intervals [k/STEPS, (k+1)/STEPS); on each, with t = y - k/STEPS (0 <= t < 1/STEPS) and
M = min(y, 1/2), erf(y) = A + M P(t), P a polynomial of degree DEGREE in t:

- below 1/2, A = y and P(t) = erf(y)/y - 1 (|P| < 0.13): the sum y + y P keeps erf's relative accuracy however
  small y is (erf(y) ~ 2y/sqrt(pi); for the smallest y, P is its constant term, the double nearest
  2/sqrt(pi) - 1);
- from 1/2 on, A = H, the double nearest erf at the interval's centre, and P(t) = 2 (erf(y) - H)
  (|P / 2| < 0.04 there, against H > 0.52).

The table stores A - M: 0 below 1/2, H - 1/2 (exact) from there on.

P interpolates its function at the DEGREE + 1 Chebyshev points of the interval (within a small factor of the best
polynomial of that degree), computed with mpmath at 200 bits, then each coefficient, in powers of t, rounded to
the nearest double. mpmath comes with torch (through sympy): it is needed here and in the tests only, never at
run time.
"""

from __future__ import annotations

import mpmath

STEPS = 16  # intervals per unit of y
DEGREE = 8
END = 6  # from here on erf(y) rounds to 1 (1 - erf(6) < 2^-54)
SMALL_END = STEPS // 2  # the intervals below 1/2 have A = y


def _chebyshev_interpolant(f: object, width: mpmath.mpf, degree: int) -> list[mpmath.mpf]:
    """The coefficients, in powers of t, of the polynomial that equals f(t) at the Chebyshev points of
    [0, width]."""
    n = degree + 1
    half = width / 2
    points = [half + half * mpmath.cos(mpmath.pi * (2 * j + 1) / (2 * n)) for j in range(n)]
    vandermonde = mpmath.matrix([[t**i for i in range(n)] for t in points])
    values = mpmath.matrix([f(t) for t in points])  # type: ignore[operator]
    solution = mpmath.lu_solve(vandermonde, values)
    return [solution[i] for i in range(n)]


def table() -> tuple[list[float], list[list[float]]]:
    """(heads, coefficients): heads[k] is A - M on interval k, coefficients[j][k] the coefficient of t^j there.
    One more interval, k = END * STEPS, is erf = 1 (H = 1, P = 0)."""
    with mpmath.workprec(200):
        width = mpmath.mpf(1) / STEPS
        heads: list[float] = []
        columns: list[list[float]] = []
        for k in range(END * STEPS):
            start = k * width
            if k < SMALL_END:
                head = 0.0
                coefficients = _chebyshev_interpolant(lambda t, a=start: mpmath.erf(a + t) / (a + t) - 1,
                                                      width, DEGREE)
            else:
                nearest = float(mpmath.erf(start + width / 2))
                head = nearest - 0.5
                coefficients = _chebyshev_interpolant(lambda t, a=start, h=nearest: 2 * (mpmath.erf(a + t) - h),
                                                      width, DEGREE)
            heads.append(head)
            columns.append([float(a) for a in coefficients])
    heads.append(0.5)
    columns.append([0.0] * (DEGREE + 1))
    return heads, [[column[j] for column in columns] for j in range(DEGREE + 1)]


def _numbers(values: list[float], indent: str) -> str:
    texts = [repr(v) for v in values]
    lines, line = [], indent
    for text in texts:
        if len(line) + len(text) + 2 > 119:
            lines.append(line.rstrip())
            line = indent
        line += text + ", "
    lines.append(line.rstrip())
    return "\n".join(lines)


def module_source() -> str:
    heads, coefficients = table()
    rows = "\n".join(f"    (  # t^{j}\n{_numbers(row, ' ' * 8)}\n    )," for j, row in enumerate(coefficients))
    return f'''"""The piecewise polynomials of `erf_array` (ops/transcendental.py): on interval k of [0, {END}),
[k/{STEPS}, (k+1)/{STEPS}), with M = min(y, 1/2),
erf(y) = (M + HEADS[k]) + M * sum_j COEFFICIENTS[j][k] (y - k/{STEPS})^j.

Made by tests/make_erf_table.py (Chebyshev interpolants computed with mpmath, coefficients rounded to doubles);
tests/test_erf_accuracy.py checks that this file is what it makes. Do not edit by hand.
"""

STEPS = {STEPS}  # intervals per unit
END = {END}  # interval END * STEPS, the last, is erf = 1 (y >= END)
DEGREE = {DEGREE}

HEADS = (
{_numbers(heads, ' ' * 4)}
)

COEFFICIENTS = (
{rows}
)
'''


if __name__ == "__main__":
    print(module_source(), end="")
