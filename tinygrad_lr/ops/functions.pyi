# Generated from the op table by `python -m tinygrad_lr.ops.stubs`: do not edit.

from tinygrad_lr.ops.arithmetic import add as add
from tinygrad_lr.ops.arithmetic import pow as pow
from tinygrad_lr.ops.arithmetic import sub as sub
from tinygrad_lr.ops.compare import allclose as allclose
from tinygrad_lr.ops.compare import isclose as isclose
from tinygrad_lr.ops.elementwise import where as where
from tinygrad_lr.ops.linalg import dot as dot
from tinygrad_lr.ops.linalg import matmul as matmul
from tinygrad_lr.ops.linalg import mm as mm
from tinygrad_lr.ops.linalg import outer as outer
from tinygrad_lr.ops.methods import ValueMethods as _Methods
from tinygrad_lr.ops.shape import cat as cat
from tinygrad_lr.ops.shape import stack as stack

__all__ = [
    'abs',
    'add',
    'allclose',
    'amax',
    'amin',
    'argmax',
    'argmin',
    'cat',
    'chunk',
    'clamp',
    'clip',
    'clone',
    'cos',
    'div',
    'dot',
    'eq',
    'exp',
    'flatten',
    'ge',
    'gt',
    'isclose',
    'le',
    'leaky_relu',
    'log',
    'log1p',
    'log_softmax',
    'lt',
    'matmul',
    'max',
    'maximum',
    'mean',
    'min',
    'minimum',
    'mm',
    'mul',
    'ne',
    'neg',
    'norm',
    'outer',
    'permute',
    'pow',
    'reciprocal',
    'relu',
    'reshape',
    'rsqrt',
    'rsub',
    'sigmoid',
    'sin',
    'softmax',
    'softplus',
    'split',
    'sqrt',
    'square',
    'squeeze',
    'stack',
    'std',
    'sub',
    'sum',
    't',
    'tanh',
    'transpose',
    'unsqueeze',
    'var',
    'where',
]

abs = _Methods.__abs__
amax = _Methods.amax
amin = _Methods.amin
argmax = _Methods.argmax
argmin = _Methods.argmin
chunk = _Methods.chunk
clamp = _Methods.clamp
clip = _Methods.clamp
clone = _Methods.clone
cos = _Methods.cos
div = _Methods.__truediv__
eq = _Methods.__eq__
exp = _Methods.exp
flatten = _Methods.flatten
ge = _Methods.__ge__
gt = _Methods.__gt__
le = _Methods.__le__
leaky_relu = _Methods.leaky_relu
log = _Methods.log
log1p = _Methods.log1p
log_softmax = _Methods.log_softmax
lt = _Methods.__lt__
max = _Methods.max
maximum = _Methods.maximum
mean = _Methods.mean
min = _Methods.min
minimum = _Methods.minimum
mul = _Methods.__mul__
ne = _Methods.__ne__
neg = _Methods.__neg__
norm = _Methods.norm
permute = _Methods.permute
reciprocal = _Methods.reciprocal
relu = _Methods.relu
reshape = _Methods.reshape
rsqrt = _Methods.rsqrt
rsub = _Methods.__rsub__
sigmoid = _Methods.sigmoid
sin = _Methods.sin
softmax = _Methods.softmax
softplus = _Methods.softplus
split = _Methods.split
sqrt = _Methods.sqrt
square = _Methods.square
squeeze = _Methods.squeeze
std = _Methods.std
sum = _Methods.sum
t = _Methods.t
tanh = _Methods.tanh
transpose = _Methods.transpose
unsqueeze = _Methods.unsqueeze
var = _Methods.var
