"""The `tinygrad-lr` command (also `python -m tinygrad_lr`).

    tinygrad-lr [demo] [options]              the demo: linear regression on the bundled Advertising data
    tinygrad-lr fit DATA.csv --target COL ...  train on your own data (tinygrad_lr.cli.fit)
    tinygrad-lr predict MODEL.npz DATA.csv     apply a saved model (tinygrad_lr.cli.predict)

Exit status: 0 success; 1 training diverged; 2 bad input (one line on stderr, never a traceback); 130 Ctrl-C.
A reader that stops early (`tinygrad-lr | head -1`) is no error: the rest of the output is dropped quietly and the
command still writes its files.
"""

from __future__ import annotations

import os
import shutil  # noqa: F401  (tests replace shutil.which to play a machine without Graphviz)
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from tinygrad_lr.cli.common import INTERRUPTED, PROG, CommandError

__all__ = ["main"]

COMMANDS = ("demo", "fit", "predict")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: sys.argv[1:]) and return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    stdout = sys.stdout
    sys.stdout = _PipeGuard(stdout)  # type: ignore[assignment]
    try:
        status = _dispatch(args)
        sys.stdout.flush()
    except CommandError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted (Ctrl-C); no output file was left half-written", file=sys.stderr)
        return INTERRUPTED
    finally:
        sys.stdout = stdout
    return status


class _PipeGuard:
    """stdout that outlives its reader: once the pipe is closed (`| head -1`), the rest of the text goes to
    /dev/null and the command still finishes its work (the files it was asked to write)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            _drop_stdout()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _drop_stdout()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _dispatch(args: list[str]) -> int:
    command = args[0] if args and args[0] in COMMANDS else "demo"
    rest = args[1:] if args and args[0] in COMMANDS else args
    if command == "fit":
        from tinygrad_lr.cli import fit

        return fit.main(rest)
    if command == "predict":
        from tinygrad_lr.cli import predict

        return predict.main(rest)
    from tinygrad_lr.cli import demo

    return demo.main(rest, prog=f"{PROG} demo" if args[:1] == ["demo"] else PROG)


def _drop_stdout() -> None:
    """The reader closed the pipe: point stdout at /dev/null so the interpreter's last flush finds nobody."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
