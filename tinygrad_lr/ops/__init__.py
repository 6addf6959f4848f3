"""Every operation: each module holds its `Function`s (forward and backward side by side) and, at its end, its
rows of the op table (`ops/table.py`). Importing this package installs the rows: Value's methods, and the
functions of `tinygrad_lr` and `tinygrad_lr.nn.functional` (FUNCTIONS, FUNCTIONAL)."""

from tinygrad_lr.ops.methods import ValueMethods
from tinygrad_lr.ops.table import ENTRIES, FUNCTIONAL, FUNCTIONS, install

install(ValueMethods)

__all__ = ["ENTRIES", "FUNCTIONAL", "FUNCTIONS", "ValueMethods"]
