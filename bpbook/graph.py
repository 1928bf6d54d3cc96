"""Drawing a :class:`bplib.Value`'s computational graph with matplotlib (layout by networkx).

Values are boxes showing label, data and grad; operations are circles between their inputs and result.
Columns are depths (inputs on the left, the output on the right), so the forward pass reads left to right
and the backward pass right to left.
"""
import matplotlib.pyplot as plt
import networkx as nx

from bplib.autograd import Value


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


def draw_graph(root, ax=None, fmt=".4g", title=None, leaves="left"):
    r"""Draw ``root``'s graph with each value's data and grad; returns the matplotlib Axes.

    Parameters
    ----------
    root : Value
        The output whose graph is drawn.
    ax : matplotlib Axes or None
        Where to draw (default: a new figure sized to the graph).
    fmt : str
        Format spec of the numbers shown.
    title : str or None
        Title of the Axes.
    leaves : {"left", "near"}
        Column of the leaves (inputs and constants). Columns are depths, :math:`d(v) = 1 + \max_{u \to v} d(u)`.
        ``"left"`` puts every leaf in the first column, :math:`d = 0`; ``"near"`` puts each leaf in the column
        just before the first operation that uses it, :math:`d = \min_{\text{op} \leftarrow v} d(\text{op}) - 1`,
        so an input used late (``z`` in ``(x + y) * z``) does not sit in line with earlier nodes.
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
    for node, d in depth.items():
        g.nodes[node]["layer"] = d
    # Layers as lists in graph order: networkx groups a string subset_key into sets of nodes, whose order
    # follows the nodes' hashes (here id()s, i.e. memory addresses) and so changed from run to run.
    layers = {}
    for node in g.nodes:
        layers.setdefault(depth[node], []).append(node)
    pos = nx.multipartite_layout(g, subset_key=layers)
    if ax is None:
        width = 2.2 * (max(depth.values()) + 1)
        height = 1.0 + 0.9 * max(list(depth.values()).count(d) for d in set(depth.values()))
        _, ax = plt.subplots(figsize=(max(width, 4), max(height, 2.5)))
    nx.draw_networkx_edges(g, pos, ax=ax, arrows=True, arrowstyle="-|>", arrowsize=12, node_size=1600,
                           edge_color="0.45")
    for node, (x, y) in pos.items():
        if node[0] == "op":
            ax.text(x, y, g.nodes[node]["op"], ha="center", va="center", fontsize=11,
                    bbox=dict(boxstyle="circle", fc="#fde9c9", ec="#b26b00"))
        else:
            v = g.nodes[node]["value"]
            head = f"{v.label}\n" if v.label else ""
            ax.text(x, y, f"{head}data {v.data:{fmt}}\ngrad {v.grad:{fmt}}", ha="center", va="center",
                    fontsize=9, family="monospace", bbox=dict(boxstyle="round", fc="#dbe9f6", ec="#1f5a96"))
    ax.set_axis_off()
    ax.margins(0.15)
    if title:
        ax.set_title(title)
    return ax
