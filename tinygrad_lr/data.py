"""`tinygrad_lr.data`: splits, scalers and unscaling of linear weights (defined in `tinygrad_lr.preprocessing`)."""

from tinygrad_lr.preprocessing import MinMaxScaler, StandardScaler, train_val_test_split, unscale_linear

__all__ = ["MinMaxScaler", "StandardScaler", "train_val_test_split", "unscale_linear"]
