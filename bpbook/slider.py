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


def _drawn(result, setting):
    # what draw(*setting) returned, checked: a matplotlib Figure and a dict of numbers to show under it
    from matplotlib.figure import Figure
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Figure)
            and isinstance(result[1], dict)):
        raise TypeError(f"draw must return (figure, numbers): a matplotlib Figure and a dict label -> number; "
                        f"draw{setting!r} returned {type(result).__name__} {result!r:.80}")
    return result


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
        fig, numbers = _drawn(draw(*setting), setting)
        frames.append({"png": _png(fig, dpi), "numbers": {str(k): _fmt(v) for k, v in numbers.items()}})
    slider = FrameSlider({k: list(v) for k, v in params.items()}, frames, alt, 0)
    if initial is not None:
        slider.initial = list(itertools.product(*params.values())).index(tuple(initial))
    return slider


def live_slider(draw, **widgets):
    """Jupyter-only live controls for the same ``draw`` function (needs a running kernel).

    ``widgets`` are ipywidgets ``interact`` abbreviations, e.g. ``lr=(0.01, 1.2, 0.01)`` or ``k=[1, 5, 10]``, or
    widgets (``ipywidgets.FloatSlider(...)``, ``ipywidgets.SelectionSlider(...)``), in the order of ``draw``'s
    arguments; a widget keeps its own ``description``, otherwise the keyword is the label. Tag the cell
    ``remove-output`` so the static website, which has no kernel, shows no dead controls.

    Each control is a slider (arrow keys, Home/End, Page Up/Down move it once it has focus) and a text box
    (type a value, press Enter). Values reach ``draw`` as the numbers they display (``0.1``, not
    ``0.09999999999999999``) and are shown with ``:g``. Anything ``draw`` prints is dropped: the figure and its
    numbers are the cell's only outputs. A setting already drawn is shown from a small cache.

    The figure and numbers are ordinary cell outputs updated through display handles (not an ipywidgets Output
    widget), so the stored outputs are the same whether the notebook runs in Jupyter, nbconvert or nbval. The
    controls' output carries a plain-text line besides the widget view; ``scripts/execute_notebooks.sh`` stores
    only that line, so a notebook opened without a kernel shows it instead of a widget whose model is gone.
    """
    import contextlib
    import time

    if not callable(draw):
        raise TypeError(f"draw must be a callable draw(*setting) -> (figure, numbers), got {type(draw).__name__}")
    import ipywidgets
    from IPython.display import Image, display

    controls = []
    for name, abbrev in widgets.items():
        default = abbrev[0] if isinstance(abbrev, list) and abbrev else None
        control = ipywidgets.interactive.widget_from_abbrev(abbrev, default)
        if control is None:
            raise ValueError(f"{name} must be an ipywidgets abbreviation such as (min, max, step) or a list "
                             f"of values, got {abbrev!r}")
        if not getattr(control, "description", ""):
            control.description = name
        controls.append(control)

    def settings():
        return tuple(_clean(c.value) for c in controls)

    cache = {}

    def render():
        setting = settings()
        try:
            hit = cache.get(setting)
        except TypeError:                      # unhashable values: no caching
            hit = None
        if hit is None:
            with contextlib.redirect_stdout(io.StringIO()):
                fig, numbers = _drawn(draw(*setting), setting)
            hit = (_live_png(fig), "   ".join(f"{k} = {_fmt(v)}" for k, v in numbers.items()))
            with contextlib.suppress(TypeError):
                if len(cache) >= 64:
                    cache.pop(next(iter(cache)))
                cache[setting] = hit
        return Image(data=hit[0], format="png"), _Text(hit[1])

    rows, boxes = [], []
    for control in controls:
        control.style.description_width = "initial"
        box = _value_box(ipywidgets, control)
        if box is not None:
            control.readout = False            # the text box shows (and takes) the value
        boxes.append(box)
        rows.append(ipywidgets.HBox([control] + ([box] if box is not None else [])))
    panel = ipywidgets.VBox(rows)
    bundle = panel._repr_mimebundle_()
    bundle["text/plain"] = ("Live controls for the figure below: they need a running kernel "
                            "(run the notebook, e.g. Run > Run All Cells).")
    display(bundle, raw=True)
    started = time.perf_counter()
    handles = [display(out, display_id=True) for out in render()]
    if time.perf_counter() - started > 0.5:   # too slow to follow a drag: redraw when the slider is released
        for control in controls:
            if hasattr(control, "continuous_update"):
                control.continuous_update = False

    def update(_change):
        for control, box in zip(controls, boxes):
            if box is not None:
                box.value = _show(_clean(control.value), control)
        for handle, out in zip(handles, render()):
            handle.update(out)

    for control in controls:
        control.observe(update, names="value")


def _clean(value):
    # The browser sends slider positions as min + k*step in binary floats (0.09999999999999999): round to 12
    # significant digits, which gives back the number the slider shows.
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


def _show(value, control):
    if hasattr(control, "options"):           # the option's label (ipywidgets leaves .label empty at index 0)
        option = control.options[control.index]
        return str(option[0] if isinstance(option, tuple) and len(option) == 2 else option)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _value_box(ipywidgets, control):
    """A text box that shows the control's value and sets it when the reader types one (Enter)."""
    is_number = isinstance(control, (ipywidgets.FloatSlider, ipywidgets.IntSlider))
    if not (is_number or isinstance(control, ipywidgets.SelectionSlider)):
        return None
    box = ipywidgets.Text(value=_show(_clean(control.value), control), continuous_update=False,
                          placeholder="type a value", layout=ipywidgets.Layout(width="8em"))

    def typed(change):
        text = change["new"].strip().replace("\u2212", "-")
        try:
            if is_number:
                value = float(text)
                value = min(max(value, control.min), control.max)
                value = control.min + round((value - control.min) / control.step) * control.step
                value = int(round(value)) if isinstance(control, ipywidgets.IntSlider) else _clean(value)
                control.value = value
            else:
                pairs = [opt if isinstance(opt, tuple) and len(opt) == 2 else (str(opt), opt)
                         for opt in control.options]
                matches = [i for i, (label, value) in enumerate(pairs) if str(label) == text]
                if not matches:
                    number = _fmt(float(text))
                    matches = [i for i, (_, value) in enumerate(pairs)
                               if not isinstance(value, str) and _fmt(value) == number]
                if matches:
                    control.index = matches[0]
        except (ValueError, TypeError):
            pass
        shown = _show(_clean(control.value), control)
        if box.value != shown:
            box.value = shown

    box.observe(typed, names="value")
    return box


def _live_png(fig):
    # The live figure as PNG at the static frames' default resolution (precomputed_slider's dpi).
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


class _Text:
    # Plain text shown through a display handle (a bare str would be shown with quotes).
    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text
