"""`Linear`, `Bilinear`, `Identity`, `Flatten` and `Unflatten`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tinygrad_lr.arguments import single_dim
from tinygrad_lr.nn import functional as F
from tinygrad_lr.nn import init
from tinygrad_lr.nn.bilinear import bilinear
from tinygrad_lr.nn.factory import layer_dtype
from tinygrad_lr.nn.module import Module
from tinygrad_lr.nn.parameter import Parameter
from tinygrad_lr.value import Value


class Linear(Module):
    """y = x W^T + b, mapping (*, in_features) to (*, out_features).

    W has shape (out_features, in_features) and b (out_features,), both drawn from U(-1/sqrt(in_features),
    1/sqrt(in_features)) (W first, then b) with the global generator, as torch initialises them.
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        dtype = layer_dtype(dtype, device)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's init: kaiming_uniform_(W, a=sqrt(5)) (bound 1/sqrt(fan_in)), then b ~ U(+-1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Value) -> Value:  # noqa: A002 - torch's name
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged (arguments are accepted and ignored, as in torch)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:  # noqa: A002
        return input


class Flatten(Module):
    """Merges dimensions start_dim..end_dim into one (by default all but the batch dimension)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Value) -> Value:  # noqa: A002
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dimension `dim` into `unflattened_size` (the inverse of Flatten); one size may be -1."""

    def __init__(self, dim: int | str, unflattened_size: Any) -> None:
        super().__init__()
        if isinstance(dim, int):
            self._require_tuple_int(unflattened_size)
        else:
            raise TypeError("invalid argument type for dim parameter")
        self.dim = dim
        self.unflattened_size = unflattened_size

    @staticmethod
    def _require_tuple_int(sizes: Any) -> None:
        if isinstance(sizes, (tuple, list)):
            for index, element in enumerate(sizes):
                if not isinstance(element, int):
                    raise TypeError(
                        "unflattened_size must be tuple of ints, "
                        f"but found element of type {type(element).__name__} at pos {index}"
                    )
            return
        raise TypeError(f"unflattened_size must be a tuple of ints, but found type {type(sizes).__name__}")

    def forward(self, input: Value) -> Value:  # noqa: A002
        return unflatten(input, self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


def unflatten(input: Value, dim: int, sizes: Any) -> Value:  # noqa: A002
    """input viewed with dimension `dim` split into `sizes` (one of them may be -1)."""
    shape = tuple(input.shape)
    axis = single_dim(dim, len(shape))
    sizes = [int(s) for s in sizes]
    known = int(np.prod([s for s in sizes if s != -1]))
    if sizes.count(-1) == 1 and known and shape[axis] % known == 0:
        sizes = [shape[axis] // known if s == -1 else s for s in sizes]
    if int(np.prod(sizes)) != shape[axis] or sizes.count(-1):
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} ({shape[axis]}) in "
            "the input tensor"
        )
    return input.view(*shape[:axis], *sizes, *shape[axis + 1 :])


class Bilinear(Module):
    """y_k = x1^T A_k x2 + b_k for k < out_features: A has shape (out, in1, in2), b (out,), both drawn from
    U(-1/sqrt(in1), 1/sqrt(in1)) (A first), as torch initialises them."""

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = layer_dtype(dtype, device)
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """weight, then bias, ~ U(-1/sqrt(in1_features), 1/sqrt(in1_features))."""
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Value, input2: Value) -> Value:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )
