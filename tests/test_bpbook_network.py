"""bpbook.network: chapter 4's quoted lines, and the step-by-step pass and diagram of a small network."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

import bplib
from bpbook.network import (QUOTED_LINES, Quote, code_of, draw_network, missing_quotes, pass_steps, quote_table,
                            tagged_source)


def mazur():
    net = bplib.MLP([2, 2, 2], ["sigmoid", "sigmoid"], "half_sse")
    net.weights[0][...] = [[0.15, 0.25], [0.20, 0.30]]
    net.biases[0][...] = [0.35, 0.35]
    net.weights[1][...] = [[0.40, 0.50], [0.45, 0.55]]
    net.biases[1][...] = [0.60, 0.60]
    X, Y = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])
    return net, X, Y


def deeper(seed):
    net = bplib.MLP([3, 2, 2, 1], ["tanh", "sigmoid", "sigmoid"], "half_sse", seed=seed)
    rng = np.random.default_rng(seed)
    return net, rng.normal(size=(1, 3)), rng.uniform(size=(1, 1))


def test_code_of_drops_comment_and_spacing():
    assert code_of("    z  = a @ W + b   # zˡ = aˡ⁻¹Wˡ + bˡ\n") == "z = a @ W + b"


def test_missing_quotes_finds_a_line_that_is_not_there():
    fake = Quote("z", "bplib.mlp.forward", "z = activations[-1] @ W - b", "eq-x", "")
    assert missing_quotes([fake]) == [fake]
    assert missing_quotes([QUOTED_LINES[0]]) == []


def test_tagged_source_tags_each_quoted_line_once():
    listing = tagged_source(bplib.mlp.backward)
    tagged = [line for line in listing.splitlines() if line[:3].strip()]
    assert [line[:3].strip() for line in tagged] == ["δᴸ", "δ", "∂W", "∂b", "δˡ"]
    assert all(len(line) == 4 + len(src.rstrip()) for line, src in
               zip(listing.splitlines(), __import__("inspect").getsourcelines(bplib.mlp.backward)[0]))


def test_quote_table_has_a_row_per_quote_with_equation_roles():
    rows = quote_table().splitlines()[2:]
    assert len(rows) == len(QUOTED_LINES)
    for row, q in zip(rows, QUOTED_LINES):
        assert f"{{eq}}`{q.equation}`" in row and f"`{q.code}`" in row


@pytest.mark.parametrize("make", [mazur, lambda: deeper(0), lambda: deeper(1)])
def test_steps_follow_backprop_and_hold_its_numbers(make):
    net, X, Y = make()
    r = net.backprop(X, Y)
    steps = pass_steps(net, r, X, Y)
    units = net.sizes[1:]
    assert len(steps) == 1 + 2 * sum(units) + 1 + sum(units) + len(units)
    kinds = [s.kind for s in steps]
    assert kinds[0] == "start" and kinds[1 + 2 * sum(units)] == "loss"
    assert kinds.index("loss") < kinds.index("delta")          # every z and a before the loss, every δ after it
    for s in steps:
        if s.kind in ("z", "a", "delta"):
            array = {"z": r.zs[s.layer - 1], "a": r.activations[s.layer], "delta": r.deltas[s.layer - 1]}[s.kind]
            assert s.value == array[0, s.unit - 1]
            assert s.numbers.endswith(f"{s.value:.6g}")
        if s.kind == "grad":
            grads = list(s.values.values())
            expected = [*r.nabla_w[s.layer - 1].ravel(), *r.nabla_b[s.layer - 1]]
            assert grads == expected
    assert steps[kinds.index("loss")].value == r.loss
    # backward order: the output layer's deltas and gradients first, then layer by layer towards the input
    backward_layers = [s.layer for s in steps if s.kind in ("delta", "grad")]
    assert backward_layers == sorted(backward_layers, reverse=True)


def test_hidden_delta_uses_the_weights_leaving_the_unit():
    net, X, Y = mazur()
    r = net.backprop(X, Y)
    step = next(s for s in pass_steps(net, r, X, Y) if s.label == "δ¹₂")
    assert "δ²₁W²₂₁ + δ²₂W²₂₂" in step.equation                 # row 2 of W², eq-ch4-bp2-index with j = 2
    assert step.numbers.startswith(f"{r.activations[1][0, 1] * (1 - r.activations[1][0, 1]):.4g}")


def test_one_sample_only():
    net, X, Y = mazur()
    X2, Y2 = np.vstack([X, X]), np.vstack([Y, Y])
    with pytest.raises(ValueError, match="one sample"):
        pass_steps(net, net.backprop(X2, Y2), X2, Y2)


@pytest.mark.parametrize("make", [mazur, lambda: deeper(2)])
def test_diagram_reveals_one_quantity_per_step(make):
    net, X, Y = make()
    r = net.backprop(X, Y)
    steps = pass_steps(net, r, X, Y)
    pending = []
    for k, s in enumerate(steps):
        fig, ax = plt.subplots()
        draw_network(net, r, X, Y, step=k, ax=ax, steps=steps)
        texts = [t.get_text() for t in ax.texts]
        pending.append(sum(t.endswith(" ·") or t.endswith("\n·") for t in texts))
        assert ax.get_title(loc="left").startswith(f"step {k} of {len(steps) - 1}: {s.equation}")
        hot = [p for p in ax.patches if p.get_linewidth() > 2]
        assert len(hot) == (len(X[0]) if s.kind == "start" else 0 if s.kind == "grad" else 1)
        if s.kind in ("z", "a", "delta"):
            assert any(t.startswith(f"{s.label} {s.value:.4g}") for t in texts)
        plt.close(fig)
    # z, a, L and δ each appear once: one pending mark fewer per such step, none left at the end
    assert pending[-1] == 0
    assert all(b - a in (0, 1) for a, b in zip(pending[1:], pending[:-1]))
    assert pending[0] - pending[-1] == sum(s.kind in ("z", "a", "loss", "delta") for s in steps)


def test_draw_network_rejects_unknown_steps():
    net, X, Y = mazur()
    r = net.backprop(X, Y)
    with pytest.raises(ValueError, match="step must be one of"):
        draw_network(net, r, X, Y, step="q¹₁")
    with pytest.raises(ValueError, match="step must be in"):
        draw_network(net, r, X, Y, step=99)
    fig, ax = plt.subplots()
    draw_network(net, r, X, Y, step="a²₂", ax=ax)
    assert "a²₂ = σ(z²₂)" in ax.get_title(loc="left")
    plt.close(fig)


def test_static_diagram_without_highlight_shows_every_number():
    net, X, Y = mazur()
    r = net.backprop(X, Y)
    ax = draw_network(net, r, X, Y, highlight=False)
    texts = [t.get_text() for t in ax.texts]
    assert not [p for p in ax.patches if p.get_linewidth() > 2] and ax.get_title(loc="left") == ""
    assert not any(t.endswith("·") for t in texts)                     # nothing pending
    for l in range(2):
        for j in range(2):
            assert f"δ{'¹²'[l]}{'₁₂'[j]} {r.deltas[l][0, j]:.4g}" in texts
            assert any(t == f"∂ {g:.3g}" for g in r.nabla_w[l][:, j] for t in texts)
    width, height = ax.figure.get_size_inches()
    assert width > 2.5 * height                                         # sized to the layout, not squeezed
    plt.close(ax.figure)


def test_forward_steps_go_layer_by_layer_z_before_a():
    # bplib.mlp.forward computes a whole layer's z (one matrix product), then its a: the steps follow that order
    net, X, Y = deeper(3)
    r = net.backprop(X, Y)
    forward = [(s.layer, s.kind) for s in pass_steps(net, r, X, Y) if s.kind in ("z", "a")]
    expected = [(l, kind) for l in range(1, 4) for kind in ("z", "a") for _ in range(net.sizes[l])]
    assert forward == expected
