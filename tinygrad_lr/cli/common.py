"""What every subcommand shares: one-line errors with their exit status, output files checked before training,
the progress bar, and the two verdicts a training run can get (diverged; converged by the gradient norm)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

PROG = "tinygrad-lr"
USAGE_ERROR = 2  # bad input: a missing file, an unknown column, a value out of range ...
DIVERGED = 1  # the input was valid, but training failed: the loss overflowed
INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT (128 + 2)
# the full-batch gradient norm (in the scaled units the model trains in) below which training has converged
CONVERGED_GRADIENT_NORM = 1e-4
# a loss this many times the first epoch's has exploded, even before it reaches inf
BLOW_UP = 1e10


class CommandError(Exception):
    """Ends the command with one line on stderr (`tinygrad-lr: error: <message>`) and `status`."""

    def __init__(self, message: str, status: int = USAGE_ERROR) -> None:
        super().__init__(message)
        self.status = status


class DivergedError(CommandError):
    """The loss overflowed: which epoch, and a smaller learning rate to try (exit status 1)."""

    def __init__(self, epoch: int, loss: float, lr: float, suggestion: float) -> None:
        super().__init__(
            f"training diverged at epoch {epoch}: the loss reached {loss:.3g} with learning rate {lr:g}; "
            f"try a smaller rate, e.g. --lr {suggestion:.1g}",
            DIVERGED,
        )


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors: `tinygrad-lr <command>: error: ...` and exit status 2, no usage block."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(USAGE_ERROR)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    value = _float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def non_negative_float(text: str) -> float:
    value = _float(text)
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text}")
    return value


def fraction(text: str) -> float:
    value = _float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, got {text}")
    return value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def check_output_file(path: str | os.PathLike[str], force: bool, option: str) -> Path:
    """Make sure `path` can be written, before any training: refuse an existing file without --force, and try
    creating the file itself (then remove it), which catches a missing or read-only folder, a parent that is a
    file, and a name too long for the file system."""
    target = Path(path)
    try:
        return _check_output_file(target, force, option)
    except OSError as error:  # a name too long even to look up, a folder we may not search ...
        raise CommandError(f"{option} {target}: cannot write there ({_reason(error)})") from None


def _check_output_file(target: Path, force: bool, option: str) -> Path:
    if target.is_dir():
        raise CommandError(f"{option} {target}: is a directory; give a file name")
    if target.exists() or target.is_symlink():
        if not force:
            raise CommandError(f"{option} {target}: the file exists; use --force to overwrite it")
        if not os.access(target, os.W_OK) or not os.access(target.parent.resolve(), os.W_OK):
            raise CommandError(f"{option} {target}: the file is not writable")
        return target
    with open(target, "x"):
        pass
    target.unlink()
    return target


def prepare_out_dir(out_dir: Path, marker: str) -> None:
    """Create the demo's output folder and prove it is writable (the marker file), before any training."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / marker).write_text("written by `tinygrad-lr`; its files may be overwritten by a re-run\n")
    except OSError as error:
        raise CommandError(f"--out {out_dir}: cannot write there ({_reason(error)})") from None


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def progress(epochs: int, quiet: bool, description: str) -> Iterator[tuple[int, Any]]:
    """Yield (epoch, bar) for epochs 1..epochs; `bar` shows the running loss via `bar.set_postfix` or is None.

    The bar is tqdm's, on stderr, and only when stderr is a terminal, tqdm is installed and not `quiet`.
    """
    bar = None
    if not quiet and sys.stderr.isatty():
        try:
            from tqdm import tqdm
        except ImportError:
            bar = None
        else:
            bar = tqdm(total=epochs, desc=description, unit="epoch", file=sys.stderr, leave=False)
    try:
        for epoch in range(1, epochs + 1):
            yield epoch, bar
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()


def check_loss(loss: float, first_loss: float, epoch: int, lr: float, suggestion: float | None = None) -> None:
    """Raise DivergedError when the loss is not finite or has grown BLOW_UP times past the first epoch's."""
    if math.isfinite(loss) and loss <= BLOW_UP * max(first_loss, 1e-300):
        return
    raise DivergedError(epoch, loss, lr, suggestion if suggestion is not None else lr / 10)


def stable_learning_rate(Z: np.ndarray) -> float:  # noqa: N803  (Z: the scaled design matrix)
    """Half the learning rate above which full-batch gradient descent on a linear model's MSE diverges.

    The loss mean((Z w + b - y)^2) is quadratic with Hessian H = (2/n) A^T A, A = [Z, 1]; gradient descent
    diverges once lr > 2 / lambda_max(H), so 1 / lambda_max(H) is safely inside.
    """
    design = np.column_stack([Z, np.ones(len(Z))])
    return float(1.0 / np.linalg.eigvalsh(2.0 / len(Z) * design.T @ design).max())


def gradient_norm(parameters: Iterable[Any]) -> float:
    """sqrt(sum of every parameter gradient squared): 0 exactly at a minimum of a smooth loss."""
    total = 0.0
    for parameter in parameters:
        if parameter.grad is not None:
            grad = parameter.grad.numpy()
            total += float((grad * grad).sum())
    return math.sqrt(total)


def convergence_verdict(norm: float) -> tuple[bool, str]:
    """Whether training converged and the sentence saying so: 'converged' only when the gradient norm says so."""
    if norm <= CONVERGED_GRADIENT_NORM:
        return True, f"gradient norm {norm:.1e} <= {CONVERGED_GRADIENT_NORM:g}: converged"
    return False, (f"gradient norm {norm:.1e} > {CONVERGED_GRADIENT_NORM:g}: not converged yet; train longer "
                   "(--epochs)")
