"""bplib.MLP: the contract's shapes, a worked example derived by hand, every gradient against finite
differences (random sizes, depths 1..4, every activation, every valid loss/output pair, batches 1..16),
bad input, and stability for logits of ±1000."""
import math

import numpy as np
import pytest

from bplib import MLP
from bplib import activation_functions as A
from bplib.gradcheck import check_mlp

ACTS = ["sigmoid", "tanh", "relu", "linear", "softmax"]
# every loss with every valid output activation (the cross-entropies need a probability at the output)
LOSS_OUT = [(loss, out) for loss in ["sse", "half_sse", "mse"] for out in ACTS] + \
           [("cross_entropy", "sigmoid"), ("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")]
# softmax + binary_cross_entropy is refused when the net is built (test_refused_pairs)
# Tolerance of the finite-difference checks over random nets, chosen with margin: on the 312 correct nets of
# test_gradients_match_finite_differences the worst relative error is 5.8e-7 (deep sigmoid/softmax nets whose
# first-layer gradients are tiny, so the central difference's round-off, about eps·|L|/h, dominates); 1e-5 leaves
# a factor 17, while a wrong backward pass (a dropped factor, a wrong transpose or sign) gives errors of 1e-3 to 1.
TOL = 1e-5


def targets(loss, n, k, rng):
    if loss == "cross_entropy":
        return np.eye(k)[rng.integers(0, k, n)]            # one-hot rows
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, (n, k))                  # soft labels in [0, 1]
    return rng.standard_normal((n, k))


# ---------------------------------------------------------------- contract: shapes and semantics

@pytest.mark.parametrize("sizes", [[1, 1], [2, 5, 1], [16, 6, 6, 2], [3, 4, 5, 6, 2]])
def test_parameter_and_output_shapes(sizes, rng):
    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    net = MLP(sizes, acts, "mse")
    assert len(net.weights) == len(net.biases) == len(sizes) - 1
    for l in range(len(sizes) - 1):
        assert net.weights[l].shape == (sizes[l], sizes[l + 1])
        assert net.biases[l].shape == (sizes[l + 1],)
        assert net.weights[l].dtype == np.float64
    X = rng.standard_normal((7, sizes[0]))
    assert net.forward(X).shape == (7, sizes[-1])
    loss, gw, gb = net.loss_and_gradients(X, rng.standard_normal((7, sizes[-1])))
    assert isinstance(loss, float)
    assert [g.shape for g in gw] == [w.shape for w in net.weights]
    assert [g.shape for g in gb] == [b.shape for b in net.biases]
    assert net.n_params == sum(m * n + n for m, n in zip(sizes, sizes[1:]))


def test_forward_is_the_layer_formula(rng):
    # a¹ = tanh(X W¹ + b¹), a² = σ(a¹ W² + b²), written out with plain numpy, entry [i, j] = unit i -> unit j
    net = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse", seed=5)
    net.biases[0][...] = rng.standard_normal(4)
    net.biases[1][...] = rng.standard_normal(2)
    X = rng.standard_normal((6, 3))
    h = np.tanh(X @ net.weights[0] + net.biases[0])
    out = 1 / (1 + np.exp(-(h @ net.weights[1] + net.biases[1])))
    np.testing.assert_allclose(net.forward(X), out, rtol=1e-14)
    # entry [i, j] of weights[0] connects input i to hidden unit j:
    x = np.array([[1.0, 0.0, 0.0]])
    zs, _ = net.forward_all(x)
    np.testing.assert_allclose(zs[0][0], net.weights[0][0] + net.biases[0], rtol=1e-15)


def test_overwriting_weights_in_place_changes_the_output():
    net = MLP([2, 2, 1], ["relu", "linear"], "mse")
    X = np.array([[1.0, 2.0]])
    before = net.forward(X).copy()
    net.weights[0][...] = [[1.0, -1.0], [0.5, 2.0]]   # z¹ = [1 + 1, -1 + 4] = [2, 3]
    net.biases[0][...] = [0.0, -1.0]                   # z¹ = [2, 2], a¹ = [2, 2]
    net.weights[1][...] = [[3.0], [-0.5]]              # z² = 6 - 1 = 5
    net.biases[1][...] = [0.25]                        # 5.25
    assert net.forward(X)[0, 0] == 5.25 != before[0, 0]
    _, gw, gb = net.loss_and_gradients(X, np.array([[5.0]]))
    # mse = (5.25 - 5)² / 1; ∂/∂z² = 2·0.25 = 0.5; ∂/∂W² = a¹ᵀ·0.5 = [[1], [1]]; ∂/∂b² = 0.5
    np.testing.assert_allclose(gw[1], [[1.0], [1.0]], rtol=1e-15)
    np.testing.assert_allclose(gb[1], [0.5], rtol=1e-15)
    # δ¹ = relu'(z¹) ⊙ (0.5 · W²ᵀ) = [1.5, -0.25];  ∂/∂W¹ = xᵀ δ¹ = [[1.5, -0.25], [3, -0.5]]
    np.testing.assert_allclose(gw[0], [[1.5, -0.25], [3.0, -0.5]], rtol=1e-15)
    np.testing.assert_allclose(gb[0], [1.5, -0.25], rtol=1e-15)


def test_loss_and_gradients_does_not_change_the_net(rng):
    net = MLP([3, 4, 2], ["relu", "softmax"], "cross_entropy")
    keep = [w.copy() for w in net.weights] + [b.copy() for b in net.biases]
    X = rng.standard_normal((5, 3))
    Y = np.eye(2)[[0, 1, 1, 0, 1]]
    X_keep, Y_keep = X.copy(), Y.copy()
    net.loss_and_gradients(X, Y)
    for p, k in zip(net.weights + net.biases, keep):
        np.testing.assert_array_equal(p, k)
    np.testing.assert_array_equal(X, X_keep)
    np.testing.assert_array_equal(Y, Y_keep)


def test_loss_definitions_through_the_net(rng):
    # the net's loss is the definition applied to its output
    X = rng.standard_normal((6, 3))
    for loss, out in LOSS_OUT:
        net = MLP([3, 4], [out], loss, seed=2)
        Y = targets(loss, 6, 4, rng)
        a = net.forward(X)
        expected = {"sse": lambda: np.sum((a - Y) ** 2), "half_sse": lambda: 0.5 * np.sum((a - Y) ** 2),
                    "mse": lambda: np.sum((a - Y) ** 2) / 24,
                    "cross_entropy": lambda: -np.sum(Y * np.log(a)) / 6,
                    "binary_cross_entropy": lambda: -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a)) / 24}[loss]()
        assert abs(net.loss(X, Y) - expected) <= 1e-12 * abs(expected), (loss, out)


def test_backprop_record_follows_the_delta_recursion(rng):
    net = MLP([3, 5, 4, 2], ["tanh", "sigmoid", "linear"], "half_sse", seed=1)
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    r = net.backprop(X, Y)
    assert len(r.zs) == len(r.deltas) == 3 and len(r.activations) == 4
    np.testing.assert_array_equal(r.activations[0], X)
    np.testing.assert_allclose(r.deltas[2], r.activations[3] - Y, rtol=1e-14)      # half_sse, linear output
    for l in (1, 0):   # δˡ = g'(zˡ) ⊙ (δˡ⁺¹ Wˡ⁺¹ᵀ)
        g_prime = A.get(net.activation_names[l]).prime
        np.testing.assert_allclose(r.deltas[l], g_prime(r.zs[l]) * (r.deltas[l + 1] @ net.weights[l + 1].T),
                                   rtol=1e-12)
    for l in range(3):  # ∂L/∂W = aᵀ δ, ∂L/∂b = Σ_n δ
        np.testing.assert_allclose(r.nabla_w[l], r.activations[l].T @ r.deltas[l], rtol=1e-12)
        np.testing.assert_allclose(r.nabla_b[l], r.deltas[l].sum(axis=0), rtol=1e-12)
    assert r.loss == net.loss(X, Y)


def test_copy_is_independent():
    net = MLP([2, 3, 1], ["tanh", "sigmoid"], "mse")
    twin = net.copy()
    twin.weights[0][0, 0] += 1.0
    twin.biases[1][0] = 3.0
    assert twin.weights[0][0, 0] == net.weights[0][0, 0] + 1.0
    assert net.biases[1][0] == 0.0
    assert "2-3-1" in repr(net)


# ---------------------------------------------------------------- a worked example derived by hand

def mazur_by_hand():
    """Matt Mazur's 2-2-2 sigmoid network with E = ½Σ(a - y)², computed with plain floats and math.exp.

    Inputs i1 = .05, i2 = .10; targets .01, .99; weights w1..w8 = .15 .20 .25 .30 .40 .45 .50 .55;
    biases b1 = .35 (both hidden units), b2 = .60 (both outputs).  w1: i1->h1, w2: i2->h1, w3: i1->h2,
    w4: i2->h2, w5: h1->o1, w6: h2->o1, w7: h1->o2, w8: h2->o2.
    """
    s = lambda x: 1 / (1 + math.exp(-x))
    i1, i2, t1, t2 = 0.05, 0.10, 0.01, 0.99
    w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55, 0.35, 0.60
    net_h1 = w1 * i1 + w2 * i2 + b1          # .0075 + .02 + .35 = .3775
    net_h2 = w3 * i1 + w4 * i2 + b1          # .0125 + .03 + .35 = .3925
    h1, h2 = s(net_h1), s(net_h2)            # ≈ .593269992, .596884378
    net_o1 = w5 * h1 + w6 * h2 + b2          # ≈ 1.105905967
    net_o2 = w7 * h1 + w8 * h2 + b2          # ≈ 1.224921404
    o1, o2 = s(net_o1), s(net_o2)            # ≈ .751365070, .772928465
    E = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2          # ≈ .274811083 + .023560026 = .298371109
    d_o1 = (o1 - t1) * o1 * (1 - o1)         # ∂E/∂net_o1 ≈ .741365070 · .186815602 ≈ .138498562
    d_o2 = (o2 - t2) * o2 * (1 - o2)         # ≈ -.217071535 · .175510053 ≈ -.038098236
    d_h1 = (d_o1 * w5 + d_o2 * w7) * h1 * (1 - h1)   # (.0553994 - .0190491) · .2413007 ≈ .008771354
    d_h2 = (d_o1 * w6 + d_o2 * w8) * h2 * (1 - h2)
    return dict(h=(h1, h2), o=(o1, o2), E=E,
                # ∂E/∂w = (input of the weight) · (delta of the unit it feeds)
                dW1=[[i1 * d_h1, i1 * d_h2], [i2 * d_h1, i2 * d_h2]],      # [[dw1, dw3], [dw2, dw4]]
                dW2=[[h1 * d_o1, h1 * d_o2], [h2 * d_o1, h2 * d_o2]],      # [[dw5, dw7], [dw6, dw8]]
                db1=[d_h1, d_h2], db2=[d_o1, d_o2])


def mazur_net():
    net = MLP([2, 2, 2], ["sigmoid", "sigmoid"], "half_sse")
    net.weights[0][...] = [[0.15, 0.25], [0.20, 0.30]]   # row i = input i, column j = hidden unit j
    net.biases[0][...] = [0.35, 0.35]
    net.weights[1][...] = [[0.40, 0.50], [0.45, 0.55]]
    net.biases[1][...] = [0.60, 0.60]
    return net, np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


def test_mazur_example_by_hand():
    net, X, Y = mazur_net()
    hand = mazur_by_hand()
    r = net.backprop(X, Y)
    np.testing.assert_allclose(r.activations[1][0], hand["h"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.activations[2][0], hand["o"], rtol=0, atol=1e-12)
    assert abs(r.loss - hand["E"]) < 1e-12
    np.testing.assert_allclose(r.nabla_w[0], hand["dW1"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.nabla_w[1], hand["dW2"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.nabla_b[0], hand["db1"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r.nabla_b[1], hand["db2"], rtol=0, atol=1e-12)
    # and the figures printed in Mazur's post (9 decimals, rounded along the way)
    assert abs(r.activations[2][0, 0] - 0.75136507) < 1e-8
    assert abs(r.activations[2][0, 1] - 0.772928465) < 1e-9
    assert abs(r.loss - 0.298371109) < 1e-9
    assert abs(r.nabla_w[1][0, 0] - 0.082167041) < 1e-9        # ∂E/∂w5
    assert abs(r.nabla_w[0][0, 0] - 0.000438568) < 1e-9        # ∂E/∂w1


def test_mazur_one_training_step():
    # one full-batch step with lr = 0.5: w <- w - 0.5 ∂E/∂w (Mazur: w5+ = .35891648, w1+ = .149780716)
    net, X, Y = mazur_net()
    hand = mazur_by_hand()
    w1_before, w2_before = net.weights[0].copy(), net.weights[1].copy()
    net.train(X, Y, lr=0.5, epochs=1)
    np.testing.assert_allclose(net.weights[1], w2_before - 0.5 * np.array(hand["dW2"]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.weights[0], w1_before - 0.5 * np.array(hand["dW1"]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.weights[1], [[0.35891648, 0.511301270], [0.408666186, 0.561370121]],
                               rtol=0, atol=1e-8)
    np.testing.assert_allclose(net.weights[0], [[0.149780716, 0.24975114], [0.19956143, 0.29950229]],
                               rtol=0, atol=1e-8)


def test_softmax_cross_entropy_single_layer_by_hand():
    # one sample, logits z = [0, ln 2, ln 3] (weights 0, biases = z): a = [1, 2, 3]/6; y = class 1
    # L = -log(2/6) = ln 3; δ = a - y = [1/6, -4/6, 3/6]; ∂L/∂W = xᵀ δ with x = [2]
    net = MLP([1, 3], ["softmax"], "cross_entropy")
    net.weights[0][...] = 0.0
    net.biases[0][...] = [0.0, math.log(2), math.log(3)]
    loss, gw, gb = net.loss_and_gradients(np.array([[2.0]]), np.array([[0.0, 1.0, 0.0]]))
    assert abs(loss - math.log(3)) < 1e-15
    np.testing.assert_allclose(gb[0], [1 / 6, -4 / 6, 3 / 6], rtol=1e-14)
    np.testing.assert_allclose(gw[0], [[2 / 6, -8 / 6, 6 / 6]], rtol=1e-14)


# ---------------------------------------------------------------- every gradient vs finite differences

def grid():
    cases = []
    for loss, out in LOSS_OUT:
        cases.append((1, (), loss, out))
        for hidden in ACTS:
            for depth in (2, 3, 4):
                cases.append((depth, (hidden,) * (depth - 1), loss, out))
    # a few nets whose hidden layers mix activations
    mix = np.random.default_rng(99)
    for i in range(24):
        depth = 2 + i % 3
        loss, out = LOSS_OUT[i % len(LOSS_OUT)]
        cases.append((depth, tuple(mix.choice(ACTS, depth - 1)), loss, out))
    # batch sizes 1..16 cycle through the grid, so every size is used many times
    return [(depth, hidden, loss, out, 1 + i % 16) for i, (depth, hidden, loss, out) in enumerate(cases)]


CASES = grid()


@pytest.mark.parametrize("depth, hidden, loss, out, n", CASES,
                         ids=[f"{d}L-{'.'.join(h) or 'none'}-{o}-{l}-N{n}" for d, h, l, o, n in CASES])
def test_gradients_match_finite_differences(depth, hidden, loss, out, n):
    seed = CASES.index((depth, hidden, loss, out, n))
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in rng.integers(1, 5, depth + 1)]
    sizes[-1] = int(rng.integers(2, 5))
    g = list(hidden) + [out]
    sizes[1:] = [max(s, 2) if g_l == "softmax" else s for s, g_l in zip(sizes[1:], g)]  # softmax needs 2+ units
    net = MLP(sizes, g, loss, seed=seed)
    for b in net.biases:                     # non-zero biases, so their gradients are exercised too
        b[...] = 0.5 * rng.standard_normal(b.shape)
    X = rng.standard_normal((n, sizes[0]))
    Y = targets(loss, n, sizes[-1], rng)
    check = check_mlp(net, X, Y)
    assert check.max_relative_error <= TOL, check


def test_check_mlp_catches_a_wrong_gradient(rng):
    # the test above can fail: a backward pass that forgets g' in the hidden layer is caught.
    net = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse", seed=3)
    X, Y = rng.standard_normal((5, 3)), rng.uniform(0, 1, (5, 2))
    good = net.loss_and_gradients

    def wrong(X, Y):
        loss, gw, gb = good(X, Y)
        r = net.backprop(X, Y)
        delta_no_gprime = r.deltas[1] @ net.weights[1].T
        return loss, [X.T @ delta_no_gprime, gw[1]], [delta_no_gprime.sum(axis=0), gb[1]]

    net.loss_and_gradients = wrong
    assert check_mlp(net, X, Y).max_relative_error > 0.01


def test_digits_net_gradients(rng):
    # the book's 16-6-6-2 relu/softmax/cross-entropy net on 4×4 images: 158 parameters, gradients exact.
    from bplib import data
    X, y = data.digits()
    net = MLP([16, 6, 6, 2], ["relu", "relu", "softmax"], "cross_entropy", init="he", seed=1)
    assert net.n_params == 16 * 6 + 6 + 6 * 6 + 6 + 6 * 2 + 2 == 158
    assert check_mlp(net, X, data.one_hot(y, 2)).max_relative_error <= TOL


# ---------------------------------------------------------------- bad input

def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match=r"activation.*'swish'.*'sigmoid'.*'softmax'"):
        MLP([2, 3, 1], ["swish", "sigmoid"], "mse")
    with pytest.raises(ValueError, match=r"loss.*'l1'.*'sse'.*'half_sse'.*'mse'.*'cross_entropy'"):
        MLP([2, 1], ["sigmoid"], "l1")
    with pytest.raises(ValueError, match=r"g must have one activation.*expected 2.*got 1"):
        MLP([2, 3, 1], ["sigmoid"], "mse")
    with pytest.raises(ValueError, match=r"g must have one activation.*expected 1.*got 3"):
        MLP([2, 1], ["tanh", "tanh", "sigmoid"], "mse")
    with pytest.raises(TypeError, match="g must be a list"):
        MLP([2, 3, 1], "sigmoid", "mse")
    with pytest.raises(ValueError, match="sizes"):
        MLP([2], [], "mse")
    with pytest.raises(TypeError, match="sizes must be a list or tuple"):
        MLP("2-1", ["sigmoid"], "mse")
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        MLP([2, 0], ["sigmoid"], "mse")
    with pytest.raises(TypeError, match=r"sizes\[0\]"):
        MLP([2.5, 1], ["sigmoid"], "mse")
    for loss in ("cross_entropy", "binary_cross_entropy"):
        with pytest.raises(ValueError, match=r"loss.*last activation.*'sigmoid' or 'softmax'"):
            MLP([2, 1], ["linear"], loss)


@pytest.fixture
def net():
    return MLP([3, 4, 2], ["tanh", "sigmoid"], "binary_cross_entropy")


GOOD_X = np.zeros((5, 3))
GOOD_Y = np.full((5, 2), 0.5)


@pytest.mark.parametrize("X, match", [
    (np.zeros((5, 4)), r"X must have shape \(N, 3\)"),
    (np.zeros(3), r"X must be a 2-D array"),
    (np.zeros((5, 3, 1)), r"X must be a 2-D array"),
    (np.where(np.eye(5, 3) > 0, np.nan, 0.0), "X contains NaN or inf"),
    (np.full((5, 3), np.inf), "X contains NaN or inf"),
    ([["a", "b", "c"]], "X must be an array of real numbers"),
])
def test_bad_X(net, X, match):
    error = TypeError if "numbers" in match else ValueError
    with pytest.raises(error, match=match):
        net.loss_and_gradients(X, GOOD_Y)
    if "NaN" in match or "shape" in match:
        with pytest.raises(error, match=match):
            net.forward(X)


@pytest.mark.parametrize("Y, match", [
    (np.zeros((4, 2)), r"Y must have shape \(N, K\) = \(5, 2\)"),
    (np.zeros((5, 3)), r"Y must have shape \(N, K\) = \(5, 2\)"),
    (np.zeros(5), r"Y must be a 2-D array"),
    (np.full((5, 2), np.nan), "Y contains NaN or inf"),
    (np.full((5, 2), -np.inf), "Y contains NaN or inf"),
    (np.full((5, 2), 1.5), r"Y must hold labels in \[0, 1\].*binary_cross_entropy"),
    (np.full((5, 2), -0.1), r"Y must hold labels in \[0, 1\]"),
])
def test_bad_Y(net, Y, match):
    with pytest.raises(ValueError, match=match):
        net.loss_and_gradients(GOOD_X, Y)
    with pytest.raises(ValueError, match=match):
        net.loss(GOOD_X, Y)


def test_cross_entropy_labels_outside_0_1():
    net = MLP([3, 2], ["softmax"], "cross_entropy")
    with pytest.raises(ValueError, match=r"Y must hold labels in \[0, 1\].*'cross_entropy'"):
        net.loss_and_gradients(GOOD_X, np.tile([[2.0, -1.0]], (5, 1)))
    # the squared errors take any real target
    assert np.isfinite(MLP([3, 2], ["softmax"], "mse").loss(GOOD_X, np.full((5, 2), 7.0)))


@pytest.mark.parametrize("which, shape, match", [
    ("weights", (3, 3), r"weights\[0\] must have shape \(3, 4\), got \(3, 3\)"),
    ("weights", (4, 3), r"weights\[0\] must have shape \(3, 4\)"),
    ("biases", (3,), r"biases\[0\] must have shape \(4,\), got \(3,\)"),
    ("biases", (1, 4), r"biases\[0\] must have shape \(4,\)"),
])
def test_bad_weight_shapes(net, which, shape, match):
    getattr(net, which)[0] = np.zeros(shape)
    with pytest.raises(ValueError, match=match):
        net.loss_and_gradients(GOOD_X, GOOD_Y)
    with pytest.raises(ValueError, match=match):
        net.forward(GOOD_X)


def test_weights_must_stay_arrays_one_per_layer(net):
    net.weights[1] = [[0.0, 0.0]] * 4          # a list instead of overwriting the array in place
    with pytest.raises(TypeError, match=r"weights\[1\] must be a float64 numpy array.*weights\[1\]\[\.\.\.\] = values"):
        net.forward(GOOD_X)
    net = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse")
    net.biases[0] = 0.0
    with pytest.raises(TypeError, match=r"biases\[0\] must be a float64 numpy array"):
        net.loss_and_gradients(GOOD_X, GOOD_Y)
    net = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse")
    net.weights.pop()
    with pytest.raises(TypeError, match=r"net.weights must be a list of one numpy array per layer \(2 .*of length 1"):
        net.forward(GOOD_X)


# ---------------------------------------------------------------- stability for logits of ±1000

X_PM = np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 1.0], [0.0, 0.0, 1.0]])
LOSS_PROB_OUT = [(loss, out) for loss, out in LOSS_OUT if out in ("sigmoid", "softmax")]


def targets_fixed(loss):
    return np.eye(3)[[1, 0, 2]] if loss == "cross_entropy" else np.array([[0, 1, 0.5], [1, 0, 0], [0, 1, 1.0]])


@pytest.mark.parametrize("loss, out", LOSS_PROB_OUT)
def test_logits_of_1000_single_layer(loss, out):
    # weights 1000·I: the logits are 1000·X, entries ±1000 and 0, so outputs saturate to exactly 0 and 1
    net = MLP([3, 3], [out], loss)
    net.weights[0][...] = 1000 * np.eye(3)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, gw, gb = net.loss_and_gradients(X_PM, targets_fixed(loss))
    assert np.isfinite(value)
    assert all(np.all(np.isfinite(g)) for g in gw + gb)


@pytest.mark.parametrize("loss, out", LOSS_PROB_OUT)
@pytest.mark.parametrize("hidden", ACTS)
def test_logits_of_1000_deep(loss, out, hidden):
    # a hidden layer in front: the delta must stay finite through the recursion as well
    net = MLP([3, 3, 3], [hidden, out], loss, seed=4)
    net.weights[0][...] = 10 * np.eye(3)
    net.weights[1][...] = 1000 * np.array([[1.0, -1.0, 0.5], [-1.0, 1.0, 0.0], [0.5, 0.0, -1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, gw, gb = net.loss_and_gradients(X_PM, targets_fixed(loss))
    assert np.isfinite(value)
    assert all(np.all(np.isfinite(g)) for g in gw + gb)


def test_fused_losses_through_the_net_at_1000():
    # softmax + CE with logits 1000·X and y = classes 1, 0, 2:
    # row 0: z = [1000, -1000, 0], true class 1: -log softmax = 2000
    # row 1: z = [-1000, 1000, 1000], true class 0: -log(e^-2000 / 2) = 2000 + log 2
    # row 2: z = [0, 0, 1000], true class 2: -log(1/(1 + 2e^-1000)) = 0
    net = MLP([3, 3], ["softmax"], "cross_entropy")
    net.weights[0][...] = 1000 * np.eye(3)
    Y = np.eye(3)[[1, 0, 2]]
    assert abs(net.loss(X_PM, Y) - (4000 + math.log(2)) / 3) < 1e-10
    _, _, gb = net.loss_and_gradients(X_PM, Y)
    # ∂L/∂b = Σ_n (a_n - y_n)/N with a = [1,0,0], [0,½,½], [0,0,1]:
    # ([1,-1,0] + [-1,½,½] + [0,0,0])/3 = [0, -1/6, 1/6]
    np.testing.assert_allclose(gb[0], [0.0, -1 / 6, 1 / 6], rtol=1e-15, atol=1e-300)
    # sigmoid + BCE, y = 0 where z = 1000 and 1 where z = -1000: each costs 1000 per entry
    net = MLP([1, 2], ["sigmoid"], "binary_cross_entropy")
    net.weights[0][...] = [[1000.0, -1000.0]]
    assert abs(net.loss(np.array([[1.0]]), np.array([[0.0, 1.0]])) - 1000.0) < 1e-10


# ---------------------------------------------------------------- the lines chapter 4 prints and quotes

def test_chapter4_source_quotes():
    """Chapter 4 prints bplib.mlp.forward/backward and quotes their lines in its equation<->code table. The quotes
    are one list, bpbook.network.QUOTED_LINES, which the chapter's table and listing tags are built from: every
    quoted line must be in the source it names, each listing tag must mark exactly one line, and the listing must
    fit the page (lines of at most 88 characters)."""
    import inspect

    from bplib import losses, mlp
    from bpbook.network import QUOTED_LINES, code_of, missing_quotes, source_lines

    missing = missing_quotes()
    assert not missing, f"chapter 4 quotes lines that are no longer in bplib (update QUOTED_LINES): {missing}"
    for q in QUOTED_LINES:
        if q.tag:
            hits = sum(code_of(q.code) in line for line in source_lines(q.where))
            assert hits == 1, f"tag {q.tag!r} ({q.code!r}) marks {hits} lines of {q.where}, expected 1"
    assert {q.where for q in QUOTED_LINES if q.tag} == {"bplib.mlp.forward", "bplib.mlp.backward"}
    for func in (mlp.forward, mlp.backward):
        long = [line.rstrip() for line in inspect.getsourcelines(func)[0] if len(line.rstrip()) > 88]
        assert not long, f"chapter 4 prints {func.__name__}: keep its lines within 88 characters: {long}"
    # the chapter's example (sigmoid output, half_sse) takes the chain rule of eq-ch4-bp1, not a fused formula
    assert ("sigmoid", "half_sse") not in losses.FUSED


def test_default_init_and_seed_are_pinned():
    a = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse")
    b = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse", seed=0, init="xavier")
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.weights[0], MLP([3, 4, 2], ["tanh", "sigmoid"], "mse", init="he").weights[0])


def overflow_net():
    net = MLP([1, 20], ["linear"], "half_sse")
    net.weights[0][...] = 1e-107
    return net


def test_huge_but_finite_gradients_are_returned_not_refused():
    # z = 1e207 · 1e-107 = 1e100 per unit: the loss (1e201) and every gradient entry (1e307) are finite, although
    # the 20 weight gradients together sum past the largest float
    r = overflow_net().backprop([[1e207]], np.zeros((1, 20)))
    assert np.isfinite(r.loss) and r.loss == pytest.approx(10 * 1e200, rel=1e-12)
    np.testing.assert_allclose(r.nabla_w[0], np.full((1, 20), 1e307), rtol=1e-12)
    np.testing.assert_allclose(r.nabla_b[0], np.full(20, 1e100), rtol=1e-12)


def test_a_gradient_that_overflows_is_named():
    # X = 1e250: z = 1e143 per unit and the loss 1e287 are finite, but ∂ℒ/∂W = X·δ = 1e393 overflows
    with pytest.raises(ValueError, match=r"overflow in the ∂ℒ/∂W\^1 \(every layer's z and a are finite\)"):
        overflow_net().backprop([[1e250]], np.zeros((1, 20)))


def test_an_overflow_in_a_later_layer_is_named():
    net = MLP([1, 1, 1], ["linear", "linear"], "mse")
    net.weights[0][...], net.weights[1][...] = 1e200, 1e200          # z¹ = 1e200 is finite, z² = 1e400 is not
    with pytest.raises(ValueError, match=r"overflow in layer 2: z\^2"):
        net.forward_all([[1.0]])


@pytest.mark.parametrize("g", ["tanh", "sigmoid"])
def test_an_overflowing_z_is_named_even_when_g_of_it_is_finite(g):
    # z¹ = 3 · 1e308 = inf, but tanh(inf) = 1 and σ(inf) = 1 are finite: the output would look fine
    net = MLP([3, 4, 2], [g, "linear"], "mse")
    net.weights[0][...] = 1.0
    with pytest.raises(ValueError, match=r"overflow in layer 1: z\^1"):
        net.forward_all(np.full((2, 3), 1e308))


# ---------------------------------------------------------------- attributes replaced after construction

TANH = A.get("tanh")


@pytest.mark.parametrize("g", [[], ["tanh"], None, (TANH, A.get("sigmoid")), [TANH, TANH, TANH], [TANH, "sigmoid"]])
def test_a_replaced_g_is_checked_at_every_public_call(net, g):
    net.g = g
    match = r"net.g must be a list of one Activation per layer \(2 for sizes \[3, 4, 2\]"
    for call in (lambda: net.forward(GOOD_X), lambda: net.loss(GOOD_X, GOOD_Y),
                 lambda: net.loss_and_gradients(GOOD_X, GOOD_Y), lambda: net.check_data(GOOD_X), net.copy):
        with pytest.raises(TypeError, match=match):
            call()


@pytest.mark.parametrize("loss_fn", ["mse", None, A.get("tanh")])
def test_a_replaced_loss_fn_is_checked(net, loss_fn):
    net.loss_fn = loss_fn
    for call in (lambda: net.loss(GOOD_X, GOOD_Y), lambda: net.backprop(GOOD_X, GOOD_Y), net.copy):
        with pytest.raises(TypeError, match=r"net.loss_fn must be a Loss \(e.g. bplib.losses.get\('mse'\)\), got"):
            call()


def test_a_replaced_g_or_loss_must_follow_the_constructor_rules():
    from bplib import losses
    net = MLP([3, 2], ["softmax"], "cross_entropy")
    net.g = [A.get("relu")]                                   # the log of a relu output
    with pytest.raises(ValueError, match=r"loss 'cross_entropy' takes log of the output.*got 'relu'"):
        net.forward(GOOD_X)
    net = MLP([3, 1], ["sigmoid"], "mse")
    net.g = [A.get("softmax")]                                # softmax over one unit
    with pytest.raises(ValueError, match=r"g\[0\] is softmax over sizes\[1\] = 1 unit"):
        net.loss(GOOD_X, np.zeros((5, 1)))
    net = MLP([3, 2], ["softmax"], "mse")
    net.loss_fn = losses.binary_cross_entropy
    with pytest.raises(ValueError, match=r"'binary_cross_entropy' with a softmax output is not supported"):
        net.copy()


def test_a_valid_replacement_is_used(rng):
    net = MLP([3, 2], ["tanh"], "mse")
    X = rng.standard_normal((4, 3))
    net.g = [A.get("relu")]
    np.testing.assert_array_equal(net.forward(X), np.maximum(X @ net.weights[0], 0.0))
    from bplib import losses
    net.loss_fn = losses.sse                                   # sse = N·K · mse of the same outputs
    Y = rng.standard_normal((4, 2))
    assert net.loss(X, Y) == pytest.approx(np.sum((np.maximum(X @ net.weights[0], 0.0) - Y) ** 2), rel=1e-15)
    assert net.copy().loss_name == "sse"


def test_Y_none_is_named(net):
    for call in (net.loss, net.backprop, net.loss_and_gradients, net.check_data):
        with pytest.raises(TypeError, match=r"Y must be an array of targets of shape \(N, K\) = \(2, 2\), got None"):
            call(GOOD_X[:2], None)
    # check_data(X) alone still returns X alone, check_data(X, Y) the pair; help() shows Y's default as "no Y"
    import inspect
    assert "(X, Y=<no Y>)" in str(inspect.signature(net.check_data))
    assert net.check_data(GOOD_X).shape == (5, 3)
    X, Y = net.check_data(GOOD_X, GOOD_Y)
    assert X.shape == (5, 3) and Y.shape == (5, 2)


@pytest.mark.parametrize("dtype", ["M8[s]", "m8[s]"])
def test_dates_are_not_numbers(net, dtype):
    with pytest.raises(TypeError, match=r"X must be an array of real numbers"):
        net.forward(np.array([[1, 2, 3]], dtype=dtype))


def test_gradients_must_be_a_flag(net):
    with pytest.raises(TypeError, match=r"gradients must be True or False, got 'no'"):
        net.backprop(GOOD_X, GOOD_Y, gradients="no")
    r = net.backprop(GOOD_X, GOOD_Y, gradients=False)
    assert r.nabla_w == [] and r.loss == net.backprop(GOOD_X, GOOD_Y).loss


def test_an_init_whose_values_overflow_float64_is_refused():
    huge = lambda fan_in, fan_out, rng: np.full((fan_in, fan_out), np.longdouble("1e400"))  # noqa: E731
    with pytest.raises(ValueError, match=r"init must return a finite real array.*layer 0 .*\(3, 2\) float128"):
        MLP([3, 2], ["tanh"], "mse", init=huge)
    # a longdouble within range is cast to float64 (weights are float64 arrays)
    net = MLP([3, 2], ["tanh"], "mse", init=lambda fan_in, fan_out, rng: np.full((fan_in, fan_out),
                                                                                np.longdouble("1e300")))
    assert net.weights[0].dtype == np.float64 and np.all(net.weights[0] == 1e300)


@pytest.mark.parametrize("which", ["weights", "biases"])
def test_copy_and_n_params_check_the_parameter_lists(which):
    net = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse")
    setattr(net, which, None)
    for call in (net.copy, lambda: net.n_params):
        with pytest.raises(TypeError, match=rf"net.{which} must be a list of one numpy array per layer"):
            call()
    net = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse")
    getattr(net, which)[1] = None
    for call in (net.copy, lambda: net.n_params):
        with pytest.raises(TypeError, match=rf"{which}\[1\] must be a float64 numpy array"):
            call()


def test_copy_and_n_params_need_no_finite_or_writeable_parameters():
    # copying and counting are structural: a diverged (NaN) net or a read-only array can be copied and counted
    net = MLP([3, 4, 2], ["tanh", "sigmoid"], "mse")
    net.weights[0][0, 0] = np.nan
    net.biases[1] = net.biases[1].copy()
    net.biases[1].flags.writeable = False
    twin = net.copy()
    assert np.isnan(twin.weights[0][0, 0]) and twin.biases[1].flags.writeable
    assert net.n_params == 3 * 4 + 4 + 4 * 2 + 2
    with pytest.raises(ValueError, match=r"weights\[0\] contains NaN or inf"):   # but neither can be used
        twin.forward(GOOD_X)


@pytest.mark.parametrize("sizes", [[2 ** 30, 2 ** 30], [10 ** 30, 2], [3, 2 ** 40, 2 ** 40]])
def test_impossible_sizes_are_named(sizes):
    l = 0 if sizes[0] > 3 else 1
    with pytest.raises(ValueError, match=rf"sizes\[{l}\] × sizes\[{l + 1}\] = .* weights do not fit in one numpy "
                                         rf"array \(at most 1152921504606846975 float64 entries\)"):
        MLP(sizes, ["tanh"] * (len(sizes) - 1), "mse")


def test_sizes_that_fit_an_array_reach_numpy():
    # (2³⁰ − 1)(2³⁰ + 1) = 2⁶⁰ − 1 entries, the most an array can have: numpy's own MemoryError, not refused
    with pytest.raises(MemoryError):
        MLP([2 ** 30 - 1, 2 ** 30 + 1], ["tanh"], "mse")


def test_softmax_cross_entropy_net_at_logits_1e308():
    # z = (1e308, -1e308): log softmax = (0, -inf); with y = (1, 0) the loss is exactly 0, not NaN from 0·(-inf)
    net = MLP([1, 2], ["softmax"], "cross_entropy")
    net.weights[0][...] = [[1e308, -1e308]]
    loss, gw, gb = net.loss_and_gradients([[1.0]], [[1.0, 0.0]])
    assert loss == 0.0
    np.testing.assert_array_equal(gw[0], [[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"overflow in the loss"):   # y on the -inf logit: ℒ ≈ 2e308 overflows
        net.loss([[1.0]], [[0.0, 1.0]])


def test_an_output_activation_that_overflows_is_named():
    # a custom g = exp at the output: z² = 800 is finite, a² = e^800 is not
    from bplib.activation_functions import Activation
    exp = Activation("exp", np.exp, lambda z, a, grad_a: a * grad_a, np.exp)
    net = MLP([1, 2, 1], ["tanh", exp], "mse")
    net.weights[0][...], net.biases[0][...], net.weights[1][...] = 10.0, 0.0, 400.0
    with pytest.raises(ValueError, match=r"overflow in layer 2: a\^2 = g\(z\^2\) is not finite"):
        net.forward_all([[5.0]])


@pytest.mark.parametrize("arrays, finite", [
    ([np.ones((2, 3)), np.zeros(4)], True), ([np.array([1e308]), np.array([1e308])], False),   # the sum overflows
    ([np.ones(2), np.array([np.inf])], False), ([np.array([np.nan])], False), ([np.float64(2.0)], True),
])
def test_the_overflow_screen_is_one_sum(arrays, finite):
    from bplib.mlp import _sums_finite
    assert _sums_finite(arrays) is finite
