"""`tinygrad-lr predict MODEL.npz DATA.csv`: apply a model saved by `fit --save` to the rows of a CSV file.

Prints a CSV column `predicted_<target>` (one line per data row) on stdout. When the file also has the target
column, one line on stderr gives the mean squared error and R^2 of those predictions.
"""

# ruff: noqa: N806  (X is the design matrix)

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

import tinygrad_lr as tl
from tinygrad_lr.cli.bundle import load_bundle
from tinygrad_lr.cli.common import PROG, ArgumentParser, CommandError
from tinygrad_lr.cli.data import header_of, read_columns


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog=f"{PROG} predict", description="Apply a model saved by `tinygrad-lr fit --save` "
                            "to a CSV file with the same feature columns; prints one prediction per row.")
    parser.add_argument("model", help="the .npz file written by fit --save")
    parser.add_argument("data", help="the CSV file (the target column may be there or not)")
    parser.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    bundle = load_bundle(args.model)
    header = header_of(args.data)
    missing = [name for name in bundle.features if name not in header]
    if missing:
        raise CommandError(f"{args.data}: no column {missing[0]!r}, which the model needs (it uses "
                           f"{', '.join(bundle.features)}); the header has {', '.join(map(repr, header))}")
    has_target = bundle.target in header
    table = read_columns(args.data, [*bundle.features, *([bundle.target] if has_target else [])])
    X = table[:, :len(bundle.features)]
    Z = bundle.x_scaler.transform(X) if bundle.x_scaler else X
    with tl.no_grad():
        scaled = bundle.model(tl.tensor(Z)).numpy()
    predicted = (bundle.y_scaler.inverse_transform(scaled) if bundle.y_scaler else scaled).ravel()
    print(f"predicted_{bundle.target}")
    for value in predicted:
        print(f"{value:.10g}")
    if has_target and not args.quiet:
        y = table[:, -1]
        mse = float(np.mean((predicted - y) ** 2))
        total = float(np.sum((y - y.mean()) ** 2))
        r2 = f"{1 - np.sum((y - predicted) ** 2) / total:.4f}" if total > 0 else "undefined (constant target)"
        print(f"{PROG} predict: {len(y)} rows with {bundle.target}: mse {mse:.6g}, R^2 {r2}", file=sys.stderr)
    return 0
