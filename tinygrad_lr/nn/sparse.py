"""`Embedding`: a lookup table of learned vectors, with `nn.functional.embedding` and `one_hot`."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.arguments import tensor_type_name
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.nn import init
from tinygrad_lr.nn.factory import layer_dtype
from tinygrad_lr.nn.module import Module
from tinygrad_lr.nn.parameter import Parameter
from tinygrad_lr.ops import dual
from tinygrad_lr.ops import shape as shape_ops
from tinygrad_lr.value import Value, require_value


class EmbeddingLookup(Function):
    """out[..., :] = weight[indices[...], :];  dweight[i] = sum of g over the positions holding index i (divided
    by i's count in the batch with scale_grad_by_freq), and 0 for the padding row."""

    torch_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx: Any, weight: Any, indices: np.ndarray, padding_idx: int, scale_grad_by_freq: bool) -> Any:
        ctx.indices, ctx.num_weights, ctx.padding_idx = indices, weight.shape[0], padding_idx
        ctx.scale_grad_by_freq = scale_grad_by_freq
        return weight[indices]

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        flat = ctx.indices.reshape(-1)
        array = g._data if dual.is_value(g) else g
        g_rows = g.reshape(flat.size, array.shape[-1])
        if ctx.scale_grad_by_freq or ctx.padding_idx >= 0:  # one factor per looked-up position
            factor = np.ones(flat.size, dtype=array.dtype)
            if ctx.scale_grad_by_freq:
                factor /= np.bincount(flat, minlength=ctx.num_weights)[flat]
            if ctx.padding_idx >= 0:
                factor[flat == ctx.padding_idx] = 0
            g_rows = g_rows * factor[:, None]
        weight_shape = (ctx.num_weights, array.shape[-1])
        if dual.is_value(g_rows):
            return shape_ops.IndexAdd.apply(g_rows, flat, weight_shape), None, None, None
        out = np.zeros(weight_shape, dtype=array.dtype)
        np.add.at(out, flat, g_rows)  # repeated indices accumulate
        return out, None, None, None


def _padding_index(padding_idx: int | None, num_embeddings: int) -> int:
    """torch's normalisation of padding_idx: a negative one counts from the end; -1 means none."""
    if padding_idx is None:
        return -1
    if padding_idx > 0:
        if padding_idx >= num_embeddings:
            raise AssertionError("Padding_idx must be within num_embeddings")
    elif padding_idx < 0:
        if padding_idx < -num_embeddings:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = num_embeddings + padding_idx
    return padding_idx


def _renorm_rows(weight: Value, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rows of `weight` that `indices` use, rescaled in place to norm at most max_norm (not recorded)."""
    rows = np.unique(indices)
    data = weight._data
    norms = np.linalg.norm(data[rows].astype(np.float64), ord=norm_type, axis=1)
    too_long = norms > max_norm
    scale = (max_norm / (norms[too_long] + 1e-7)).astype(data.dtype)
    data[rows[too_long]] *= scale[:, None]


def embedding(
    input: Value,  # noqa: A002 - torch's name
    weight: Value,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Value:
    """Rows of `weight` picked by the integer `input`: shape input.shape + (embedding_dim,). The row at
    `padding_idx` gets no gradient; with `max_norm`, the rows used are first rescaled in place to that norm."""
    require_value(input, "embedding", "indices", 2)
    require_value(weight, "embedding", "weight", 1)
    indices = input._data
    if indices.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but "
            f"got {tensor_type_name(indices.dtype).replace('tinygrad_lr.', 'torch.')} instead (while checking "
            "arguments for embedding)"
        )
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    num_embeddings = weight._data.shape[0]
    if indices.size and (indices.min() < -num_embeddings or indices.max() >= num_embeddings):
        raise IndexError("index out of range in self")
    indices = np.where(indices < 0, indices + num_embeddings, indices)
    padding = _padding_index(padding_idx, num_embeddings)
    if max_norm is not None:
        with no_grad():
            _renorm_rows(weight, indices, max_norm, norm_type)
    return EmbeddingLookup.apply(weight, indices, padding, scale_grad_by_freq)


def one_hot(tensor: Value, num_classes: int = -1) -> Value:
    """An int64 tensor of shape tensor.shape + (num_classes,), 1 at each class index (num_classes -1: max + 1)."""
    data = tensor._data
    if data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size:
        if data.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if data.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(data.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, data[..., None], 1, axis=-1)
    return Value._make_const(out)


class Embedding(Module):
    """A table of `num_embeddings` vectors of size `embedding_dim`: `embedding(indices)` looks rows up.

    The weight starts N(0, 1) (drawn with the global generator, as torch's), the `padding_idx` row zero.
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Value | None = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dtype = layer_dtype(dtype, device)
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            padding_idx = _padding_index(padding_idx, num_embeddings)
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """weight ~ N(0, 1), then the padding row set to zero."""
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self) -> None:
        if self.padding_idx is not None:
            with no_grad():
                self.weight._data[self.padding_idx] = 0

    def forward(self, input: Value) -> Value:  # noqa: A002
        return embedding(
            input, self.weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse
        )

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            text += ", sparse=True"
        return text

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Value,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose weight is `embeddings` (2-D), frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(
            num_embeddings=rows, embedding_dim=cols, _weight=embeddings, _freeze=freeze, padding_idx=padding_idx,
            max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
        )
