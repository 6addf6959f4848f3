"""`tinygrad_lr.nn`: modules, layers, losses, `functional` and `init`, with torch.nn's names and behaviour.

    from tinygrad_lr import nn
    model = nn.Sequential(nn.Linear(10, 64), nn.Tanh(), nn.Linear(64, 1))
    loss = nn.MSELoss()(model(x), y)
"""

from tinygrad_lr.nn import functional, init, utils
from tinygrad_lr.nn.activation import LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from tinygrad_lr.nn.container import ModuleList, Sequential
from tinygrad_lr.nn.dropout import Dropout
from tinygrad_lr.nn.linear import Flatten, Identity, Linear
from tinygrad_lr.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from tinygrad_lr.nn.module import Module
from tinygrad_lr.nn.normalization import BatchNorm1d, LayerNorm
from tinygrad_lr.nn.parameter import Parameter

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CrossEntropyLoss", "Dropout", "Flatten", "HuberLoss",
    "Identity", "L1Loss", "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "Module", "ModuleList",
    "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "SmoothL1Loss", "Softmax", "Tanh", "functional",
    "init", "utils"
]
