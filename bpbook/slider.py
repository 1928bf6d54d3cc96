"""The kernel-free slider every chapter uses on the static website, and its live Jupyter twin.

:func:`precomputed_slider` runs a drawing function once per setting *while the notebook executes*, keeps the
PNG and the numbers of each frame, and returns HTML with a range input per parameter. The page's JavaScript
only picks the stored frame for the chosen setting: all numbers come from bplib, none are computed in the
browser, and the slider works without a kernel (on the website, offline, in a downloaded HTML file).

:func:`live_slider` is the Jupyter-only counterpart (ipywidgets, needs a kernel) driven by the same function.
"""
import base64
import html
import io
import itertools
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

_ids = itertools.count(1)
_ASSETS = Path(__file__).parent / "assets"


def _asset(name):
    # slider.js / slider.css: real files, inlined into every slider's output so it needs no server or kernel.
    return (_ASSETS / name).read_text(encoding="utf-8")


def _png(fig, dpi):
    # A 256-colour palette PNG: a plot looks the same and the embedded frames are 2-3 times smaller.
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    image = Image.open(buf).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


def _fmt(x):
    return x if isinstance(x, str) else f"{x:.6g}"


class FrameSlider:
    """Precomputed frames with one slider per parameter; displays as self-contained HTML.

    ``params`` maps each parameter's label to its values; ``frames[i]`` (row-major over the parameter grid)
    holds the PNG and ``numbers`` (label -> formatted string) for one setting.
    """

    def __init__(self, params, frames, alt, initial):
        self.params = params
        self.frames = frames
        self.alt = alt
        self.initial = initial
        self.id = f"bp-slider-{next(_ids)}"

    def __repr__(self):
        shape = ", ".join(f"{k}: {len(v)} values" for k, v in self.params.items())
        return f"FrameSlider({shape}; {len(self.frames)} precomputed frames)"

    def numbers(self, *setting):
        """The numbers shown for a setting (one value per parameter), as the page shows them."""
        idx = [list(values).index(v) for v, values in zip(setting, self.params.values())]
        return self.frames[int(np.ravel_multi_index(idx, [len(v) for v in self.params.values()]))]["numbers"]

    def _repr_html_(self):
        start = self.frames[self.initial]
        pos = np.unravel_index(self.initial, [len(v) for v in self.params.values()])
        # Accessibility: the input is named by its label (aria-label = the visible label text, e.g. "learning
        # rate η") and says the value shown in aria-valuetext (slider.js keeps it current); the <output> showing
        # the same value is hidden from screen readers (an <output> is a live region: two announcements).
        controls = "".join(
            f'<label>{html.escape(name)} '
            f'<input type="range" min="0" max="{len(values) - 1}" step="1" value="{p}" data-param="{i}" '
            f'aria-label="{html.escape(name)}" aria-valuetext="{html.escape(_fmt(values[p]))}"> '
            f'<output aria-hidden="true">{html.escape(_fmt(values[p]))}</output></label>'
            for i, ((name, values), p) in enumerate(zip(self.params.items(), pos)))
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in start["numbers"].items())
        data = json.dumps({"params": [[_fmt(v) for v in values] for values in self.params.values()],
                           "frames": self.frames, "alt": self.alt})
        return (f'<div class="bp-slider" id="{self.id}">\n<style>{_asset("slider.css")}</style>\n'
                f'<div class="bp-slider-controls">{controls}</div>\n'
                f'<img class="bp-slider-frame" src="data:image/png;base64,{start["png"]}" alt="{html.escape(self.alt)}">\n'
                f'<table class="bp-slider-numbers">{rows}</table>\n'
                f'<script type="application/json" class="bp-slider-data">{data}</script>\n</div>\n'
                f'<script>\n{_asset("slider.js").strip()}("{self.id}");\n</script>')


def precomputed_slider(draw, params, alt, initial=None, dpi=80):
    """A kernel-free slider over precomputed frames.

    Parameters
    ----------
    draw : callable
        ``draw(*setting)`` -> ``(figure, numbers)``: a matplotlib Figure for that setting and a dict
        label -> number (or string) to show under it. Called once per setting in the grid, now.
    params : dict
        Parameter label -> list of values, e.g. ``{"η": [0.1, 0.5, 0.9]}``; several parameters give one slider
        each, over their grid.
    alt : str
        Alt text of the figure (what it shows, for screen readers).
    initial : tuple or None
        The setting shown first (default: the first value of each parameter).
    """
    if not isinstance(params, dict) or not params or any(len(v) == 0 for v in params.values()):
        raise ValueError("params must be a non-empty dict: label -> non-empty list of values")
    if not callable(draw):
        raise TypeError(f"draw must be a callable draw(*setting) -> (figure, numbers), got {type(draw).__name__}")
    if initial is not None and tuple(initial) not in itertools.product(*params.values()):
        raise ValueError(f"initial must be one setting of the grid (one value of each parameter, in the order "
                         f"{list(params)}), got {initial!r}")
    frames = []
    for setting in itertools.product(*params.values()):
        fig, numbers = draw(*setting)
        frames.append({"png": _png(fig, dpi), "numbers": {str(k): _fmt(v) for k, v in numbers.items()}})
    slider = FrameSlider({k: list(v) for k, v in params.items()}, frames, alt, 0)
    if initial is not None:
        slider.initial = list(itertools.product(*params.values())).index(tuple(initial))
    return slider


def live_slider(draw, **widgets):
    """Jupyter-only live controls for the same ``draw`` function (needs a running kernel).

    ``widgets`` are ipywidgets ``interact`` abbreviations, e.g. ``lr=(0.01, 1.2, 0.01)`` or ``k=[1, 5, 10]``,
    in the order of ``draw``'s arguments. Tag the cell ``remove-output`` so the static website, which has no
    kernel, shows no dead controls.

    The figure and numbers are ordinary cell outputs updated through display handles (not an ipywidgets
    Output widget), so the stored outputs are the same whether the notebook runs in Jupyter, nbconvert or nbval.
    """
    import ipywidgets
    from IPython.display import display

    controls = []
    for name, abbrev in widgets.items():
        default = abbrev[0] if isinstance(abbrev, list) and abbrev else None
        control = ipywidgets.interactive.widget_from_abbrev(abbrev, default)
        if control is None:
            raise ValueError(f"{name} must be an ipywidgets abbreviation such as (min, max, step) or a list "
                             f"of values, got {abbrev!r}")
        control.description = name
        controls.append(control)

    def render():
        fig, numbers = draw(*(c.value for c in controls))
        plt.close(fig)
        return fig, _Text("   ".join(f"{k} = {_fmt(v)}" for k, v in numbers.items()))

    display(ipywidgets.VBox(controls))
    handles = [display(out, display_id=True) for out in render()]

    def update(_change):
        for handle, out in zip(handles, render()):
            handle.update(out)

    for control in controls:
        control.observe(update, names="value")


class _Text:
    # Plain text shown through a display handle (a bare str would be shown with quotes).
    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text
