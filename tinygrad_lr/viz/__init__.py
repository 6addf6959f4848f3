"""See every gradient: draw the backward graph (`draw_graph`, `render_graph`), narrate backward
(`explain_backward`), step through backward in a browser (`backward_stepper`), and watch a model learn
(`training_page`).

The graph tools only read the graph that ops record; they never change how backward computes.
"""

from tinygrad_lr.viz.explain import explain_backward
from tinygrad_lr.viz.graph import GraphvizNotFoundError, draw_graph, render_graph, save_source
from tinygrad_lr.viz.stepper import backward_stepper
from tinygrad_lr.viz.study import record
from tinygrad_lr.viz.training import TrainingRecord, TrainingRun, record_training, training_page, training_plot

__all__ = [
    "GraphvizNotFoundError",
    "TrainingRecord",
    "TrainingRun",
    "backward_stepper",
    "draw_graph",
    "explain_backward",
    "record",
    "record_training",
    "render_graph",
    "save_source",
    "training_page",
    "training_plot",
]
