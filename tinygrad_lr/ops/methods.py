"""All rows of the op table, gathered: `ValueMethods` is what `ops/__init__.py` installs on Value, and what
type checkers see as Value's base class (see value.py), so "go to definition" on `x.exp` lands on its row."""

from tinygrad_lr.ops.activation import ActivationMethods
from tinygrad_lr.ops.arithmetic import ArithmeticMethods
from tinygrad_lr.ops.compare import CompareMethods
from tinygrad_lr.ops.elementwise import ElementwiseMethods
from tinygrad_lr.ops.linalg import LinalgMethods
from tinygrad_lr.ops.nn_activation import NnActivationMethods
from tinygrad_lr.ops.random import RandomMethods
from tinygrad_lr.ops.reduce import ReduceMethods
from tinygrad_lr.ops.shape import ShapeMethods
from tinygrad_lr.ops.variants import InplaceVariants


class ValueMethods(
    ArithmeticMethods, ElementwiseMethods, ActivationMethods, ReduceMethods, ShapeMethods, LinalgMethods,
    CompareMethods, NnActivationMethods, InplaceVariants, RandomMethods,
):
    """Every Value method that records (or computes) an op: one class per module of tinygrad_lr/ops."""
