"""Reading the command's tables: a user's CSV file or the bundled Advertising data, every problem one clear line."""

# ruff: noqa: N803, N806  (X is the design matrix)

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from tinygrad_lr.cli.common import CommandError
from tinygrad_lr.datasets import CSVFormatError, Table, load_advertising, load_csv

MISSING = re.compile(r"found (an empty cell|'\s*(NA|N/A|NaN|null|None|-|\?)\s*')$", re.IGNORECASE)


def load_bundled_advertising(features: Sequence[str]) -> Table:
    """The Advertising data shipped with the package; a missing or damaged copy says to reinstall."""
    try:
        return load_advertising(features=features)
    except (OSError, ValueError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(
            f"the bundled Advertising data is missing or damaged ({error}); reinstall tinygrad_lr "
            "(pip install --force-reinstall tinygrad_lr)"
        ) from None


def header_of(path: str) -> list[str]:
    """The column names of a CSV file (its first non-blank row)."""
    with _open(path) as handle:
        for row in csv.reader(handle):
            if row and any(cell.strip() for cell in row):
                return [cell.strip() for cell in row]
    raise CommandError(f"{path}: the file is empty (expected a header row naming the columns)")


def read_table(path: str, target: str, features: Sequence[str] | None) -> Table:
    """Read `path` as numbers: `features` (default: every column but `target`) and `target`, all finite."""
    if features is not None and target in features:
        raise CommandError(f"--features: {target!r} is the target; a column cannot predict itself")
    repeated = sorted({name for name in features or [] if list(features or []).count(name) > 1})
    if repeated:
        raise CommandError(f"--features: {repeated[0]!r} is listed twice")
    table = _load(path, target, features)
    if not table.feature_names:
        raise CommandError(f"{path}: no feature columns besides the target {target!r}")
    return table


def read_columns(path: str, columns: Sequence[str]) -> np.ndarray:
    """The named columns of `path`, as an (n_rows, len(columns)) float64 array of finite numbers."""
    table = _load(path, columns[-1], columns[:-1])
    return np.column_stack([table.X, table.y])


def _load(path: str, target: str, features: Sequence[str] | None) -> Table:
    try:
        with _open(path):
            pass
        table = load_csv(path, target=target, features=features)
    except CSVFormatError as error:
        message = str(error)
        if MISSING.search(message):
            message += " (a missing value: fill it in or drop that row)"
        raise CommandError(message.replace("no target column", "--target: no column", 1)) from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a text CSV file (it is not UTF-8)") from None
    except csv.Error as error:
        raise CommandError(f"{path}: not a CSV file ({error})") from None
    _check_finite(path, table)
    return table


def _open(path: str) -> TextIO:
    if not Path(path).exists():
        raise CommandError(f"{path}: no such file")
    if Path(path).is_dir():
        raise CommandError(f"{path}: is a directory, not a CSV file")
    try:
        return open(path, newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CommandError(f"{path}: cannot read it ({error.strerror or type(error).__name__})") from None


def _check_finite(path: str, table: Table) -> None:
    """NaN, 'nan' or 'inf' cells parse as floats: name the first one by its row and column."""
    columns = [*table.feature_names, "target"]
    values = np.column_stack([table.X, table.y])
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        row, column = bad[0]
        name = table.feature_names[column] if column < len(table.feature_names) else columns[-1]
        kind = "a missing value (NaN)" if np.isnan(values[row, column]) else f"{values[row, column]} (not finite)"
        raise CommandError(f"{path}: row {row + 1}, column {name!r}: {kind}; fill it in or drop that row")


def check_trainable(path: str, X: np.ndarray, y: np.ndarray, names: Sequence[str], where: str = "") -> None:
    """At least two rows, no constant feature, a target that varies: otherwise there is nothing to fit."""
    if len(y) < 2:
        raise CommandError(f"{path}: {where or 'the file has'} {len(y)} data row(s); fitting needs at least 2")
    spread = X.max(axis=0) - X.min(axis=0)
    for name, width, value in zip(names, spread, X[0]):
        if width == 0:
            raise CommandError(
                f"{path}: column {name!r} is constant ({value:g} in every {where or 'row'}): it cannot explain "
                "anything and makes the fit singular; leave it out with --features"
            )
    if y.max() == y.min():
        raise CommandError(f"{path}: the target is constant ({y[0]:g} in every {where or 'row'}): nothing to learn")
