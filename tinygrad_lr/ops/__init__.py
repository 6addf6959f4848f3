"""Every differentiable operation, as a `Function` subclass (forward and backward side by side)."""

from tinygrad_lr.ops.activation import LeakyRelu, LogSoftmax, Relu, Sigmoid, Softmax, Softplus, Tanh
from tinygrad_lr.ops.elementwise import (
    Abs,
    Add,
    Cast,
    Clamp,
    Clone,
    Cos,
    Div,
    Exp,
    Log,
    Log1p,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    PowScalar,
    Sin,
    Sqrt,
    Sub,
    Where,
)
from tinygrad_lr.ops.linalg import MatMul
from tinygrad_lr.ops.reduce import Amax, Max, MaxDim, Mean, Norm, Std, Sum, Var, check_reduction_size
from tinygrad_lr.ops.shape import Cat, Expand, Index, IndexAdd, IndexPut, Permute, Reshape

__all__ = [
    "Abs", "Add", "Amax", "Cast", "Cat", "Clamp", "Clone", "Cos", "Div", "Exp", "Expand", "Index", "IndexAdd",
    "IndexPut", "LeakyRelu", "Log", "Log1p", "LogSoftmax", "MatMul", "Max", "MaxDim", "Maximum", "Mean", "Minimum",
    "Mul", "Neg",
    "Permute", "Pow", "PowScalar", "Relu", "Reshape", "Sigmoid", "Sin", "Softmax", "Softplus", "Sqrt", "Sub", "Sum",
    "Tanh", "Var", "Std", "Norm", "Where", "check_reduction_size",
]
