"""The functions of `tinygrad_lr` made from the op table (`exp`, `sum`, `cat`, ...), for `from ... import *`.

Type checkers read `functions.pyi`, generated from the table by `python -m tinygrad_lr.ops.stubs`."""

from tinygrad_lr.ops.table import FUNCTIONS

globals().update(FUNCTIONS)
__all__ = sorted(FUNCTIONS)
