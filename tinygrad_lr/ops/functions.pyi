# Generated from the op table by `python -m tinygrad_lr.ops.stubs`: do not edit.

from tinygrad_lr.ops.arithmetic import add as add
from tinygrad_lr.ops.arithmetic import pow as pow
from tinygrad_lr.ops.arithmetic import sub as sub
from tinygrad_lr.ops.arrange import atleast_1d as atleast_1d
from tinygrad_lr.ops.arrange import atleast_2d as atleast_2d
from tinygrad_lr.ops.arrange import atleast_3d as atleast_3d
from tinygrad_lr.ops.arrange import block_diag as block_diag
from tinygrad_lr.ops.arrange import dstack as dstack
from tinygrad_lr.ops.arrange import row_stack as row_stack
from tinygrad_lr.ops.compare import allclose as allclose
from tinygrad_lr.ops.compare import equal as equal
from tinygrad_lr.ops.compare import isclose as isclose
from tinygrad_lr.ops.contraction import cdist as cdist
from tinygrad_lr.ops.contraction import einsum as einsum
from tinygrad_lr.ops.counting import bucketize as bucketize
from tinygrad_lr.ops.counting import searchsorted as searchsorted
from tinygrad_lr.ops.elementwise import where as where
from tinygrad_lr.ops.linalg import dot as dot
from tinygrad_lr.ops.linalg import matmul as matmul
from tinygrad_lr.ops.linalg import mm as mm
from tinygrad_lr.ops.linalg import outer as outer
from tinygrad_lr.ops.matrix_functions import trapezoid as trapezoid
from tinygrad_lr.ops.matrix_functions import trapz as trapz
from tinygrad_lr.ops.methods import ValueMethods as _Methods
from tinygrad_lr.ops.pointwise import addcdiv as addcdiv
from tinygrad_lr.ops.pointwise import addcmul as addcmul
from tinygrad_lr.ops.pointwise import copysign as copysign
from tinygrad_lr.ops.pointwise import float_power as float_power
from tinygrad_lr.ops.pointwise import hypot as hypot
from tinygrad_lr.ops.pointwise import logaddexp as logaddexp
from tinygrad_lr.ops.pointwise import logaddexp2 as logaddexp2
from tinygrad_lr.ops.pointwise import xlogy as xlogy
from tinygrad_lr.ops.products import cartesian_prod as cartesian_prod
from tinygrad_lr.ops.products import inner as inner
from tinygrad_lr.ops.products import kron as kron
from tinygrad_lr.ops.products import tensordot as tensordot
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
    'atleast_1d',
    'atleast_2d',
    'atleast_3d',
    'bincount',
    'bitwise_xor',
    'block_diag',
    'bmm',
    'broadcast_shapes',
    'broadcast_tensors',
    'broadcast_to',
    'bucketize',
    'cartesian_prod',
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
    'corrcoef',
    'cos',
    'cosh',
    'count_nonzero',
    'cov',
    'cross',
    'cummax',
    'cummin',
    'cumprod',
    'cumsum',
    'deg2rad',
    'det',
    'detach',
    'diag',
    'diag_embed',
    'diagflat',
    'diagonal',
    'diff',
    'div',
    'divide',
    'dot',
    'dsplit',
    'dstack',
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
    'histc',
    'hsplit',
    'hstack',
    'hypot',
    'index_add',
    'index_copy',
    'index_fill',
    'index_select',
    'inner',
    'inverse',
    'isclose',
    'isfinite',
    'isinf',
    'isnan',
    'kron',
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
    'logdet',
    'logical_and',
    'logical_not',
    'logical_or',
    'logical_xor',
    'logsumexp',
    'lt',
    'masked_fill',
    'masked_select',
    'matmul',
    'matrix_power',
    'max',
    'maximum',
    'mean',
    'median',
    'meshgrid',
    'min',
    'minimum',
    'mm',
    'moveaxis',
    'movedim',
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
    'ravel',
    'reciprocal',
    'relu',
    'remainder',
    'repeat_interleave',
    'reshape',
    'roll',
    'rot90',
    'round',
    'row_stack',
    'rsqrt',
    'rsub',
    'scatter',
    'scatter_add',
    'scatter_reduce',
    'searchsorted',
    'sgn',
    'sigmoid',
    'sign',
    'signbit',
    'sin',
    'sinc',
    'sinh',
    'slogdet',
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
    'swapaxes',
    'swapdims',
    't',
    'take',
    'take_along_dim',
    'tan',
    'tanh',
    'tensor_split',
    'tensordot',
    'tile',
    'topk',
    'trace',
    'transpose',
    'trapezoid',
    'trapz',
    'tril',
    'triu',
    'true_divide',
    'trunc',
    'unbind',
    'unflatten',
    'unique',
    'unsqueeze',
    'var',
    'var_mean',
    'vsplit',
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
bincount = _Methods.bincount
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
corrcoef = _Methods.corrcoef
cos = _Methods.cos
cosh = _Methods.cosh
count_nonzero = _Methods.count_nonzero
cov = _Methods.cov
cross = _Methods.cross
cummax = _Methods.cummax
cummin = _Methods.cummin
cumprod = _Methods.cumprod
cumsum = _Methods.cumsum
deg2rad = _Methods.deg2rad
det = _Methods.det
diag = _Methods.diag
diag_embed = _Methods.diag_embed
diagflat = _Methods.diagflat
diagonal = _Methods.diagonal
div = _Methods.div
divide = _Methods.div
dsplit = _Methods.dsplit
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
histc = _Methods.histc
hsplit = _Methods.hsplit
index_add = _Methods.index_add
index_copy = _Methods.index_copy
index_fill = _Methods.index_fill
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
logdet = _Methods.logdet
logical_and = _Methods.logical_and
logical_not = _Methods.logical_not
logical_or = _Methods.logical_or
logical_xor = _Methods.logical_xor
logsumexp = _Methods.logsumexp
lt = _Methods.__lt__
masked_fill = _Methods.masked_fill
masked_select = _Methods.masked_select
matrix_power = _Methods.matrix_power
max = _Methods.max
maximum = _Methods.maximum
mean = _Methods.mean
median = _Methods.median
min = _Methods.min
minimum = _Methods.minimum
moveaxis = _Methods.movedim
movedim = _Methods.movedim
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
ravel = _Methods.ravel
reciprocal = _Methods.reciprocal
relu = _Methods.relu
remainder = _Methods.remainder
repeat_interleave = _Methods.repeat_interleave
reshape = _Methods.reshape
roll = _Methods.roll
rot90 = _Methods.rot90
round = _Methods.round
rsqrt = _Methods.rsqrt
rsub = _Methods.__rsub__
scatter = _Methods.scatter
scatter_add = _Methods.scatter_add
scatter_reduce = _Methods.scatter_reduce
sgn = _Methods.sgn
sigmoid = _Methods.sigmoid
sign = _Methods.sign
signbit = _Methods.signbit
sin = _Methods.sin
sinc = _Methods.sinc
sinh = _Methods.sinh
slogdet = _Methods.slogdet
softmax = _Methods.softmax
softplus = _Methods.softplus
sort = _Methods.sort
split = _Methods.split
sqrt = _Methods.sqrt
square = _Methods.square
squeeze = _Methods.squeeze
std = _Methods.std
sum = _Methods.sum
swapaxes = _Methods.transpose
swapdims = _Methods.transpose
t = _Methods.t
take = _Methods.take
take_along_dim = _Methods.take_along_dim
tan = _Methods.tan
tanh = _Methods.tanh
tensor_split = _Methods.tensor_split
tile = _Methods.tile
topk = _Methods.topk
trace = _Methods.trace
transpose = _Methods.transpose
tril = _Methods.tril
triu = _Methods.triu
true_divide = _Methods.__truediv__
trunc = _Methods.trunc
unbind = _Methods.unbind
unflatten = _Methods.unflatten
unsqueeze = _Methods.unsqueeze
var = _Methods.var
vsplit = _Methods.vsplit
