"""One flat array per kind of optimizer state, so a step on many small parameters is a few NumPy calls.

Updating each small parameter separately costs a dozen NumPy calls per parameter, and for a small model the
calls, not the arithmetic, are the time. `FlatGroup` keeps the state arrays of a parameter group (Adam's
`exp_avg`, `exp_avg_sq`, ...) as views into one flat array per kind, and gathers the gradients into one
flat array, so each line of the update math runs once over the whole group (what torch's `foreach`
implementations do). The math is elementwise, so the results are exactly those of the per-parameter update.

`state[p][key]` stays a Value per parameter, as in torch: its array is a view of the flat one, updated in
place. If anything no longer matches (a parameter without a gradient this step, state replaced by
`load_state_dict` or by hand), the optimizer falls back to its per-parameter update and forgets the layout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.value import Value

MAX_ELEMENTS = 1 << 16  # larger groups gain nothing: their time is arithmetic, and gathering would add a pass


class FlatGroup:
    """The state `keys` of `params` as views into flat arrays (`flat[key]`), plus a flat gradient buffer."""

    def __init__(self, params: list[Value], state: Any, keys: tuple[str, ...]) -> None:
        dtype = params[0]._data.dtype
        shapes = [p._data.shape for p in params]
        sizes = [p._data.size for p in params]
        offsets = np.cumsum([0, *sizes]).tolist()
        self.params = list(params)
        self.keys = keys
        self.flat = {key: np.empty(offsets[-1], dtype=dtype) for key in keys}
        self.views: dict[str, list[np.ndarray]] = {}
        for key in keys:
            views = []
            for p, shape, start, stop in zip(params, shapes, offsets, offsets[1:]):
                view = self.flat[key][start:stop].reshape(shape)
                holder = state[p][key]
                view[...] = holder._data
                holder._data = view  # the state Value now lives in the flat array
                views.append(view)
            self.views[key] = views
        self.steps = np.array([state[p]["step"]._data.item() for p in params], dtype=state[params[0]]["step"].dtype)
        self.views["step"] = [self.steps[i : i + 1].reshape(()) for i in range(len(params))]
        for p, view in zip(params, self.views["step"]):
            state[p]["step"]._data = view
        self.grad = np.empty(offsets[-1], dtype=dtype)
        self.grad_views = [self.grad[a:b].reshape(shape) for shape, a, b in zip(shapes, offsets, offsets[1:])]
        self.work = np.empty(offsets[-1], dtype=dtype)

    @staticmethod
    def fits(params: list[Value], state: Any, keys: tuple[str, ...]) -> bool:
        """Can these parameters share flat state: one dtype (gradients included), gradients of their parameter's
        shape, every state key, equal steps? Exactly what `gather_grads` then accepts for a fresh layout."""
        if len(params) < 2 or sum(p._data.size for p in params) > MAX_ELEMENTS:
            return False
        if len({id(p) for p in params}) != len(params):  # a repeated parameter is updated twice, one after the other
            return False
        dtype = params[0]._data.dtype
        steps = set()
        for p in params:
            grad = p._grad
            if grad is None or p._data.dtype != dtype or grad._data.dtype != dtype or grad._data.shape != p._data.shape:
                return False
            entries = state.get(p)
            if not entries or any(key not in entries for key in keys) or "step" not in entries:
                return False
            if any(entries[key]._data.shape != p._data.shape for key in keys):
                return False
            step = entries["step"]._data
            steps.add((step.item(), step.dtype, step.shape))  # .item(): see advance()
        return len(steps) == 1 and next(iter(steps))[2] == ()

    def gather_grads(self, params: list[Value], state: Any) -> np.ndarray | None:
        """The group's gradients as one flat array (a copy the update may overwrite), or None if the layout
        no longer matches the parameters, their gradients and their state."""
        if len(params) != len(self.params):
            return None
        dtype = self.grad.dtype
        grads = []
        for i, p in enumerate(params):
            grad = p._grad
            entries = state.get(p)
            if p is not self.params[i] or grad is None or entries is None:
                return None
            array = grad._data
            if array.dtype != dtype or array.shape != self.grad_views[i].shape:
                return None
            for key in self.keys:
                if entries[key]._data is not self.views[key][i]:
                    return None
            if entries["step"]._data is not self.views["step"][i]:
                return None
            grads.append(array)
        np.concatenate(grads, axis=None, out=self.grad)
        return self.grad

    def advance(self) -> float:
        """Add one to every parameter's step (all equal) and return it."""
        self.steps += 1
        return self.steps[0].item()  # .item(), not float(): compile reads it again at replay
