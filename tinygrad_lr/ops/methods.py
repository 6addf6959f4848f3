"""All rows of the op table, gathered: `ValueMethods` is what `ops/__init__.py` installs on Value, and what
type checkers see as Value's base class (see value.py), so "go to definition" on `x.exp` lands on its row."""

from tinygrad_lr.ops import contraction as _contraction  # noqa: F401 - einsum, cdist: functions only
from tinygrad_lr.ops.activation import ActivationMethods
from tinygrad_lr.ops.arithmetic import ArithmeticMethods
from tinygrad_lr.ops.arrange import ArrangeMethods
from tinygrad_lr.ops.compare import CompareMethods
from tinygrad_lr.ops.counting import CountingMethods
from tinygrad_lr.ops.decompositions import DecompositionMethods
from tinygrad_lr.ops.elementwise import ElementwiseMethods
from tinygrad_lr.ops.gather import GatherMethods
from tinygrad_lr.ops.indexed import IndexedMethods
from tinygrad_lr.ops.linalg import LinalgMethods
from tinygrad_lr.ops.matrix_functions import MatrixFunctionMethods
from tinygrad_lr.ops.nn_activation import NnActivationMethods
from tinygrad_lr.ops.pointwise import PointwiseMethods
from tinygrad_lr.ops.products import ProductMethods
from tinygrad_lr.ops.random import RandomMethods
from tinygrad_lr.ops.rearrange import RearrangeMethods
from tinygrad_lr.ops.reduce import ReduceMethods
from tinygrad_lr.ops.rounding import RoundingMethods
from tinygrad_lr.ops.scan import ScanMethods
from tinygrad_lr.ops.scatter_reduce import ScatterReduceMethods
from tinygrad_lr.ops.shape import ShapeMethods
from tinygrad_lr.ops.sorting import SortingMethods
from tinygrad_lr.ops.tensor_methods import TensorMethods
from tinygrad_lr.ops.transcendental import TranscendentalMethods
from tinygrad_lr.ops.variants import InplaceVariants


class ValueMethods(
    ArithmeticMethods, ElementwiseMethods, ActivationMethods, ReduceMethods, ShapeMethods, LinalgMethods,
    CompareMethods, TranscendentalMethods, RoundingMethods, ScanMethods, SortingMethods, RearrangeMethods,
    GatherMethods, DecompositionMethods, TensorMethods, NnActivationMethods, InplaceVariants, RandomMethods,
    ArrangeMethods, ProductMethods, MatrixFunctionMethods,
    IndexedMethods, ScatterReduceMethods, CountingMethods,
    PointwiseMethods,
):
    """Every Value method that records (or computes) an op: one class per module of tinygrad_lr/ops."""
