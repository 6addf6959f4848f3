"""`torch.backends.cudnn`: absent; `deterministic`, `benchmark` and `enabled` can be set, as scripts do, and change
nothing (NumPy on the CPU is deterministic)."""

deterministic = False
benchmark = False
enabled = True


def is_available() -> bool:
    return False


def version() -> None:
    return None
