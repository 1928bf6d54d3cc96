"""bplib.regularization: the L2 penalty and its gradient, inverted dropout (forward, backward with a fixed mask,
expectation), clipping by global norm, and the regularised objective, each gradient against finite differences."""
from fractions import Fraction

import numpy as np
import pytest

from bplib import MLP, data
from bplib.activation_functions import get
from bplib.gradcheck import numerical_gradient, relative_error
from bplib.regularization import (clip_by_global_norm, drop_probability, dropout, dropout_mask, global_norm,
                                  l2_gradient, l2_penalty, objective)


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
    with pytest.raises(ValueError, match=r"max_norm must be a finite number > 0, got 0.0"):
        clip_by_global_norm(grads, 0.0)


# --- extreme values: the norm and the penalty without overflow or underflow ------------------------------------------
@pytest.mark.parametrize("entries, norm", [
    ([1e200], 1e200), ([-1e200, 1e200], 2 ** 0.5 * 1e200), ([1.5e308], 1.5e308), ([3e200, 4e200], 5e200),
    ([1e-200], 1e-200), ([3e-170, 4e-170], 5e-170), ([1e-160], 1e-160), ([5e-324], 5e-324), ([0.0, 0.0], 0.0),
    ([3e-160, 4.0], 4.0),
])
def test_global_norm_at_extreme_values(entries, norm):
    # sums of squares that overflow (> 1e154) or underflow (< 1e-154) give the exact norm, not inf or 0
    assert global_norm([np.array(entries)]) == pytest.approx(norm, rel=1e-15, abs=0)
    assert global_norm([np.array(entries[:1]), np.array(entries[1:])]) == pytest.approx(norm, rel=1e-15, abs=0)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("magnitude", [1e-140, 1e-3, 1.0, 1e5, 1e150])
def test_global_norm_of_ordinary_gradients_is_the_plain_formula_bit_for_bit(seed, magnitude):
    rng = np.random.default_rng(seed)
    grads = [magnitude * rng.standard_normal((7, 5)), magnitude * rng.standard_normal(5)]
    assert global_norm(grads) == float(np.sqrt(sum(float(np.sum(G * G)) for G in grads)))


def test_global_norm_beyond_the_float_range_is_refused():
    with pytest.raises(ValueError, match=r"global norm of grads is beyond the float64 range"):
        global_norm([np.array([1.5e308, 1.5e308])])
    assert global_norm([]) == 0.0


@pytest.mark.parametrize("entries, max_norm, clipped, norm", [
    ([1e200], 1.0, [1.0], 1e200),                                   # a square that overflows: still clipped
    ([3e200, -4e200], 10.0, [6.0, -8.0], 5e200),
    ([1.5e308, 1.5e308], 2.0, [2 ** 0.5, 2 ** 0.5], np.inf),        # a norm beyond float64: clipped all the same
    ([1e-200, 1e-200], 1e-300, [2 ** -0.5 * 1e-300] * 2, 2 ** 0.5 * 1e-200),   # squares that underflow
    ([3.0, 4.0], 5.0, [3.0, 4.0], 5.0),                             # exactly at the limit: unchanged
    ([4.0, 5e-324], 3.9, [3.9, 5e-324], 4.0),                       # tiny entries are not lost to a rescaling
])
def test_clip_by_global_norm_at_extreme_values(entries, max_norm, clipped, norm):
    g = [np.array(entries)]
    assert clip_by_global_norm(g, max_norm) == pytest.approx(norm, rel=1e-15)
    np.testing.assert_allclose(g[0], clipped, rtol=1e-15, atol=0)


def test_clipping_float32_gradients_in_place():
    g = [np.array([3.0, 4.0], dtype=np.float32)]
    assert clip_by_global_norm(g, 1.0) == pytest.approx(5.0, rel=1e-7)
    assert g[0].dtype == np.float32
    np.testing.assert_allclose(g[0], [0.6, 0.8], rtol=1e-6)


@pytest.mark.parametrize("weights, weight_decay, value", [
    ([np.full((2, 2), 1e160)], 1e-20, 2e300),                       # the squares overflow, the penalty does not
    ([np.full((2, 2), 1e200), np.ones(1)], 1e-100, 2e300),
    ([np.full((2, 2), 1e200)], 0.0, 0.0),                           # no decay: 0, not 0 * inf = nan
    ([np.array([1.5e308, 1.5e308])], 0.0, 0.0),
])
def test_l2_penalty_when_the_squares_overflow(weights, weight_decay, value):
    assert l2_penalty(weights, weight_decay) == pytest.approx(value, rel=1e-14)


@pytest.mark.parametrize("seed", range(8))
def test_l2_penalty_of_ordinary_weights_is_the_plain_formula_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((6, 4)), rng.standard_normal(3)]
    assert l2_penalty(W, 0.3) == 0.5 * 0.3 * sum(float(np.sum(w * w)) for w in W)


def test_l2_penalty_and_gradient_beyond_the_float_range_are_refused():
    with pytest.raises(ValueError, match=r"L2 penalty overflows .*largest \|W\| = 1e\+200"):
        l2_penalty([np.full((2, 2), 1e200)], 0.1)
    with pytest.raises(ValueError, match=r"L2 gradient overflows: weight_decay \* weights\[1\]"):
        l2_gradient([np.ones(2), np.full(2, 1e300)], 1e10)
    np.testing.assert_array_equal(l2_gradient([np.full(2, 1e300)], 0.5)[0], 5e299)


# --- bad input ---------------------------------------------------------------------------------------------------
GRADS = [np.ones((2, 2))]


@pytest.mark.parametrize("call, error, match", [
    (lambda: global_norm(None), TypeError, r"grads must be a list or tuple of arrays \(one per layer\), got NoneType"),
    (lambda: global_norm(np.ones((2, 2))), TypeError, r"grads must be a list of arrays .*got one array of shape "
                                                      r"\(2, 2\); wrap it in a list: \[G\]"),
    (lambda: global_norm([np.array(["a"])]), TypeError, r"grads\[0\] must be an array of real numbers"),
    (lambda: global_norm([np.ones(2), np.array([np.nan])]), ValueError, r"grads\[1\] contains NaN or inf"),
    (lambda: clip_by_global_norm([np.array([np.nan, 1.0])], 1.0), ValueError, r"grads\[0\] contains NaN or inf"),
    (lambda: clip_by_global_norm([np.array([np.inf, 1.0])], 1.0), ValueError, r"grads\[0\] contains NaN or inf"),
    (lambda: clip_by_global_norm([np.array([3, 4])], 1.0), TypeError,
     r"grads\[0\] must be a float numpy array \(it is scaled in place\), got ndarray int64"),
    (lambda: clip_by_global_norm([[3.0, 4.0]], 1.0), TypeError, r"grads\[0\] must be a float numpy array.*got list"),
    (lambda: clip_by_global_norm([np.ones(2), np.ones(2, complex)], 1.0), TypeError, r"grads\[1\] must be a float"),
    (lambda: clip_by_global_norm(None, 1.0), TypeError, r"grads must be a list or tuple of float arrays"),
    (lambda: clip_by_global_norm(np.ones(3), 1.0), TypeError, r"grads must be a list of float arrays"),
    (lambda: clip_by_global_norm(GRADS, -1.0), ValueError, r"max_norm must be a finite number > 0, got -1.0"),
    (lambda: clip_by_global_norm(GRADS, np.nan), ValueError, r"max_norm must be a finite number > 0"),
    (lambda: clip_by_global_norm(GRADS, "1"), TypeError, r"max_norm must be a finite number > 0"),
    (lambda: l2_penalty([np.full((2, 2), np.nan)], 0.1), ValueError, r"weights\[0\] contains NaN or inf"),
    (lambda: l2_penalty(np.ones((2, 2)), 0.1), TypeError, r"weights must be a list of arrays .*\[W\]"),
    (lambda: l2_penalty(None, 0.1), TypeError, r"weights must be a list or tuple of arrays"),
    (lambda: l2_penalty([[["a"]]], 0.1), TypeError, r"weights\[0\] must be an array of real numbers"),
    (lambda: l2_gradient(None, 0.1), TypeError, r"weights must be a list or tuple of arrays"),
    (lambda: l2_gradient([np.array([np.inf])], 0.1), ValueError, r"weights\[0\] contains NaN or inf"),
    (lambda: l2_gradient([np.ones(2)], -0.1), ValueError, r"weight_decay must be a finite number >= 0"),
])
def test_norm_clipping_and_l2_refuse_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_read_only_gradients_are_refused_before_any_is_scaled():
    a, b = np.full(2, 3.0), np.full(2, 4.0)
    b.flags.writeable = False
    with pytest.raises(ValueError, match=r"grads\[1\] is read-only; clip_by_global_norm scales it in place"):
        clip_by_global_norm([a, b], 1.0)
    np.testing.assert_array_equal(a, 3.0)


RNG = np.random.default_rng(0)


@pytest.mark.parametrize("call, error, match", [
    (lambda: dropout_mask((2, 2), 0.5, None), TypeError, r"rng must be a numpy random Generator .*got NoneType"),
    (lambda: dropout_mask((2, 2), 0.5, 0), TypeError, r"rng must be a numpy random Generator .*got int 0"),
    (lambda: dropout_mask((-1, 2), 0.5, RNG), ValueError, r"shape\[0\] must be an integer >= 0, got -1"),
    (lambda: dropout_mask((2, 2.0), 0.5, RNG), TypeError, r"shape\[1\] must be an integer >= 0, got 2.0"),
    (lambda: dropout_mask(True, 0.5, RNG), TypeError, r"shape must be a list or tuple of non-negative ints"),
    (lambda: dropout_mask("ab", 0.5, RNG), TypeError, r"shape must be a list or tuple"),
    (lambda: dropout_mask((10 ** 30,), 0.5, RNG), ValueError, r"shape \(10+,\) is too large for an array"),
    (lambda: dropout_mask((2, 2), 1.0, RNG), ValueError, r"p must be a drop probability in \[0, 1\), got 1.0"),
    (lambda: dropout_mask((2, 2), -0.1, RNG), ValueError, r"p must be a drop probability in \[0, 1\)"),
    (lambda: dropout_mask((2, 2), np.nan, RNG), ValueError, r"p must be a drop probability"),
    (lambda: dropout_mask((2, 2), "a", RNG), TypeError, r"p must be a drop probability in \[0, 1\), got 'a'"),
    (lambda: dropout_mask((2, 2), True, RNG), TypeError, r"p must be a drop probability"),
    (lambda: dropout_mask((2, 2), None, RNG), TypeError, r"p must be a drop probability"),
    (lambda: dropout("tanh", 0.5, rng=0), TypeError, r"rng must be a numpy random Generator"),
    (lambda: dropout("tanh", 0.5, rng=0, mask=np.full((2, 2), 2.0)), TypeError, r"rng must be a numpy random Gen"),
    (lambda: dropout("tanh", 0.5, mask=[[np.nan]]), ValueError, r"mask contains NaN or inf"),
    (lambda: dropout("tanh", 0.5, mask=[["a"]]), TypeError, r"mask must be an array of real numbers"),
    (lambda: dropout("tanh", 0.5, mask=np.ones((2, 2))), ValueError,
     r"mask must hold 0 \(dropped\) and 1/\(1 - p\) = 2 \(kept\)"),               # an unscaled 0/1 mask
    (lambda: dropout("tanh", 0.5, mask=[[2.0, 0.0, 1.0]]), ValueError, r"mask must hold 0 \(dropped\)"),
    (lambda: dropout("tanh", 0.5, mask=np.full((2, 2), 2.0)).forward(np.zeros((3, 3))), ValueError,
     r"z must have the shape of the fixed dropout mask \(2, 2\), got \(3, 3\)"),
    (lambda: dropout("tanh", 0.5, mask=np.full((1, 2), 2.0)).forward(np.zeros((2, 2))), ValueError,
     r"z must have the shape of the fixed dropout mask \(1, 2\), got \(2, 2\)"),         # no silent broadcasting
    (lambda: dropout("tanh", 0.5, mask=np.full((2, 2), 2.0)).backward(np.zeros((2, 2)), np.zeros((2, 2)),
                                                                     np.ones((1, 2))), ValueError,
     r"grad_a must have the shape of the fixed dropout mask \(2, 2\), got \(1, 2\)"),
    (lambda: dropout("tanh", 0.5, RNG).backward(np.zeros((2, 2)), np.zeros((2, 2)), np.ones((2, 2))), ValueError,
     r"dropout's backward needs the mask of a forward pass: call forward\(z\) first"),
])
def test_dropout_refuses_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_dropout_backward_before_and_after_a_forward_pass():
    d = dropout("tanh", 0.5, rng=np.random.default_rng(0))
    z = np.array([[0.5, -1.0, 2.0]])
    for _ in range(2):                                     # refused before the first forward, and only then
        with pytest.raises(ValueError, match=r"backward needs the mask of a forward pass"):
            d.backward(z, np.tanh(z), np.ones((1, 3)))
    a = d.forward(z)
    mask = np.where(a == 0, 0.0, 2.0)
    np.testing.assert_array_equal(d.backward(z, a, [[1.0, 1.0, 1.0]]), (1 - np.tanh(z) ** 2) * mask)


@pytest.mark.parametrize("p", [Fraction(1, 2), np.float32(0.5), 0.5, np.int64(0), 0])
def test_any_real_drop_probability_in_range_is_accepted(p):
    assert drop_probability(p) == float(p) and type(drop_probability(p)) is float
    mask = dropout_mask((20, 30), p, np.random.default_rng(1))
    np.testing.assert_array_equal(mask, dropout_mask((20, 30), float(p), np.random.default_rng(1)))
    assert set(np.unique(mask)) <= {0.0, 1 / (1 - float(p))}


def test_dropout_mask_shapes_and_generators():
    assert dropout_mask(4, 0.5, np.random.default_rng(0)).shape == (4,)
    assert dropout_mask([2, 0], 0.5, np.random.default_rng(0)).shape == (2, 0)
    assert dropout_mask((np.int64(2), 3), 0.5, np.random.default_rng(0)).shape == (2, 3)
    legacy = dropout_mask((3, 4), 0.25, np.random.RandomState(0))         # the legacy generator works too
    np.testing.assert_array_equal(legacy, (np.random.RandomState(0).random((3, 4)) >= 0.25) / 0.75)
    d = dropout("relu", 0.25, mask=legacy, rng=np.random.default_rng(0))   # a fixed mask wins over rng
    np.testing.assert_array_equal(d.forward(np.ones((3, 4))), legacy)
    np.testing.assert_array_equal(dropout("relu", 0.0, mask=np.ones((2, 2))).forward(np.ones((2, 2))), 1.0)


def test_objective_spares_the_biases_by_default():
    net, X, Y = task("tanh")
    for b in net.biases:
        b += 0.3
    value, _, nabla_b = objective(net, X, Y, weight_decay=0.3)
    r = net.backprop(X, Y)
    assert value == pytest.approx(r.loss + 0.15 * sum(np.sum(W ** 2) for W in net.weights), rel=1e-14)
    for g, g0 in zip(nabla_b, r.nabla_b):
        np.testing.assert_array_equal(g, g0)


@pytest.mark.parametrize("call, error, match", [
    (lambda net, X, Y: objective("net", X, Y), TypeError, r"net must be a bplib.MLP, got str"),
    (lambda net, X, Y: objective(net, X[:, :1], Y), ValueError, r"X must have shape \(N, 2\)"),
    (lambda net, X, Y: objective(net, np.where(X > 0, np.nan, X), Y), ValueError, r"X contains NaN or inf"),
    (lambda net, X, Y: objective(net, X, Y[:3]), ValueError, r"Y must have shape"),
    (lambda net, X, Y: objective(net, X, Y, weight_decay=-1.0), ValueError, r"weight_decay"),
    (lambda net, X, Y: objective(net, X, Y, weight_decay=0.1, decay_biases="no"), TypeError,
     r"decay_biases must be True or False, got 'no'"),
    (lambda net, X, Y: objective(net, X, Y, g=["tanh", "sigmoid"]), TypeError, r"g must be a list of 3 Activation"),
    (lambda net, X, Y: objective(net, X, Y, g=net.g[:2]), TypeError, r"g must be a list of 3 Activation"),
    (lambda net, X, Y: objective(net, X, Y, g={*net.g}), TypeError, r"g must be a list or tuple of Activation"),
])
def test_objective_checks_its_inputs(call, error, match):
    net, X, Y = task("tanh")
    with pytest.raises(error, match=match):
        call(net, X, Y)
