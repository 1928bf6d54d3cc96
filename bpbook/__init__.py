"""bpbook: the book's display helpers, kept apart from the numeric library ``bplib``.

Nothing here computes a number the book prints; it shows what bplib computed:

- ``slider``: the kernel-free slider (:func:`precomputed_slider`, its JavaScript and CSS are the real files in
  ``bpbook/assets/``, inlined into the cell output) and its live Jupyter twin (:func:`live_slider`, ipywidgets);
- ``glue``: numbers into the prose (:func:`glue_number`, :func:`glue_power` for "1.2 × 10⁻⁴", myst-nb) and HTML
  tables (:func:`html_table`);
- ``plotting``: two-class scatter plots and decision maps (matplotlib);
- ``graph``: drawing a :class:`bplib.Value` graph (networkx + matplotlib);
- ``network``: chapter 4's 2-2-2 network diagram, its step-by-step pass and the lines it quotes from bplib.mlp;
- ``symbolic``: the sympy forms several chapters derive from (the sigmoid and its derivative).
"""
from .glue import glue_number, glue_numbers, glue_power, html_table, power_text
from .plotting import CLASS_STYLES, decision_map, plot_points
from .slider import FrameSlider, live_slider, precomputed_slider

__all__ = ["CLASS_STYLES", "FrameSlider", "decision_map", "glue_number", "glue_numbers", "glue_power", "html_table", "live_slider",
           "plot_points", "power_text", "precomputed_slider"]
