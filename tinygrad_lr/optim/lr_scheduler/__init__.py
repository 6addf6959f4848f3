"""Learning-rate schedules that rewrite `group['lr']` of an optimizer's parameter groups each `step()`.

Like torch's, most schedules update the current lr recursively (`lr <- lr * gamma`) rather than from a
closed form, so that they compose with other changes to `group['lr']`; the recursion is copied from torch
so the learning rates agree to the last bit.

The schedules live in the modules of this package: `base` (LRScheduler), `schedules` (the factor schedules),
`plateau` (ReduceLROnPlateau), `cyclic` (CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts) and `combined`
(SequentialLR, ChainedScheduler).
"""

from tinygrad_lr.optim.lr_scheduler.base import LRScheduler
from tinygrad_lr.optim.lr_scheduler.combined import ChainedScheduler, SequentialLR
from tinygrad_lr.optim.lr_scheduler.cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from tinygrad_lr.optim.lr_scheduler.plateau import ReduceLROnPlateau
from tinygrad_lr.optim.lr_scheduler.schedules import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)

__all__ = [
    "ChainedScheduler", "ConstantLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
    "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR", "MultiStepLR", "MultiplicativeLR", "OneCycleLR",
    "PolynomialLR", "ReduceLROnPlateau", "SequentialLR", "StepLR",
]
