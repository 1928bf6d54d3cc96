"""Small display helpers the chapters share: numbers into the prose, tables onto the page. No mathematics here.

``glue_number`` stores a number for myst-nb's ``{glue:text}`` rounded to a few significant digits, so the stored
output (which nbval compares) does not depend on the last bits of float arithmetic, which may differ between
CPUs; the prose shows fewer digits still.
"""
import numbers


def glue_number(key, value, digits=6):
    """``myst_nb.glue`` a number for the prose: ints as ints, floats rounded to ``digits`` significant digits."""
    from myst_nb import glue

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {value!r}")
    value = int(value) if isinstance(value, numbers.Integral) else float(f"{float(value):.{digits}g}")
    glue(key, value, display=False)


def html_table(header, rows, digits=6):
    """Display ``rows`` (lists of cells) under ``header`` as an HTML table; floats get ``digits`` significant digits."""
    from IPython.display import HTML, display

    def cell(v):
        return f"{v:.{digits}g}" if isinstance(v, float) else str(v)

    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    display(HTML(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"))


def glue_numbers(prefix, values, digits=6):
    """``glue_number(prefix + key, value)`` for every item of the dict ``values`` (one line instead of many)."""
    for key, value in values.items():
        glue_number(f"{prefix}{key}", value, digits)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_text(value, digits=2):
    """``value`` as plain text in powers of ten for the prose: ``"1.2 × 10⁻⁴"``, or ``"10⁻¹⁰"`` when the mantissa
    rounds to 1 (never programmer notation such as ``1.2e-04``); ``digits`` significant digits."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {value!r}")
    mantissa, exponent = f"{float(value):.{digits - 1}e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    if float(mantissa) == 1.0:
        return power
    if float(mantissa) == -1.0:
        return "−" + power
    return f"{mantissa.replace('-', '−')} × {power}"


def glue_power(key, value, digits=2):
    """Glue ``power_text(value, digits)`` as Markdown, for ``{glue:md}`key``` in the prose."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue(key, Markdown(power_text(value, digits)), display=False)
