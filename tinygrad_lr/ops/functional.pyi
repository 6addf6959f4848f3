# Generated from the op table by `python -m tinygrad_lr.ops.stubs`: do not edit.

import builtins

from tinygrad_lr.ops.activation import log_softmax as log_softmax
from tinygrad_lr.ops.activation import softmax as softmax
from tinygrad_lr.ops.nn_activation import logsigmoid as logsigmoid
from tinygrad_lr.value import Value

__all__ = [
    'celu',
    'elu',
    'gelu',
    'glu',
    'hardshrink',
    'hardsigmoid',
    'hardswish',
    'hardtanh',
    'leaky_relu',
    'log_softmax',
    'logsigmoid',
    'mish',
    'prelu',
    'relu',
    'relu6',
    'rrelu',
    'selu',
    'sigmoid',
    'silu',
    'softmax',
    'softplus',
    'softshrink',
    'tanh',
    'threshold',
]

# the row: Value.celu
def celu(
    input: Value, alpha: builtins.float = 1.0, inplace: bool = False
) -> Value: ...
# the row: Value.elu
def elu(
    input: Value, alpha: builtins.float = 1.0, inplace: bool = False
) -> Value: ...
# the row: Value.gelu
def gelu(
    input: Value, approximate: str = 'none'
) -> Value: ...
# the row: Value.glu
def glu(
    input: Value, dim: builtins.int = -1
) -> Value: ...
# the row: Value.hardshrink
def hardshrink(
    input: Value, lambd: builtins.float = 0.5
) -> Value: ...
# the row: Value.hardsigmoid
def hardsigmoid(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.hardswish
def hardswish(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.hardtanh
def hardtanh(
    input: Value, min_val: builtins.float = -1.0, max_val: builtins.float = 1.0, inplace: bool = False
) -> Value: ...
# the row: Value.leaky_relu
def leaky_relu(
    input: Value, negative_slope: builtins.float = 0.01, inplace: bool = False
) -> Value: ...
# the row: Value.mish
def mish(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.prelu
def prelu(
    input: Value, weight: Value
) -> Value: ...
# the row: Value.relu
def relu(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.relu6
def relu6(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.rrelu
def rrelu(
    input: Value, lower: float = 0.125, upper: float = 0.3333333333333333, training: bool = False, inplace: bool = False
) -> Value: ...
# the row: Value.selu
def selu(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.sigmoid
def sigmoid(
    input: Value
) -> Value: ...
# the row: Value.silu
def silu(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.softplus
def softplus(
    input: Value, beta: builtins.float = 1.0, threshold: builtins.float = 20.0
) -> Value: ...
# the row: Value.softshrink
def softshrink(
    input: Value, lambd: builtins.float = 0.5
) -> Value: ...
# the row: Value.tanh
def tanh(
    input: Value
) -> Value: ...
# the row: Value.threshold
def threshold(
    input: Value, threshold: builtins.float, value: builtins.float, inplace: bool = False
) -> Value: ...
