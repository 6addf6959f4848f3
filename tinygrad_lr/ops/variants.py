"""The in-place variants the op table makes (`exp_`, `relu_`, `clamp_`, ...): installed on Value by
`ops/table.py` (through `ops/inplace.variant`), so this class is empty at run time; type checkers read
`variants.pyi`, generated from the table by `python -m tinygrad_lr.ops.stubs`."""


class InplaceVariants:
    """Value's in-place variants of table rows (see variants.pyi)."""
