"""bplib.regularization: the L2 penalty and its gradient, inverted dropout (forward, backward with a fixed mask,
expectation), clipping by global norm, and the regularised objective, each gradient against finite differences."""
import numpy as np
import pytest

from bplib import MLP, data
from bplib.activation_functions import get
from bplib.gradcheck import numerical_gradient, relative_error
from bplib.regularization import (clip_by_global_norm, dropout, dropout_mask, global_norm, l2_gradient, l2_penalty,
                                  objective)


def test_l2_penalty_and_gradient_by_hand_and_by_finite_differences(rng):
    W = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([3.0])]
    assert l2_penalty(W, 0.1) == pytest.approx(0.05 * (1 + 4 + 0.25 + 9), rel=1e-15)
    G = l2_gradient(W, 0.1)
    for g, w in zip(G, W):
        np.testing.assert_allclose(g, 0.1 * w, rtol=1e-15)
    A = rng.standard_normal((3, 4))
    fd = numerical_gradient(lambda a: l2_penalty([a], 0.7), A)
    assert relative_error(l2_gradient([A], 0.7)[0], fd) < 1e-9
    with pytest.raises(ValueError, match="weight_decay"):
        l2_penalty(W, -1.0)


def task(activation="tanh"):
    X, y = data.moons(n=12, seed=3)
    net = MLP([2, 5, 4, 1], [activation, activation, "sigmoid"], "binary_cross_entropy", seed=1)
    return net, X, y[:, None].astype(float)


def objective_gradcheck(net, X, Y, **kwargs):
    """Largest relative error between objective()'s gradients and central differences of its value."""
    _, nabla_w, nabla_b = objective(net, X, Y, **kwargs)
    errors = []
    for params, grads in ((net.weights, nabla_w), (net.biases, nabla_b)):
        for P, G in zip(params, grads):
            def f(values, P=P):
                keep = P.copy()
                P[...] = values
                value = objective(net, X, Y, **kwargs)[0]
                P[...] = keep
                return value
            errors.append(relative_error(G, numerical_gradient(f, P.copy())))
    return max(errors)


@pytest.mark.parametrize("weight_decay, decay_biases", [(0.0, False), (0.3, False), (0.3, True)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_objective_gradient_with_weight_decay(weight_decay, decay_biases, activation):
    net, X, Y = task(activation)
    for b in net.biases:                                   # non-zero biases, so their decay shows
        b += 0.3
    assert objective_gradcheck(net, X, Y, weight_decay=weight_decay, decay_biases=decay_biases) < 1e-7
    value, nabla_w, nabla_b = objective(net, X, Y, weight_decay=weight_decay, decay_biases=decay_biases)
    r = net.backprop(X, Y)
    penalty = 0.5 * weight_decay * (sum(np.sum(W ** 2) for W in net.weights)
                                    + decay_biases * sum(np.sum(b ** 2) for b in net.biases))
    assert value == pytest.approx(r.loss + penalty, rel=1e-14)
    for g, g0, W in zip(nabla_w, r.nabla_w, net.weights):
        np.testing.assert_allclose(g, g0 + weight_decay * W, rtol=1e-13, atol=1e-16)
    for g, g0, b in zip(nabla_b, r.nabla_b, net.biases):
        np.testing.assert_allclose(g, g0 + decay_biases * weight_decay * b, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("p", [0.2, 0.5])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_dropout_gradient_with_a_fixed_mask(p, activation):
    net, X, Y = task(activation)
    for b in net.biases:        # a sample whose units are all dropped gets z = b; b = 0 would sit on relu's kink
        b += 0.1
    rng = np.random.default_rng(5)
    masks = [dropout_mask((len(X), n), p, rng) for n in net.sizes[1:-1]]
    g = [dropout(g_l, p, mask=m) for g_l, m in zip(net.g[:-1], masks)] + [net.g[-1]]
    assert objective_gradcheck(net, X, Y, g=g, weight_decay=0.1) < 1e-7
    # the masked units really are dropped: their rows of the gradient of the next weight matrix are 0 ...
    _, nabla_w, _ = objective(net, X, Y, g=g)
    dropped_everywhere = np.all(masks[0] == 0, axis=0)
    np.testing.assert_array_equal(nabla_w[1][dropped_everywhere], 0.0)
    # ... and the loss differs from the network without dropout
    assert objective(net, X, Y, g=g)[0] != net.loss(X, Y)


def test_dropout_forward_and_backward_by_hand():
    tanh = get("tanh")
    z = np.array([[0.5, -1.0, 2.0], [0.1, 0.2, -0.3]])
    mask = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])           # p = 0.5: kept units scaled by 1/(1 - p) = 2
    d = dropout(tanh, 0.5, mask=mask)
    np.testing.assert_allclose(d.forward(z), np.tanh(z) * mask, rtol=1e-15)
    grad_a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(d.backward(z, d.forward(z), grad_a), (1 - np.tanh(z) ** 2) * mask * grad_a,
                               rtol=1e-15)
    assert d.name == "dropout(tanh, p=0.5)"


def test_dropout_mask_keeps_the_expectation(rng):
    p = 0.3
    mask = dropout_mask((400, 500), p, rng)
    assert set(np.unique(mask)) == {0.0, 1 / (1 - p)}
    assert abs(np.mean(mask == 0) - p) < 0.005                  # 200,000 draws: 4 standard deviations ≈ 0.004
    assert abs(mask.mean() - 1.0) < 0.01
    d = dropout("relu", p, rng=np.random.default_rng(0))
    a1, a2 = d.forward(np.ones((3, 50))), d.forward(np.ones((3, 50)))
    assert not np.array_equal(a1, a2)                            # a fresh mask every forward pass
    again = dropout("relu", p, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again.forward(np.ones((3, 50))), a1)   # seeded
    with pytest.raises(ValueError, match="p"):
        dropout("relu", 1.0, rng=rng)
    with pytest.raises(ValueError, match="rng"):
        dropout("relu", 0.5)


@pytest.mark.parametrize("max_norm", [0.5, 5.0, 100.0])
def test_clip_by_global_norm(max_norm, rng):
    grads = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    before = [g.copy() for g in grads]
    norm = clip_by_global_norm(grads, max_norm)
    expected = np.sqrt(sum(np.sum(g ** 2) for g in before))
    assert norm == pytest.approx(expected, rel=1e-14) and global_norm(before) == pytest.approx(expected, rel=1e-14)
    scale = min(1.0, max_norm / expected)
    for g, g0 in zip(grads, before):
        np.testing.assert_allclose(g, scale * g0, rtol=1e-14)
    assert global_norm(grads) == pytest.approx(min(expected, max_norm), rel=1e-13)
    with pytest.raises(ValueError, match="clip_norm"):
        clip_by_global_norm(grads, 0.0)
