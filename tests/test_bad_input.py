"""Hostile input, area by area: every bad argument gets a TypeError or ValueError whose message names the argument
and says what was expected — never a silent wrong answer, a NaN, or a raw numpy/Python error.

Each case is (call, exception type, regex over the message). The regexes name the argument and the expectation.
"""
import math
from fractions import Fraction

import numpy as np
import pytest

import bplib
from bplib import MLP, Value, data, losses
from bplib.activation_functions import log_softmax, softmax
from bplib.gradcheck import check_mlp, gradcheck, numerical_gradient, relative_error
from bplib.metrics import accuracy, steps_to_tolerance
from bplib.perceptron import perceptron, sigmoid_neuron_gradient, train_sigmoid_neuron

X3 = np.random.default_rng(0).standard_normal((5, 3))
Y2 = np.random.default_rng(1).uniform(0, 1, (5, 2))
XOR_X, XOR_Y = data.xor()


def net(**kw):
    return MLP([3, 4, 2], ["tanh", "sigmoid"], "binary_cross_entropy", **kw)


def with_param(which, l, value):
    def call():
        n = net()
        getattr(n, which)[l] = value
        return n.loss(X3, Y2)
    return call


def set_attr(name, value):
    def call():
        n = net()
        setattr(n, name, value)
        return n.forward(X3)
    return call


def overflowing_net():
    n = MLP([3, 4, 2], ["relu", "linear"], "mse")
    n.weights[0][...] = 1.0                                # z¹ = 3 · 1e308 overflows
    return n


def read_only_weights():
    n = net()
    n.weights[0].flags.writeable = False
    return n.loss_and_gradients(X3, Y2)


def bad_init(value):
    return lambda: MLP([3, 2], ["sigmoid"], "mse", init=lambda fan_in, fan_out, rng: value)


MLP_CASES = [
    # the constructor
    (lambda: MLP({3, 4, 2}, ["tanh", "sigmoid"], "mse"), TypeError, r"sizes must be a list or tuple.*set"),
    (lambda: MLP("342", ["tanh", "sigmoid"], "mse"), TypeError, r"sizes must be a list or tuple.*str"),
    (lambda: MLP(3, ["tanh"], "mse"), TypeError, r"sizes must be a list or tuple.*int"),
    (lambda: MLP([3], [], "mse"), ValueError, r"sizes must be a list of at least 2"),
    (lambda: MLP([3, 0], ["tanh"], "mse"), ValueError, r"sizes\[1\] must be an integer >= 1"),
    (lambda: MLP([3, 2.5], ["tanh"], "mse"), TypeError, r"sizes\[1\] must be an integer"),
    (lambda: MLP([3, True], ["tanh"], "mse"), TypeError, r"sizes\[1\] must be an integer"),
    (lambda: MLP([3, 4, 2], {"tanh", "sigmoid"}, "mse"), TypeError, r"g must be a list or tuple of 2 activation"),
    (lambda: MLP([3, 4, 2], "tanh", "mse"), TypeError, r"g must be a list or tuple"),
    (lambda: MLP([3, 4, 2], ["tanh"], "mse"), ValueError, r"g must have one activation per layer: expected 2"),
    (lambda: MLP([3, 2], ["swish"], "mse"), ValueError, r"unknown activation 'swish'; expected one of"),
    (lambda: MLP([3, 2], [None], "mse"), ValueError, r"unknown activation None"),
    (lambda: MLP([3, 2], ["tanh"], "l1"), ValueError, r"unknown loss 'l1'; expected one of"),
    (lambda: MLP([3, 2], ["tanh"], "cross_entropy"), ValueError, r"last activation must be 'sigmoid' or 'softmax'"),
    (lambda: MLP([3, 1], ["softmax"], "cross_entropy"), ValueError, r"g\[0\] is softmax over sizes\[1\] = 1 unit"),
    (lambda: MLP([3, 1, 2], ["softmax", "sigmoid"], "mse"), ValueError, r"softmax needs at least 2 units"),
    (lambda: MLP([3, 2], ["softmax"], "binary_cross_entropy"), ValueError,
     r"binary_cross_entropy.*softmax output is not supported"),
    (lambda: MLP([3, 2], ["tanh"], "mse", seed=-1), ValueError, r"seed must be a non-negative integer"),
    (lambda: MLP([3, 2], ["tanh"], "mse", seed=1.5), TypeError, r"seed must be a non-negative integer"),
    (lambda: MLP([3, 2], ["tanh"], "mse", seed="0"), TypeError, r"seed must be a non-negative integer"),
    (lambda: MLP([3, 2], ["tanh"], "mse", init="glorot"), ValueError, r"unknown init 'glorot'; expected one of"),
    (bad_init(np.full((3, 2), np.nan)), ValueError, r"init must return a finite real array of shape.*\(3, 2\)"),
    (bad_init(np.ones((2, 3))), ValueError, r"init must return a finite real array of shape.*\(3, 2\)"),
    (bad_init([[1.0, 2.0]] * 3), ValueError, r"init must return a finite real array.*list"),
    (bad_init(np.full((3, 2), "a")), ValueError, r"init must return a finite real array"),
    # parameters overwritten by the user
    (with_param("weights", 0, np.full((3, 4), np.nan)), ValueError, r"weights\[0\] contains NaN or inf"),
    (with_param("biases", 1, np.array([np.inf, 0.0])), ValueError, r"biases\[1\] contains NaN or inf"),
    (with_param("weights", 1, np.ones((4, 2), dtype=int)), TypeError, r"weights\[1\] must be a float64 numpy array"),
    (with_param("weights", 1, np.ones((4, 2), dtype=complex)), TypeError, r"weights\[1\] must be a float64"),
    (with_param("weights", 0, [[0.0] * 4] * 3), TypeError, r"weights\[0\] must be a float64 numpy array.*list"),
    (with_param("biases", 0, None), TypeError, r"biases\[0\] must be a float64 numpy array.*NoneType"),
    (with_param("weights", 0, np.ones((4, 3))), ValueError, r"weights\[0\] must have shape \(3, 4\)"),
    (with_param("biases", 0, np.ones((1, 4))), ValueError, r"biases\[0\] must have shape \(4,\)"),
    (read_only_weights, ValueError, r"weights\[0\] is read-only"),
    (set_attr("weights", None), TypeError, r"net.weights must be a list of one numpy array per layer"),
    (set_attr("biases", (np.zeros(4), np.zeros(2))), TypeError, r"net.biases must be a list"),
    (set_attr("weights", []), TypeError, r"net.weights must be a list of one numpy array per layer \(2.*length 0"),
    # data
    (lambda: net().forward(np.zeros((0, 3))), ValueError, r"X must hold at least one sample"),
    (lambda: net().forward(np.zeros(3)), ValueError, r"X must be a 2-D array"),
    (lambda: net().forward(np.zeros((5, 4))), ValueError, r"X must have shape \(N, 3\)"),
    (lambda: net().forward([["a", "b", "c"]]), TypeError, r"X must be an array of real numbers"),
    (lambda: net().forward(X3 + 1j), TypeError, r"X must be an array of real numbers.*complex"),
    (lambda: net().forward(np.full((2, 3), np.nan)), ValueError, r"X contains NaN or inf"),
    (lambda: net().loss(X3, Y2[:4]), ValueError, r"Y must have shape \(N, K\) = \(5, 2\)"),
    (lambda: net().loss(X3, Y2 * 3), ValueError, r"Y must hold labels in \[0, 1\]"),
    (lambda: net().loss(X3, Y2[:, 0]), ValueError, r"Y must be a 2-D array"),
    (lambda: net().accuracy(X3, [0, 1]), ValueError, r"labels must have shape \(5,\)"),
    # overflow: named, not a NaN
    (lambda: MLP([3, 4, 2], ["relu", "linear"], "mse").loss(np.full((2, 3), 1e308), np.zeros((2, 2))),
     ValueError, r"overflow in (layer|the loss)"),
    (lambda: overflowing_net().forward_all(np.full((2, 3), 1e308)), ValueError, r"overflow in layer 1: z\^1"),
    (lambda: overflowing_net().backprop(np.full((2, 3), 1e308), np.zeros((2, 2))), ValueError, r"overflow in layer 1"),
]

LOSS_CASES = [
    (lambda: losses.sse(np.zeros(3), np.zeros(3)), ValueError, r"a must be a 2-D array of shape \(N, K\)"),
    (lambda: losses.half_sse(np.zeros((2, 1)), np.zeros(2)), ValueError, r"a and y must have the same shape"),
    (lambda: losses.mse.gradient(np.zeros((2, 1)), np.zeros((1, 2))), ValueError, r"a and y must have the same"),
    (lambda: losses.mse(np.zeros((0, 2)), np.zeros((0, 2))), ValueError, r"at least one sample"),
    (lambda: losses.sse([[np.nan]], [[0.0]]), ValueError, r"a contains NaN or inf"),
    (lambda: losses.sse([[0.0]], [[np.inf]]), ValueError, r"y contains NaN or inf"),
    (lambda: losses.sse([["a"]], [[0.0]]), TypeError, r"a must be an array of real numbers"),
    (lambda: losses.cross_entropy([[1.5, -0.5]], [[1.0, 0.0]]), ValueError, r"a must hold probabilities in \[0, 1\]"),
    (lambda: losses.binary_cross_entropy([[-0.1]], [[1.0]]), ValueError, r"a must hold probabilities in \[0, 1\]"),
    (lambda: losses.cross_entropy.gradient([[0.5, 0.5]], [[2.0, 0.0]]), ValueError, r"y must hold labels in \[0, 1\]"),
    (lambda: losses.binary_cross_entropy.gradient([[0.5]], [[-1.0]]), ValueError, r"y must hold labels in \[0, 1\]"),
    (lambda: losses.get("l1"), ValueError, r"unknown loss 'l1'; expected one of 'sse'"),
    (lambda: losses.get(3), ValueError, r"unknown loss 3"),
    (lambda: losses.output_delta("cross_entropy", "softmax", np.zeros((2, 2)), np.full((2, 2), 0.5), np.full((2, 2), 2.0)),
     ValueError, r"y must hold labels in \[0, 1\]"),
    (lambda: losses.output_delta("cross_entropy", "softmax", np.full((2, 2), np.nan), np.full((2, 2), 0.5),
                                 np.eye(2)), ValueError, r"z contains NaN or inf"),
    (lambda: losses.output_delta("cross_entropy", "softmax", np.zeros((2, 3)), np.full((2, 2), 0.5), np.eye(2)),
     ValueError, r"z and a must have the same shape"),
    (lambda: losses.output_delta("binary_cross_entropy", "sigmoid", np.zeros(2), np.full(2, 0.5), np.ones(2)),
     ValueError, r"a must be a 2-D array"),
    (lambda: losses.output_delta("huber", "sigmoid", np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1))),
     ValueError, r"unknown loss 'huber'"),
    (lambda: losses.output_delta("mse", "gelu", np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1))),
     ValueError, r"unknown activation 'gelu'"),
    (lambda: softmax(np.zeros((3, 0))), ValueError, r"softmax needs at least one unit"),
    (lambda: log_softmax(np.zeros((2, 0))), ValueError, r"log_softmax needs at least one unit"),
    (lambda: bplib.activation_functions.get("swish"), ValueError, r"unknown activation 'swish'; expected one of"),
]


def backward_of(build):
    def call():
        x = Value(0.0)
        build(x).backward()
    return call


AUTOGRAD_CASES = [
    (lambda: Value("1.0"), TypeError, r"data must be a real number"),
    (lambda: Value(True), TypeError, r"data must be a real number"),
    (lambda: Value(1 + 2j), TypeError, r"data must be a real number"),
    (lambda: Value(math.nan), ValueError, r"data must be a finite real number, got nan"),
    (lambda: Value(math.inf), ValueError, r"data must be a finite real number, got inf"),
    (lambda: Value(1.0, label=3), TypeError, r"label must be a string"),
    (lambda: Value(1.0) / 0, ZeroDivisionError, r"division by zero: 1 / 0"),
    (lambda: 2 / Value(0.0), ZeroDivisionError, r"division by zero: 2 / 0"),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, r"0.0 \*\* -1 divides by zero"),
    (lambda: Value(1000.0).exp(), ValueError, r"exp\(1000\) overflows"),
    (lambda: Value(1e200) * 1e200, ValueError, r"1e\+200 \* 1e\+200 overflows"),
    (lambda: Value(1e308) + 1e308, ValueError, r"1e\+308 \+ 1e\+308 overflows"),
    (lambda: Value(1e200) ** 2, ValueError, r"1e\+200 \*\* 2 overflows"),
    (lambda: Value(-8.0) ** Fraction(1, 3), ValueError, r"-8.0 \*\* 1/3 is not a real number"),
    (lambda: Value(2.0) ** math.inf, ValueError, r"exponent must be a finite number"),
    (lambda: Value(2.0) ** Value(2.0), TypeError, r"exponent must be a plain number"),
    (lambda: Value(0.0).log(), ValueError, r"log needs a positive value"),
    (lambda: Value(1.0) + "a", TypeError, r"Value arithmetic needs a Value or a real number, got str"),
    (lambda: Value(1.0) * math.nan, ValueError, r"data must be a finite real number, got nan"),
    (backward_of(lambda x: x ** 0.5), ValueError, r"derivative of x \*\* 0.5 at x = 0 is infinite"),
]

DESCENT_CASES = [
    (lambda: bplib.gradient_descent(lambda x: None, [1.0], 0.1, 3), TypeError, r"grad\(x\) must return an array"),
    (lambda: bplib.gradient_descent(lambda x: "ab", [1.0], 0.1, 3), TypeError, r"grad\(x\) must return an array"),
    (lambda: bplib.gradient_descent(lambda x: np.nan * x, [1.0], 0.1, 3), ValueError,
     r"grad\(x\) returned .*NaN or inf.* at the finite point"),
    (lambda: bplib.gradient_descent(lambda x: np.inf * np.ones(1), [1.0], 0.1, 3), ValueError, r"NaN or inf"),
    (lambda: bplib.gradient_descent(lambda x: np.ones(3), [1.0, 2.0], 0.1, 3), ValueError,
     r"grad\(x\) must return an array of shape \(2,\)"),
    (lambda: bplib.gradient_descent(lambda x: x[:, None], [1.0, 2.0], 0.1, 3), ValueError,
     r"grad\(x\) must return an array of shape \(2,\), got shape \(2, 1\)"),
    (lambda: bplib.gradient_descent(lambda x: x, np.ones((2, 2)), 0.1, 3), ValueError,
     r"x0 must be a number or a 1-D array"),
    (lambda: bplib.gradient_descent(lambda x: x, "1.0", 0.1, 3), TypeError, r"x0 must be an array of real numbers"),
    (lambda: bplib.gradient_descent(lambda x: x, [1 + 1j], 0.1, 3), TypeError, r"x0 must be an array of real"),
    (lambda: bplib.gradient_descent(lambda x: x, [np.nan], 0.1, 3), ValueError, r"x0 contains NaN or inf"),
    (lambda: bplib.gradient_descent("grad", [1.0], 0.1, 3), TypeError, r"grad must be a callable"),
    (lambda: bplib.gradient_descent(lambda x: x, [1.0], 0.0, 3), ValueError, r"lr must be a finite number > 0"),
    (lambda: bplib.gradient_descent(lambda x: x, [1.0], math.nan, 3), ValueError, r"lr must be a finite number > 0"),
    (lambda: bplib.gradient_descent(lambda x: x, [1.0], "0.1", 3), TypeError, r"lr must be a finite number > 0"),
    (lambda: bplib.gradient_descent(lambda x: x, [1.0], 0.1, -1), ValueError, r"steps must be an integer >= 0"),
    (lambda: bplib.gradient_descent(lambda x: x, [1.0], 0.1, 2.0), TypeError, r"steps must be an integer"),
    (lambda: bplib.gradient_descent(lambda x: x, [1.0], 0.1, 3, momentum=1.0), ValueError,
     r"momentum must be a number in \[0, 1\)"),
    (lambda: bplib.gradient_descent(lambda x: x, [1.0], 0.1, 3, momentum=-0.1), ValueError, r"momentum must be"),
]

GRADCHECK_CASES = [
    (lambda: gradcheck(lambda x: math.nan, lambda x: x, [1.0]), ValueError, r"f\(x\) returned nan"),
    (lambda: gradcheck(lambda x: math.inf, lambda x: x, [1.0]), ValueError, r"f\(x\) returned inf"),
    (lambda: gradcheck(lambda x: x, lambda x: x, [1.0, 2.0]), TypeError, r"f\(x\) must return one real number"),
    (lambda: gradcheck(lambda x: None, lambda x: x, [1.0]), TypeError, r"f\(x\) must return one real number"),
    (lambda: gradcheck(lambda x: "1", lambda x: x, [1.0]), TypeError, r"f\(x\) must return one real number"),
    (lambda: gradcheck(lambda x: float(x @ x), lambda x: np.nan * x, [1.0]), ValueError,
     r"analytic gradient contains NaN or inf"),
    (lambda: gradcheck(lambda x: float(x @ x), lambda x: None, [1.0]), ValueError, r"analytic gradient contains"),
    (lambda: gradcheck(lambda x: float(x @ x), "grad", [1.0]), TypeError, r"grad must be a callable"),
    (lambda: gradcheck(lambda x: float(x @ x), lambda x: x[:1], [1.0, 2.0]), ValueError,
     r"analytic and numeric gradients must have the same shape"),
    (lambda: numerical_gradient(lambda x: 0.0, [1.0], h=0.0), ValueError, r"h must be a finite number > 0"),
    (lambda: numerical_gradient(lambda x: 0.0, [np.inf]), ValueError, r"x contains NaN or inf"),
    (lambda: numerical_gradient(3.0, [1.0]), TypeError, r"f must be a callable"),
    (lambda: relative_error([1.0, np.inf], [1.0, 2.0]), ValueError, r"analytic gradient contains NaN or inf"),
    (lambda: relative_error([1.0], [np.nan]), ValueError, r"numeric gradient contains NaN or inf"),
    (lambda: check_mlp(net(), X3, Y2 * 2), ValueError, r"Y must hold labels in \[0, 1\]"),
]

DATA_CASES = [
    (lambda: data.linearly_separable(margin=math.nan), ValueError, r"margin must be a finite number >= 0 and <= 1"),
    (lambda: data.linearly_separable(margin=4.0), ValueError, r"margin must be a finite number >= 0 and <= 1"),
    (lambda: data.linearly_separable(margin=-0.1), ValueError, r"margin must be"),
    (lambda: data.linearly_separable(margin="0.2"), TypeError, r"margin must be a finite number"),
    (lambda: data.linearly_separable(n=1), ValueError, r"n must be an integer >= 2"),
    (lambda: data.linearly_separable(seed=-3), ValueError, r"seed must be a non-negative integer"),
    (lambda: data.circles(noise=-0.1), ValueError, r"noise must be a finite number >= 0"),
    (lambda: data.circles(noise=math.inf), ValueError, r"noise must be a finite number >= 0"),
    (lambda: data.circles(noise=math.nan), ValueError, r"noise must be a finite number >= 0"),
    (lambda: data.circles(factor=1.5), ValueError, r"factor must be a finite number >= 0 and < 1"),
    (lambda: data.circles(factor=0.0), ValueError, r"factor must be a finite number > 0 and < 1"),
    (lambda: data.circles(factor=math.nan), ValueError, r"factor must be"),
    (lambda: data.circles(seed=0.5), TypeError, r"seed must be a non-negative integer"),
    (lambda: data.moons(noise=-1.0), ValueError, r"noise must be a finite number >= 0"),
    (lambda: data.moons(noise=math.nan), ValueError, r"noise must be a finite number >= 0"),
    (lambda: data.moons(n=0), ValueError, r"n must be an integer >= 2"),
    (lambda: data.noisy_sine(noise=-0.2), ValueError, r"noise must be a finite number >= 0"),
    (lambda: data.noisy_sine(n=0), ValueError, r"n must be an integer >= 1"),
    (lambda: data.digits(noise=1.5), ValueError, r"noise \(a probability\) must be a finite number >= 0 and <= 1"),
    (lambda: data.digits(noise=math.nan), ValueError, r"noise \(a probability\) must be"),
    (lambda: data.digits(copies=0), ValueError, r"copies must be an integer >= 1"),
    (lambda: data.one_hot(np.array([], dtype=int)), ValueError, r"labels is empty: pass k"),
    (lambda: data.one_hot([0.5, 1.0]), ValueError, r"labels must be a 1-D array of non-negative ints"),
    (lambda: data.one_hot([0, -1]), ValueError, r"labels must be a 1-D array of non-negative ints"),
    (lambda: data.one_hot([0, 3], k=2), ValueError, r"labels must be < k = 2"),
    (lambda: data.one_hot([0, 1], k=0), ValueError, r"k must be an integer >= 1"),
]

PERCEPTRON_CASES = [
    (lambda: perceptron(np.zeros((0, 2)), np.zeros(0)), ValueError, r"X must hold at least one sample"),
    (lambda: perceptron(XOR_X, XOR_Y[:3]), ValueError, r"y must have shape \(N,\) = \(4,\)"),
    (lambda: perceptron(XOR_X, XOR_Y * 2), ValueError, r"y must hold labels 0 or 1"),
    (lambda: perceptron(XOR_X[0], XOR_Y), ValueError, r"X must be a 2-D array"),
    (lambda: perceptron(XOR_X, XOR_Y, lr=0), ValueError, r"lr must be a finite number > 0"),
    (lambda: perceptron(XOR_X, XOR_Y, epochs=-1), ValueError, r"epochs must be an integer >= 0"),
    (lambda: perceptron(XOR_X, XOR_Y, w0=[1.0]), ValueError, r"w0 must have shape \(2,\)"),
    (lambda: perceptron(XOR_X, XOR_Y, b0=math.nan), ValueError, r"b0 contains NaN or inf"),
    (lambda: sigmoid_neuron_gradient([1.0], 0.0, XOR_X, XOR_Y), ValueError, r"w must have shape \(2,\)"),
    (lambda: sigmoid_neuron_gradient([1.0, 1.0], "b", XOR_X, XOR_Y), TypeError, r"b must be an array of real"),
    (lambda: train_sigmoid_neuron(XOR_X, XOR_Y, epochs=-2), ValueError, r"epochs must be an integer >= 0"),
    (lambda: train_sigmoid_neuron(XOR_X, XOR_Y, lr=-1.0), ValueError, r"lr must be a finite number > 0"),
    (lambda: train_sigmoid_neuron(XOR_X, XOR_Y, b0=math.inf), ValueError, r"b0 must be a finite number"),
    (lambda: train_sigmoid_neuron(XOR_X, XOR_Y, b0="0"), TypeError, r"b0 must be a finite number"),
]

METRICS_CASES = [
    (lambda: accuracy([[0.2], [0.9]], [0, 1, 1]), ValueError, r"labels must have shape \(2,\)"),
    (lambda: accuracy(np.zeros((0, 2)), np.zeros(0)), ValueError, r"at least one sample"),
    (lambda: accuracy([[np.nan], [0.5]], [0, 1]), ValueError, r"outputs contains NaN or inf"),
    (lambda: accuracy(np.zeros((2, 2, 2)), [0, 1]), ValueError, r"outputs must have shape \(N,\) or \(N, K\)"),
    (lambda: accuracy([["a"], ["b"]], [0, 1]), TypeError, r"outputs must be an array of real numbers"),
    (lambda: steps_to_tolerance(np.zeros((2, 2)), 0.1), ValueError, r"values must be a 1-D sequence"),
]

MOONS_X, MOONS_Y = data.moons(n=20)
MOONS_Y = MOONS_Y[:, None].astype(float)


def fit(**options):
    options = {"lr": 0.1, "epochs": 2, **options}
    return lambda: MLP([2, 3, 1], ["tanh", "sigmoid"], "mse").train(MOONS_X, MOONS_Y, **options)


TRAIN_CASES = [
    (lambda: bplib.train.train("net", MOONS_X, MOONS_Y, 0.1, 2), TypeError, r"net must be a bplib.MLP, got str"),
    (fit(callback=3), TypeError, r"callback must be a callable callback\(epoch, net, history\) or None"),
    (fit(callback=lambda e, n, h: 0.5), TypeError, r"callback must return True \(stop\), False or None"),
    (fit(callback=lambda e, n, h: "stop"), TypeError, r"callback must return True \(stop\), False or None"),
    (fit(validation=MOONS_X), TypeError, r"validation must be a pair \(X_val, Y_val\)"),
    (fit(validation=(MOONS_X, MOONS_Y, 1)), TypeError, r"validation must be a pair"),
    (fit(validation=(MOONS_X, MOONS_Y[:5])), ValueError, r"Y_val must have shape \(N, K\) = \(20, 1\)"),
    (fit(seed=-1), ValueError, r"seed must be a non-negative integer"),
    (fit(seed="0"), TypeError, r"seed must be a non-negative integer"),
    (fit(lr=0.0), ValueError, r"lr must be a finite number > 0"),
    (fit(lr=math.inf), ValueError, r"lr must be a finite number > 0"),
    (fit(epochs=-1), ValueError, r"epochs must be an integer >= 0"),
    (fit(epochs=2.5), TypeError, r"epochs must be an integer"),
    (fit(batch_size=0), ValueError, r"batch_size must be an integer >= 1"),
    (fit(batch_size=2.0), TypeError, r"batch_size must be an integer"),
    (fit(momentum=1.0), ValueError, r"momentum must be a number in \[0, 1\)"),
    (lambda: MLP([2, 3, 1], ["tanh", "sigmoid"], "mse").train(MOONS_X[:0], MOONS_Y[:0], 0.1, 2), ValueError,
     r"X must hold at least one sample"),
]

CASES = {"mlp": MLP_CASES, "train": TRAIN_CASES, "losses": LOSS_CASES, "autograd": AUTOGRAD_CASES, "descent": DESCENT_CASES,
         "gradcheck": GRADCHECK_CASES, "data": DATA_CASES, "perceptron": PERCEPTRON_CASES,
         "metrics": METRICS_CASES}
ALL = [(f"{area}-{i}", *case) for area, cases in CASES.items() for i, case in enumerate(cases)]


@pytest.mark.parametrize("case_id, call, error, message", ALL, ids=[c[0] for c in ALL])
def test_bad_input_is_refused_clearly(case_id, call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert type(info.value) is error, f"{case_id}: expected exactly {error.__name__}, got {type(info.value).__name__}"


def test_enough_cases():
    assert len(ALL) >= 150
