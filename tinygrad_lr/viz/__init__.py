"""See every gradient: draw the backward graph (`draw_graph`, `render_graph`) and narrate backward (`explain_backward`).

This package only reads the graph that ops record; it never changes how backward computes.
"""

from tinygrad_lr.viz.explain import explain_backward
from tinygrad_lr.viz.graph import GraphvizNotFoundError, draw_graph, render_graph, save_source

__all__ = ["GraphvizNotFoundError", "draw_graph", "explain_backward", "render_graph", "save_source"]
