"""bplib.losses: the definitions (by hand), every gradient and output delta against finite differences, the
fused logit paths against the generic chain rule, and stability for logits of ±1000."""
import math
import warnings

import numpy as np
import pytest

from bplib import activation_functions as A
from bplib import losses as L
from bplib.gradcheck import gradcheck

NAMES = ["sse", "half_sse", "mse", "cross_entropy", "binary_cross_entropy"]
SHAPES = [(1, 1), (1, 3), (4, 1), (3, 2), (8, 5)]
TOL = 1e-6
# Every valid (output activation, loss) pair: the squared errors take any output, the cross-entropies a
# probability (sigmoid or softmax).
VALID = [(act, loss) for loss in ["sse", "half_sse", "mse"] for act in ["sigmoid", "tanh", "relu", "linear",
                                                                      "softmax"]] + \
        [(act, loss) for loss in ["cross_entropy", "binary_cross_entropy"] for act in ["sigmoid", "softmax"]]


def targets(loss, shape, rng):
    """Targets a loss accepts: one-hot rows for cross_entropy, soft labels in [0, 1] for BCE, reals otherwise."""
    if loss == "cross_entropy":
        return np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    if loss == "binary_cross_entropy":
        return rng.uniform(0, 1, shape)
    return rng.standard_normal(shape)


def test_definitions_by_hand():
    a = np.array([[0.2, 0.8], [0.6, 0.4]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    # squared errors: 0.2², 0.2², 0.4², 0.4² = 0.04 + 0.04 + 0.16 + 0.16 = 0.4
    assert abs(L.sse(a, y) - 0.4) < 1e-15
    assert abs(L.half_sse(a, y) - 0.2) < 1e-15
    assert abs(L.mse(a, y) - 0.1) < 1e-15                       # 0.4 / (N·K = 4)
    # cross_entropy = -(1/N) Σ y log a = -(log 0.8 + log 0.6)/2   (N = 2 rows)
    assert abs(L.cross_entropy(a, y) + (math.log(0.8) + math.log(0.6)) / 2) < 1e-15
    # BCE = -(1/4)[log(1-0.2) + log 0.8 + log 0.6 + log(1-0.4)] = -(2 log 0.8 + 2 log 0.6)/4
    assert abs(L.binary_cross_entropy(a, y) + (2 * math.log(0.8) + 2 * math.log(0.6)) / 4) < 1e-15
    # gradients: sse 2(a-y), half_sse a-y, mse 2(a-y)/4
    d = a - y
    np.testing.assert_allclose(L.sse.gradient(a, y), 2 * d, rtol=1e-15)
    np.testing.assert_allclose(L.half_sse.gradient(a, y), d, rtol=1e-15)
    np.testing.assert_allclose(L.mse.gradient(a, y), d / 2, rtol=1e-15)
    # cross_entropy: -y/(N a) -> [[0, -1/1.6], [-1/1.2, 0]]
    np.testing.assert_allclose(L.cross_entropy.gradient(a, y), [[0, -1 / 1.6], [-1 / 1.2, 0]], rtol=1e-15)
    # BCE: ((1-y)/(1-a) - y/a)/4 -> [[1/0.8, -1/0.8], [-1/0.6, 1/0.6]] / 4
    np.testing.assert_allclose(L.binary_cross_entropy.gradient(a, y), [[1.25, -1.25], [-1 / 0.6, 1 / 0.6]]
                               / np.array(4.0), rtol=1e-15)


def test_cross_entropy_averages_over_rows_not_entries():
    # one row, three classes: L = -log a_true, not divided by K = 3
    a = np.array([[0.7, 0.2, 0.1]])
    assert abs(L.cross_entropy(a, np.array([[0.0, 1.0, 0.0]])) + math.log(0.2)) < 1e-15
    # two identical rows average to the same value
    assert abs(L.cross_entropy(np.vstack([a, a]), np.array([[0.0, 1, 0], [0, 1, 0]])) + math.log(0.2)) < 1e-15


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", SHAPES)
def test_loss_gradient_matches_finite_differences(name, shape, rng):
    loss, grad = L.get(name), L.get(name).gradient
    y = targets(name, shape, rng)
    a = rng.uniform(0.05, 0.95, shape)
    assert gradcheck(lambda v: loss(v, y), lambda v: grad(v, y), a) <= TOL


# softmax over one unit is refused (test_output_delta_refuses_softmax_over_one_unit)
@pytest.mark.parametrize("act, loss, shape", [(act, loss, shape) for act, loss in VALID
                                              for shape in [(1, 1), (1, 4), (5, 3)]
                                              if not (act == "softmax" and shape[1] == 1)])
def test_output_delta_matches_finite_differences(act, loss, shape, rng):
    # δ = ∂L/∂z for L(g(z), y): fused or generic, it must be the derivative of the loss of the activation.
    forward = A.get(act).forward
    value = L.get(loss)
    y = targets(loss, shape, rng)
    z = 2 * rng.standard_normal(shape)
    z = np.where(np.abs(z) < 1e-2, 0.3, z)
    lossval, delta = L.output_delta(loss, act, z, forward(z), y)
    assert abs(lossval - value(forward(z), y)) <= 1e-12 * max(1.0, abs(lossval))
    assert gradcheck(lambda v: value(forward(v), y), lambda v: L.output_delta(loss, act, v, forward(v), y)[1],
                     z) <= TOL


@pytest.mark.parametrize("pair", sorted(L.FUSED))
@pytest.mark.parametrize("soft", [False, True])
def test_fused_paths_equal_the_chain_rule(pair, soft, rng):
    act, loss = pair
    forward, backward = A.get(act).forward, A.get(act).backward
    value, grad = L.get(loss), L.get(loss).gradient
    z = 3 * rng.standard_normal((6, 4))
    y = rng.uniform(0, 1, z.shape) if soft else np.eye(4)[rng.integers(0, 4, 6)]
    a = forward(z)
    fused_loss, fused_delta = L.FUSED[pair](z, a, y)
    assert abs(fused_loss - value(a, y)) < 1e-12
    np.testing.assert_allclose(fused_delta, backward(z, a, grad(a, y)), rtol=1e-9, atol=1e-14)


def test_softmax_cross_entropy_delta_is_a_minus_y_over_n(rng):
    z = rng.standard_normal((5, 3))
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    _, delta = L.output_delta("cross_entropy", "softmax", z, A.softmax(z), y)
    np.testing.assert_allclose(delta, (A.softmax(z) - y) / 5, rtol=1e-14, atol=1e-16)


def test_sigmoid_bce_delta_is_a_minus_y_over_nk(rng):
    z = rng.standard_normal((5, 3))
    y = rng.uniform(0, 1, (5, 3))
    _, delta = L.output_delta("binary_cross_entropy", "sigmoid", z, A.sigmoid(z), y)
    np.testing.assert_allclose(delta, (A.sigmoid(z) - y) / 15, rtol=1e-14, atol=1e-16)


def test_softplus():
    # softplus(0) = log 2;  softplus(z) - softplus(-z) = z;  softplus(±1000) = 1000 / 0 without overflow
    assert abs(L.softplus(0.0) - math.log(2)) < 1e-16
    z = np.linspace(-30, 30, 13)
    np.testing.assert_allclose(L.softplus(z) - L.softplus(-z), z, atol=1e-13)
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(L.softplus(np.array([1000.0, -1000.0])), [1000.0, 0.0])


LOGITS = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
ONE_HOT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


@pytest.mark.parametrize("act, loss", VALID)
def test_output_delta_finite_for_logits_of_1000(act, loss):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        lossval, delta = L.output_delta(loss, act, LOGITS, A.get(act).forward(LOGITS), ONE_HOT)
    assert np.isfinite(lossval) and np.all(np.isfinite(delta))


def test_fused_losses_exact_for_logits_of_1000():
    # softmax + CE: row 0 true class has logit -1000 vs max 1000: -log softmax = 2000 (+ log(1 + e^-1000 ...)
    # = 2000 exactly in float64); row 1 true class -1000 vs two logits 1000: 2000 + log 2.  Mean over N = 2.
    ce, d = L.output_delta("cross_entropy", "softmax", LOGITS, A.softmax(LOGITS), ONE_HOT)
    assert abs(ce - (2000 + 2000 + math.log(2)) / 2) < 1e-12
    np.testing.assert_allclose(d, (A.softmax(LOGITS) - ONE_HOT) / 2, atol=1e-300)
    # sigmoid + BCE per entry: softplus(z) - y z.  Row 0: 1000, 0 + 1000 = 1000, log 2.
    # Row 1: 0 - (-1000)·1 = 1000, 1000, 1000.  Mean over 6: (4000 + 1000 + log 2)/6 = (5000 + log 2)/6
    bce, d = L.output_delta("binary_cross_entropy", "sigmoid", LOGITS, A.sigmoid(LOGITS), ONE_HOT)
    assert abs(bce - (5000 + math.log(2)) / 6) < 1e-12
    assert np.all(np.abs(d) <= 1 / 6)
    # sigmoid + CE: -(1/N) Σ y log σ(z) = (1/N) Σ y softplus(-z): y picks z = -1000 twice -> (1000 + 1000)/2
    ce, d = L.output_delta("cross_entropy", "sigmoid", LOGITS, A.sigmoid(LOGITS), ONE_HOT)
    assert abs(ce - 1000.0) < 1e-12
    assert np.all(np.isfinite(d))


@pytest.mark.parametrize("name", NAMES)
def test_standalone_losses_finite_on_saturated_outputs(name):
    # Probabilities of exactly 0 and 1 (what softmax/sigmoid of ±1000 give) must not produce inf or nan.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for a in (A.softmax(LOGITS), A.sigmoid(LOGITS)):
            loss, grad = L.get(name), L.get(name).gradient
            assert np.isfinite(loss(a, ONE_HOT))
            assert np.all(np.isfinite(grad(a, ONE_HOT)))


def test_unknown_loss_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"loss.*'l2'.*'sse'.*'binary_cross_entropy'"):
        L.get("l2")
    with pytest.raises(ValueError, match=r"loss.*'mse'"):
        L.output_delta("hinge", "sigmoid", np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"activation.*'tanh'"):
        L.output_delta("mse", "gelu", np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("which", ["__call__", "gradient"])
def test_standalone_losses_refuse_mismatched_shapes(name, which):
    # (N, 1) against (N,) would broadcast to an (N, N) loss; both the loss and its gradient refuse it.
    fn = getattr(L.LOSSES[name], which)
    with pytest.raises(ValueError, match=r"a and y must have the same shape \(N, K\), got \(4, 1\) and \(4,\)"):
        fn(np.full((4, 1), 0.5), np.full(4, 0.5))


@pytest.mark.parametrize("name", NAMES)
def test_standalone_losses_refuse_non_finite_input(name):
    with pytest.raises(ValueError, match="a contains NaN or inf"):
        L.LOSSES[name](np.array([[np.nan, 0.5]]), np.array([[0.0, 1.0]]))


@pytest.mark.parametrize("name", [n for n, loss in L.LOSSES.items() if loss.probabilistic])
def test_cross_entropies_refuse_labels_outside_0_1(name):
    for fn in (L.LOSSES[name], L.LOSSES[name].gradient):
        with pytest.raises(ValueError, match=r"y must hold labels in \[0, 1\]"):
            fn(np.full((2, 2), 0.5), np.array([[0.0, 1.0], [2.0, 0.0]]))


@pytest.mark.parametrize("z", [37.0, 40.0, 100.0])
def test_sigmoid_cross_entropy_delta_keeps_its_precision_for_large_logits(z):
    # δ = −y σ(−z)/N: for z >= 37, 1 − σ(z) rounds to 0 in float64, but σ(−z) keeps the exact tiny value
    zz, y = np.array([[z]]), np.array([[1.0]])
    _, delta = L.output_delta("cross_entropy", "sigmoid", zz, A.sigmoid(zz), y)
    assert delta[0, 0] == pytest.approx(-1.0 / (1.0 + math.exp(z)), rel=1e-13)


# ---------------------------------------------------------------- overflow, empty outputs, softmax over one unit

@pytest.mark.parametrize("name, a, y", [
    ("sse", [[1e200]], [[0.0]]),                 # (1e200)² = 1e400
    ("half_sse", [[0.0, 2e154]], [[0.0, 0.0]]),  # ½ (2e154)² = 2e308
    ("mse", [[1e308]], [[-1e308]]),              # a - y = 2e308
    ("mse", [[1e154] * 4], [[-1e154] * 4]),      # each (2e154)² = 4e308
])
def test_a_loss_beyond_float64_is_an_error_not_inf(name, a, y):
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # and no raw RuntimeWarning on the way
        with pytest.raises(ValueError, match=rf"overflow: {name}\(a, y\) is beyond the float64 range .*largest "
                                             rf"\|a\| = .*largest \|y\| = "):
            L.LOSSES[name](a, y)


@pytest.mark.parametrize("name, a, y", [("sse", [[1e308]], [[-1e308]]), ("half_sse", [[1e308]], [[-1e308]]),
                                        ("mse", [[1e308]], [[-1e308]])])
def test_a_gradient_beyond_float64_is_an_error_not_inf(name, a, y):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=rf"overflow: the gradient of {name} is beyond the float64 range"):
            L.LOSSES[name].gradient(a, y)


@pytest.mark.parametrize("name, value, gradient", [("sse", 1.69e308, 1.7e308), ("half_sse", 0.845e308, 0.85e308),
                                                   ("mse", 1.69e308, 1.7e308)])
def test_the_largest_finite_results_are_returned(name, value, gradient):
    # just inside the range (max 1.797e308): (1.3e154)² = 1.69e308 and 2·0.85e308 = 1.7e308 are returned
    assert L.LOSSES[name]([[1.3e154]], [[0.0]]) == pytest.approx(value, rel=1e-15)
    assert L.LOSSES[name].gradient([[0.85e308]], [[0.0]])[0, 0] == pytest.approx(gradient, rel=1e-15)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("which", ["__call__", "gradient"])
def test_no_outputs_k_0_is_refused(name, which):
    with pytest.raises(ValueError, match=r"a and y must hold at least one output \(K >= 1\), got shape \(2, 0\)"):
        getattr(L.LOSSES[name], which)(np.zeros((2, 0)), np.zeros((2, 0)))
    assert np.isfinite(getattr(L.LOSSES[name], which)(np.full((2, 1), 0.5), np.ones((2, 1)))).all()   # K = 1 is fine


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "half_sse"])
def test_output_delta_refuses_softmax_over_one_unit(loss):
    # like MLP: softmax over one unit is always 1 (here the loss would be 0 and δ = 0 whatever z is)
    with pytest.raises(ValueError, match=r"g is softmax over K = 1 unit \(z has shape \(2, 1\)\): softmax needs at "
                                         r"least 2 units"):
        L.output_delta(loss, "softmax", np.zeros((2, 1)), np.ones((2, 1)), np.ones((2, 1)))
    z = np.array([[0.0, np.log(3.0)]])             # K = 2 is fine: a = (1/4, 3/4)
    value, delta = L.output_delta(loss, "softmax", z, A.softmax(z), np.array([[0.0, 1.0]]))
    assert np.isfinite(value) and delta.shape == (1, 2)
    # sigmoid over one unit is fine
    assert np.isfinite(L.output_delta(loss, "sigmoid", np.zeros((2, 1)), np.full((2, 1), 0.5), np.ones((2, 1)))[0])


def test_softmax_cross_entropy_at_logits_1e308_apart():
    # z = (1e308, -1e308): log softmax = (0, -2e308 -> -inf). With y = (1, 0) the loss is exactly 0 (0·log a is
    # 0, not 0·(-inf) = NaN); a second row adds -log(3/4), so the mean over N = 2 rows is log(4/3)/2.
    z = np.array([[1e308, -1e308], [0.0, np.log(3.0)]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, delta = L.output_delta("cross_entropy", "softmax", z, A.softmax(z), y)
    assert value == pytest.approx(math.log(4 / 3) / 2, rel=1e-15)
    np.testing.assert_allclose(delta, (A.softmax(z) - y) / 2, rtol=1e-15)
    value, _ = L.output_delta("cross_entropy", "softmax", z[:1], A.softmax(z[:1]), y[:1])
    assert value == 0.0
    # y on the -inf logit: the true loss, about 2e308, is beyond float64: refused, not inf
    with pytest.raises(ValueError, match=r"overflow: the loss or delta of 'cross_entropy' with 'softmax' is beyond "
                                         r"the float64 range .*largest \|z\| = 1e\+308"):
        L.output_delta("cross_entropy", "softmax", z[:1], A.softmax(z[:1]), y[:1, ::-1])


@pytest.mark.parametrize("loss, g", [("sse", "linear"), ("half_sse", "relu"), ("mse", "linear")])
def test_output_delta_by_name_refuses_overflow(loss, g):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=rf"overflow: the loss or delta of '{loss}' with '{g}'"):
            L.output_delta(loss, g, [[1e308]], [[1e308]], [[-1e308]])


@pytest.mark.parametrize("z, error, match", [
    ("a", TypeError, r"z must be an array of real numbers"),
    (None, TypeError, r"z must be an array of real numbers"),
    ([1 + 2j], TypeError, r"z must be an array of real numbers"),
    ([np.nan], ValueError, r"z contains NaN or inf"),
    ([np.inf], ValueError, r"z contains NaN or inf"),
])
def test_softplus_refuses_what_is_not_a_finite_real(z, error, match):
    with pytest.raises(error, match=match):
        L.softplus(z)
