"""Optimizers that update parameters from their `.grad` (torch.optim's API and update rules).

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
"""

from tinygrad_lr.optim import lr_scheduler
from tinygrad_lr.optim.adagrad import Adagrad
from tinygrad_lr.optim.adam import Adam, AdamW
from tinygrad_lr.optim.optimizer import Optimizer
from tinygrad_lr.optim.rmsprop import RMSprop
from tinygrad_lr.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
