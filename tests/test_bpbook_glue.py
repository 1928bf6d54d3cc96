"""bplib.book: the display helpers the chapters share."""
import numpy as np
import pytest

import myst_nb

from bpbook.glue import glue_number, html_table


@pytest.fixture
def glued(monkeypatch):
    store = {}
    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: store.update({key: (value, display)}))
    return store


@pytest.mark.parametrize("value, digits, expected", [
    (np.float64(1 / 3), 6, 0.333333), (2 / 3, 2, 0.67), (np.int64(158), 6, 158), (1234567.0, 3, 1230000.0),
])
def test_glue_number_rounds_floats_and_keeps_ints(glued, value, digits, expected):
    glue_number("k", value, digits)
    stored, display = glued["k"]
    assert stored == expected and type(stored) is type(expected) and display is False


@pytest.mark.parametrize("bad", ["1.0", None, True, np.array([1.0])])
def test_glue_number_rejects_non_numbers(glued, bad):
    with pytest.raises(TypeError, match="value must be a real number"):
        glue_number("k", bad)


def test_html_table_formats_floats(capsys, monkeypatch):
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    html_table(["n", "x"], [[1, 2 / 3], ["a", 1e-20]], digits=3)
    assert shown == ["<table><thead><tr><th>n</th><th>x</th></tr></thead><tbody>"
                     "<tr><td>1</td><td>0.667</td></tr><tr><td>a</td><td>1e-20</td></tr></tbody></table>"]


@pytest.mark.parametrize("value, digits, expected", [
    (0.00012, 2, "1.2 × 10⁻⁴"), (1e-10, 2, "10⁻¹⁰"), (3.3e-12, 2, "3.3 × 10⁻¹²"), (-2.5e-3, 2, "−2.5 × 10⁻³"),
    (123456.0, 3, "1.23 × 10⁵"), (-1e-5, 2, "−10⁻⁵"), (0.99999, 2, "10⁰"),
])
def test_power_text(value, digits, expected):
    from bpbook.glue import power_text
    assert power_text(value, digits) == expected


def test_power_text_refuses_non_numbers():
    from bpbook.glue import power_text
    with pytest.raises(TypeError, match="value must be a real number"):
        power_text("1e-4")
