"""`torch.backends` as a CPU-only build answers it: no MPS, no cuDNN (the flags scripts set are kept and unused)."""

from tinygrad_lr.backends import cudnn, mps

__all__ = ["cudnn", "mps"]
