"""bpbook.live_slider without a browser: what draw receives, what the value boxes accept, what the cell stores.

(tests/test_jupyterlab.py moves the live controls in a real JupyterLab.)"""
import ipywidgets
import matplotlib.pyplot as plt
import pytest

import bpbook
from bpbook import slider


class Handle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, obj):
        self.shown.append(obj)


@pytest.fixture
def live(monkeypatch):
    """Runs live_slider with IPython's display recorded; returns (calls to draw, shown objects, value boxes)."""
    import IPython.display

    shown, boxes, calls = [], [], []

    def display(obj, raw=False, display_id=None):
        shown.append(obj)
        return Handle(shown) if display_id else None

    def value_box(widgets, control):
        box = original(widgets, control)
        boxes.append(box)
        return box

    original = slider._value_box
    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(slider, "_value_box", value_box)

    def draw(lr, k=1):
        calls.append((lr, k))
        print("this line must not reach the cell")
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.set_title(f"η = {lr}")
        return fig, {"η": lr, "k": k, "loss": lr * k / 3}

    def start(**widgets):
        bpbook.live_slider(draw, **widgets)
        return calls, shown, boxes
    return start


def test_controls_output_is_a_line_of_text_besides_the_widget_view(live, capsys):
    calls, shown, boxes = live(lr=ipywidgets.FloatSlider(value=0.1, min=0.01, max=1.2, step=0.01))
    bundle, image, numbers = shown
    assert set(bundle) == {"text/plain", "application/vnd.jupyter.widget-view+json"}
    assert "need a running kernel" in bundle["text/plain"]
    assert image.format == "png" and image.data.startswith(b"\x89PNG")
    assert repr(numbers) == "η = 0.1   k = 1   loss = 0.0333333"
    assert calls == [(0.1, 1)]
    assert capsys.readouterr().out == ""          # draw's print is dropped


def test_float_noise_from_the_browser_is_rounded_away(live):
    lr = ipywidgets.FloatSlider(value=0.1, min=0.01, max=1.2, step=0.01)
    calls, shown, boxes = live(lr=lr)
    lr.value = 0.09999999999999999 + 0.01          # what the browser sends for one step up from 0.1
    assert calls[-1] == (0.11, 1) and boxes[0].value == "0.11"
    assert repr(shown[-1]).startswith("η = 0.11   ")


@pytest.mark.parametrize("typed, expected", [("1.1", 1.1), (" 0.5 ", 0.5), ("7", 1.2), ("−5", 0.01), ("0.123", 0.12)])
def test_typing_a_number_sets_the_slider_clamped_and_on_its_steps(live, typed, expected):
    lr = ipywidgets.FloatSlider(value=0.1, min=0.01, max=1.2, step=0.01)
    calls, shown, boxes = live(lr=lr)
    boxes[0].value = typed
    assert lr.value == expected and calls[-1] == (expected, 1) and boxes[0].value == f"{expected:g}"


def test_typing_nonsense_leaves_the_setting(live):
    lr = ipywidgets.FloatSlider(value=0.1, min=0.01, max=1.2, step=0.01)
    calls, shown, boxes = live(lr=lr)
    boxes[0].value = "fast"
    assert lr.value == 0.1 and calls == [(0.1, 1)] and boxes[0].value == "0.1"


@pytest.mark.parametrize("typed, index", [("2", 2), ("0", 0), ("0.0", 0), ("0.5", 1), ("3", 1)])
def test_typing_a_selection_picks_the_option_by_label_or_value(live, typed, index):
    k = ipywidgets.SelectionSlider(options=[0.0, 0.5, 2.0], value=0.5, description="k")
    calls, shown, boxes = live(lr=ipywidgets.FloatSlider(value=0.1, min=0.01, max=1.2, step=0.01), k=k)
    boxes[1].value = typed
    assert k.index == index and boxes[1].value == ["0.0", "0.5", "2.0"][index]


@pytest.mark.parametrize("options", [[0, 1, 2], [("0", 0), ("1", 1), ("2", 2)]])
def test_the_box_shows_the_first_option_too(live, options):
    k = ipywidgets.SelectionSlider(options=options, value=0, description="k")
    calls, shown, boxes = live(lr=ipywidgets.FloatSlider(value=0.1, min=0.01, max=1.2, step=0.01), k=k)
    assert boxes[1].value == "0"                 # ipywidgets' own label is '' until the index changes


def test_a_setting_drawn_before_comes_from_the_cache(live):
    k = ipywidgets.IntSlider(value=1, min=1, max=5)
    calls, shown, boxes = live(lr=ipywidgets.FloatSlider(value=0.1, min=0.01, max=1.2, step=0.01), k=k)
    k.value = 2
    k.value = 1
    assert calls == [(0.1, 1), (0.1, 2)] and repr(shown[-1]).startswith("η = 0.1   k = 1")


def test_a_widget_keeps_its_description_and_abbreviations_get_the_keyword(live):
    w = ipywidgets.SelectionSlider(options=[1, 2], value=1, description="weight decay λ")
    live(lr=(0.1, 0.5, 0.1), k=w)
    assert w.description == "weight decay λ"
    with pytest.raises(ValueError, match="abbreviation"):
        bpbook.live_slider(lambda lr: None, lr=object())
