r"""Chapter 4's views of a small network: the lines of bplib it quotes, and a diagram of one forward and backward pass.

- :data:`QUOTED_LINES` is the one list of the lines of bplib that chapter 4's equation<->code table quotes.
  The chapter builds its table (:func:`quote_table`) and the tags of its listing (:func:`tagged_source`) from it,
  and ``tests/test_mlp.py::test_chapter4_source_quotes`` asserts that every quoted line is in bplib's source, so
  the table cannot fall out of date without the fast test suite noticing.
- :func:`pass_steps` lists, in the order backpropagation computes them, every :math:`z`, :math:`a`, the loss,
  every :math:`\delta` and the gradients of a one-sample forward and backward pass (read off a
  :class:`bplib.mlp.Backprop` record: nothing is computed here). :func:`draw_network` draws the network with
  every number known after a given step, and the step itself highlighted.
"""
import inspect
from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np

#: One quoted line: its ``tag`` in the listing ("" if it is not in the listing), ``where`` it lives (a dotted
#: name of a bplib function or module), the ``code`` quoted (a fragment of one line, without its comment), the
#: ``equation`` label it implements and what it ``computes`` (LaTeX).
Quote = namedtuple("Quote", "tag where code equation computes")

QUOTED_LINES = [
    Quote("z", "bplib.mlp.forward", "z = activations[-1] @ W + b", "eq-ch4-forward",
          r"z^\ell = a^{\ell-1}W^\ell + b^\ell"),
    Quote("a", "bplib.mlp.forward", "activations.append(g_l.forward(z))", "eq-ch4-forward", r"a^\ell = g(z^\ell)"),
    Quote("δᴸ", "bplib.mlp.backward",
          "value, delta = _losses.output_delta(loss, g[-1], zs[-1], activations[-1], Y)", "eq-ch4-bp1",
          r"\delta^L = \partial\mathcal{L}/\partial a^L \odot g'(z^L)"),
    Quote("", "bplib.losses", 'half_sse = Loss("half_sse", lambda a, y: 0.5 * _sse(a, y), lambda a, y: a - y)',
          "eq-ch4-bp1-sse", r"\partial\mathcal{L}/\partial a^L = a^L - Y"),
    Quote("", "bplib.activation_functions", "return a * (1.0 - a)", "eq-ch4-bp1-sse", r"\sigma'(z) = a(1-a)"),
    Quote("δ", "bplib.mlp.backward", "deltas[l] = delta", "eq-ch4-delta", r"\text{keep } \delta^{\ell}"),
    Quote("∂W", "bplib.mlp.backward", "nabla_w[l] = activations[l].T @ delta", "eq-ch4-bp3",
          r"\partial\mathcal{L}/\partial W^\ell = (a^{\ell-1})^{\mathsf T}\delta^\ell"),
    Quote("∂b", "bplib.mlp.backward", "nabla_b[l] = delta.sum(axis=0)", "eq-ch4-bp4",
          r"\partial\mathcal{L}/\partial b^\ell = \textstyle\sum_n \delta^\ell_n"),
    Quote("δˡ", "bplib.mlp.backward",
          "delta = g[l - 1].backward(zs[l - 1], activations[l], delta @ weights[l].T)", "eq-ch4-bp2",
          r"\delta^{\ell} = g'(z^{\ell}) \odot \delta^{\ell+1} (W^{\ell+1})^{\mathsf T}"),
]


def code_of(line):
    """A source line without its comment and with single spaces: the part quotes are compared with."""
    return " ".join(line.split("#")[0].split())


def resolve(where):
    """The bplib function or module a dotted name such as ``"bplib.mlp.forward"`` names."""
    import importlib

    module_name, _, attr = where.rpartition(".")
    try:
        return importlib.import_module(where)
    except ModuleNotFoundError:
        return getattr(importlib.import_module(module_name), attr)


def source_lines(where):
    """The code lines (comments stripped, see :func:`code_of`) of the function or module ``where`` names."""
    return [code_of(line) for line in inspect.getsourcelines(resolve(where))[0]]


def missing_quotes(quotes=QUOTED_LINES):
    """The quotes whose code is not in one line of the source they name (empty when the table is up to date)."""
    return [q for q in quotes if not any(code_of(q.code) in line for line in source_lines(q.where))]


def tagged_source(func, quotes=QUOTED_LINES):
    """``func``'s source with the tag of each quoted line in a 3-character margin on the left (a string)."""
    name = f"{func.__module__}.{func.__qualname__}"
    mine = [q for q in quotes if q.where == name and q.tag]
    out = []
    for line in inspect.getsourcelines(func)[0]:
        tag = next((q.tag for q in mine if code_of(q.code) in code_of(line)), "")
        out.append(f"{tag:>3} {line.rstrip()}")
    return "\n".join(out)


def listing_html(func, quotes=QUOTED_LINES, font_size="0.74em"):
    """:func:`tagged_source` as an HTML ``<pre>`` in a smaller font, so 90-character lines fit a book page."""
    import html

    from IPython.display import HTML

    return HTML(f'<pre style="font-size: {font_size}; line-height: 1.4; overflow-x: auto; padding: 0.6em">'
                f'{html.escape(tagged_source(func, quotes))}</pre>')


def quote_table(quotes=QUOTED_LINES):
    """The equation<->code table as MyST markdown (tag, equation reference and formula, quoted code, where)."""
    rows = ["| Tag | Equation | The line of bplib |", "|---|---|---|"]
    for q in quotes:
        where = q.where.removeprefix("bplib.")
        rows.append(f"| {'`' + q.tag + '`' if q.tag else ''} | {{eq}}`{q.equation}`: ${q.computes}$ "
                    f"| `{q.code}` (`{where}`) |")
    return "\n".join(rows)


# ---------------------------------------------------------------- one forward and backward pass, step by step

_SUB = str.maketrans("0123456789ijk", "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖ")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _name(symbol, layer=None, *units):
    up = str(layer).translate(_SUP) if layer is not None else ""
    return symbol + up + "".join(str(u).translate(_SUB) for u in units)


def _num(v):
    return f"{v:.4g}" if v >= 0 else f"({v:.4g})"


@dataclass
class Step:
    """One quantity of the pass: ``label`` (e.g. ``"z¹₁"``), ``kind`` (``start``, ``z``, ``a``, ``loss``,
    ``delta``, ``grad``), its ``layer`` ℓ and ``unit`` j (1-based; None where not one unit), its ``value``
    (None for a whole layer's gradients), the ``equation`` in symbols and ``numbers`` with the values put in."""

    label: str
    kind: str
    layer: int = None
    unit: int = None
    value: float = None
    equation: str = ""
    numbers: str = ""
    values: dict = field(default_factory=dict)


def pass_steps(net, record, X, Y):
    """Every quantity of one forward and backward pass of ``net`` on one sample, in the order backprop computes it.

    ``record`` is ``net.backprop(X, Y)`` for ``X`` of shape (1, D) and ``Y`` of shape (1, K). The steps are: the
    start (inputs, weights, biases), then layer by layer the ``z`` of each unit and then the ``a`` of each unit (as
    :func:`bplib.mlp.forward` computes a whole layer's z, then its a), the loss, then from the output layer back:
    each unit's ``delta``, then the layer's weight and bias gradients (:math:`\\partial \\mathcal L/\\partial W
    = a^\\mathsf{T}\\delta`, :math:`\\partial \\mathcal L/\\partial b = \\delta`). Returns a list of :class:`Step`.
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if X.ndim != 2 or X.shape[0] != 1 or Y.ndim != 2 or Y.shape[0] != 1:
        raise ValueError(f"X and Y must hold one sample each, shapes (1, D) and (1, K), got {X.shape} and {Y.shape}")
    L = len(net.weights)
    a = [X[0]] + [record.activations[l + 1][0] for l in range(L)]
    steps = [Step("start", "start", equation="inputs x, weights W and biases b given",
                  numbers=", ".join(f"{_name('x', None, i + 1)} = {v:.4g}" for i, v in enumerate(X[0])))]
    for l in range(L):
        g_name = "σ" if net.g[l].name == "sigmoid" else f"g{l + 1}"
        prev = "x" if l == 0 else "a"
        prev_layer = None if l == 0 else l
        for j in range(net.sizes[l + 1]):           # z of every unit of the layer (one matrix product) ...
            terms = " + ".join(f"{_name(prev, prev_layer, i + 1)}{_name('W', l + 1, i + 1, j + 1)}"
                               for i in range(net.sizes[l]))
            nums = " + ".join(f"{_num(a[l][i])}·{_num(net.weights[l][i, j])}" for i in range(net.sizes[l]))
            z = record.zs[l][0, j]
            steps.append(Step(_name("z", l + 1, j + 1), "z", l + 1, j + 1, z,
                              f"{_name('z', l + 1, j + 1)} = {terms} + {_name('b', l + 1, j + 1)}",
                              f"{nums} + {_num(net.biases[l][j])} = {z:.6g}"))
        for j in range(net.sizes[l + 1]):           # ... then a of every unit
            z = record.zs[l][0, j]
            steps.append(Step(_name("a", l + 1, j + 1), "a", l + 1, j + 1, a[l + 1][j],
                              f"{_name('a', l + 1, j + 1)} = {g_name}({_name('z', l + 1, j + 1)})",
                              f"{g_name}({z:.6g}) = {a[l + 1][j]:.6g}"))
    if net.loss_name == "half_sse":
        loss_eq = "ℒ = ½ Σₖ (" + _name("a", L, "k") + " − yₖ)²"
        loss_nums = "½ (" + " + ".join(f"({a[L][k]:.4g} − {Y[0, k]:.4g})²" for k in range(net.sizes[-1])) + ")"
    else:
        loss_eq, loss_nums = f"ℒ = {net.loss_name}(a{str(L).translate(_SUP)}, y)", ""
    steps.append(Step("ℒ", "loss", value=record.loss, equation=loss_eq,
                      numbers=f"{loss_nums} = {record.loss:.6g}".lstrip(" =")))
    for l in range(L - 1, -1, -1):
        prime = net.g[l].prime
        for j in range(net.sizes[l + 1]):
            d = record.deltas[l][0, j]
            name = _name("δ", l + 1, j + 1)
            gp = f"{net.g[l].name}′({_name('z', l + 1, j + 1)})" if net.g[l].name != "sigmoid" else \
                f"{_name('a', l + 1, j + 1)}(1 − {_name('a', l + 1, j + 1)})"
            gp_value = prime(record.zs[l][0, j]) if prime is not None else None
            if l == L - 1:
                if net.loss_name == "half_sse" and gp_value is not None:
                    eq = f"{name} = ({_name('a', L, j + 1)} − {_name('y', None, j + 1)}) · {gp}"
                    nums = f"({a[L][j]:.4g} − {Y[0, j]:.4g}) · {gp_value:.4g} = {d:.6g}"
                else:
                    eq, nums = f"{name} = ∂ℒ/∂{_name('z', L, j + 1)}", f"{d:.6g}"
            else:
                terms = " + ".join(f"{_name('δ', l + 2, k + 1)}{_name('W', l + 2, j + 1, k + 1)}"
                                   for k in range(net.sizes[l + 2]))
                nums_sum = " + ".join(f"{_num(record.deltas[l + 1][0, k])}·{_num(net.weights[l + 1][j, k])}"
                                      for k in range(net.sizes[l + 2]))
                eq = f"{name} = {gp} · ({terms})"
                nums = (f"{gp_value:.4g} · ({nums_sum}) = {d:.6g}" if gp_value is not None else f"{d:.6g}")
            steps.append(Step(name, "delta", l + 1, j + 1, d, eq, nums))
        values = {_name("W", l + 1, i + 1, j + 1): record.nabla_w[l][i, j]
                  for i in range(net.sizes[l]) for j in range(net.sizes[l + 1])}
        values.update({_name("b", l + 1, j + 1): record.nabla_b[l][j] for j in range(net.sizes[l + 1])})
        prev = "x" if l == 0 else _name("a", l, "i")
        steps.append(Step(f"∂ℒ/∂W{str(l + 1).translate(_SUP)}, ∂ℒ/∂b{str(l + 1).translate(_SUP)}", "grad", l + 1,
                          equation=f"∂ℒ/∂{_name('W', l + 1, 'i', 'j')} = {prev if l else 'xᵢ'}"
                                   f"{_name('δ', l + 1, 'j')},  ∂ℒ/∂{_name('b', l + 1, 'j')} = "
                                   f"{_name('δ', l + 1, 'j')}",
                          numbers=", ".join(f"{k}: {v:.4g}" for k, v in values.items()), values=values))
    return steps


_FORWARD, _BACKWARD, _HIGHLIGHT, _PENDING = "#1f5a96", "#b2182b", "#ff7f0e", "0.55"
_DX, _DY, _W, _ROW = 4.0, 2.0, 1.6, 0.3      # layer and unit spacing, box width, text row height (data units)


def _box(ax, x, y, w, h, hot, face="white"):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04,rounding_size=0.12",
                                fc="#fde9c9" if hot else face, ec=_HIGHLIGHT if hot else "0.35",
                                lw=2.2 if hot else 1, zorder=2))


def draw_network(net, record, X, Y, step=None, ax=None, steps=None, highlight=True):
    """Draw ``net`` with the numbers of one pass known after ``step`` (index or label; None: all of them).

    Inputs on the left, the output layer, targets and loss on the right; each unit's box shows its bias
    :math:`b`, :math:`z`, :math:`a` and :math:`\\delta` (``·`` until computed), each edge its weight near its
    start and, once computed, the weight's gradient (``∂``, red) near its end. The quantity computed at ``step``
    and the edges it uses are highlighted in orange (unless ``highlight`` is False); its equation with the numbers
    is the title. A new figure (``ax=None``) is sized so that one unit of the layout is 0.6 inch. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    steps = pass_steps(net, record, X, Y) if steps is None else steps
    if step is None:
        k = len(steps) - 1
    elif isinstance(step, str):
        labels = [s.label for s in steps]
        if step not in labels:
            raise ValueError(f"step must be one of {labels}, got {step!r}")
        k = labels.index(step)
    else:
        k = int(step)
        if not 0 <= k < len(steps):
            raise ValueError(f"step must be in 0..{len(steps) - 1}, got {step!r}")
    current = steps[k] if highlight else Step("", "none")
    known = {(s.kind, s.layer, s.unit) for s in steps[:k + 1]}
    grads = {s.layer for s in steps[:k + 1] if s.kind == "grad"}
    n_layers, L = len(net.sizes), len(net.sizes) - 1
    pos = {(l, j): (_DX * l, _DY * ((net.sizes[l] - 1) / 2 - j)) for l in range(n_layers) for j in range(net.sizes[l])}
    x_y, x_loss = _DX * L + _W / 2 + 0.75, _DX * L + _W / 2 + 2.0
    top = max(y for _, y in pos.values()) + 0.9
    if ax is None:
        ax = plt.figure(figsize=(0.6 * (x_loss + 1.3), 0.6 * 2 * top)).add_axes((0, 0, 1, 1))
    x_vals, y_vals = np.asarray(X, dtype=float)[0], np.asarray(Y, dtype=float)[0]
    text = dict(ha="center", va="center", family="monospace", zorder=3)

    def hot_edge(l, i, j):   # the edge from unit i of layer l-1 to unit j of layer l (l = 1..L)
        if current.kind == "z":
            return (current.layer, current.unit) == (l, j + 1)
        if current.kind == "delta":
            return (current.layer, current.unit) == (l - 1, i + 1)
        return current.kind == "grad" and current.layer == l

    for l in range(1, n_layers):
        w_in = 1.1 if l == 1 else _W
        for i in range(net.sizes[l - 1]):
            for j in range(net.sizes[l]):
                (x0, y0), (x1, y1) = pos[l - 1, i], pos[l, j]
                hot = hot_edge(l, i, j)
                ax.annotate("", (x1 - _W / 2 - 0.05, y1), (x0 + w_in / 2 + 0.05, y0), zorder=1,
                            arrowprops=dict(arrowstyle="-|>", color=_HIGHLIGHT if hot else "0.6",
                                            lw=2.4 if hot else 0.9, shrinkA=0, shrinkB=0))
                sx, ex = x0 + w_in / 2, x1 - _W / 2
                at = lambda t: (sx + t * (ex - sx), y0 + t * (y1 - y0))
                ax.text(*at(0.26), f"{_name('W', l, i + 1, j + 1)} {net.weights[l - 1][i, j]:.4g}", fontsize=7,
                        bbox=dict(boxstyle="round,pad=0.12", fc="white", ec=_HIGHLIGHT if hot else "none", lw=1.2),
                        **text)
                if l in grads:
                    ax.text(*at(0.7), f"∂ {record.nabla_w[l - 1][i, j]:.3g}", fontsize=7, color=_BACKWARD,
                            bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none"), **text)
    for i, v in enumerate(x_vals):
        _box(ax, *pos[0, i], 1.1, 0.42, current.kind == "start", face="#eeeeee")
        ax.text(*pos[0, i], f"{_name('x', None, i + 1)} {v:.4g}", fontsize=8, **text)
    for l in range(1, n_layers):
        for j in range(net.sizes[l]):
            key = (l, j + 1)
            b_text = f"{_name('b', l, j + 1)} {net.biases[l - 1][j]:.4g}"
            rows = [(b_text, "0.3")]
            for kind, sym, value, colour in [("z", "z", record.zs[l - 1][0, j], _FORWARD),
                                             ("a", "a", record.activations[l][0, j], _FORWARD),
                                             ("delta", "δ", record.deltas[l - 1][0, j], _BACKWARD)]:
                shown = (kind, *key) in known
                rows.append((f"{_name(sym, l, j + 1)} {value:.4g}" if shown else f"{_name(sym, l, j + 1)} ·",
                             colour if shown else _PENDING))
            x, y = pos[l, j]
            hot = (current.layer, current.unit) == key and current.kind in ("z", "a", "delta")
            _box(ax, x, y, _W, _ROW * len(rows) + 0.12, hot)
            for r, (row, colour) in enumerate(rows):
                ax.text(x, y + ((len(rows) - 1) / 2 - r) * _ROW, row, fontsize=7.5, color=colour, **text)
    loss_known = ("loss", None, None) in known
    for k_out, yk in enumerate(y_vals):
        y_pos = pos[L, k_out][1]
        ax.text(x_y, y_pos, f"{_name('y', None, k_out + 1)} {yk:.4g}", fontsize=7.5, color="0.25", **text)
        ax.annotate("", (x_loss - 0.45, 0), (x_y + 0.5, y_pos), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color=_HIGHLIGHT if current.kind == "loss" else "0.6",
                                    lw=2.4 if current.kind == "loss" else 0.9, shrinkA=0, shrinkB=0))
    _box(ax, x_loss, 0, 0.8, 0.62, current.kind == "loss")
    ax.text(x_loss, 0, f"ℒ\n{record.loss:.4g}" if loss_known else "ℒ\n·", fontsize=7.5,   # DejaVu Sans has ℒ
            color="k" if loss_known else _PENDING, **{**text, "family": "sans-serif"})
    ax.set_xlim(-0.75, x_loss + 0.55)
    ax.set_ylim(-top, top)
    ax.set_axis_off()
    if highlight:
        ax.set_title(f"step {k} of {len(steps) - 1}: {current.equation}\n{current.numbers}", fontsize=8, loc="left")
    return ax
