"""Run a PyTorch script with tinygrad_lr standing in for torch: `python torch_alias.py SCRIPT.py [args]`.

`import torch`, `import torch.nn as nn`, `from torch.utils.data import DataLoader`, ... all resolve to tinygrad_lr's
modules of the same path (`torch.X.Y` is `tinygrad_lr.X.Y`), through an import hook; the script itself is unchanged.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import runpy
import sys
from types import ModuleType
from typing import Any


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `torch` and `torch.*` as the tinygrad_lr module of the same path."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> ModuleType:
        return importlib.import_module("tinygrad_lr" + spec.name[len("torch"):])

    def exec_module(self, module: ModuleType) -> None:
        pass  # already imported as itself


def main() -> None:
    sys.meta_path.insert(0, _Alias())
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
