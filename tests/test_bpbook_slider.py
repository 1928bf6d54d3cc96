"""bpbook.slider: the kernel-free slider (one range input per parameter, one frame per setting, the numbers
draw returned) and the shared figure helpers."""
import base64
import itertools
import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from bplib import data
from bpbook.plotting import CLASS_STYLES, decision_map, plot_points
from bpbook.slider import FrameSlider, precomputed_slider

LRS = [0.1, 0.5, 0.9]
MOMENTA = [0.0, 0.8]


def make_draw(calls):
    def draw(lr, momentum):
        calls.append((lr, momentum))
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1], [lr, momentum])
        return fig, {"loss": lr * 10 + momentum, "label": f"lr={lr}"}
    return draw


def test_slider_frames_inputs_and_numbers():
    calls = []
    slider = precomputed_slider(make_draw(calls), {"η": LRS, "α": MOMENTA}, alt="a line", dpi=20)
    assert isinstance(slider, FrameSlider)
    assert calls == list(itertools.product(LRS, MOMENTA))           # draw ran once per setting
    assert len(slider.frames) == len(LRS) * len(MOMENTA) == 6
    for lr, m in calls:
        assert slider.numbers(lr, m) == {"loss": f"{lr * 10 + m:.6g}", "label": f"lr={lr}"}
    html = slider._repr_html_()
    inputs = re.findall(r'<input type="range"[^>]*>', html)
    assert len(inputs) == 2
    assert 'max="2"' in inputs[0] and 'aria-label="η"' in inputs[0]
    assert 'max="1"' in inputs[1] and 'aria-label="α"' in inputs[1]
    assert 'alt="a line"' in html and html.count('src="data:image/png;base64,') == 1   # the frame shown first
    stored = json.loads(re.search(r'<script type="application/json" class="bp-slider-data">(.*?)</script>', html,
                                  re.S).group(1))
    assert len(stored["frames"]) == 6 and stored["params"] == [["0.1", "0.5", "0.9"], ["0", "0.8"]]
    for frame, (lr, m) in zip(stored["frames"], calls):                # each stored frame is a PNG
        assert base64.b64decode(frame["png"])[:8] == b"\x89PNG\r\n\x1a\n"
        assert frame["numbers"] == slider.numbers(lr, m)
    assert "2 values" in repr(slider) and "6 precomputed frames" in repr(slider)


def test_slider_initial_setting():
    slider = precomputed_slider(make_draw([]), {"η": LRS, "α": MOMENTA}, alt="x", initial=(0.5, 0.8), dpi=20)
    assert slider.initial == 3                                      # row-major: (1, 1) -> 1·2 + 1
    html = slider._repr_html_()
    assert '<td>5.8</td>' in html and 'value="1"' in html


def test_slider_single_parameter():
    open_before = plt.get_fignums()
    slider = precomputed_slider(lambda k: (plt.figure(figsize=(1, 1)), {"k²": k * k}), {"k": [1, 2, 3, 4]},
                                alt="x", dpi=10)
    assert len(slider.frames) == 4 and slider.numbers(3) == {"k²": "9"}
    assert slider._repr_html_().count('type="range"') == 1
    assert plt.get_fignums() == open_before                         # every frame's figure was closed


def test_slider_bad_input():
    with pytest.raises(ValueError, match="params must be a non-empty dict"):
        precomputed_slider(make_draw([]), {}, alt="x")
    with pytest.raises(ValueError, match="params"):
        precomputed_slider(make_draw([]), {"η": []}, alt="x")
    with pytest.raises(TypeError, match="draw must be a callable"):
        precomputed_slider("draw", {"η": LRS}, alt="x")
    calls = []
    with pytest.raises(ValueError, match=r"initial must be one setting of the grid.*\['η', 'α'\]"):
        precomputed_slider(make_draw(calls), {"η": LRS, "α": MOMENTA}, alt="x", initial=(0.5, 0.3))
    assert calls == []                                              # refused before drawing anything


def test_plot_points_distinct_colours_and_markers():
    X, y = data.linearly_separable(n=20)
    fig, ax = plt.subplots()
    plot_points(ax, X, y)
    assert len(ax.collections) == 2
    assert sum(len(c.get_offsets()) for c in ax.collections) == 20
    assert CLASS_STYLES[0]["color"] != CLASS_STYLES[1]["color"]
    assert CLASS_STYLES[0]["marker"] != CLASS_STYLES[1]["marker"]
    assert ax.get_legend() is not None
    plt.close(fig)


def test_decision_map():
    fig, ax = plt.subplots()
    seen = []

    def predict(P):
        seen.append(P.shape)
        return (P[:, 0] > 0).astype(float)

    decision_map(ax, predict, (-1, 1), (-2, 2), resolution=30)
    assert seen == [(900, 2)]
    assert ax.get_xlim() == (-1, 1) and ax.get_ylim() == (-2, 2)
    plt.close(fig)


# Machado, Oliveira & Fernandes (2009) simulation matrices (severity 1.0) for linear RGB.
_CVD = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


@pytest.mark.parametrize("vision", ["normal", *_CVD])
def test_class_colours_stay_apart_for_colour_blind_readers(vision):
    # Simulate the two class colours as a colour-blind reader sees them and require a clear difference
    # (distance >= 0.15 in linear RGB, about a 10% grey-level step), besides the different markers.
    import matplotlib.colors as mcolors
    srgb = np.array([mcolors.to_rgb(s["color"]) for s in CLASS_STYLES])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = linear if vision == "normal" else np.clip(linear @ _CVD[vision].T, 0, 1)
    assert np.linalg.norm(seen[0] - seen[1]) >= 0.15


def test_slider_inlines_its_asset_files():
    from pathlib import Path
    import bpbook
    slider = precomputed_slider(lambda k: (plt.figure(figsize=(1, 1)), {"k": k}), {"k": [1, 2]}, alt="x", dpi=10)
    html = slider._repr_html_()
    assets = Path(bpbook.__file__).parent / "assets"
    assert (assets / "slider.js").read_text().strip() in html        # the JavaScript, inlined: no server needed
    assert (assets / "slider.css").read_text() in html
    assert f'("{slider.id}");' in html and 'aria-valuetext="1"' in html


@pytest.mark.parametrize("initial", [None, (0.5, 0.8)])
def test_slider_screen_reader_markup(initial):
    """Each input is named by its visible label, says the shown value in aria-valuetext, and the <output> that
    shows the same value is hidden from screen readers (an <output> is a live region: no second announcement)."""
    slider = precomputed_slider(make_draw([]), {"learning rate η": LRS, "momentum α": MOMENTA}, alt="x",
                                initial=initial, dpi=20)
    shown = ["0.1", "0"] if initial is None else ["0.5", "0.8"]
    controls = re.findall(r"<label>(.*?) <input ([^>]*)> <output ([^>]*)>(.*?)</output></label>", slider._repr_html_())
    assert [c[0] for c in controls] == ["learning rate η", "momentum α"]
    for (label, attrs, output_attrs, output_text), value in zip(controls, shown):
        assert f'aria-label="{label}"' in attrs and f'aria-valuetext="{value}"' in attrs
        assert output_attrs == 'aria-hidden="true"' and output_text == value


@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((3, 2)), [0, 1, 2], ValueError, r"y must hold the class labels 0 and 1 only, got \[2\]"),
    (np.zeros((3, 2)), [0, 1, -1], ValueError, r"y must hold the class labels 0 and 1 only, got \[-1\]"),
    (np.zeros((3, 2)), ["a", "b", "a"], ValueError, r"y must hold the class labels 0 and 1 only"),
    (np.zeros((3, 2)), [0, 1], ValueError, r"y must have one label per row of X, shape \(3,\)"),
    (np.zeros((3, 3)), [0, 1, 1], ValueError, r"X must have shape \(N, 2\)"),
    (np.zeros(3), [0, 1, 1], ValueError, r"X must be a 2-D array"),
    ([[0, 0], [np.nan, 1]], [0, 1], ValueError, r"X contains NaN or inf"),
])
def test_plot_points_refuses_what_it_would_drop(X, y, error, match):
    fig, ax = plt.subplots()
    with pytest.raises(error, match=match):
        plot_points(ax, X, y)
    plt.close(fig)


def test_plot_points_takes_bool_and_float_labels():
    fig, ax = plt.subplots()
    plot_points(ax, np.zeros((3, 2)), np.array([0.0, 1.0, 1.0]))
    plot_points(ax, np.zeros((3, 2)), np.array([False, True, True]))
    assert [len(c.get_offsets()) for c in ax.collections] == [1, 2, 1, 2]
    plt.close(fig)


def _half(P):
    return np.full(len(P), 0.5)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(predict="f"), TypeError, r"predict must be a callable"),
    (dict(predict=lambda P: np.full(len(P), 2.0)), ValueError, r"predict\(points\) must return one probability in "
                                                                r"\[0, 1\] per point, shape \(16,\)"),
    (dict(predict=lambda P: np.full(len(P) - 1, 0.5)), ValueError, r"per point, shape \(16,\); got shape \(15,\)"),
    (dict(predict=lambda P: np.full((len(P), 2), 0.5)), ValueError, r"got shape \(16, 2\)"),
    (dict(predict=lambda P: np.full(len(P), np.nan)), ValueError, r"predict\(points\) contains NaN"),
    (dict(predict=lambda P: None), TypeError, r"predict\(points\) must be an array of real numbers"),
    (dict(resolution=1), ValueError, r"resolution must be an integer >= 2"),
    (dict(resolution=4.5), TypeError, r"resolution must be an integer >= 2"),
    (dict(xlim=(1, -1)), ValueError, r"xlim must be a \(low, high\) pair with low < high"),
    (dict(ylim=(0, np.inf)), ValueError, r"ylim must be a finite number"),
    (dict(xlim=3), TypeError, r"xlim must be a \(low, high\) pair of numbers"),
])
def test_decision_map_bad_input(kwargs, error, match):
    fig, ax = plt.subplots()
    args = dict(predict=_half, xlim=(-1, 1), ylim=(-1, 1), resolution=4) | kwargs
    with pytest.raises(error, match=match):
        decision_map(ax, **args)
    plt.close(fig)


def test_decision_map_takes_a_column_of_probabilities():
    fig, ax = plt.subplots()
    decision_map(ax, lambda P: np.full((len(P), 1), 0.25), (-1, 1), (-1, 1), resolution=3)
    plt.close(fig)


@pytest.mark.parametrize("result", [None, (1, {}), (plt.figure, {}), "fig"])
def test_slider_refuses_a_draw_that_returns_the_wrong_thing(result):
    with pytest.raises(TypeError, match=r"draw must return \(figure, numbers\).*draw\(0.1,\) returned"):
        precomputed_slider(lambda lr: result, {"η": [0.1]}, alt="x")
