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

from ._checks import as_finite_array, int_at_least, positive_number, real_number
from .activation_functions import sigmoid
from .descent import gradient_descent


def step(z):
    r""":math:`\mathrm{step}(z) = 1` if :math:`z \ge 0` else 0."""
    return (np.asarray(z) >= 0).astype(np.float64)


def _check_rows(X, y, name):
    # X (N, D) with N >= 1 and one finite target per row, y (N,); the target is called `name` in messages.
    X = as_finite_array(X, "X", ndim=2)
    y = as_finite_array(y, name, ndim=1)
    if len(X) == 0:
        raise ValueError(f"X must hold at least one sample: expected shape (N, D) with N >= 1, got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"{name} must have shape (N,) = ({len(X)},) to match X, got {y.shape}")
    return X, y


def _check_xy(X, y):
    X, y = _check_rows(X, y, "y")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 or 1")
    return X, y


def _start(w0, b0, d):
    # The starting (w, b) of a single-neuron rule: zeros unless given; w0 of shape (D,), a copy.
    w = np.zeros(d) if w0 is None else as_finite_array(w0, "w0", ndim=1).copy()
    if w.shape != (d,):
        raise ValueError(f"w0 must have shape ({d},), got {w.shape}")
    return w, float(as_finite_array(b0, "b0", ndim=0))


@dataclass
class PerceptronRun:
    """The perceptron's weights after each epoch (row 0: the start) and its mistakes in each epoch."""

    w: np.ndarray          # (epochs + 1, D)
    b: np.ndarray          # (epochs + 1,)
    mistakes: list         # one count per epoch
    converged: bool        # an epoch with no mistake was reached
    updates: np.ndarray = None   # (updates + 1, D + 1): (w, b) after every single update (row 0: the start)


def perceptron(X, y, lr=1.0, epochs=100, w0=None, b0=0.0):
    """Rosenblatt's rule, examples in order, until an epoch makes no mistake or ``epochs`` run out."""
    X, y = _check_xy(X, y)
    lr = positive_number(lr, "lr")
    epochs = int_at_least(epochs, "epochs")
    w, b = _start(w0, b0, X.shape[1])
    ws, bs, mistakes, trace = [w.copy()], [b], [], [np.append(w, b)]
    for _ in range(epochs):
        wrong = 0
        for x_n, y_n in zip(X, y):
            error = y_n - step(x_n @ w + b)
            if error:
                w += lr * error * x_n
                b += lr * error
                wrong += 1
                trace.append(np.append(w, b))
        ws.append(w.copy())
        bs.append(b)
        mistakes.append(wrong)
        if wrong == 0:
            break
    return PerceptronRun(np.array(ws), np.array(bs), mistakes, bool(mistakes) and mistakes[-1] == 0,
                         np.array(trace))


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
    lr, epochs = positive_number(lr, "lr"), int_at_least(epochs, "epochs")   # named as here, not as in
    b0 = real_number(b0, "b0")                                                # gradient_descent (steps, x0)

    def grad(theta):
        _, gw, gb = _sigmoid_neuron_gradient(theta[:d], theta[d], X, y)
        return np.append(gw, gb)

    return gradient_descent(grad, np.append(w0, b0), lr, epochs)


def sigmoid_neuron_error(path, X, y):
    """E for every row (w, b) of a path from :func:`train_sigmoid_neuron`, shape (epochs + 1,)."""
    X, y = _check_xy(X, y)
    return np.array([_sigmoid_neuron_gradient(theta[:-1], theta[-1], X, y)[0] for theta in path])


def novikoff_margin(X, y, w, b):
    r"""Novikoff's :math:`(R, \gamma)` for the plane :math:`w \cdot x + b = 0`, in the space of :math:`\tilde x = (x, 1)`.

    With :math:`s_n = 2y_n - 1 = \pm 1` and the unit normal :math:`u = (w, b)/\lVert (w, b) \rVert`,

    .. math::  R = \max_n \lVert \tilde x_n \rVert, \qquad \gamma = \min_n s_n\, u \cdot \tilde x_n .

    :math:`\gamma > 0` exactly when the plane puts every point strictly on its own class's side; then the
    perceptron rule started from zero makes at most :math:`(R/\gamma)^2` updates. Shapes: X (N, D), y (N,),
    w (D,), b a float.
    """
    X, y = _check_xy(X, y)
    w = as_finite_array(w, "w", ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got {w.shape}")
    theta = np.append(w, float(as_finite_array(b, "b", ndim=0)))
    if not np.any(theta):
        raise ValueError("w and b must not all be zero (a plane needs a normal)")
    X_aug = np.column_stack([X, np.ones(len(X))])
    u = theta / np.linalg.norm(theta)
    return float(np.max(np.linalg.norm(X_aug, axis=1))), float(np.min((2 * y - 1) * (X_aug @ u)))


@dataclass
class DeltaRuleRun:
    """The linear unit's weights after each epoch of the delta rule (row 0: the start) and its loss then."""

    w: np.ndarray          # (epochs + 1, D)
    b: np.ndarray          # (epochs + 1,)
    loss: np.ndarray       # (epochs + 1,): ½ Σ_n (z_n − t_n)² with the weights of that row


def delta_rule(X, t, lr=0.01, epochs=100, w0=None, b0=0.0):
    r"""Widrow and Hoff's delta rule (LMS, 1960) for a linear unit :math:`z = w \cdot x + b`, one example at a time:

    .. math::  w \leftarrow w + \eta\,(t_n - z_n)\,x_n, \qquad b \leftarrow b + \eta\,(t_n - z_n),

    a gradient-descent step on :math:`\tfrac12 (z_n - t_n)^2` for each example in turn. It has the form of the
    perceptron rule with the linear output :math:`z_n` in place of :math:`\mathrm{step}(z_n)`, so every example moves
    the weights, not only the misclassified ones. Targets are real numbers (Widrow and Hoff used :math:`\pm 1`
    and classified by the sign of :math:`z`). Shapes: X (N, D), t (N,), w0 (D,), b0 a float. The loss recorded
    per epoch is the summed :math:`\tfrac12 \sum_n (z_n - t_n)^2`.
    """
    X, t = _check_rows(X, t, "t")
    lr = positive_number(lr, "lr")
    epochs = int_at_least(epochs, "epochs")
    w, b = _start(w0, b0, X.shape[1])

    def loss(w, b):
        return 0.5 * float(np.sum((X @ w + b - t) ** 2))

    ws, bs, losses = [w.copy()], [b], [loss(w, b)]
    for _ in range(epochs):
        for x_n, t_n in zip(X, t):
            error = t_n - (x_n @ w + b)
            w += lr * error * x_n
            b += lr * error
        ws.append(w.copy())
        bs.append(b)
        losses.append(loss(w, b))
    if not np.all(np.isfinite(losses)):
        raise FloatingPointError(f"the delta rule diverged with lr = {lr:g}: take a smaller learning rate")
    return DeltaRuleRun(np.array(ws), np.array(bs), np.array(losses))
