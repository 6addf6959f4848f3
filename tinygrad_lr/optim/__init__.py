"""Optimizers that update parameters from their `.grad` (torch.optim's API and update rules).

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
"""

from tinygrad_lr.optim import lr_scheduler
from tinygrad_lr.optim.adadelta import Adadelta
from tinygrad_lr.optim.adagrad import Adagrad
from tinygrad_lr.optim.adam import Adam, AdamW
from tinygrad_lr.optim.adamax import Adamax
from tinygrad_lr.optim.asgd import ASGD
from tinygrad_lr.optim.lbfgs import LBFGS
from tinygrad_lr.optim.nadam import NAdam
from tinygrad_lr.optim.optimizer import Optimizer
from tinygrad_lr.optim.radam import RAdam
from tinygrad_lr.optim.rmsprop import RMSprop
from tinygrad_lr.optim.rprop import Rprop
from tinygrad_lr.optim.sgd import SGD

__all__ = [
    "ASGD", "LBFGS", "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "Optimizer", "RAdam",
    "RMSprop", "Rprop", "lr_scheduler",
]
