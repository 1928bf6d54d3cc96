r"""Gradient checking: an analytic gradient against central finite differences.

.. math::

    \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

whose truncation error is :math:`O(h^2)` and whose round-off error is :math:`O(\epsilon |f| / h)`; the sum is
smallest near :math:`h \approx \epsilon^{1/3} \approx 10^{-5}` (the V-shaped curve of chapter 4).

The relative error of two arrays is :math:`\lVert g - \tilde g\rVert / (\lVert g\rVert + \lVert\tilde g\rVert)`
(0 when both are 0): it does not blow up on entries whose true gradient is 0 (dead ReLUs, unused inputs).
"""
import numbers
from dataclasses import dataclass

import numpy as np

from ._checks import as_finite_array, positive_number

DEFAULT_H = 1e-5


def numerical_gradient(f, x, h=DEFAULT_H):
    """Central-difference gradient of the scalar function ``f`` at the array ``x`` (same shape as ``x``)."""
    if not callable(f):
        raise TypeError(f"f must be a callable f(x) -> float, got {type(f).__name__}")
    x = as_finite_array(x, "x")
    h = positive_number(h, "h")
    grad = np.empty_like(x)
    xp = x.copy()
    for i in np.ndindex(x.shape):
        xp[i] = x[i] + h
        up = _scalar(f(xp), xp)
        xp[i] = x[i] - h
        down = _scalar(f(xp), xp)
        xp[i] = x[i]
        grad[i] = (up - down) / (2 * h)
    return grad


def _scalar(value, at):
    # f's value must be one finite real number; anything else would make a meaningless difference quotient.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)) or \
            (isinstance(value, np.ndarray) and (value.size != 1 or value.dtype.kind not in "fiu")):
        raise TypeError(f"f(x) must return one real number, got {type(value).__name__} "
                        f"{getattr(value, 'shape', value)!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"f(x) returned {value} at x = {at}; a gradient check needs finite values of f near x")
    return value


def _gradient_array(g, name):
    try:
        arr = np.asarray(g, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name} gradient must be an array of numbers, got {type(g).__name__}") from e
    if g is None or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} gradient contains NaN or inf (or is None); a gradient check compares finite "
                         f"numbers, got {g!r}")
    return arr


def relative_error(analytic, numeric):
    r""":math:`\lVert a - n\rVert_2 / (\lVert a\rVert_2 + \lVert n\rVert_2)`, and 0 if both are 0."""
    a, n = _gradient_array(analytic, "analytic"), _gradient_array(numeric, "numeric")
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric gradients must have the same shape, got {a.shape} and {n.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def elementwise_relative_error(analytic, numeric):
    r"""Entry by entry, :math:`r_i = |a_i - n_i| / \max(|a_i|, |n_i|)`, and :math:`r_i = 0` where both are 0.

    cs231n's gradient-check measure (Karpathy's notes, "Neural Networks Part 3"). Unlike :func:`relative_error`,
    which gives one number for a whole array and is dominated by its largest entries, it sees every entry, a
    wrong tiny entry included; but on a tiny correct entry the round-off of the finite difference
    (about :math:`\epsilon |f| / h`) divided by :math:`|a_i|` makes :math:`r_i` large. Shapes: any, the same.
    """
    a, n = _gradient_array(analytic, "analytic"), _gradient_array(numeric, "numeric")
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric gradients must have the same shape, got {a.shape} and {n.shape}")
    scale = np.maximum(np.abs(a), np.abs(n))
    return np.divide(np.abs(a - n), scale, out=np.zeros_like(scale), where=scale > 0)


def gradcheck(f, grad, x, h=DEFAULT_H):
    """Relative error between ``grad(x)`` and the finite-difference gradient of ``f`` at ``x``."""
    if not callable(grad):
        raise TypeError(f"grad must be a callable grad(x) -> array, got {type(grad).__name__}")
    numeric = numerical_gradient(f, x, h)
    return relative_error(grad(as_finite_array(x, "x")), numeric)


@dataclass
class MLPCheck:
    """Result of :func:`check_mlp`: the worst relative error and one relative error per weight and bias array."""

    max_relative_error: float
    weight_errors: list
    bias_errors: list

    def __repr__(self):
        return f"MLPCheck(max_relative_error={self.max_relative_error:.2e})"


def mlp_numerical_gradients(net, X, Y, h=DEFAULT_H):
    """Finite-difference gradients of ``net.loss(X, Y)`` for every weight and bias (parameters restored)."""
    X, Y = net.check_data(X, Y)

    def numeric(param):
        start = param.copy()

        def loss_at(values):                               # the loss with this array set to values
            param[...] = values
            return net._loss(X, Y)
        try:
            return numerical_gradient(loss_at, start, h)
        finally:
            param[...] = start

    return [numeric(w) for w in net.weights], [numeric(b) for b in net.biases]


def check_mlp(net, X, Y, h=DEFAULT_H):
    """Compare ``net.loss_and_gradients`` with finite differences on every weight and bias array."""
    _, gw, gb = net.loss_and_gradients(X, Y)
    nw, nb = mlp_numerical_gradients(net, X, Y, h)
    ew = [relative_error(a, n) for a, n in zip(gw, nw)]
    eb = [relative_error(a, n) for a, n in zip(gb, nb)]
    return MLPCheck(max(ew + eb), ew, eb)
