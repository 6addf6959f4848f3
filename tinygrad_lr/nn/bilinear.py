"""`nn.functional.bilinear`: y_k = x1^T A_k x2 + b_k, built from a matrix product (the `Bilinear` layer calls it)."""

from __future__ import annotations

from tinygrad_lr.value import Value


def bilinear(input1: Value, input2: Value, weight: Value, bias: Value | None = None) -> Value:
    """y[..., k] = sum_ij input1[..., i] weight[k, i, j] input2[..., j] + bias[k]."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for axis in range(input1.ndim - 1):
        if input1.shape[axis] != input2.shape[axis]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {axis}: got {input1.shape[axis]} and "
                f"{input2.shape[axis]}"
            )
    out, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but expected {in1}"
        )
    if input2.shape[-1] != in2:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but expected {in2}"
        )
    if bias is not None and bias.shape[-1] != out:
        raise RuntimeError(
            f"bilinear(): bias size does not match weight size: got {bias.shape[-1]} but expected {out}"
        )
    batch = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # (rows, in1) @ (in1, out * in2) -> (rows, out, in2), then the dot with x2 along in2
    left = (x1 @ weight.permute(1, 0, 2).reshape(in1, out * in2)).reshape(-1, out, in2)
    y = (left * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        y = y + bias
    return y.reshape(*batch, out)
