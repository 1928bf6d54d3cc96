"""bpbook.graph: the computational graph as networkx nodes/edges and its matplotlib drawing."""
import matplotlib.pyplot as plt
import networkx as nx
import pytest

from bplib.autograd import Value
from bpbook.graph import draw_graph, to_networkx


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
    assert any("q" in t and "data 3" in t and "grad -4" in t for t in texts)
    assert any("z" in t and "data -4" in t and "grad 3" in t for t in texts)
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
