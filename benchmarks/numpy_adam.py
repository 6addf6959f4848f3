"""Adam on NumPy arrays, with torch.optim.Adam's arithmetic, for the engines that have no optimizer of their own."""

from __future__ import annotations

import math

import numpy as np


class NumpyAdam:
    """In-place Adam (Kingma & Ba 2015) in torch's form, without weight decay or amsgrad:

    m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g^2 ;
    p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
    """

    def __init__(self, params: list[np.ndarray], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params = params
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        step_size = self.lr / (1 - self.beta1**self.t)
        root_correction2 = math.sqrt(1 - self.beta2**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * (g * g)
            denom = np.sqrt(v)
            denom /= root_correction2
            denom += self.eps
            p -= step_size * (m / denom)
