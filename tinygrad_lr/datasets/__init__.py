"""Small data sets for learning, and a strict CSV reader.

`load_advertising()` gives the Advertising data of *An Introduction to Statistical Learning* (James, Witten,
Hastie, Tibshirani): 200 markets, the budgets spent on `TV`, `Radio` and `Newspaper` advertising (thousands of
dollars) and `Sales` (thousands of units). It is the classic first linear-regression problem: Sales ~ TV.

`load_csv(path, target=...)` reads any numeric CSV with a header row the same way. A malformed row is reported
with the file, the row number and the offending cell instead of a bare `ValueError` from deep inside.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, NamedTuple, TextIO

import numpy as np

__all__ = ["ADVERTISING_FEATURES", "ADVERTISING_TARGET", "CSVFormatError", "Table", "load_advertising", "load_csv"]

ADVERTISING_FEATURES = ("TV", "Radio", "Newspaper")
ADVERTISING_TARGET = "Sales"


class Table(NamedTuple):
    """A regression table: `X` (n_samples, n_features), `y` (n_samples,), and the names of X's columns."""

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]


class CSVFormatError(ValueError):
    """A CSV file that is not a rectangular table of numbers with a header row."""


def load_csv(
    path: str | os.PathLike[str],
    target: str,
    features: Sequence[str] | None = None,
    dtype: Any = np.float64,
) -> Table:
    """Read a numeric CSV file with a header row into `Table(X, y, feature_names)`.

    `target` names the column that becomes `y`; `features` lists the columns of `X`, in that order
    (default: every other column, in file order). Blank lines are skipped. Every other row must have one
    number per header column; otherwise a `CSVFormatError` names the file, the row (data rows counted
    from 1, with the file's line number) and the bad value.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return _read_table(handle, os.fspath(path), target, features, dtype)


def load_advertising(as_frame: bool = False, features: Sequence[str] | None = None) -> Any:
    """The Advertising data: X float64 (200, 3) with columns TV, Radio, Newspaper; y = Sales (200,).

    Returns `Table(X, y, feature_names)` (unpack as `X, y, names = load_advertising()`); `features`
    picks a subset of the columns, e.g. `features=["TV"]` for the simple regression Sales ~ TV.
    With `as_frame=True`, returns a pandas DataFrame of those columns and Sales instead (needs pandas).
    Sanity figures: 200 rows; the TV column sums to 29408.5 and Sales to 2804.5.
    """
    if as_frame:
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "load_advertising(as_frame=True) needs pandas, which is not installed: pip install pandas, "
                "or call load_advertising() for NumPy arrays"
            ) from None
        table = load_advertising(features=features)
        frame = pandas.DataFrame(table.X, columns=table.feature_names)
        frame[ADVERTISING_TARGET] = table.y
        return frame
    source = resources.files(__name__).joinpath("advertising.csv")
    with io.TextIOWrapper(source.open("rb"), encoding="utf-8", newline="") as handle:
        columns = ADVERTISING_FEATURES if features is None else features
        return _read_table(handle, "advertising.csv", ADVERTISING_TARGET, columns, np.float64)


def _read_table(
    handle: TextIO, name: str, target: str, features: Sequence[str] | None, dtype: Any
) -> Table:
    reader = csv.reader(handle)
    header = _read_header(reader, name)
    columns = {column: i for i, column in enumerate(header)}
    if target not in columns:
        raise CSVFormatError(f"{name}: no target column {target!r}; the header has {_listing(header)}")
    if features is None:
        features = [column for column in header if column != target]
    else:
        features = list(features)
        missing = [f for f in features if f not in columns]
        if missing:
            raise CSVFormatError(f"{name}: no column {missing[0]!r}; the header has {_listing(header)}")
    wanted = [columns[f] for f in features] + [columns[target]]

    rows: list[list[float]] = []
    for row in reader:
        if not row or all(not cell.strip() for cell in row):
            continue
        row_number = len(rows) + 1
        where = f"{name}: row {row_number} (line {reader.line_num})"
        if len(row) != len(header):
            raise CSVFormatError(
                f"{where} has {len(row)} values but the header has {len(header)} columns "
                f"({', '.join(header)}): {','.join(row)!r}"
            )
        rows.append([_number(row[i], header[i], where) for i in wanted])
    if not rows:
        raise CSVFormatError(f"{name}: the header row is there but no data rows follow it")
    table = np.array(rows, dtype=dtype)
    return Table(np.ascontiguousarray(table[:, :-1]), np.ascontiguousarray(table[:, -1]), features)


def _read_header(reader: Iterable[list[str]], name: str) -> list[str]:
    for row in reader:
        if row and any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            if all(_is_number(cell) for cell in header):
                raise CSVFormatError(
                    f"{name}: the first row {','.join(header)!r} is all numbers: a header row naming the columns "
                    "is required"
                )
            duplicates = sorted({c for c in header if header.count(c) > 1})
            if duplicates:
                raise CSVFormatError(f"{name}: the header names column {duplicates[0]!r} more than once")
            return header
    raise CSVFormatError(f"{name}: the file is empty (expected a header row naming the columns)")


def _number(cell: str, column: str, where: str) -> float:
    text = cell.strip()
    try:
        return float(text)
    except ValueError:
        shown = "an empty cell" if not text else repr(cell)
        raise CSVFormatError(f"{where}, column {column!r}: expected a number, found {shown}") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _listing(header: Sequence[str]) -> str:
    return ", ".join(repr(c) for c in header)
