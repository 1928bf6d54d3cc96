"""bpbook.graph: the computational graph as networkx nodes/edges and its matplotlib drawing."""
import matplotlib.pyplot as plt
import networkx as nx
import pytest

from bplib.autograd import Value
from bpbook.graph import OP_R, draw_graph, layout, op_symbol, to_networkx, value_labels


def expression():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def test_node_and_edge_counts():
    # values x, y, z, q, f (5) + ops '+', '*' (2) = 7 nodes; edges x->+, y->+, +->q, q->*, z->*, *->f = 6
    g = to_networkx(expression())
    assert isinstance(g, nx.DiGraph)
    assert g.number_of_nodes() == 7 and g.number_of_edges() == 6
    assert sum(1 for n in g if n[0] == "op") == 2
    assert nx.is_directed_acyclic_graph(g)


def test_shared_node_appears_once():
    # a·a + a: values a, a·a, (a·a)+a = 3; ops *, + = 2
    a = Value(3.0, label="a")
    g = to_networkx(a * a + a)
    assert g.number_of_nodes() == 5
    assert sum(1 for n in g if n[0] == "v") == 3


def test_constants_are_nodes():
    # x·2: values x, 2 (a lifted constant), x·2 and the op *: 4 nodes
    assert to_networkx(Value(1.0) * 2).number_of_nodes() == 4


def test_draw_graph_shows_every_node_with_data_and_grad():
    f = expression()
    f.backward()
    ax = draw_graph(f, title="f = (x + y) z")
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 7
    assert any("q" in t and "data 3" in t and "grad −4" in t for t in texts)     # a minus sign, not a hyphen
    assert any("z" in t and "data −4" in t and "grad 3" in t for t in texts)
    assert ax.get_title() == "f = (x + y) z"
    plt.close(ax.figure)


def test_draw_on_given_axes():
    fig, ax = plt.subplots()
    assert draw_graph(Value(2.0).tanh(), ax=ax) is ax
    assert len(ax.texts) == 3
    plt.close(fig)


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="root must be a bplib.autograd.Value"):
        to_networkx(3.0)
    with pytest.raises(TypeError, match="root"):
        draw_graph("f")


@pytest.mark.parametrize("leaves, column_of_z", [("left", "x"), ("near", "q")])
def test_leaf_columns(leaves, column_of_z):
    # columns are depths: x, y at 0, '+' 1, q 2, '*' 3, f 4.  "left" puts the leaf z with x (depth 0);
    # "near" puts it just before the '*' that uses it, i.e. in q's column (depth 2).
    ax = draw_graph(expression(), leaves=leaves)
    x_of = {t.get_text().split("\n")[0]: t.get_position()[0] for t in ax.texts}
    assert x_of["z"] == pytest.approx(x_of[column_of_z])
    assert x_of["z"] != pytest.approx(x_of["f"])
    plt.close(ax.figure)


def test_bad_leaves():
    with pytest.raises(ValueError, match="leaves must be"):
        draw_graph(expression(), leaves="right")


def test_layout_does_not_depend_on_memory_addresses():
    # networkx groups a layer given by attribute name into a set of node keys, ordered by their hashes (id()s
    # here), so the same expression could be laid out differently from run to run; draw_graph passes lists.
    drawn = []
    for _ in range(8):
        ax = draw_graph(expression(), leaves="left")
        drawn.append(sorted((t.get_text(), t.get_position()) for t in ax.texts))
        plt.close(ax.figure)
    assert all(d == drawn[0] for d in drawn)


def max_graph():
    # max(x, y)·z built as (x + relu(y − x))·z: y − x is y + x·(−1), with an unlabelled product and constant;
    # x feeds the first multiply and the last add, an edge that skips six columns
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    d = y - x
    d.label = "y − x"
    g = (x + d.relu()) * z
    g.backward()
    return g


def _segment_hits_box(p, q, box, steps=200):
    (x0, x1, y0, y1) = box
    return any(x0 < p[0] + (q[0] - p[0]) * t / steps < x1 and y0 < p[1] + (q[1] - p[1]) * t / steps < y1
               for t in range(steps + 1))


@pytest.mark.parametrize("graph", [expression, max_graph])
@pytest.mark.parametrize("leaves", ["left", "near"])
def test_no_edge_runs_under_a_node_and_no_nodes_overlap(graph, leaves):
    lay = layout(graph(), leaves)
    boxes = {node: lay.extent(node) for node in lay.nodes}
    for u, v, points in lay.edges:
        for node, box in boxes.items():
            shrunk = (box[0] + 1e-6, box[1] - 1e-6, box[2] + 1e-6, box[3] - 1e-6)
            if node not in (u, v):
                assert not any(_segment_hits_box(p, q, shrunk) for p, q in zip(points, points[1:])), (u, v, node)
        assert points[0][0] < points[-1][0]                      # edges run left to right
    nodes = list(boxes.values())
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
    assert len(lay.edges) == to_networkx(graph()).number_of_edges()


def test_edges_touch_their_nodes():
    lay = layout(max_graph(), "near")
    for u, v, points in lay.edges:
        for node, point in ((u, points[0]), (v, points[-1])):
            x, y, kind = lay.nodes[node]
            if kind == "op":
                assert ((point[0] - x) ** 2 + (point[1] - y) ** 2) ** 0.5 == pytest.approx(OP_R)
            else:
                x0, x1, y0, y1 = lay.extent(node)
                assert point[0] in (pytest.approx(x0), pytest.approx(x1)) and y0 <= point[1] <= y1


def test_every_value_is_labelled():
    g = max_graph()
    labels = value_labels(g)
    assert len(labels) == len(g.topological_order()) and all(labels.values())
    # the constant −1 and the product get made-up labels; relu(y − x) is too long for its box and becomes v1
    assert sorted(labels.values()) == sorted(["x", "y", "z", "const", "x·(−1)", "y − x", "v1", "x+v1",
                                              "(x+v1)·z"])
    assert value_labels(Value(2.0, label="x") * 0.5)  # constants that are plain numbers are not bracketed
    assert sorted(value_labels(Value(2.0, label="x") * 0.5).values()) == ["const", "x", "x·0.5"]
    ax = draw_graph(g, leaves="near")
    assert all(t.get_text().split("\n")[0] for t in ax.texts if "data" in t.get_text())
    plt.close(ax.figure)


def test_negative_zero_is_shown_as_zero():
    # 0 · (−1) = −0.0 in floating point; the box must say 0
    zero = Value(0.0, label="a")
    f = zero * -1
    f.label = "f"
    f.backward()
    ax = draw_graph(f)
    assert any("f\ndata 0\n" in t.get_text() for t in ax.texts)
    assert not any("−0" in t.get_text() or "-0" in t.get_text() for t in ax.texts)
    plt.close(ax.figure)


@pytest.mark.parametrize("op, symbol", [("+", "+"), ("*", "×"), ("**2", "^2"), ("**-1", "^−1"), ("relu", "relu")])
def test_op_symbols(op, symbol):
    assert op_symbol(op) == symbol


def test_given_axes_scale_the_text():
    # half the natural width: the fonts shrink by half, so boxes and text keep their proportions
    g = max_graph()
    natural = draw_graph(g)
    w, h = natural.figure.get_size_inches()
    fig, ax = plt.subplots(figsize=(w / 2, h / 2))
    ax.set_position([0, 0, 1, 1])
    draw_graph(g, ax=ax)
    big = max(t.get_fontsize() for t in natural.texts)
    small = max(t.get_fontsize() for t in ax.texts)
    assert small == pytest.approx(big / 2, rel=0.02)
    plt.close(fig)
    plt.close(natural.figure)


def test_boxes_are_wide_enough_for_their_text():
    # monospace text at 7.5 pt is 0.6 · 7.5 / 72 inches per character; "data 0.4413" has 11 of them
    import bpbook.graph as graph
    x = Value(0.3, label="x")
    f = x * 0.5 + x.tanh()
    f.backward()
    ax = draw_graph(f)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, graph.FancyBboxPatch)]
    for t in ax.texts:
        if "data" in t.get_text():
            tb = t.get_window_extent(renderer)
            assert any(b.x0 <= tb.x0 and tb.x1 <= b.x1 and b.y0 <= tb.y0 and tb.y1 <= b.y1 for b in boxes), t.get_text()
    plt.close(ax.figure)
