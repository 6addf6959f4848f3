"""`tinygrad_lr.nn`: modules, layers, losses, `functional` and `init`, with torch.nn's names and behaviour.

    from tinygrad_lr import nn
    model = nn.Sequential(nn.Linear(10, 64), nn.Tanh(), nn.Linear(64, 1))
    loss = nn.MSELoss()(model(x), y)
"""

from tinygrad_lr.nn import functional, init, utils
from tinygrad_lr.nn.activation import (
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    RReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)
from tinygrad_lr.nn.container import ModuleDict, ModuleList, Sequential
from tinygrad_lr.nn.distance import CosineSimilarity, PairwiseDistance
from tinygrad_lr.nn.dropout import AlphaDropout, Dropout
from tinygrad_lr.nn.linear import Bilinear, Flatten, Identity, Linear, Unflatten
from tinygrad_lr.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    MultiLabelSoftMarginLoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
)
from tinygrad_lr.nn.module import Module
from tinygrad_lr.nn.normalization import BatchNorm1d, LayerNorm, RMSNorm
from tinygrad_lr.nn.parameter import Parameter
from tinygrad_lr.nn.parameter_containers import ParameterDict, ParameterList
from tinygrad_lr.nn.sparse import Embedding

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CrossEntropyLoss", "Dropout", "Flatten", "HuberLoss",
    "Identity", "L1Loss", "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "Module", "ModuleList",
    "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "SmoothL1Loss", "Softmax", "Tanh", "functional",
    "init", "utils",
    # added for issue 12
    "AlphaDropout", "Bilinear", "CELU", "CosineEmbeddingLoss", "CosineSimilarity", "ELU", "Embedding", "GELU", "GLU",
    "GaussianNLLLoss", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "HingeEmbeddingLoss", "KLDivLoss",
    "LogSigmoid", "MarginRankingLoss", "Mish", "ModuleDict", "MultiLabelSoftMarginLoss", "PReLU", "PairwiseDistance",
    "ParameterDict", "ParameterList", "PoissonNLLLoss", "RMSNorm", "RReLU", "ReLU6", "SELU", "SiLU", "SoftMarginLoss",
    "Softmin", "Softplus", "Softshrink", "Softsign", "Tanhshrink", "Threshold", "TripletMarginLoss", "Unflatten",
]
