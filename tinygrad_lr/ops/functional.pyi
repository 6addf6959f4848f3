# Generated from the op table by `python -m tinygrad_lr.ops.stubs`: do not edit.

import builtins

from tinygrad_lr.ops.activation import log_softmax as log_softmax
from tinygrad_lr.ops.activation import softmax as softmax
from tinygrad_lr.value import Value

__all__ = [
    'leaky_relu',
    'log_softmax',
    'relu',
    'sigmoid',
    'softmax',
    'softplus',
    'tanh',
]

# the row: Value.leaky_relu
def leaky_relu(
    input: Value, negative_slope: builtins.float = 0.01, inplace: bool = False
) -> Value: ...
# the row: Value.relu
def relu(
    input: Value, inplace: bool = False
) -> Value: ...
# the row: Value.sigmoid
def sigmoid(
    input: Value
) -> Value: ...
# the row: Value.softplus
def softplus(
    input: Value, beta: builtins.float = 1.0, threshold: builtins.float = 20.0
) -> Value: ...
# the row: Value.tanh
def tanh(
    input: Value
) -> Value: ...
