"""tinygrad_lr: a small autograd engine on NumPy with PyTorch's API.

    import tinygrad_lr as torch
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad          # Value([2., 4., 6.])
"""

import warnings as _warnings

from tinygrad_lr import autograd, data, nn, optim, utils
from tinygrad_lr.autograd import Function, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from tinygrad_lr.creation import (
    arange,
    as_tensor,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from tinygrad_lr.dtypes import (
    bool,
    double,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from tinygrad_lr.functional import (
    abs,
    add,
    allclose,
    amax,
    amin,
    argmax,
    argmin,
    chunk,
    clamp,
    clip,
    cos,
    div,
    dot,
    exp,
    flatten,
    isclose,
    leaky_relu,
    log,
    log1p,
    log_softmax,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    neg,
    outer,
    permute,
    pow,
    relu,
    reshape,
    sigmoid,
    sin,
    softmax,
    softplus,
    split,
    sqrt,
    square,
    squeeze,
    std,
    sub,
    sum,
    tanh,
    transpose,
    unsqueeze,
    var,
)
from tinygrad_lr.random import Generator, default_generator, initial_seed, manual_seed, seed
from tinygrad_lr.serialization import load, save
from tinygrad_lr.value import Size, Value, cat, stack, where

# torch computes inf and nan silently; NumPy warns ("overflow encountered in exp", "divide by zero ..."). Silence
# NumPy's floating-point RuntimeWarnings raised by ufunc calls in this package's own modules only: the user's
# NumPy code keeps its warnings, and no op pays for an np.errstate block.
_warnings.filterwarnings("ignore", r".* encountered in ", RuntimeWarning, r"tinygrad_lr(\.|$)")

Tensor = Value
concat = concatenate = cat

__version__ = "0.1.0"

__all__ = [
    "add", "div", "mul", "neg", "pow", "square", "sub", "allclose", "dot", "isclose", "mm", "outer", "chunk", "split",
    "Function", "Generator", "Size", "Tensor", "Value", "abs", "amax", "amin", "arange", "argmax", "argmin",
    "as_tensor", "autograd", "bool", "cat", "clamp", "clip", "concat", "concatenate", "cos", "default_generator",
    "double", "empty", "enable_grad", "exp", "eye", "flatten", "float", "float16", "float32", "float64",
    "from_numpy", "full", "full_like", "get_default_dtype", "half", "initial_seed", "int", "int8", "int16", "int32",
    "int64", "is_grad_enabled", "leaky_relu", "linspace", "log", "log1p", "log_softmax", "long", "manual_seed",
    "matmul", "max", "maximum", "mean", "min", "minimum", "nn", "no_grad", "ones", "ones_like", "permute", "rand",
    "rand_like", "randint", "randn", "randn_like", "randperm", "relu", "reshape", "seed", "set_default_dtype",
    "set_grad_enabled", "short", "sigmoid", "sin", "softmax", "softplus", "sqrt", "squeeze", "stack", "std", "sum",
    "tanh", "tensor", "transpose", "uint8", "unsqueeze", "var", "where", "zeros", "zeros_like",
    "data", "load", "optim", "save", "utils",
]
