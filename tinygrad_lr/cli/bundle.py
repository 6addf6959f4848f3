"""A model saved by `tinygrad-lr fit --save`: the network's state dict plus everything `predict` needs to use it on
raw data (which columns, in which order, and the affine scaling of features and target), in one `.npz` file
written with `tinygrad_lr.save` (no pickle)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import tinygrad_lr as tl
from tinygrad_lr import nn
from tinygrad_lr.cli.common import CommandError

FORMAT = "tinygrad-lr fit model"
VERSION = 1


def build_model(kind: str, n_features: int, hidden: int) -> nn.Module:
    """linear: nn.Linear(k, 1); mlp: Linear(k, hidden) -> Tanh -> Linear(hidden, 1). float64 throughout."""
    if kind == "linear":
        return nn.Linear(n_features, 1, dtype=tl.float64)
    return nn.Sequential(nn.Linear(n_features, hidden), nn.Tanh(), nn.Linear(hidden, 1)).double()


class Affine:
    """A fitted scaler reduced to its map `scaled = x * mult + shift` (what a saved model keeps of it)."""

    def __init__(self, mult: np.ndarray, shift: np.ndarray) -> None:
        self.mult, self.shift = np.asarray(mult, dtype=np.float64), np.asarray(shift, dtype=np.float64)

    def transform(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        return X * self.mult + self.shift

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        return (X - self.shift) / self.mult


@dataclass
class ModelBundle:
    model_type: str
    hidden: int
    features: list[str]
    target: str
    x_scaler: Any  # a fitted scaler or Affine, or None
    y_scaler: Any
    model: nn.Module


def save_bundle(bundle: ModelBundle, path: Path) -> None:
    def affine(scaler: Any) -> dict[str, np.ndarray] | None:
        if scaler is None:
            return None
        if isinstance(scaler, Affine):
            return {"mult": scaler.mult, "shift": scaler.shift}
        return {"mult": np.asarray(scaler._mult), "shift": np.asarray(scaler._shift)}

    tl.save({
        "format": FORMAT, "version": VERSION, "model": bundle.model_type, "hidden": bundle.hidden,
        "features": bundle.features, "target": bundle.target, "x_scaler": affine(bundle.x_scaler),
        "y_scaler": affine(bundle.y_scaler), "state_dict": bundle.model.state_dict(),
    }, path)


def load_bundle(path: str) -> ModelBundle:
    """Read a saved model; anything else (a missing, foreign or damaged file) is one CommandError line."""
    if not Path(path).exists():
        raise CommandError(f"{path}: no such file")
    try:
        saved = tl.load(path)
    except (RuntimeError, OSError, ValueError) as error:
        raise CommandError(f"{path}: not a model saved by `{'tinygrad-lr fit --save'}` ({error})") from None
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        raise CommandError(f"{path}: a tinygrad_lr file, but not a model saved by `tinygrad-lr fit --save`")
    if saved.get("version") != VERSION:
        raise CommandError(f"{path}: saved by a newer tinygrad-lr (model file version {saved.get('version')})")
    try:
        features = [str(name) for name in saved["features"]]
        model = build_model(saved["model"], len(features), int(saved["hidden"]))
        model.load_state_dict(saved["state_dict"])
        x_scaler, y_scaler = (None if s is None else Affine(_array(s["mult"]), _array(s["shift"]))
                              for s in (saved["x_scaler"], saved["y_scaler"]))
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CommandError(f"{path}: the model file is damaged ({error})") from None
    return ModelBundle(saved["model"], int(saved["hidden"]), features, str(saved["target"]), x_scaler, y_scaler,
                       model)


def _array(value: Any) -> np.ndarray:
    return value.numpy() if isinstance(value, tl.Tensor) else np.asarray(value)
