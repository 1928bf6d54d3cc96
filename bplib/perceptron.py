r"""Single neurons (chapter 3): Rosenblatt's perceptron and the sigmoid neuron.

Perceptron: :math:`h = \mathrm{step}(w \cdot x + b)` with :math:`\mathrm{step}(z) = 1` for :math:`z \ge 0`, else 0,
and the learning rule, one example at a time,

.. math::  w \leftarrow w + \eta\,(y - h)\,x, \qquad b \leftarrow b + \eta\,(y - h).

Sigmoid neuron: :math:`h = \sigma(w \cdot x + b)` and :math:`E = \sum_n (h_n - y_n)^2`, so

.. math::  \frac{\partial E}{\partial w} = \sum_n 2 (h_n - y_n)\, h_n (1 - h_n)\, x_n, \qquad
           \frac{\partial E}{\partial b} = \sum_n 2 (h_n - y_n)\, h_n (1 - h_n).

Shapes: X is (N, D), y is (N,) with labels 0/1, w is (D,), b a float.
"""
from dataclasses import dataclass

import numpy as np

from ._checks import as_finite_array, int_at_least, positive_number
from .activation_functions import sigmoid
from .descent import gradient_descent


def step(z):
    r""":math:`\mathrm{step}(z) = 1` if :math:`z \ge 0` else 0."""
    return (np.asarray(z) >= 0).astype(np.float64)


def _check_xy(X, y):
    X = as_finite_array(X, "X", ndim=2)
    y = as_finite_array(y, "y", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"y must have shape (N,) = ({len(X)},) to match X, got {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 or 1")
    return X, y


@dataclass
class PerceptronRun:
    """The perceptron's weights after each epoch (row 0: the start) and its mistakes in each epoch."""

    w: np.ndarray          # (epochs + 1, D)
    b: np.ndarray          # (epochs + 1,)
    mistakes: list         # one count per epoch
    converged: bool        # an epoch with no mistake was reached


def perceptron(X, y, lr=1.0, epochs=100, w0=None, b0=0.0):
    """Rosenblatt's rule, examples in order, until an epoch makes no mistake or ``epochs`` run out."""
    X, y = _check_xy(X, y)
    lr = positive_number(lr, "lr")
    epochs = int_at_least(epochs, "epochs")
    w = np.zeros(X.shape[1]) if w0 is None else as_finite_array(w0, "w0", ndim=1).copy()
    if w.shape != (X.shape[1],):
        raise ValueError(f"w0 must have shape ({X.shape[1]},), got {w.shape}")
    b = float(as_finite_array(b0, "b0", ndim=0))
    ws, bs, mistakes = [w.copy()], [b], []
    for _ in range(epochs):
        wrong = 0
        for x_n, y_n in zip(X, y):
            error = y_n - step(x_n @ w + b)
            if error:
                w += lr * error * x_n
                b += lr * error
                wrong += 1
        ws.append(w.copy())
        bs.append(b)
        mistakes.append(wrong)
        if wrong == 0:
            break
    return PerceptronRun(np.array(ws), np.array(bs), mistakes, bool(mistakes) and mistakes[-1] == 0)


def sigmoid_neuron_gradient(w, b, X, y):
    r"""``(E, dE/dw, dE/db)`` for :math:`E = \sum (\sigma(Xw + b) - y)^2`."""
    X, y = _check_xy(X, y)
    w = as_finite_array(w, "w", ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got {w.shape}")
    return _sigmoid_neuron_gradient(w, float(as_finite_array(b, "b", ndim=0)), X, y)


def _sigmoid_neuron_gradient(w, b, X, y):
    # The formula, for inputs already checked (the training loop checks once, not every epoch).
    h = sigmoid(X @ w + b)
    r = 2.0 * (h - y) * h * (1.0 - h)                      # ∂E/∂z_n = 2(h_n - y_n) σ'(z_n)
    return float(np.sum((h - y) ** 2)), X.T @ r, float(r.sum())


def train_sigmoid_neuron(X, y, lr=0.1, epochs=100, w0=None, b0=0.0):
    r"""Full-batch gradient descent on E; returns the path of :math:`\theta = (w_1, \dots, w_D, b)`.

    Uses :func:`bplib.gradient_descent` on the stacked parameters, shape (epochs + 1, D + 1).
    """
    X, y = _check_xy(X, y)
    d = X.shape[1]
    w0 = np.zeros(d) if w0 is None else as_finite_array(w0, "w0", ndim=1)
    if w0.shape != (d,):
        raise ValueError(f"w0 must have shape ({d},), got {w0.shape}")

    def grad(theta):
        _, gw, gb = _sigmoid_neuron_gradient(theta[:d], theta[d], X, y)
        return np.append(gw, gb)

    return gradient_descent(grad, np.append(w0, b0), lr, epochs)


def sigmoid_neuron_error(path, X, y):
    """E for every row (w, b) of a path from :func:`train_sigmoid_neuron`, shape (epochs + 1,)."""
    X, y = _check_xy(X, y)
    return np.array([_sigmoid_neuron_gradient(theta[:-1], theta[-1], X, y)[0] for theta in path])
