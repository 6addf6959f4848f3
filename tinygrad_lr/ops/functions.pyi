# Generated from the op table by `python -m tinygrad_lr.ops.stubs`: do not edit.

from tinygrad_lr.ops.arithmetic import add as add
from tinygrad_lr.ops.arithmetic import pow as pow
from tinygrad_lr.ops.arithmetic import sub as sub
from tinygrad_lr.ops.compare import allclose as allclose
from tinygrad_lr.ops.compare import equal as equal
from tinygrad_lr.ops.compare import isclose as isclose
from tinygrad_lr.ops.contraction import cdist as cdist
from tinygrad_lr.ops.contraction import einsum as einsum
from tinygrad_lr.ops.elementwise import where as where
from tinygrad_lr.ops.linalg import dot as dot
from tinygrad_lr.ops.linalg import matmul as matmul
from tinygrad_lr.ops.linalg import mm as mm
from tinygrad_lr.ops.linalg import outer as outer
from tinygrad_lr.ops.methods import ValueMethods as _Methods
from tinygrad_lr.ops.pointwise import addcdiv as addcdiv
from tinygrad_lr.ops.pointwise import addcmul as addcmul
from tinygrad_lr.ops.pointwise import copysign as copysign
from tinygrad_lr.ops.pointwise import float_power as float_power
from tinygrad_lr.ops.pointwise import hypot as hypot
from tinygrad_lr.ops.pointwise import logaddexp as logaddexp
from tinygrad_lr.ops.pointwise import logaddexp2 as logaddexp2
from tinygrad_lr.ops.pointwise import xlogy as xlogy
from tinygrad_lr.ops.rearrange import broadcast_shapes as broadcast_shapes
from tinygrad_lr.ops.rearrange import broadcast_tensors as broadcast_tensors
from tinygrad_lr.ops.rearrange import column_stack as column_stack
from tinygrad_lr.ops.rearrange import hstack as hstack
from tinygrad_lr.ops.rearrange import meshgrid as meshgrid
from tinygrad_lr.ops.rearrange import vstack as vstack
from tinygrad_lr.ops.rounding import lerp as lerp
from tinygrad_lr.ops.scan import diff as diff
from tinygrad_lr.ops.scan import std_mean as std_mean
from tinygrad_lr.ops.scan import var_mean as var_mean
from tinygrad_lr.ops.shape import cat as cat
from tinygrad_lr.ops.shape import stack as stack
from tinygrad_lr.ops.sorting import unique as unique
from tinygrad_lr.ops.tensor_methods import detach as detach

__all__ = [
    'abs',
    'acos',
    'add',
    'addcdiv',
    'addcmul',
    'addmm',
    'all',
    'allclose',
    'amax',
    'amin',
    'aminmax',
    'any',
    'arccos',
    'arcsin',
    'arctan',
    'arctan2',
    'argmax',
    'argmin',
    'argsort',
    'argwhere',
    'asin',
    'atan',
    'atan2',
    'bitwise_xor',
    'bmm',
    'broadcast_shapes',
    'broadcast_tensors',
    'broadcast_to',
    'cat',
    'cdist',
    'ceil',
    'chunk',
    'clamp',
    'clamp_max',
    'clamp_min',
    'clip',
    'clone',
    'column_stack',
    'copysign',
    'cos',
    'cosh',
    'count_nonzero',
    'cummax',
    'cummin',
    'cumprod',
    'cumsum',
    'deg2rad',
    'det',
    'detach',
    'diag',
    'diff',
    'div',
    'divide',
    'dot',
    'einsum',
    'eq',
    'equal',
    'erf',
    'exp',
    'exp2',
    'expm1',
    'fix',
    'flatten',
    'flip',
    'fliplr',
    'flipud',
    'float_power',
    'floor',
    'floor_divide',
    'fmod',
    'frac',
    'gather',
    'ge',
    'gt',
    'hstack',
    'hypot',
    'index_select',
    'inverse',
    'isclose',
    'isfinite',
    'isinf',
    'isnan',
    'kthvalue',
    'le',
    'leaky_relu',
    'lerp',
    'log',
    'log10',
    'log1p',
    'log2',
    'log_softmax',
    'logaddexp',
    'logaddexp2',
    'logcumsumexp',
    'logical_and',
    'logical_not',
    'logical_or',
    'logical_xor',
    'logsumexp',
    'lt',
    'masked_fill',
    'masked_select',
    'matmul',
    'max',
    'maximum',
    'mean',
    'median',
    'meshgrid',
    'min',
    'minimum',
    'mm',
    'msort',
    'mul',
    'nan_to_num',
    'nanmedian',
    'narrow',
    'ne',
    'neg',
    'nonzero',
    'norm',
    'outer',
    'permute',
    'pinverse',
    'pow',
    'prod',
    'rad2deg',
    'reciprocal',
    'relu',
    'remainder',
    'repeat_interleave',
    'reshape',
    'roll',
    'round',
    'rsqrt',
    'rsub',
    'scatter',
    'scatter_add',
    'sgn',
    'sigmoid',
    'sign',
    'signbit',
    'sin',
    'sinc',
    'sinh',
    'softmax',
    'softplus',
    'sort',
    'split',
    'sqrt',
    'square',
    'squeeze',
    'stack',
    'std',
    'std_mean',
    'sub',
    'sum',
    't',
    'tan',
    'tanh',
    'tile',
    'topk',
    'trace',
    'transpose',
    'tril',
    'triu',
    'true_divide',
    'trunc',
    'unbind',
    'unique',
    'unsqueeze',
    'var',
    'var_mean',
    'vstack',
    'where',
    'xlogy',
]

abs = _Methods.__abs__
acos = _Methods.acos
addmm = _Methods.addmm
all = _Methods.all
amax = _Methods.amax
amin = _Methods.amin
aminmax = _Methods.aminmax
any = _Methods.any
arccos = _Methods.acos
arcsin = _Methods.asin
arctan = _Methods.atan
arctan2 = _Methods.atan2
argmax = _Methods.argmax
argmin = _Methods.argmin
argsort = _Methods.argsort
argwhere = _Methods.argwhere
asin = _Methods.asin
atan = _Methods.atan
atan2 = _Methods.atan2
bitwise_xor = _Methods.__xor__
bmm = _Methods.bmm
broadcast_to = _Methods.broadcast_to
ceil = _Methods.ceil
chunk = _Methods.chunk
clamp = _Methods.clamp
clamp_max = _Methods.clamp_max
clamp_min = _Methods.clamp_min
clip = _Methods.clamp
clone = _Methods.clone
cos = _Methods.cos
cosh = _Methods.cosh
count_nonzero = _Methods.count_nonzero
cummax = _Methods.cummax
cummin = _Methods.cummin
cumprod = _Methods.cumprod
cumsum = _Methods.cumsum
deg2rad = _Methods.deg2rad
det = _Methods.det
diag = _Methods.diag
div = _Methods.div
divide = _Methods.div
eq = _Methods.__eq__
erf = _Methods.erf
exp = _Methods.exp
exp2 = _Methods.exp2
expm1 = _Methods.expm1
fix = _Methods.trunc
flatten = _Methods.flatten
flip = _Methods.flip
fliplr = _Methods.fliplr
flipud = _Methods.flipud
floor = _Methods.floor
floor_divide = _Methods.__floordiv__
fmod = _Methods.fmod
frac = _Methods.frac
gather = _Methods.gather
ge = _Methods.__ge__
gt = _Methods.__gt__
index_select = _Methods.index_select
inverse = _Methods.inverse
isfinite = _Methods.isfinite
isinf = _Methods.isinf
isnan = _Methods.isnan
kthvalue = _Methods.kthvalue
le = _Methods.__le__
leaky_relu = _Methods.leaky_relu
log = _Methods.log
log10 = _Methods.log10
log1p = _Methods.log1p
log2 = _Methods.log2
log_softmax = _Methods.log_softmax
logcumsumexp = _Methods.logcumsumexp
logical_and = _Methods.logical_and
logical_not = _Methods.logical_not
logical_or = _Methods.logical_or
logical_xor = _Methods.logical_xor
logsumexp = _Methods.logsumexp
lt = _Methods.__lt__
masked_fill = _Methods.masked_fill
masked_select = _Methods.masked_select
max = _Methods.max
maximum = _Methods.maximum
mean = _Methods.mean
median = _Methods.median
min = _Methods.min
minimum = _Methods.minimum
msort = _Methods.msort
mul = _Methods.__mul__
nan_to_num = _Methods.nan_to_num
nanmedian = _Methods.nanmedian
narrow = _Methods.narrow
ne = _Methods.__ne__
neg = _Methods.__neg__
nonzero = _Methods.nonzero
norm = _Methods.norm
permute = _Methods.permute
pinverse = _Methods.pinverse
prod = _Methods.prod
rad2deg = _Methods.rad2deg
reciprocal = _Methods.reciprocal
relu = _Methods.relu
remainder = _Methods.remainder
repeat_interleave = _Methods.repeat_interleave
reshape = _Methods.reshape
roll = _Methods.roll
round = _Methods.round
rsqrt = _Methods.rsqrt
rsub = _Methods.__rsub__
scatter = _Methods.scatter
scatter_add = _Methods.scatter_add
sgn = _Methods.sgn
sigmoid = _Methods.sigmoid
sign = _Methods.sign
signbit = _Methods.signbit
sin = _Methods.sin
sinc = _Methods.sinc
sinh = _Methods.sinh
softmax = _Methods.softmax
softplus = _Methods.softplus
sort = _Methods.sort
split = _Methods.split
sqrt = _Methods.sqrt
square = _Methods.square
squeeze = _Methods.squeeze
std = _Methods.std
sum = _Methods.sum
t = _Methods.t
tan = _Methods.tan
tanh = _Methods.tanh
tile = _Methods.tile
topk = _Methods.topk
trace = _Methods.trace
transpose = _Methods.transpose
tril = _Methods.tril
triu = _Methods.triu
true_divide = _Methods.__truediv__
trunc = _Methods.trunc
unbind = _Methods.unbind
unsqueeze = _Methods.unsqueeze
var = _Methods.var
