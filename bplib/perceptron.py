r"""Single neurons (chapter 3): Rosenblatt's perceptron and the sigmoid neuron.

Perceptron: :math:`h = \mathrm{step}(w \cdot x + b)` with :math:`\mathrm{step}(z) = 1` for :math:`z \ge 0`, else 0,
and the learning rule, one example at a time,

.. math::  w \leftarrow w + \eta\,(y - h)\,x, \qquad b \leftarrow b + \eta\,(y - h).

Sigmoid neuron: :math:`h = \sigma(w \cdot x + b)` and :math:`E = \sum_n (h_n - y_n)^2`, so

.. math::  \frac{\partial E}{\partial w} = \sum_n 2 (h_n - y_n)\, h_n (1 - h_n)\, x_n, \qquad
           \frac{\partial E}{\partial b} = \sum_n 2 (h_n - y_n)\, h_n (1 - h_n).

Shapes: X is (N, D) with N, D >= 1, y is (N,) with labels 0/1, w is (D,), b a float (a real number or a 0-d
array; True/False are refused as weights and biases, though X and y may be boolean).

The training rules stop with a :class:`bplib.train.DivergenceWarning` when their numbers overflow, and return
what they recorded up to then.
"""
import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from ._checks import as_finite_array, int_at_least, positive_number, real_number
from .activation_functions import sigmoid
from .descent import gradient_descent
from .train import DivergenceWarning, _stacklevel_outside_bplib


def step(z):
    r""":math:`\mathrm{step}(z) = 1` if :math:`z \ge 0` else 0, for a real number or an array of them
    (:math:`\pm\infty` included; NaN, which is on neither side, is refused)."""
    try:
        arr = np.asarray(z)
    except ValueError as e:                                # ragged nested lists
        raise TypeError(f"z must be a real number or an array of real numbers, got {type(z).__name__}") from e
    if arr.dtype.kind not in "biufO" or (arr.dtype.kind == "O" and not all(isinstance(v, numbers.Real)
                                                                        for v in arr.flat)):
        raise TypeError(f"z must be a real number or an array of real numbers, got {arr.dtype} values")
    if np.any(arr != arr):                                 # NaN, the one number unequal to itself
        raise ValueError("z contains NaN; expected real numbers (step is 1 for z >= 0, 0 for z < 0)")
    return _step(arr)


def _step(z):
    # the formula, for the training loop's own numbers (checked once per call, not per example)
    return (np.asarray(z) >= 0).astype(np.float64)


def _no_bools(x, name, what):
    # weights and biases given as True/False are more likely a slip than numbers (call after as_finite_array)
    if isinstance(x, (bool, np.bool_)) or np.asarray(x).dtype == bool:
        raise TypeError(f"{name} must be {what}, not True/False, got {x!r}")


def _weights(w, name, d):
    # a weight vector (D,) of finite real numbers, as a float array
    arr = as_finite_array(w, name, ndim=1)
    _no_bools(w, name, "an array of real numbers")
    if arr.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},) to match X, got {arr.shape}")
    return arr


def _bias(b, name):
    # a bias: a finite real number or a 0-d array of one, as a float
    value = float(as_finite_array(b, name, ndim=0))
    _no_bools(b, name, "a real number")
    return value


def _check_rows(X, y, name):
    # X (N, D) with N, D >= 1 and one finite target per row, y (N,); the target is called `name` in messages.
    X = as_finite_array(X, "X", ndim=2)
    y = as_finite_array(y, name, ndim=1)
    if len(X) == 0:
        raise ValueError(f"X must hold at least one sample: expected shape (N, D) with N >= 1, got {X.shape}")
    if X.shape[1] == 0:
        raise ValueError(f"X must hold at least one feature: expected shape (N, D) with D >= 1, got {X.shape}")
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
    w = np.zeros(d) if w0 is None else _weights(w0, "w0", d).copy()
    return w, _bias(b0, "b0")


@dataclass
class PerceptronRun:
    """The perceptron's weights after each epoch (row 0: the start) and its mistakes in each epoch."""

    w: np.ndarray          # (epochs + 1, D)
    b: np.ndarray          # (epochs + 1,)
    mistakes: list         # one count per epoch
    converged: bool        # an epoch with no mistake was reached
    updates: np.ndarray = None   # (updates + 1, D + 1): (w, b) after every single update (row 0: the start)
    diverged_at: object = None   # the epoch whose updates overflowed the weights (the run stopped there), or None


def _diverged(epoch, overflow, lr, kept):
    # bplib.train's warning, pointing at the caller's line
    warnings.warn(f"diverged at epoch {epoch}: {overflow}; lower the learning rate (lr = {lr:g}). Training stopped; "
                  f"the run holds the {kept} so far.", DivergenceWarning, stacklevel=_stacklevel_outside_bplib())
    return epoch


def perceptron(X, y, lr=1.0, epochs=100, w0=None, b0=0.0):
    """Rosenblatt's rule, examples in order, until an epoch makes no mistake or ``epochs`` run out.

    If the weights overflow float64 (an enormous ``lr``), the run stops after that epoch with a
    :class:`bplib.train.DivergenceWarning` and ``diverged_at`` set to it.
    """
    X, y = _check_xy(X, y)
    lr = positive_number(lr, "lr")
    epochs = int_at_least(epochs, "epochs")
    w, b = _start(w0, b0, X.shape[1])
    ws, bs, mistakes, trace = [w.copy()], [b], [], [np.append(w, b)]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            wrong = 0
            for x_n, y_n in zip(X, y):
                error = y_n - _step(x_n @ w + b)
                if error:
                    w += lr * error * x_n
                    b += lr * error
                    wrong += 1
                    trace.append(np.append(w, b))
            ws.append(w.copy())
            bs.append(b)
            mistakes.append(wrong)
            if not (math.isfinite(b) and np.all(np.isfinite(w))):
                diverged_at = _diverged(epoch, f"the weights overflowed (w = {w}, b = {b})", lr, "weights")
                break
            if wrong == 0:
                break
    return PerceptronRun(np.array(ws), np.array(bs), mistakes, bool(mistakes) and mistakes[-1] == 0,
                         np.array(trace), diverged_at)


def sigmoid_neuron_gradient(w, b, X, y):
    r"""``(E, dE/dw, dE/db)`` for :math:`E = \sum (\sigma(Xw + b) - y)^2`."""
    X, y = _check_xy(X, y)
    w, b = _weights(w, "w", X.shape[1]), _bias(b, "b")
    _check_z(X, w, b, "w and b")
    return _sigmoid_neuron_gradient(w, b, X, y)


def _check_z(X, w, b, names):
    # the net inputs z = Xw + b must be finite: an overflowed z (±inf, or NaN from inf - inf) can put a sample on
    # the wrong side of the sigmoid
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ w + b
    if not np.all(np.isfinite(z)):
        raise ValueError(f"X @ w + b overflows float64: X or {names} are too large; expected net inputs within "
                         f"the float64 range (about ±1.8e308)")


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
    w0 = np.zeros(d) if w0 is None else _weights(w0, "w0", d)
    lr, epochs = positive_number(lr, "lr"), int_at_least(epochs, "epochs")   # named as here, not as in
    if isinstance(b0, np.ndarray) and b0.ndim == 0:                           # gradient_descent (steps, x0)
        b0 = b0[()]                                       # a 0-d array, as the other rules accept
    b0 = real_number(b0, "b0")

    def grad(theta):
        _, gw, gb = _sigmoid_neuron_gradient(theta[:d], theta[d], X, y)
        return np.append(gw, gb)

    return gradient_descent(grad, np.append(w0, b0), lr, epochs)


def sigmoid_neuron_error(path, X, y):
    """E for every row (w, b) of a path from :func:`train_sigmoid_neuron`, shape (epochs + 1,).

    ``path`` must be a finite (P, D + 1) array; a row whose net inputs overflow float64 is refused."""
    X, y = _check_xy(X, y)
    d = X.shape[1]
    path, raw = as_finite_array(path, "path", ndim=2), path
    _no_bools(raw, "path", "an array of real numbers")
    if path.shape[1] != d + 1:
        raise ValueError(f"path must have shape (P, D + 1) = (P, {d + 1}), rows (w, b) as from "
                         f"train_sigmoid_neuron, got {path.shape}")
    _check_z(X, path[:, :-1].T, path[:, -1], "the rows (w, b) of path")
    return np.array([_sigmoid_neuron_gradient(theta[:-1], theta[-1], X, y)[0] for theta in path])


def novikoff_margin(X, y, w, b):
    r"""Novikoff's :math:`(R, \gamma)` for the plane :math:`w \cdot x + b = 0`, in the space of :math:`\tilde x = (x, 1)`.

    With :math:`s_n = 2y_n - 1 = \pm 1` and the unit normal :math:`u = (w, b)/\lVert (w, b) \rVert`,

    .. math::  R = \max_n \lVert \tilde x_n \rVert, \qquad \gamma = \min_n s_n\, u \cdot \tilde x_n .

    :math:`\gamma > 0` exactly when the plane puts every point strictly on its own class's side; then the
    perceptron rule started from zero makes at most :math:`(R/\gamma)^2` updates. Shapes: X (N, D), y (N,),
    w (D,), b a float. The result does not depend on the scale of (w, b), however large or small; points so
    large that R exceeds the float64 range are refused.
    """
    X, y = _check_xy(X, y)
    theta = np.append(_weights(w, "w", X.shape[1]), _bias(b, "b"))
    if not np.any(theta):
        raise ValueError("w and b must not all be zero (a plane needs a normal)")
    X_aug = np.column_stack([X, np.ones(len(X))])
    # Scaled by powers of two, which is exact, so that no square overflows or underflows: the same numbers as
    # the plain formula wherever that one works, and the right ones for (w, b) or X near the float64 limits.
    u = _halved(theta)[0]
    u = u / np.linalg.norm(u)
    X_s, e = _halved(X_aug)
    with np.errstate(over="ignore"):
        R = np.ldexp(np.max(np.linalg.norm(X_s, axis=1)), e)
        gamma = np.ldexp(np.min((2 * y - 1) * (X_s @ u)), e)   # |γ| <= R
    if not np.isfinite(R):
        raise ValueError("X is too large: R = max ‖(x, 1)‖ exceeds the float64 range (about 1.8e308)")
    return float(R), float(gamma)


def _halved(a):
    # a / 2^e, the power of two that brings the largest |entry| into [0.5, 1), and e
    e = int(np.frexp(np.max(np.abs(a)))[1])
    return np.ldexp(a, -e), e


@dataclass
class DeltaRuleRun:
    """The linear unit's weights after each epoch of the delta rule (row 0: the start) and its loss then."""

    w: np.ndarray          # (epochs + 1, D)
    b: np.ndarray          # (epochs + 1,)
    loss: np.ndarray       # (epochs + 1,): ½ Σ_n (z_n − t_n)² with the weights of that row
    diverged_at: object = None   # the epoch whose loss overflowed (the run stopped there, its row kept), or None


def delta_rule(X, t, lr=0.01, epochs=100, w0=None, b0=0.0):
    r"""Widrow and Hoff's delta rule (LMS, 1960) for a linear unit :math:`z = w \cdot x + b`, one example at a time:

    .. math::  w \leftarrow w + \eta\,(t_n - z_n)\,x_n, \qquad b \leftarrow b + \eta\,(t_n - z_n),

    a gradient-descent step on :math:`\tfrac12 (z_n - t_n)^2` for each example in turn. It has the form of the
    perceptron rule with the linear output :math:`z_n` in place of :math:`\mathrm{step}(z_n)`, so every example moves
    the weights, not only the misclassified ones. Targets are real numbers (Widrow and Hoff used :math:`\pm 1`
    and classified by the sign of :math:`z`). Shapes: X (N, D), t (N,), w0 (D,), b0 a float. The loss recorded
    per epoch is the summed :math:`\tfrac12 \sum_n (z_n - t_n)^2`.

    A loss that overflows float64 at the start is refused (X, t, w0 or b0 too large). One that overflows during
    training (too large an ``lr``) stops the run after that epoch with a :class:`bplib.train.DivergenceWarning`;
    the run keeps the rows so far, that epoch's included, and ``diverged_at`` is set to it.
    """
    X, t = _check_rows(X, t, "t")
    lr = positive_number(lr, "lr")
    epochs = int_at_least(epochs, "epochs")
    w, b = _start(w0, b0, X.shape[1])

    def loss(w, b):
        return 0.5 * float(np.sum((X @ w + b - t) ** 2))

    with np.errstate(over="ignore", invalid="ignore"):
        ws, bs, losses, diverged_at = [w.copy()], [b], [loss(w, b)], None
        if not math.isfinite(losses[0]):
            raise ValueError("the loss ½Σ(z − t)² overflows float64 at the start: X, t, w0 or b0 are too large; "
                             "expected a loss within the float64 range (about 1.8e308)")
        for epoch in range(1, epochs + 1):
            for x_n, t_n in zip(X, t):
                error = t_n - (x_n @ w + b)
                w += lr * error * x_n
                b += lr * error
            ws.append(w.copy())
            bs.append(b)
            losses.append(loss(w, b))
            if not math.isfinite(losses[-1]):
                diverged_at = _diverged(epoch, f"the loss overflowed (it is {losses[-1]})", lr,
                                        "weights and losses")
                break
    return DeltaRuleRun(np.array(ws), np.array(bs), np.array(losses), diverged_at)
