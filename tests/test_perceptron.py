"""bplib.perceptron: Rosenblatt's rule traced by hand, convergence on separable data, the sigmoid neuron's
gradient (by hand and against finite differences) and its training path, bad input."""
import math
import re
import warnings
from fractions import Fraction

import numpy as np
import pytest

from bplib import data, gradient_descent
from bplib.gradcheck import gradcheck
from bplib.gradcheck import numerical_gradient
from bplib.train import DivergenceWarning
from bplib.perceptron import (delta_rule, novikoff_margin, perceptron, sigmoid_neuron_error,
                              sigmoid_neuron_gradient, step, train_sigmoid_neuron)


def test_step():
    np.testing.assert_array_equal(step(np.array([-1.0, -1e-300, 0.0, 2.0])), [0.0, 0.0, 1.0, 1.0])


def test_perceptron_rule_on_and_by_hand():
    # AND: x = (0,0),(0,1),(1,0),(1,1), y = 0,0,0,1; lr = 1; w = (0,0), b = 0; h = step(w·x + b), step(0) = 1.
    # epoch 1: (0,0) z=0  h=1 y=0 -> w=(0,0) b=-1 | (0,1) z=-1 ok | (1,0) z=-1 ok | (1,1) z=-1 h=0 -> w=(1,1) b=0
    # epoch 2: (0,0) z=0 -> w=(1,1) b=-1 | (0,1) z=0 -> w=(1,0) b=-2 | (1,0) z=-1 ok | (1,1) z=-1 -> w=(2,1) b=-1
    # epoch 3: (0,0) z=-1 ok | (0,1) z=0 -> w=(2,0) b=-2 | (1,0) z=0 -> w=(1,0) b=-3 | (1,1) z=-2 -> w=(2,1) b=-2
    # epoch 4: (0,0) ok | (0,1) z=-1 ok | (1,0) z=0 -> w=(1,1) b=-3 | (1,1) z=-1 -> w=(2,2) b=-2
    # epoch 5: (0,0) ok | (0,1) z=0 -> w=(2,1) b=-3 | (1,0) z=-1 ok | (1,1) z=0 h=1 ok
    # epoch 6: z = -3, -2, -1, 0: no mistakes.
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 0, 0, 1])
    run = perceptron(X, y, lr=1.0, epochs=100)
    assert run.mistakes == [2, 3, 3, 2, 1, 0]
    assert run.converged
    np.testing.assert_array_equal(run.w, [[0, 0], [1, 1], [2, 1], [2, 1], [2, 2], [2, 1], [2, 1]])
    np.testing.assert_array_equal(run.b, [0, 0, -1, -2, -2, -3, -3])
    np.testing.assert_array_equal(step(X @ run.w[-1] + run.b[-1]), y)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_converges_on_linearly_separable_data(seed):
    X, y = data.linearly_separable(n=40, seed=seed)
    run = perceptron(X, y, lr=0.5, epochs=1000)
    assert run.converged and run.mistakes[-1] == 0
    np.testing.assert_array_equal(step(X @ run.w[-1] + run.b[-1]), y)
    assert run.w.shape == (len(run.mistakes) + 1, 2) and run.b.shape == (len(run.mistakes) + 1,)


def test_does_not_converge_on_xor():
    X, y = data.xor()
    run = perceptron(X, y, epochs=50)
    assert not run.converged and len(run.mistakes) == 50 and min(run.mistakes) > 0


def test_start_values_and_no_epochs():
    X, y = data.xor()
    run = perceptron(X, y, epochs=0, w0=[1.0, 2.0], b0=0.5)
    assert not run.converged and run.mistakes == []
    np.testing.assert_array_equal(run.w, [[1.0, 2.0]])


def test_sigmoid_neuron_gradient_by_hand():
    # w = (1, -1), b = 0, x = (1, 1): z = 0, h = 1/2; y = 1: E = (1/2 - 1)² = 1/4
    # ∂E/∂z = 2(h - y) h(1 - h) = 2(-1/2)(1/4) = -1/4; ∂E/∂w = -1/4 x = (-1/4, -1/4); ∂E/∂b = -1/4
    E, gw, gb = sigmoid_neuron_gradient(np.array([1.0, -1.0]), 0.0, np.array([[1.0, 1.0]]), np.array([1.0]))
    assert E == 0.25 and gb == -0.25
    np.testing.assert_array_equal(gw, [-0.25, -0.25])
    # two points: x = (ln 3, 0) with y = 0 and x = (0, 0) with y = 1, w = (1, 5), b = 0
    # h1 = σ(ln 3) = 3/4: 2(3/4)(3/4)(1/4) = 9/32;  h2 = 1/2: 2(-1/2)(1/4) = -1/4
    # E = 9/16 + 1/4 = 13/16; ∂E/∂w = 9/32 (ln 3, 0) + (-1/4)(0, 0); ∂E/∂b = 9/32 - 1/4 = 1/32
    E, gw, gb = sigmoid_neuron_gradient(np.array([1.0, 5.0]), 0.0, np.array([[math.log(3), 0.0], [0.0, 0.0]]),
                                        np.array([0.0, 1.0]))
    assert abs(E - 13 / 16) < 1e-15 and abs(gb - 1 / 32) < 1e-15
    np.testing.assert_allclose(gw, [9 / 32 * math.log(3), 0.0], rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("seed", range(5))
def test_sigmoid_neuron_gradient_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((7, 3))
    y = rng.integers(0, 2, 7).astype(float)
    theta = rng.standard_normal(4)
    f = lambda t: sigmoid_neuron_gradient(t[:3], t[3], X, y)[0]
    grad = lambda t: np.append(*sigmoid_neuron_gradient(t[:3], t[3], X, y)[1:])
    assert gradcheck(f, grad, theta) <= 1e-6


def test_train_sigmoid_neuron():
    X, y = data.linearly_separable(n=30, seed=1)
    path = train_sigmoid_neuron(X, y, lr=0.2, epochs=50, w0=[0.5, -0.5], b0=0.1)
    assert path.shape == (51, 3)
    np.testing.assert_array_equal(path[0], [0.5, -0.5, 0.1])
    # the same path as gradient_descent on the stacked parameters
    grad = lambda t: np.append(*sigmoid_neuron_gradient(t[:2], t[2], X, y)[1:])
    np.testing.assert_allclose(path, gradient_descent(grad, [0.5, -0.5, 0.1], 0.2, 50), rtol=1e-14)
    errors = sigmoid_neuron_error(path, X, y)
    assert errors.shape == (51,) and errors[-1] < 0.3 * errors[0]
    assert errors[0] == sigmoid_neuron_gradient(np.array([0.5, -0.5]), 0.1, X, y)[0]


def test_bad_input():
    X, y = data.xor()
    with pytest.raises(ValueError, match="y must hold labels 0 or 1"):
        perceptron(X, np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match=r"y must have shape \(N,\) = \(4,\)"):
        perceptron(X, y[:3])
    with pytest.raises(ValueError, match="y must be a 1-D array"):
        perceptron(X, y[:, None])
    with pytest.raises(ValueError, match="X contains NaN"):
        perceptron(np.where(X == 1, np.nan, X), y)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        perceptron(X.ravel(), y)
    with pytest.raises(ValueError, match="lr"):
        perceptron(X, y, lr=0)
    with pytest.raises(ValueError, match="lr"):
        train_sigmoid_neuron(X, y, lr=float("inf"))
    with pytest.raises(ValueError, match=r"w0 must have shape \(2,\)"):
        perceptron(X, y, w0=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"w0 must have shape \(2,\)"):
        train_sigmoid_neuron(X, y, w0=[1.0])
    with pytest.raises(ValueError, match="epochs"):
        perceptron(X, y, epochs=-1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(w=np.zeros(3)), r"w must have shape \(2,\) to match X, got \(3,\)"),
    (dict(b=np.nan), "b contains NaN or inf"),
    (dict(b=[0.0, 1.0]), "b must be a 0-D array"),
    (dict(y=np.array([0.0, 2.0])), "y must hold labels 0 or 1"),
])
def test_sigmoid_neuron_gradient_rejects_bad_input(kwargs, match):
    args = dict(w=np.zeros(2), b=0.0, X=np.array([[0.0, 1.0], [1.0, 0.0]]), y=np.array([0.0, 1.0]))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sigmoid_neuron_gradient(**args)


def test_perceptron_rejects_non_finite_b0():
    X, y = data.xor()
    with pytest.raises(ValueError, match="b0 contains NaN or inf"):
        perceptron(X, y, b0=np.inf)


def test_updates_trace_every_single_update():
    # AND as in test_perceptron_rule_on_and_by_hand: 11 updates; the trace ends where the epochs end
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 0, 0, 1])
    run = perceptron(X, y, lr=1.0, epochs=100)
    assert run.updates.shape == (sum(run.mistakes) + 1, 3) == (12, 3)
    np.testing.assert_array_equal(run.updates[:3], [[0, 0, 0], [0, 0, -1], [1, 1, 0]])   # epoch 1, by hand
    np.testing.assert_array_equal(run.updates[-1], np.append(run.w[-1], run.b[-1]))
    ends = np.cumsum(run.mistakes)                     # update count at the end of each epoch
    np.testing.assert_array_equal(run.updates[ends], np.column_stack([run.w[1:], run.b[1:]]))


@pytest.mark.parametrize("seed", range(4))
def test_novikoff_bound_holds_along_the_trace(seed):
    # the two facts of the proof: u·θ_k >= k η γ and |θ_k|² <= k η² R², hence k <= (R/γ)²
    X, y = data.linearly_separable(n=30, margin=0.15, seed=seed)
    lr = [1.0, 0.3, 0.01, 2.0][seed]
    R, gamma = novikoff_margin(X, y, [1.0, 1.0], -0.3)     # the line the data were generated from
    assert gamma > 0
    run = perceptron(X, y, lr=lr, epochs=1000)
    k = np.arange(len(run.updates))
    u = np.array([1.0, 1.0, -0.3]) / np.linalg.norm([1.0, 1.0, -0.3])
    assert np.all(run.updates @ u >= k * lr * gamma - 1e-12)
    assert np.all(np.sum(run.updates ** 2, axis=1) <= k * lr ** 2 * R ** 2 + 1e-12)
    assert run.converged and k[-1] <= (R / gamma) ** 2


def test_novikoff_margin_by_hand():
    # points (0, 0) red and (2, 0) blue, plane x1 - 1 = 0: x~ = (0,0,1), (2,0,1); (w, b) = (1, 0, -1)/√2
    # s u·x~ = -(-1/√2) = 1/√2 and (2 - 1)/√2 = 1/√2; R = |(2, 0, 1)| = √5
    R, gamma = novikoff_margin(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([0, 1]), [1.0, 0.0], -1.0)
    assert abs(R - math.sqrt(5)) < 1e-15 and abs(gamma - 1 / math.sqrt(2)) < 1e-15
    # a plane with a point on the wrong side has a negative margin; the scale of (w, b) does not matter
    _, bad = novikoff_margin(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([1, 0]), [3.0, 0.0], -3.0)
    assert abs(bad + 1 / math.sqrt(2)) < 1e-15
    with pytest.raises(ValueError, match="must not all be zero"):
        novikoff_margin(np.array([[0.0, 0.0]]), np.array([0]), [0.0, 0.0], 0.0)


def test_delta_rule_by_hand():
    # x = (1, 0), t = 1, then x = (0, 2), t = -1; lr = 0.5, from w = 0, b = 0
    # 1st: z = 0, error 1: w = (0.5, 0), b = 0.5
    # 2nd: z = 0.5, error -1.5: w = (0.5, 0) + 0.5 (-1.5)(0, 2) = (0.5, -1.5), b = 0.5 - 0.75 = -0.25
    # loss: z = (0.25, -3.25) -> ½ ((0.25 - 1)² + (-3.25 + 1)²) = ½ (0.5625 + 5.0625) = 2.8125
    X, t = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([1.0, -1.0])
    run = delta_rule(X, t, lr=0.5, epochs=1)
    np.testing.assert_array_equal(run.w, [[0.0, 0.0], [0.5, -1.5]])
    np.testing.assert_array_equal(run.b, [0.0, -0.25])
    np.testing.assert_array_equal(run.loss, [1.0, 2.8125])


@pytest.mark.parametrize("seed", range(3))
def test_delta_rule_step_is_a_gradient_step_on_one_example(seed):
    # one epoch on one example = θ - η ∇ ½(θ·x~ - t)², the gradient by central differences
    rng = np.random.default_rng(seed)
    x, t, theta0, lr = rng.standard_normal(3), float(rng.standard_normal()), rng.standard_normal(4), 0.1
    run = delta_rule(x[None, :], [t], lr=lr, epochs=1, w0=theta0[:3], b0=theta0[3])
    half_sq = lambda th: 0.5 * (th[:3] @ x + th[3] - t) ** 2
    expected = theta0 - lr * numerical_gradient(half_sq, theta0, 1e-6)
    np.testing.assert_allclose(np.append(run.w[1], run.b[1]), expected, rtol=1e-8)


@pytest.mark.parametrize("seed", range(3))
def test_delta_rule_finds_an_exact_linear_fit(seed):
    # targets that a linear unit can fit exactly: the rule converges to those weights and the loss to 0
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (20, 2))
    w_true, b_true = rng.standard_normal(2), float(rng.standard_normal())
    run = delta_rule(X, X @ w_true + b_true, lr=0.05, epochs=2000)
    np.testing.assert_allclose(run.w[-1], w_true, atol=1e-8)
    assert abs(run.b[-1] - b_true) < 1e-8 and run.loss[-1] < 1e-15 < run.loss[0]


def test_delta_rule_bad_input():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"t must have shape \(N,\) = \(2,\)"):
        delta_rule(X, [1.0])
    with pytest.raises(ValueError, match="lr"):
        delta_rule(X, [1.0, 0.0], lr=-1)
    with pytest.raises(ValueError, match=r"w0 must have shape \(2,\)"):
        delta_rule(X, [1.0, 0.0], w0=[1.0])
    with pytest.raises(ValueError, match="at least one sample"):
        delta_rule(np.empty((0, 2)), np.empty(0))
    with pytest.raises(ValueError, match="b0 contains NaN"):
        delta_rule(X, [1.0, 0.0], b0=np.nan)


def test_perceptron_leaves_the_callers_w0_alone_and_pins_its_defaults():
    X, y = data.linearly_separable(n=30, seed=2)
    w0 = np.array([0.5, -0.5])
    run = perceptron(X, y, w0=w0)
    np.testing.assert_array_equal(w0, [0.5, -0.5])
    np.testing.assert_array_equal(run.w[0], [0.5, -0.5])
    default, explicit = perceptron(X, y), perceptron(X, y, lr=1.0, epochs=100)
    np.testing.assert_array_equal(default.w, explicit.w)
    assert perceptron(X, y, lr=0.5).w[1:].tolist() != default.w[1:].tolist()
    assert len(perceptron(*data.xor()).mistakes) == 100                   # the default epoch budget, used up


# ---------------------------------------------------------------- hostile input: refused clearly, extremes right

XOR_X, XOR_Y = data.xor()


def test_delta_rule_divergence_warns_and_keeps_the_run_so_far():
    X = 100 * np.array([[1.0, 0.0], [0.0, 1.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = delta_rule(X, [1.0, -1.0], lr=10.0, epochs=200)
    assert [w.category for w in caught] == [DivergenceWarning]       # no raw RuntimeWarning next to it
    assert caught[0].filename == __file__                            # points at the caller's line
    assert re.fullmatch(r"diverged at epoch \d+: the loss overflowed \(it is (inf|nan)\); lower the learning rate "
                        r"\(lr = 10\)\. Training stopped; the run holds the weights and losses so far\.",
                        str(caught[0].message))
    e = run.diverged_at
    assert 1 <= e < 200 and str(e) in str(caught[0].message)
    assert run.w.shape == (e + 1, 2) and run.b.shape == run.loss.shape == (e + 1,)
    assert np.all(np.isfinite(run.loss[:-1])) and not np.isfinite(run.loss[-1])
    before = delta_rule(X, [1.0, -1.0], lr=10.0, epochs=e - 1)       # one epoch fewer: no warning, the same rows
    assert before.diverged_at is None
    np.testing.assert_array_equal(before.loss, run.loss[:-1])
    np.testing.assert_array_equal(before.w, run.w[:-1])


def test_delta_rule_refuses_a_loss_that_overflows_at_the_start():
    with pytest.raises(ValueError, match=r"the loss ½Σ\(z − t\)² overflows float64 at the start: X, t, w0 or b0 are "
                                         r"too large"):
        delta_rule(XOR_X, np.full(4, 1e200), lr=0.5)
    assert delta_rule(XOR_X, np.full(4, 1e150), lr=0.5, epochs=3).diverged_at is None


@pytest.mark.parametrize("X, y, lr, kw, w_end, b_end", [
    (np.array([[1.0, 1.0], [-1.0, -1.0], [3.0, 3.0]]), [1, 0, 0], 1e308, {}, [-np.inf, -np.inf], -np.inf),
    (np.array([[1e10]]), [0], 1e300, {}, [-np.inf], -1e300),                   # only w overflows
    (np.array([[1.0]]), [0], 1e308, {"w0": [1.75e308], "b0": -1.7e308}, [0.75e308], -np.inf),   # only b
])
def test_perceptron_weights_overflowing_warn_and_stop(X, y, lr, kw, w_end, b_end):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = perceptron(X, y, lr=lr, epochs=5, **kw)
    assert [w.category for w in caught] == [DivergenceWarning] and caught[0].filename == __file__
    assert re.match(r"diverged at epoch 1: the weights overflowed \(w = .*\); lower the learning rate "
                    r"\(lr = 1e\+30\d\)\. Training stopped; the run holds the weights so far\.", str(caught[0].message))
    assert run.diverged_at == 1 and len(run.mistakes) == 1 and not run.converged
    np.testing.assert_allclose(run.w[-1], w_end, rtol=1e-15)
    assert run.b[-1] == b_end and run.w.shape == (2, X.shape[1])


def test_runs_that_do_not_overflow_have_no_divergence():
    assert perceptron(XOR_X, XOR_Y, epochs=5).diverged_at is None
    assert delta_rule(XOR_X, 2.0 * XOR_Y - 1, lr=0.05, epochs=5).diverged_at is None


BOOLS = [
    (lambda: perceptron(XOR_X, XOR_Y, b0=True), r"b0 must be a real number, not True/False, got True"),
    (lambda: perceptron(XOR_X, XOR_Y, b0=np.array(False)), r"b0 must be a real number, not True/False"),
    (lambda: perceptron(XOR_X, XOR_Y, w0=[True, False]), r"w0 must be an array of real numbers, not True/False"),
    (lambda: delta_rule(XOR_X, XOR_Y, b0=np.True_), r"b0 must be a real number, not True/False"),
    (lambda: delta_rule(XOR_X, XOR_Y, w0=np.array([True, True])), r"w0 must be an array of real numbers, not True"),
    (lambda: sigmoid_neuron_gradient([1.0, 1.0], True, XOR_X, XOR_Y), r"b must be a real number, not True/False"),
    (lambda: sigmoid_neuron_gradient([True, True], 0.0, XOR_X, XOR_Y), r"w must be an array of real numbers, not"),
    (lambda: novikoff_margin(XOR_X, XOR_Y, [1.0, 1.0], True), r"b must be a real number, not True/False"),
    (lambda: novikoff_margin(XOR_X, XOR_Y, [True, False], 0.5), r"w must be an array of real numbers, not True"),
    (lambda: train_sigmoid_neuron(XOR_X, XOR_Y, w0=[True, False]), r"w0 must be an array of real numbers, not True"),
    (lambda: train_sigmoid_neuron(XOR_X, XOR_Y, b0=np.array(True)), r"b0 must be a finite number"),
    (lambda: sigmoid_neuron_error(np.ones((2, 3), bool), XOR_X, XOR_Y), r"path must be an array of real numbers, "
                                                                         r"not True/False"),
]


@pytest.mark.parametrize("call, match", BOOLS)
def test_true_and_false_are_not_weights_or_biases(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_boolean_data_are_fine():
    # X of booleans are features 0/1, y of booleans labels 0/1
    run = perceptron(XOR_X.astype(bool), XOR_Y.astype(bool), epochs=3)
    np.testing.assert_array_equal(run.w, perceptron(XOR_X, XOR_Y, epochs=3).w)


def test_a_0d_array_is_a_bias_everywhere():
    X, y = data.linearly_separable(n=20, seed=3)
    np.testing.assert_array_equal(perceptron(X, y, b0=np.array(0.5)).w, perceptron(X, y, b0=0.5).w)
    np.testing.assert_array_equal(delta_rule(X, y, b0=np.array(0.5)).loss, delta_rule(X, y, b0=0.5).loss)
    np.testing.assert_array_equal(train_sigmoid_neuron(X, y, epochs=5, b0=np.array(0.5)),
                                  train_sigmoid_neuron(X, y, epochs=5, b0=0.5))
    assert sigmoid_neuron_gradient([1.0, 1.0], np.array(-0.3), X, y)[0] == sigmoid_neuron_gradient([1.0, 1.0], -0.3,
                                                                                                      X, y)[0]
    assert novikoff_margin(X, y, [1.0, 1.0], np.array(-0.3)) == novikoff_margin(X, y, [1.0, 1.0], -0.3)
    with pytest.raises(ValueError, match=r"b0 must be a finite number"):
        train_sigmoid_neuron(X, y, b0=np.array(np.inf))


@pytest.mark.parametrize("call", [lambda X, y: perceptron(X, y), lambda X, y: delta_rule(X, y),
                                  lambda X, y: train_sigmoid_neuron(X, y),
                                  lambda X, y: sigmoid_neuron_gradient(np.zeros(0), 0.0, X, y),
                                  lambda X, y: novikoff_margin(X, y, np.zeros(0), 1.0)])
def test_no_features_is_refused(call):
    with pytest.raises(ValueError, match=r"X must hold at least one feature: expected shape \(N, D\) with D >= 1, "
                                         r"got \(4, 0\)"):
        call(np.zeros((4, 0)), [0, 1, 0, 1])


def test_one_feature_is_fine():
    run = perceptron(np.array([[2.0], [-1.0]]), [1, 0])
    assert run.converged and run.w.shape[1] == 1


@pytest.mark.parametrize("path, error, match", [
    (np.zeros(3), ValueError, r"path must be a 2-D array, got shape \(3,\)"),
    ("ab", TypeError, r"path must be an array of real numbers"),
    (None, TypeError, r"path must be an array of real numbers"),
    (np.zeros((2, 4)), ValueError, r"path must have shape \(P, D \+ 1\) = \(P, 3\), rows \(w, b\) as from "
                                   r"train_sigmoid_neuron, got \(2, 4\)"),
    (np.zeros((2, 2)), ValueError, r"path must have shape \(P, D \+ 1\) = \(P, 3\)"),
    (np.full((2, 3), np.nan), ValueError, r"path contains NaN or inf"),
    (np.array([[0.0, 0.0, 0.0], [1e308, 1e308, 0.0]]), ValueError, r"X @ w \+ b overflows float64: X or the rows "
                                                                   r"\(w, b\) of path are too large"),
    (np.array([[1e308, 0.0, 1e308]]), ValueError, r"X @ w \+ b overflows float64"),   # the bias tips it over
])
def test_sigmoid_neuron_error_checks_the_path(path, error, match):
    with pytest.raises(error, match=match):
        sigmoid_neuron_error(path, XOR_X, XOR_Y)


def test_sigmoid_neuron_error_at_large_but_finite_weights():
    # z = ±1e300: h is exactly 0 or 1, E counts the wrong signs
    path = np.array([[1e300, 0.0, -0.5e300], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(sigmoid_neuron_error(path, XOR_X, XOR_Y), [2.0, 1.0])
    assert sigmoid_neuron_error(np.empty((0, 3)), XOR_X, XOR_Y).shape == (0,)


def test_sigmoid_neuron_gradient_refuses_net_inputs_that_overflow():
    with pytest.raises(ValueError, match=r"X @ w \+ b overflows float64: X or w and b are too large"):
        sigmoid_neuron_gradient([1e308, 1e308], 0.0, XOR_X, XOR_Y)
    with pytest.raises(ValueError, match=r"X @ w \+ b overflows float64"):
        sigmoid_neuron_gradient([1e308, 0.0], 1e308, XOR_X, XOR_Y)      # w·x + b = 2e308 at (1, 0)
    # z = 0, -1e308, 1e308, 0: h = ½, 0, 1, ½ (saturated, exactly); E = ¼ + 1 + 0 + ¼; ∂E/∂z = ¼, 0, 0, ¼
    E, gw, gb = sigmoid_neuron_gradient([1e308, -1e308], 0.0, XOR_X, XOR_Y)
    assert E == 1.5 and gb == 0.5 and gw.tolist() == [0.25, 0.25]


@pytest.mark.parametrize("z, error, match", [
    ("a", TypeError, r"z must be a real number or an array of real numbers, got <U1 values"),
    (None, TypeError, r"z must be a real number or an array of real numbers, got object values"),
    ([1, [2]], TypeError, r"z must be a real number or an array of real numbers, got list"),
    ([1, "a"], TypeError, r"z must be a real number or an array of real numbers"),
    (1 + 2j, TypeError, r"z must be a real number or an array of real numbers, got complex128 values"),
    (np.array([Fraction(1), None], dtype=object), TypeError, r"z must be a real number or an array of real numbers"),
    (np.nan, ValueError, r"z contains NaN; expected real numbers"),
    ([0.0, np.nan], ValueError, r"z contains NaN"),
    (np.array([1.0, np.nan], dtype=object), ValueError, r"z contains NaN"),
])
def test_step_refuses_what_is_not_a_real_number(z, error, match):
    with pytest.raises(error, match=match):
        step(z)


def test_step_at_the_extremes_and_other_number_types():
    np.testing.assert_array_equal(step([-np.inf, np.inf, -1e-320, 0.0, -0.0]), [0, 1, 0, 1, 1])
    np.testing.assert_array_equal(step([Fraction(-1, 3), Fraction(1, 2), 10 ** 400, -10 ** 400]), [0, 1, 1, 0])
    np.testing.assert_array_equal(step(np.array([-2, 3], np.int8)), [0, 1])
    np.testing.assert_array_equal(step(np.array([0, 7], np.uint16)), [1, 1])
    assert step(True) == 1.0 and step(-1) == 0.0 and isinstance(step(2.0), np.float64)


@pytest.mark.parametrize("scale", [1e200, 1e-200, 2.0 ** 1000, 1e-310])
def test_novikoff_margin_does_not_depend_on_the_scale_of_w_and_b(scale):
    X, y = data.linearly_separable(n=30, seed=5)
    R, gamma = novikoff_margin(X, y, [1.0, 1.0], -0.3)
    R_s, gamma_s = novikoff_margin(X, y, [scale, scale], -0.3 * scale)
    assert R_s == R
    np.testing.assert_allclose(gamma_s, gamma, rtol=1e-9 if scale < 1e-300 else 1e-15)


def test_novikoff_margin_at_extreme_planes_and_points():
    R, gamma = novikoff_margin(XOR_X, XOR_Y, [1e200, 1e200], 1e200)     # u = (1, 1, 1)/√3; worst: (1, 1), red
    assert abs(R - math.sqrt(3)) < 1e-15 and abs(gamma + math.sqrt(3)) < 1e-15
    assert novikoff_margin(XOR_X, XOR_Y, [1e-320, 0.0], 0.0) == (math.sqrt(3), -1.0)   # u = (1, 0, 0)
    assert novikoff_margin(XOR_X, XOR_Y, [2.0 ** -1074, 0.0], 0.0) == (math.sqrt(3), -1.0)
    # points at 1e200: R = √2 1e200, γ = -(2e200 + 1)/√3 for the plane x1 + x2 + 1 = 0
    R, gamma = novikoff_margin(1e200 * XOR_X, XOR_Y, [1.0, 1.0], 1.0)
    np.testing.assert_allclose([R, gamma], [math.sqrt(2) * 1e200, -2e200 / math.sqrt(3)], rtol=1e-15)
    R, gamma = novikoff_margin(1e-200 * XOR_X, XOR_Y, [1.0, 1.0], 1.0)
    assert R == 1.0 and gamma == -1 / math.sqrt(3) - 2e-200 / math.sqrt(3)
    with pytest.raises(ValueError, match=r"X is too large: R = max ‖\(x, 1\)‖ exceeds the float64 range"):
        novikoff_margin(1.5e308 * XOR_X, XOR_Y, [1.0, 1.0], 1.0)
    R, _ = novikoff_margin(1.2e308 * XOR_X[:3], XOR_Y[:3], [1.0, 1.0], 1.0)    # R = 1.2e308, just in range
    assert R == 1.2e308


def test_the_other_rules_pin_their_defaults():
    X, y = data.linearly_separable(n=20, seed=3)
    path = train_sigmoid_neuron(X, y)
    np.testing.assert_array_equal(path, train_sigmoid_neuron(X, y, lr=0.1, epochs=100, w0=np.zeros(2), b0=0.0))
    assert path.shape == (101, 3)
    t = 2.0 * y - 1.0
    run = delta_rule(X, t)
    explicit = delta_rule(X, t, lr=0.01, epochs=100, w0=np.zeros(2), b0=0.0)
    np.testing.assert_array_equal(run.w, explicit.w)
    np.testing.assert_array_equal(run.b, explicit.b)
    assert len(run.w) == 101
