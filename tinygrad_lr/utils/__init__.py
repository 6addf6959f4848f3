"""Utilities with torch.utils' names: `tinygrad_lr.utils.data` (Dataset, TensorDataset, DataLoader, random_split)."""

from tinygrad_lr.utils import data

__all__ = ["data"]
