"""Value's random fills and draws (`uniform_`, `normal_`, `bernoulli_`, `random_`, `exponential_`, `bernoulli`,
`multinomial`): torch's CPU streams, computed by `tinygrad_lr.random.factories`.

A fill replaces every value, in place; inside a graph it is recorded as an overwrite, so no gradient reaches
the old values (torch's gradient for them is zeros), and a leaf that requires grad refuses, as in torch.
"""

from __future__ import annotations

import builtins
from typing import Any

from tinygrad_lr.ops.elementwise import overwrite
from tinygrad_lr.random import factories
from tinygrad_lr.value import Value


class RandomMethods:
    """Random fills (in place) and draws shaped by the Value."""

    def uniform_(self: Any, a: builtins.float = 0.0, b: builtins.float = 1.0, *, generator: Any = None) -> Value:
        """Fill with draws from U[a, b)."""
        return overwrite(self, factories.uniform_sample(self, a, b, generator))

    def normal_(self: Any, mean: builtins.float = 0.0, std: builtins.float = 1.0, *, generator: Any = None
                ) -> Value:
        """Fill with draws from N(mean, std^2)."""
        return overwrite(self, factories.normal_sample(self, mean, std, generator))

    def bernoulli_(self: Any, p: Any = 0.5, *, generator: Any = None) -> Value:
        """Fill with 1 where a draw with probability p (a number or a broadcast Value) succeeds, else 0."""
        return overwrite(self, factories.bernoulli_sample(self, p, generator))

    def random_(self: Any, from_: Any = None, to: Any = None, *, generator: Any = None) -> Value:
        """Fill with integers from [from, to) ([0, from) with one bound; the dtype's range with none)."""
        return overwrite(self, factories.random_sample(self, from_, to, generator))

    def exponential_(self: Any, lambd: builtins.float = 1.0, *, generator: Any = None) -> Value:
        """Fill with draws from Exp(lambd)."""
        return overwrite(self, factories.exponential_sample(self, lambd, generator))

    def bernoulli(self: Any, p: Any = None, *, generator: Any = None) -> Value:
        """0/1 draws, 1 with probability self (element-wise) or p."""
        return factories.bernoulli(self, p, generator=generator)

    def multinomial(self: Any, num_samples: builtins.int, replacement: builtins.bool = False, *,
                    generator: Any = None) -> Value:
        """Indices drawn from each row of the weights self."""
        return factories.multinomial(self, num_samples, replacement, generator=generator)
