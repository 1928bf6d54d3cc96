r"""Gradient checking: an analytic gradient against central finite differences.

.. math::

    \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

whose truncation error is :math:`O(h^2)` and whose round-off error is :math:`O(\epsilon |f| / h)`; the sum is
smallest near :math:`h \approx \epsilon^{1/3} \approx 10^{-5}` (the V-shaped curve of chapter 4).

The relative error of two arrays is :math:`\lVert g - \tilde g\rVert / (\lVert g\rVert + \lVert\tilde g\rVert)`
(0 when both are 0): it does not blow up on entries whose true gradient is 0 (dead ReLUs, unused inputs). It is
computed on the arrays scaled by a power of two, so it is right for gradients of any size (1e-200 or 1e200), and
identical to the plain formula wherever that does not underflow or overflow.

Refused: a point ``x`` that is empty, boolean or not finite; a step ``h`` so large that ``x ± h`` overflows or so
small that ``x ± h`` rounds to ``x``; an ``f`` that does not return one finite real number; gradients that are empty,
boolean, not finite or of different shapes.
"""
import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._checks import as_finite_array, positive_number
from .mlp import MLP

DEFAULT_H = 1e-5


def numerical_gradient(f, x, h=DEFAULT_H):
    """Central-difference gradient of the scalar function ``f`` at the array ``x`` (same shape as ``x``).

    Refused (see the module docstring): an empty or boolean ``x``, an ``h`` that ``x ± h`` overflows or loses to
    rounding, an ``f(x)`` that is not one finite real number, and a difference quotient beyond the float64 range.
    """
    if not callable(f):
        raise TypeError(f"f must be a callable f(x) -> float, got {type(f).__name__}")
    x = _point(x, "x")
    h = _step(positive_number(h, "h"), x)
    grad = np.empty_like(x)
    xp = x.copy()
    for i in np.ndindex(x.shape):
        xp[i] = x[i] + h
        up = _scalar(f(xp), xp)
        xp[i] = x[i] - h
        down = _scalar(f(xp), xp)
        xp[i] = x[i]
        grad[i] = (up - down) / (2 * h)
    if not np.all(np.isfinite(grad)):
        raise ValueError(f"the finite-difference gradient overflows: (f(x + h) - f(x - h)) / 2h is beyond the float64 "
                         f"range for h = {h:g}")
    return grad


def _point(x, name):
    # a point to differentiate at: a non-empty array of finite real numbers; booleans are not a point
    arr = as_finite_array(x, name, nonempty=True)
    if np.asarray(x).dtype == bool:
        raise TypeError(f"{name} must be an array of real numbers, got booleans {x!r}")
    return arr


def _step(h, x):
    # h must move every entry of x: x ± h finite and different from x
    with np.errstate(over="ignore"):
        up, down = x + h, x - h
    if not (np.all(np.isfinite(up)) and np.all(np.isfinite(down))):
        raise ValueError(f"h = {h:g} is too large for x (largest |x| = {np.max(np.abs(x)):g}): x ± h overflows")
    if np.any(up == x) or np.any(down == x):
        raise ValueError(f"h = {h:g} is too small for x (largest |x| = {np.max(np.abs(x)):g}): x ± h rounds to x, "
                         f"so the difference quotient would be 0")
    return h


def _scalar(value, at):
    # f's value must be one finite real number; anything else would make a meaningless difference quotient.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)) or \
            (isinstance(value, np.ndarray) and (value.size != 1 or value.dtype.kind not in "fiu")):
        raise TypeError(f"f(x) must return one real number, got {type(value).__name__} "
                        f"{getattr(value, 'shape', value)!r}")
    try:
        value = float(value.item() if isinstance(value, np.ndarray) else value)   # 0-d, (1,) or (1, 1)
    except OverflowError as e:                 # an int or Fraction beyond the float range
        raise ValueError(f"f(x) returned a number beyond the float64 range at x = {at}; a gradient check needs "
                         f"finite values of f near x") from e
    if not np.isfinite(value):
        raise ValueError(f"f(x) returned {value} at x = {at}; a gradient check needs finite values of f near x")
    return value


def _gradients(analytic, numeric):
    a, n = _gradient_array(analytic, "analytic"), _gradient_array(numeric, "numeric")
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric gradients must have the same shape, got {a.shape} and {n.shape}")
    return a, n


def _gradient_array(g, name):
    # a gradient: a non-empty array of finite real numbers (None, booleans and text are not gradients)
    if g is None:
        raise ValueError(f"{name} gradient contains NaN or inf (or is None); a gradient check compares finite "
                         f"numbers, got None")
    arr = as_finite_array(g, f"{name} gradient", nonempty=True)
    if np.asarray(g).dtype == bool:
        raise TypeError(f"{name} gradient must be an array of real numbers, got booleans {g!r}")
    return arr


def _scaled(x, exponent):
    # x · 2**-exponent: exact (a power of two), where x / 2**exponent could overflow the divisor
    return np.ldexp(x, -exponent)


def _norm(x):
    # ‖x‖₂ of entries at most 2 in size, scaled by a power of two so its squares cannot underflow (exact scaling:
    # the same bits as np.linalg.norm where that does not underflow); frexp(0) = (0, 0) leaves zeros alone
    e = math.frexp(np.max(np.abs(x)))[1]
    return np.ldexp(np.linalg.norm(_scaled(x, e)), e)


def relative_error(analytic, numeric):
    r""":math:`\lVert a - n\rVert_2 / (\lVert a\rVert_2 + \lVert n\rVert_2)`, and 0 if both are 0.

    Both arrays are first divided by the power of two just above their largest entry (exactly), so that no square
    overflows or underflows: ``relative_error([1e-200], [2e-200])`` is 1/3, as is ``relative_error([1e200],
    [2e200])``. Refused: empty, boolean or non-finite gradients, and different shapes.
    """
    a, n = _gradients(analytic, numeric)
    top = max(np.max(np.abs(a)), np.max(np.abs(n)))
    if top == 0:
        return 0.0
    e = math.frexp(top)[1]
    a, n = _scaled(a, e), _scaled(n, e)
    return float(_norm(a - n) / (_norm(a) + _norm(n)))


def elementwise_relative_error(analytic, numeric):
    r"""Entry by entry, :math:`r_i = |a_i - n_i| / \max(|a_i|, |n_i|)`, and :math:`r_i = 0` where both are 0.

    cs231n's gradient-check measure (Karpathy's notes, "Neural Networks Part 3"). Unlike :func:`relative_error`,
    which gives one number for a whole array and is dominated by its largest entries, it sees every entry, a
    wrong tiny entry included; but on a tiny correct entry the round-off of the finite difference
    (about :math:`\epsilon |f| / h`) divided by :math:`|a_i|` makes :math:`r_i` large. Shapes: any, the same.
    """
    a, n = _gradients(analytic, numeric)
    scale = np.maximum(np.abs(a), np.abs(n))
    with np.errstate(over="ignore"):
        difference = np.abs(a - n)
    over = np.isinf(difference)                 # a and n near ±1.8e308 with opposite signs: halve both (exactly)
    difference = np.where(over, np.abs(a / 2 - n / 2), difference)
    scale = np.where(over, scale / 2, scale)
    return np.divide(difference, scale, out=np.zeros_like(scale), where=scale > 0)


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


def _mlp(net):
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a bplib.MLP, got {type(net).__name__}")
    return net


def mlp_numerical_gradients(net, X, Y, h=DEFAULT_H):
    """Finite-difference gradients of ``net.loss(X, Y)`` for every weight and bias (parameters restored)."""
    X, Y = _mlp(net).check_data(X, Y)

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
    _, gw, gb = _mlp(net).loss_and_gradients(X, Y)
    nw, nb = mlp_numerical_gradients(net, X, Y, h)
    ew = [relative_error(a, n) for a, n in zip(gw, nw)]
    eb = [relative_error(a, n) for a, n in zip(gb, nb)]
    return MLPCheck(max(ew + eb), ew, eb)
