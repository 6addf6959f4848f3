"""tinygrad_lr: a small autograd engine on NumPy with PyTorch's API.

    import tinygrad_lr as torch
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad          # tensor([2., 4., 6.])
"""

import math as _math
import warnings as _warnings

from tinygrad_lr import autograd, backends, cuda, devices, linalg, nn, optim, preprocessing, profiler, utils
from tinygrad_lr.autograd import Function, enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from tinygrad_lr.compiler import compile
from tinygrad_lr.creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    tensor,
    tril_indices,
    triu_indices,
    zeros,
    zeros_like,
)
from tinygrad_lr.devices import device, get_default_device, set_default_device
from tinygrad_lr.dtypes import (
    bool,
    double,
    dtype,
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
    uint16,
    uint32,
    uint64,
)
from tinygrad_lr.formatting import get_printoptions, printoptions, set_printoptions
from tinygrad_lr.ops import functions as _functions
from tinygrad_lr.ops.functions import *  # noqa: F403 - abs, exp, sum, cat, where, ...: made from the op table
from tinygrad_lr.random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from tinygrad_lr.random.factories import (
    bernoulli,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)
from tinygrad_lr.serialization import load, save
from tinygrad_lr.tensor_types import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    Tensor,
    is_floating_point,
    is_tensor,
    numel,
)
from tinygrad_lr.value import Size, Value

# torch computes inf and nan silently; NumPy warns ("overflow encountered in exp", "divide by zero ..."). Silence
# NumPy's floating-point RuntimeWarnings raised by ufunc calls in this package's own modules only: the user's
# NumPy code keeps its warnings, and no op pays for an np.errstate block.
_warnings.filterwarnings("ignore", r".* encountered in ", RuntimeWarning, r"tinygrad_lr(\.|$)")

pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan
concat = concatenate = cat  # noqa: F405

__version__ = "0.1.0"

__all__ = [
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "HalfTensor", "IntTensor", "LongTensor",
    "ShortTensor", "backends", "compile", "cuda", "device", "devices", "dtype", "e", "get_default_device",
    "get_printoptions", "inf", "inference_mode", "is_floating_point", "is_tensor", "nan", "numel", "pi", "printoptions",
    "profiler", "set_default_device", "set_printoptions", "uint16", "uint32", "uint64", "Function", "Generator", "Size",
    "Tensor", "Value", "arange", "as_tensor", "autograd", "bool", "concat", "concatenate", "default_generator",
    "double", "empty", "enable_grad", "empty_like", "eye", "float", "float16", "float32", "float64", "from_numpy",
    "full", "full_like", "get_default_dtype", "half", "initial_seed", "int", "int8", "int16", "int32", "int64",
    "is_grad_enabled", "linalg", "linspace", "load", "logspace", "long", "manual_seed", "nn", "no_grad", "ones",
    "ones_like", "optim", "preprocessing", "rand", "rand_like", "randint", "randn", "randn_like", "randperm", "save",
    "seed", "set_default_dtype", "set_grad_enabled", "short", "tensor", "tril_indices", "triu_indices", "uint8",
    "utils", "zeros", "zeros_like",
    "bernoulli", "get_rng_state", "multinomial", "normal", "randint_like", "set_rng_state",
    *_functions.__all__,
]  # fmt: skip
