"""`Optimizer`: the bookkeeping every optimizer shares (parameter groups, per-parameter state, state dicts).

A subclass only says how one parameter moves: `_update(p, grad, group)` receives the parameter, its
gradient's array and its group's options, and changes `p._data` in place (plain NumPy, no graph), keeping
what it must remember in `self.state[p]`. `step()` calls it for every parameter whose `.grad` is not None,
in group order, exactly as torch's single-tensor (CPU) code path does; a subclass may instead override
`_step_group(group)` to update a whole group at once (Adam does, for groups of small parameters).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.arguments import checkpoint_array, tensor_type_name
from tinygrad_lr.autograd.grad_mode import enable_grad, no_grad
from tinygrad_lr.autograd.versions import mark_modified
from tinygrad_lr.random.fma import fma32
from tinygrad_lr.value import Value

DUPLICATE_PARAMS_WARNING = (
    "optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; "
    "see github.com/pytorch/pytorch/issues/40967 for more information"
)

class _RequiredParameter:
    """Marks a hyperparameter that every parameter group must set itself."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def typename(obj: Any) -> str:
    """torch.typename: `tinygrad_lr.FloatTensor` for a float32 Value, `float` for a float, `module.Class` otherwise."""
    if isinstance(obj, Value):
        return tensor_type_name(obj.dtype)
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def step_counter() -> Value:
    """A fresh `state['step']`: a 0-d float Value (float64 when that is the default dtype, else float32)."""
    dtype = dtypes.float64 if dtypes.get_default_dtype() == dtypes.float64 else dtypes.float32
    return Value._make_const(np.zeros((), dtype=dtype))


CHUNK = 1 << 15  # elements per block of `subtract_scaled`: the scaled block stays in the L1/L2 cache


def float32_scalar(x: Any) -> Any:
    """A number rounded to float32, as torch takes a Scalar into a float32 kernel. A Python float directly; any
    other number (`compile`'s replay-time values, such as a learning rate a scheduler changes) through a ufunc,
    which `compile` records, where `np.float32(x)` would make it a constant."""
    return np.float32(x) if type(x) is float else np.positive(x, dtype=np.float32)


def fused_multiply_add(a: np.ndarray, x: Any, y: Any, out: np.ndarray | None = None) -> np.ndarray:
    """a + x y rounded once, as torch's CPU kernels compute `add(alpha=)`, `addcmul` and `lerp` (compiled with
    multiply-add contraction, an FMA: one rounding where NumPy's a + x * y rounds twice): `random.fma.fma32` for
    float32; other dtypes a + x y. A number x or y is taken in a's dtype first, as torch takes a Scalar.
    Into `out` (may be a) or a new array."""
    if a.dtype != np.float32:
        return np.add(a, np.multiply(x, y), out=out)
    if not isinstance(x, np.ndarray):
        x = float32_scalar(x)
    if not isinstance(y, np.ndarray):
        y = float32_scalar(y)
    result = fma32(x, y, a)
    if out is None:
        return result
    out[...] = result
    return out


def subtract_scaled(data: np.ndarray, update: np.ndarray, scale: float) -> None:
    """data -= scale * update in place, as torch's `param.add_(update, alpha=-scale)` rounds it (once: see
    `fused_multiply_add`). A large array goes block by block, so no parameter-sized temporary is made."""
    n = data.size
    contiguous = data.flags.c_contiguous and update.flags.c_contiguous
    if n < 4 * CHUNK or update.shape != data.shape or not contiguous or not isinstance(scale, int | float):
        fused_multiply_add(data, update, -scale, out=data)
        return
    flat_data, flat_update = data.reshape(-1), update.reshape(-1)
    for start in range(0, n, CHUNK):
        block = flat_data[start : start + CHUNK]
        fused_multiply_add(block, flat_update[start : start + CHUNK], -scale, out=block)


def regularized_grad(grad: np.ndarray, data: np.ndarray, group: dict[str, Any]) -> np.ndarray:
    """The gradient an update rule starts from: g = -grad if `maximize` else grad, then g = g + weight_decay * p
    (the L2 penalty, rounded as torch's `grad.add(p, alpha=weight_decay)`) when `weight_decay` is not 0. A new
    array whenever it differs from `grad`, which is the parameter's `.grad` and is never changed."""
    if group["maximize"]:
        grad = -grad
    weight_decay = group["weight_decay"]
    if weight_decay != 0:
        grad = fused_multiply_add(grad, data, weight_decay)
    return grad


def advance(counter: Value) -> float:
    """Add one to a `state['step']` counter in place and return the new count as a Python float."""
    array = counter._data
    array += 1
    return array.item()  # .item(), not float(): compile reads it again at replay


class Optimizer:
    """Base class of all optimizers: holds `param_groups` and `state`, and runs `step()`.

    `params` is an iterable of Values (or of `(name, Value)` pairs, as from `named_parameters()`), or of
    dicts that each define a parameter group: `{'params': [...], 'lr': 0.1, ...}`; options missing from a
    group take the optimizer's `defaults`.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Value):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + typename(params)
            )
        self.state: defaultdict[Value, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ----- parameter groups ----------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a group of parameters with its own options (the rest come from `defaults`)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Value):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of tensors "
                "in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names

        for param in params:
            if not isinstance(param, Value):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + typename(param))
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)

        if len(params) != len(set(params)):
            warnings.warn(DUPLICATE_PARAMS_WARNING, UserWarning, stacklevel=3)

        seen: set[Value] = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ----- the training-loop calls ---------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: `.grad = None` (default), or fill them with zeros when `set_to_none=False`."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if grad._grad_fn is not None:
                        grad.detach_()
                    else:
                        grad._requires_grad = False
                    grad._data.fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns `closure()`'s loss when a closure is given.

        The closure (which should zero the gradients, compute the loss and call `backward()`) runs with
        gradients enabled; the update itself runs under `no_grad()`.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                if self._step_group(group):
                    continue  # it noted each change itself
                for p in group["params"]:
                    # A graph that saved p before this step can no longer backprop. This is inplace.note_modified
                    # spelled out without its read-only check, which would come too late here (the step has
                    # written) and cost a call per parameter (0.8 % of a W1 N=50 epoch: docs/performance.md).
                    if p._grad is not None and p._tracks_versions:
                        mark_modified(p._data)
        return loss

    def _step_group(self, group: dict[str, Any]) -> bool:
        """Update one group's parameters that have a gradient (a subclass may do the whole group at once).
        Returns whether it has also noted each change (`inplace.note_modified`), which `step` does otherwise."""
        for p in group["params"]:
            grad = p._grad
            if grad is not None:
                self._update(p, grad._data, group)
        return False

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        """Move `p._data` in place given its gradient array (subclasses implement this)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _update(p, grad, group) or step()")

    # ----- saving and resuming ---------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """`{'state': {index: {...}}, 'param_groups': [{<options>, 'params': [index, ...]}]}`.

        Parameters are replaced by their position counted across all groups in order; the state's
        Values are the optimizer's own (not copies), as in torch.
        """
        index_of: dict[int, int] = {}
        start = 0
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index_of.setdefault(id(p), i)
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            start += len(packed["params"])
            packed_groups.append(packed)
        packed_state = {(index_of[id(k)] if isinstance(k, Value) else k): v for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state and options (lr, betas, ...) from `state_dict()`'s output.

        Hyperparameters come from the saved dict. Saved state Values are cast to their parameter's dtype
        (not copied when the dtype already matches); `step` counters are kept as they are. A moment or buffer
        whose shape is not its parameter's raises ValueError here, not later inside `step()`.
        """
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        param_of = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in param_of:
                param = param_of[key]
                state[param] = _cast_state(param, value, f"state_dict['state'][{key!r}]")
            else:
                state[key] = value
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


# the state entries of torch's optimizers that always have their parameter's shape (moments, buffers, averages)
_PARAM_SHAPED_STATE = frozenset(
    ("exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_inf", "momentum_buffer", "square_avg", "grad_avg", "sum",
     "acc_delta", "ax", "prev", "step_size")
)


def _cast_state(param: Value, value: Any, where: str, key: Any = None) -> Any:
    """One parameter's saved state with its Values cast to the parameter's dtype (except `step`); containers
    are rebuilt, a Value that already has the right dtype is kept as it is (not copied).

    Arrays from elsewhere (NumPy arrays, torch tensors) become Values holding a copy, so torch's state dicts
    load too.
    """
    foreign_array = hasattr(value, "__array__") and hasattr(value, "shape")
    if foreign_array and not isinstance(value, Value):
        array = checkpoint_array(value, where)
        value = Value._make_const(np.array(array, copy=True))
    if isinstance(value, Value):
        if key in _PARAM_SHAPED_STATE and value.shape != param.shape:
            raise ValueError(
                f"size mismatch for {where}: copying a state with shape {value.shape!r} from checkpoint, the shape "
                f"of its parameter in the current optimizer is {param.shape!r}."
            )
        if key == "step" or value.dtype == param.dtype or param.dtype.kind != "f":
            return value
        return Value._make_const(value._data.astype(param.dtype))
    if isinstance(value, dict):
        return {k: _cast_state(param, v, f"{where}[{k!r}]", k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v, f"{where}[{i}]") for i, v in enumerate(value))
    return value
