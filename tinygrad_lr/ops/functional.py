"""The functions of `tinygrad_lr.nn.functional` made from the op table (`relu`, `softmax`, ...).

Type checkers read `functional.pyi`, generated from the table by `python -m tinygrad_lr.ops.stubs`."""

from tinygrad_lr.ops.table import FUNCTIONAL

globals().update(FUNCTIONAL)
__all__ = sorted(FUNCTIONAL)
