"""Drawing a :class:`bplib.Value`'s computational graph with matplotlib (graph structure by networkx).

Values are boxes showing a label, data and grad; operations are circles between their inputs and result.
Columns are depths (inputs on the left, the output on the right), so the forward pass reads left to right
and the backward pass right to left. The layout is layered (Sugiyama style): an edge that skips columns runs
through reserved empty slots of the columns it crosses, and nodes are ordered within a column by the mean
position of their neighbours, so no edge passes under a node and crossings are few. Every value gets a label:
its own, or one made from the operation and its inputs' labels (``x·(−1)``), or ``const`` for a constant.
"""
import re
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from bplib.autograd import Value

BOX_W, BOX_H, OP_R, DUMMY_H = 0.66, 0.5, 0.16, 0.1    # sizes in inches at scale 1 (BOX_W: the narrowest box)
FONT = 7.5                                              # text in the boxes, points; monospace: 0.6 em per char
COL_GAP, ROW_GAP, MARGIN = 0.22, 0.16, 0.1
BOX_COLOURS = dict(fc="#dbe9f6", ec="#1f5a96")
OP_COLOURS = dict(fc="#fde9c9", ec="#b26b00")


def to_networkx(root):
    """The graph of ``root`` as a ``networkx.DiGraph``: value nodes ``('v', id)``, op nodes ``('op', id)``."""
    if not isinstance(root, Value):
        raise TypeError(f"root must be a bplib.autograd.Value, got {type(root).__name__}")
    g = nx.DiGraph()
    for v in root.topological_order():
        g.add_node(("v", id(v)), value=v)
        if v.op:
            g.add_node(("op", id(v)), op=v.op)
            g.add_edge(("op", id(v)), ("v", id(v)))
            for child in v.children:
                g.add_edge(("v", id(child)), ("op", id(v)))
    return g


def op_symbol(op):
    """How an operation is written in its circle: ``*`` as ×, ``**k`` as ^k, others as they are."""
    if op == "*":
        return "×"
    if op.startswith("**"):
        return "^" + op[2:].replace("-", "−")
    return op


def value_labels(root):
    """A label for every value of ``root``'s graph (dict id -> str): its own label if it has one; ``const`` for an
    unlabelled input; for an unlabelled result, its operation applied to its inputs' labels, e.g. ``x·(−1)`` or
    ``relu(q)``, or ``v1``, ``v2``, ... where that would not fit in its box (more than 10 characters)."""
    labels, unnamed = {}, 0
    for v in root.topological_order():
        if v.label:
            text = v.label
        elif not v.op:
            text = "const"
        else:
            names = [labels[id(c)] if labels[id(c)] != "const" else _number(c.data) for c in v.children]
            wrapped = [n if n.isalnum() or re.fullmatch(r"[0-9.]+", n) else f"({n})" for n in names]
            if v.op in ("+", "*") and len(names) == 2:
                text = wrapped[0] + ("+" if v.op == "+" else "·") + wrapped[1]
            elif v.op.startswith("**"):
                text = f"{wrapped[0]}^{v.op[2:]}".replace("-", "−")
            else:
                text = f"{v.op}({names[0]})"
            if len(text) > 10:
                unnamed += 1
                text = f"v{unnamed}"
        labels[id(v)] = text
    return labels


def _number(x, fmt="g"):
    # -0.0 prints as "-0"; add 0.0 to make it +0.0. A minus sign, not a hyphen.
    return f"{x + 0.0:{fmt}}".replace("-", "−")


@dataclass
class Layout:
    """Node centres and shapes (inches at scale 1) and every edge as a polyline, input end first."""

    nodes: dict = field(default_factory=dict)     # node -> (x, y, kind) with kind "value" or "op"
    edges: list = field(default_factory=list)     # (source node, target node, [(x, y), ...])
    width: float = 0.0
    height: float = 0.0
    box_width: float = BOX_W

    def extent(self, node):
        """``(x0, x1, y0, y1)``: the bounding box of a node's box or circle."""
        x, y, kind = self.nodes[node]
        hw, hh = (self.box_width / 2, BOX_H / 2) if kind == "value" else (OP_R, OP_R)
        return x - hw, x + hw, y - hh, y + hh


def layout(root, leaves="left", box_width=BOX_W):
    r"""Positions of ``root``'s graph: columns by depth, rows ordered to keep edges short and off the nodes.

    ``leaves`` is ``"left"`` (every input and constant in the first column) or ``"near"`` (each in the column
    just before the first operation that uses it). Depth is :math:`d(v) = 1 + \max_{u \to v} d(u)`.
    ``box_width`` is the width of the value boxes, in inches.
    """
    if leaves not in ("left", "near"):
        raise ValueError(f'leaves must be "left" or "near", got {leaves!r}')
    g = to_networkx(root)
    depth = {}
    for node in nx.topological_sort(g):
        depth[node] = max((depth[p] + 1 for p in g.predecessors(node)), default=0)
    if leaves == "near":
        for node in list(depth):
            if g.in_degree(node) == 0 and g.out_degree(node) > 0:
                depth[node] = min(depth[s] for s in g.successors(node)) - 1
    # Columns as lists in graph order (never sets: their order would follow id()s, i.e. memory addresses).
    # Start from the order in which a left-first walk from the root meets the nodes (x before y in x + y).
    columns = [[] for _ in range(max(depth.values()) + 1)]
    for node in _left_first(root):
        columns[depth[node]].append(node)
    # An edge that skips columns gets a dummy slot in every column it crosses.
    chains = []
    for u, v in g.edges:
        dummies = [("dummy", u, v, d) for d in range(depth[u] + 1, depth[v])]
        for dummy in dummies:
            columns[dummy[3]].append(dummy)
        chains.append((u, v, [u, *dummies, v]))
    neighbours = {}
    for _, _, chain in chains:
        for a, b in zip(chain, chain[1:]):
            neighbours.setdefault(b, {"in": [], "out": []})["in"].append(a)
            neighbours.setdefault(a, {"in": [], "out": []})["out"].append(b)
    # Barycentre ordering: a few sweeps right and left, each column sorted by its neighbours' mean rank.
    rank = {node: i for column in columns for i, node in enumerate(column)}
    for sweep in range(4):
        order = range(1, len(columns)) if sweep % 2 == 0 else range(len(columns) - 2, -1, -1)
        side = "in" if sweep % 2 == 0 else "out"
        for c in order:
            def key(node, side=side):
                near = neighbours.get(node, {}).get(side, [])
                return sum(rank[n] for n in near) / len(near) if near else rank[node]
            columns[c].sort(key=key)
            rank.update({node: i for i, node in enumerate(columns[c])})

    def size(node):
        if node[0] == "dummy":
            return DUMMY_H
        return BOX_H if node[0] == "v" else 2 * OP_R

    def half_width(column):
        real = [n for n in column if n[0] != "dummy"]
        if not real:
            return 0.0
        return box_width / 2 if real[0][0] == "v" else OP_R

    out = Layout()
    x, pos, widths = 0.0, {}, []
    for c, column in enumerate(columns):
        hw = half_width(column)
        if c:
            x += widths[-1] + COL_GAP + hw
        widths.append(hw)
        total = sum(size(n) for n in column) + ROW_GAP * (len(column) - 1)
        y = total / 2
        for node in column:                     # top to bottom
            pos[node] = (x, y - size(node) / 2, hw)
            y -= size(node) + ROW_GAP
    x_min, x_max = -widths[0], x + widths[-1]
    y_max = max(y + size(n) / 2 for n, (_, y, _) in pos.items())
    y_min = min(y - size(n) / 2 for n, (_, y, _) in pos.items())
    for node, (nx_, ny, _) in pos.items():
        if node[0] != "dummy":
            out.nodes[node] = (nx_ - x_min, ny - y_min, "value" if node[0] == "v" else "op")
    for u, v, chain in chains:
        points = [(pos[u][0] + _half(u, box_width), pos[u][1])]
        for dummy in chain[1:-1]:                # straight through the column: no node is in a dummy's slot
            dx, dy, hw = pos[dummy]
            points += [(dx - hw, dy), (dx + hw, dy)]
        points.append((pos[v][0] - _half(v, box_width), pos[v][1]))
        if v[0] == "op":                         # end on the circle, pointing at its centre
            (px, py), (cx, cy) = points[-2], (pos[v][0], pos[v][1])
            dist = ((cx - px) ** 2 + (cy - py) ** 2) ** 0.5
            points[-1] = (cx - (cx - px) * OP_R / dist, cy - (cy - py) * OP_R / dist)
        if u[0] == "op":                         # leave the circle towards the next point
            (cx, cy), (nx2, ny2) = (pos[u][0], pos[u][1]), points[1]
            dist = ((nx2 - cx) ** 2 + (ny2 - cy) ** 2) ** 0.5
            points[0] = (cx + (nx2 - cx) * OP_R / dist, cy + (ny2 - cy) * OP_R / dist)
        out.edges.append((u, v, [(px - x_min, py - y_min) for px, py in points]))
    out.width, out.height, out.box_width = x_max - x_min, y_max - y_min, box_width
    return out


def _left_first(root):
    # Graph nodes in post-order of a depth-first walk that takes each operation's inputs in order.
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, expanded = stack.pop()
        if expanded:
            if v.op:
                order.append(("op", id(v)))
            order.append(("v", id(v)))
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((c, False) for c in reversed(v.children) if id(c) not in seen)
    return order


def _half(node, box_width):
    return box_width / 2 if node[0] == "v" else OP_R


def draw_graph(root, ax=None, fmt=".4g", title=None, leaves="left"):
    r"""Draw ``root``'s graph with each value's label, data and grad; returns the matplotlib Axes.

    Parameters
    ----------
    root : Value
        The output whose graph is drawn.
    ax : matplotlib Axes or None
        Where to draw (default: a new figure sized to the graph, so text and shapes have their natural size;
        on a given Axes everything is scaled to fit it).
    fmt : str
        Format spec of the numbers shown (``-0`` is shown as ``0``).
    title : str or None
        Title of the Axes.
    leaves : {"left", "near"}
        Column of the leaves (inputs and constants), see :func:`layout`. ``"near"`` puts each leaf just before
        the first operation that uses it, so an input used late (``z`` in ``(x + y) * z``) sits beside it.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a bplib.autograd.Value, got {type(root).__name__}")
    labels = value_labels(root)
    by_id = {id(v): v for v in root.topological_order()}
    texts = {i: f"{labels[i]}\ndata {_number(v.data, fmt)}\ngrad {_number(v.grad, fmt)}" for i, v in by_id.items()}
    longest = max(len(line) for text in texts.values() for line in text.split("\n"))
    lay = layout(root, leaves, box_width=max(BOX_W, longest * 0.6 * FONT / 72 + 0.12))
    w, h = lay.width + 2 * MARGIN, lay.height + 2 * MARGIN
    if ax is None:
        _, ax = plt.subplots(figsize=(w, h + (0.3 if title else 0.0)))
        ax.set_position([0, 0, 1, h / (h + (0.3 if title else 0.0))])
    fig_w, fig_h = ax.figure.get_size_inches()
    box = ax.get_position()
    scale = min(box.width * fig_w / w, box.height * fig_h / h)
    ax.set_xlim(-MARGIN, lay.width + MARGIN)
    ax.set_ylim(-MARGIN, lay.height + MARGIN)
    ax.set_aspect("equal")
    for _, _, points in lay.edges:
        xs, ys = zip(*points)
        ax.plot(xs[:-1], ys[:-1], color="0.45", lw=1.0 * scale, solid_capstyle="butt", zorder=1)
        ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", color="0.45", lw=1.0 * scale,
                                     shrinkA=0, shrinkB=0, mutation_scale=9 * scale, zorder=1))
    for node, (x, y, kind) in lay.nodes.items():
        if kind == "op":
            ax.add_patch(Circle((x, y), OP_R, zorder=2, lw=1.0 * scale, **OP_COLOURS))
            symbol = op_symbol(by_id[node[1]].op)
            ax.text(x, y, symbol, ha="center", va="center", zorder=3,
                    fontsize=(9 if len(symbol) <= 2 else 6) * scale)
        else:
            v = by_id[node[1]]
            ax.add_patch(FancyBboxPatch((x - lay.box_width / 2, y - BOX_H / 2), lay.box_width, BOX_H, zorder=2,
                                        lw=1.0 * scale,
                                        boxstyle="round,pad=0,rounding_size=0.06", **BOX_COLOURS))
            ax.text(x, y, texts[id(v)], ha="center", va="center", fontsize=FONT * scale, family="monospace", zorder=3)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9 * scale)
    return ax

