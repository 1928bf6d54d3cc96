r"""Loss functions :math:`L(a, y)` and the output delta :math:`\delta^L = \partial L/\partial z^L`.

Shapes: ``a`` (the network's output) and ``y`` (the targets) are both (N, K): N samples, K outputs.

=========================  =====================================================================
``sse``                    :math:`\sum_{n,k} (a_{nk} - y_{nk})^2`
``half_sse``               :math:`\tfrac12 \sum_{n,k} (a_{nk} - y_{nk})^2`
``mse``                    :math:`\frac{1}{NK} \sum_{n,k} (a_{nk} - y_{nk})^2`
``cross_entropy``          :math:`-\frac1N \sum_{n,k} y_{nk} \log a_{nk}`
``binary_cross_entropy``   :math:`-\frac{1}{NK} \sum_{n,k} y_{nk}\log a_{nk} + (1-y_{nk})\log(1-a_{nk})`
=========================  =====================================================================

:func:`output_delta` is what backprop starts from. For a sigmoid or softmax output under a cross-entropy it
works on the logits z (log-sum-exp / softplus), so losses and deltas stay finite for logits of ±1000, and for
softmax + cross-entropy the delta is the famous :math:`(a - y)/N`.
"""
import functools

import numpy as np

from . import activations
from ._checks import as_finite_array, lookup


def _checked(labels=False):
    # Validate (a, y) before a loss or its gradient: finite arrays of one shape (numpy would silently broadcast
    # a (N, 1) output against (N,) targets into an (N, N) loss), and for the cross-entropies labels in [0, 1].
    def wrap(f):
        @functools.wraps(f)
        def checked(a, y):
            a, y = as_finite_array(a, "a"), as_finite_array(y, "y")
            if a.shape != y.shape:
                raise ValueError(f"a and y must have the same shape (N, K), got {a.shape} and {y.shape}")
            if labels and y.size and (y.min() < 0 or y.max() > 1):
                raise ValueError(f"y must hold labels in [0, 1] for {f.__name__}, got values in "
                                 f"[{y.min():g}, {y.max():g}]")
            return f(a, y)
        return checked
    return wrap


# Smallest probability a log is taken of on the generic (non-fused) path; keeps log and 1/a finite.
_TINY = 1e-300


@_checked()
def sse(a, y):
    r""":math:`L = \sum (a - y)^2`."""
    return float(np.sum((a - y) ** 2))


@_checked()
def sse_grad(a, y):
    r""":math:`\partial L/\partial a = 2(a - y)`."""
    return 2.0 * (a - y)


@_checked()
def half_sse(a, y):
    r""":math:`L = \tfrac12 \sum (a - y)^2`."""
    return 0.5 * sse(a, y)


@_checked()
def half_sse_grad(a, y):
    r""":math:`\partial L/\partial a = a - y`."""
    return a - y


@_checked()
def mse(a, y):
    r""":math:`L = \frac{1}{NK}\sum (a - y)^2` (mean over all N×K entries)."""
    return sse(a, y) / np.size(a)


@_checked()
def mse_grad(a, y):
    r""":math:`\partial L/\partial a = \frac{2}{NK}(a - y)`."""
    return sse_grad(a, y) / np.size(a)


@_checked(labels=True)
def cross_entropy(a, y):
    r""":math:`L = -\frac1N \sum y \log a` (N = number of rows)."""
    return float(-np.sum(y * np.log(np.maximum(a, _TINY))) / len(a))


@_checked(labels=True)
def cross_entropy_grad(a, y):
    r""":math:`\partial L/\partial a = -\frac{1}{N}\,y / a`."""
    return -y / np.maximum(a, _TINY) / len(a)


@_checked(labels=True)
def binary_cross_entropy(a, y):
    r""":math:`L = -\frac{1}{NK}\sum y\log a + (1-y)\log(1-a)`."""
    terms = y * np.log(np.maximum(a, _TINY)) + (1 - y) * np.log(np.maximum(1 - a, _TINY))
    return float(-np.sum(terms) / np.size(a))


@_checked(labels=True)
def binary_cross_entropy_grad(a, y):
    r""":math:`\partial L/\partial a = \frac{1}{NK}\left(\frac{1-y}{1-a} - \frac{y}{a}\right)`."""
    return ((1 - y) / np.maximum(1 - a, _TINY) - y / np.maximum(a, _TINY)) / np.size(a)


#: name -> (L(a, y), ∂L/∂a).
LOSSES = {
    "sse": (sse, sse_grad),
    "half_sse": (half_sse, half_sse_grad),
    "mse": (mse, mse_grad),
    "cross_entropy": (cross_entropy, cross_entropy_grad),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
}

#: Losses that take logs of the output, so the output must be a probability and y must lie in [0, 1].
PROBABILISTIC = ("cross_entropy", "binary_cross_entropy")


def get(name):
    """Return ``(loss, grad)`` for a loss name, or raise a ValueError listing the valid names."""
    return lookup(LOSSES, name, "loss")


def softplus(z):
    r""":math:`\log(1 + e^{z})`, stable for any finite z: :math:`\max(z, 0) + \log(1 + e^{-|z|})`."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


# Fused (activation, loss) pairs: (z, a, y) -> (L, ∂L/∂z), computed from the logits z.
def _softmax_cross_entropy(z, a, y):
    # L = -(1/N) Σ y·log softmax(z);  ∂L/∂z = (a Σ_k y_k - y)/N, which is (a - y)/N for one-hot rows.
    n = len(z)
    loss = -np.sum(y * activations.log_softmax(z)) / n
    return float(loss), (a * y.sum(axis=1, keepdims=True) - y) / n


def _sigmoid_binary_cross_entropy(z, a, y):
    # -y log σ(z) - (1-y) log(1-σ(z)) = softplus(z) - y z;  ∂L/∂z = (σ(z) - y)/(NK).
    return float(np.mean(softplus(z) - y * z)), (a - y) / np.size(z)


def _sigmoid_cross_entropy(z, a, y):
    # -y log σ(z) = y softplus(-z);  ∂L/∂z = -y (1 - σ(z))/N = -y σ(-z)/N (σ(-z) keeps its precision for z ≫ 0).
    n = len(z)
    return float(np.sum(y * softplus(-z)) / n), -y * activations.sigmoid(-z) / n


FUSED = {
    ("softmax", "cross_entropy"): _softmax_cross_entropy,
    ("sigmoid", "binary_cross_entropy"): _sigmoid_binary_cross_entropy,
    ("sigmoid", "cross_entropy"): _sigmoid_cross_entropy,
}


def output_delta(loss, activation, z, a, y):
    r"""The loss and the output delta :math:`\delta^L = \partial L/\partial z^L`.

    Uses the fused, logit-based formula when (activation, loss) is in :data:`FUSED`, otherwise the chain rule
    :math:`\delta^L = g'(z^L) \odot \partial L/\partial a^L` (a vector-Jacobian product for softmax).

    Parameters
    ----------
    loss, activation : str
        Names from :data:`LOSSES` and :data:`bplib.activations.ACTIVATIONS`.
    z, a, y : ndarray, shape (N, K)
        Output pre-activations, output activations :math:`a = g(z)` and targets.
    """
    fused = FUSED.get((activation, loss))
    if fused is not None:
        return fused(z, a, y)
    value, grad = get(loss)
    _, backward = activations.get(activation)
    return value(a, y), backward(z, a, grad(a, y))
