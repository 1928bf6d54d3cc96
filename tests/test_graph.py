"""bplib.graph: the computational graph as networkx nodes/edges and its matplotlib drawing."""
import matplotlib.pyplot as plt
import networkx as nx
import pytest

from bplib.autograd import Value
from bplib.graph import draw_graph, to_networkx


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
