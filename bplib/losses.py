r"""Loss functions :math:`\mathcal L(a, y)` and the output delta :math:`\delta^L = \partial \mathcal L/\partial z^L`.

Shapes: ``a`` (the network's output) and ``y`` (the targets) are both (N, K): N samples, K outputs.

=========================  =====================================================================
``sse``                    :math:`\sum_{n,k} (a_{nk} - y_{nk})^2`
``half_sse``               :math:`\tfrac12 \sum_{n,k} (a_{nk} - y_{nk})^2`
``mse``                    :math:`\frac{1}{NK} \sum_{n,k} (a_{nk} - y_{nk})^2`
``cross_entropy``          :math:`-\frac1N \sum_{n,k} y_{nk} \log a_{nk}`
``binary_cross_entropy``   :math:`-\frac{1}{NK} \sum_{n,k} \big[y_{nk}\log a_{nk} + (1-y_{nk})\log(1-a_{nk})\big]`
=========================  =====================================================================

:func:`output_delta` is what backprop starts from. For a sigmoid or softmax output under a cross-entropy it
works on the logits z (log-sum-exp / softplus), so losses and deltas stay finite for logits of ±1000, and for
softmax + cross-entropy the delta is the famous :math:`(a - y)/N`.
"""
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import activation_functions
from ._checks import as_finite_array, lookup
from .activation_functions import _log_softmax, _sigmoid

# Smallest probability a log is taken of on the generic (non-fused) path; keeps log and 1/a finite.
_TINY = 1e-300


@dataclass(frozen=True)
class Loss:
    r"""A loss as a small object, like network2's cost classes: ``fn(a, y)`` is :math:`\mathcal L` and ``grad(a, y)`` is
    :math:`\partial \mathcal L/\partial a`, both for (N, K) arrays.

    Calling the object, ``loss(a, y)``, and :meth:`gradient` check their inputs first and refuse a result beyond
    the float64 range (a ValueError, not inf); ``fn`` and ``grad`` are the bare formulas that backprop calls once
    :class:`~bplib.mlp.MLP` has checked its inputs (it screens the loss and gradients for overflow once per pass).
    ``probabilistic`` losses take logs of the output, so ``a`` must be a probability and ``y`` a label in [0, 1].
    """

    name: str
    fn: Callable
    grad: Callable
    probabilistic: bool = False

    def __call__(self, a, y):
        return _finite(self.fn, dict(zip("ay", self.check(a, y))), f"{self.name}(a, y)")

    def gradient(self, a, y):
        r""":math:`\partial \mathcal L/\partial a`, after checking ``a`` and ``y``."""
        return _finite(self.grad, dict(zip("ay", self.check(a, y))), f"the gradient of {self.name}")

    def check(self, a, y):
        """``(a, y)`` as float arrays of one shape (numpy would silently broadcast a (N, 1) output against (N,)
        targets into an (N, N) loss); for the probabilistic losses, labels in [0, 1]."""
        a, y = as_finite_array(a, "a"), as_finite_array(y, "y")
        if a.ndim != 2:                                    # a 1-D array would silently be read as N samples
            raise ValueError(f"a must be a 2-D array of shape (N, K) (one row per sample; reshape a 1-D array "
                             f"with a[:, None] or a[None, :]), got shape {a.shape}")
        if a.shape != y.shape:
            raise ValueError(f"a and y must have the same shape (N, K), got {a.shape} and {y.shape}")
        if a.shape[0] == 0:
            raise ValueError(f"a and y must hold at least one sample (N >= 1), got shape {a.shape}")
        if a.shape[1] == 0:
            raise ValueError(f"a and y must hold at least one output (K >= 1), got shape {a.shape}")
        if self.probabilistic and (y.min() < 0 or y.max() > 1):
            raise ValueError(f"y must hold labels in [0, 1] for {self.name}, got values in "
                             f"[{y.min():g}, {y.max():g}]")
        if self.probabilistic and (a.min() < 0 or a.max() > 1):
            raise ValueError(f"a must hold probabilities in [0, 1] for {self.name} (the output of a sigmoid or "
                             f"softmax), got values in [{a.min():g}, {a.max():g}]")
        return a, y


def _finite(f, inputs, what):
    # f(*inputs.values()) for a direct, checked call: a loss or gradient beyond the float64 range is refused
    # with a ValueError rather than returned as inf (or NaN).  f returns an array, a float or a tuple of them.
    with np.errstate(over="ignore", invalid="ignore"):
        result = f(*inputs.values())
    if not all(np.all(np.isfinite(r)) for r in (result if isinstance(result, tuple) else (result,))):
        largest = ", ".join(f"largest |{name}| = {np.abs(v).max():.3g}" for name, v in inputs.items())
        raise ValueError(f"overflow: {what} is beyond the float64 range (about 1.8e308) for these inputs "
                         f"({largest}); scale them down")
    return result


def _sse(a, y):
    return float(np.sum((a - y) ** 2))


def _binary_terms(a, y):
    return y * np.log(np.maximum(a, _TINY)) + (1 - y) * np.log(np.maximum(1 - a, _TINY))


#: :math:`\mathcal L = \sum (a - y)^2`, :math:`\partial \mathcal L/\partial a = 2(a - y)`.
sse = Loss("sse", _sse, lambda a, y: 2.0 * (a - y))
#: :math:`\mathcal L = \tfrac12 \sum (a - y)^2`, :math:`\partial \mathcal L/\partial a = a - y`.
half_sse = Loss("half_sse", lambda a, y: 0.5 * _sse(a, y), lambda a, y: a - y)
#: :math:`\mathcal L = \frac{1}{NK}\sum (a - y)^2` (mean over all N×K entries), :math:`\partial \mathcal L/\partial a = \frac{2}{NK}(a - y)`.
mse = Loss("mse", lambda a, y: _sse(a, y) / np.size(a), lambda a, y: 2.0 * (a - y) / np.size(a))
#: :math:`\mathcal L = -\frac1N \sum y \log a` (N = number of rows), :math:`\partial \mathcal L/\partial a = -\frac{1}{N}\,y / a`.
cross_entropy = Loss("cross_entropy", lambda a, y: float(-np.sum(y * np.log(np.maximum(a, _TINY))) / len(a)),
                     lambda a, y: -y / np.maximum(a, _TINY) / len(a), probabilistic=True)
#: :math:`\mathcal L = -\frac{1}{NK}\sum \big[y\log a + (1-y)\log(1-a)\big]`,
#: :math:`\partial \mathcal L/\partial a = \frac{1}{NK}\left(\frac{1-y}{1-a} - \frac{y}{a}\right)`.
binary_cross_entropy = Loss(
    "binary_cross_entropy", lambda a, y: float(-np.sum(_binary_terms(a, y)) / np.size(a)),
    lambda a, y: ((1 - y) / np.maximum(1 - a, _TINY) - y / np.maximum(a, _TINY)) / np.size(a), probabilistic=True)

#: name -> :class:`Loss`.
LOSSES = {loss.name: loss for loss in [sse, half_sse, mse, cross_entropy, binary_cross_entropy]}


def get(loss):
    """The :class:`Loss` of a name (or a Loss, returned as is); a ValueError lists the valid names."""
    return loss if isinstance(loss, Loss) else lookup(LOSSES, loss, "loss")


def softplus(z):
    r""":math:`\log(1 + e^{z})`, stable for any finite z: :math:`\max(z, 0) + \log(1 + e^{-|z|})`.

    ``z`` must hold finite real numbers (a TypeError or ValueError naming z otherwise)."""
    return _softplus(as_finite_array(z, "z"))


def _softplus(z):
    # the bare formula, for the fused losses below
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


# Fused (activation, loss) pairs: (z, a, y) -> (ℒ, ∂ℒ/∂z), computed from the logits z.
def _softmax_cross_entropy(z, a, y):
    # ℒ = -(1/N) Σ y·log softmax(z);  ∂ℒ/∂z = (a Σ_k y_k - y)/N, which is (a - y)/N for one-hot rows.
    n = len(z)
    log_a = _log_softmax(z)
    loss = -np.sum(y * log_a) / n
    if not math.isfinite(loss):   # logits over 1.8e308 apart give log a = -inf: where y = 0 the term is 0, not NaN
        loss = -np.sum(np.where(y == 0, 0.0, y * log_a)) / n
    return float(loss), (a * y.sum(axis=1, keepdims=True) - y) / n


def _sigmoid_binary_cross_entropy(z, a, y):
    # -y log σ(z) - (1-y) log(1-σ(z)) = softplus(z) - y z;  ∂ℒ/∂z = (σ(z) - y)/(NK).
    return float(np.mean(_softplus(z) - y * z)), (a - y) / np.size(z)


def _sigmoid_cross_entropy(z, a, y):
    # -y log σ(z) = y softplus(-z);  ∂ℒ/∂z = -y (1 - σ(z))/N = -y σ(-z)/N (σ(-z) keeps its precision for z ≫ 0).
    n = len(z)
    return float(np.sum(y * _softplus(-z)) / n), -y * _sigmoid(-z) / n


FUSED = {
    ("softmax", "cross_entropy"): _softmax_cross_entropy,
    ("sigmoid", "binary_cross_entropy"): _sigmoid_binary_cross_entropy,
    ("sigmoid", "cross_entropy"): _sigmoid_cross_entropy,
}


def output_delta(loss, g, z, a, y):
    r"""The loss and the output delta :math:`\delta^L = \partial \mathcal L/\partial z^L`.

    Called with names (``output_delta("cross_entropy", "softmax", z, a, y)``) it checks its inputs first, like
    every public function: finite (N, K) arrays of one shape, K >= 2 units for softmax (over one unit it is
    always 1, as :class:`~bplib.mlp.MLP` says too), and a loss and delta within the float64 range (a ValueError
    instead of inf). That ``a`` is ``g(z)`` is the caller's promise: it is not recomputed. Backprop passes the
    :class:`Loss` and Activation objects of a net whose inputs it checked once already, and then nothing is
    checked again.

    Uses the fused, logit-based formula when (activation, loss) is in :data:`FUSED`, otherwise the chain rule
    :math:`\delta^L = g'(z^L) \odot \partial \mathcal L/\partial a^L` (a vector-Jacobian product for softmax).

    Parameters
    ----------
    loss : Loss or str
        The loss (or its name in :data:`LOSSES`).
    g : Activation or str
        The output layer's activation (or its name in :data:`bplib.activation_functions.ACTIVATIONS`).
    z, a, y : ndarray, shape (N, K)
        Output pre-activations, output activations :math:`a = g(z)` and targets.
    """
    if isinstance(loss, str) or isinstance(g, str):         # called directly, by name: check the inputs first
        loss, g = get(loss), activation_functions.get(g)
        z, (a, y) = as_finite_array(z, "z"), loss.check(a, y)
        if z.shape != a.shape:
            raise ValueError(f"z and a must have the same shape (N, K), got {z.shape} and {a.shape}")
        if g.name == "softmax" and z.shape[1] < 2:
            raise ValueError(f"g is softmax over K = {z.shape[1]} unit (z has shape {z.shape}): softmax needs at "
                             f"least 2 units (over 1 unit it is always 1); use sigmoid for one output")
        return _finite(lambda z, a, y: _output_delta(loss, g, z, a, y), dict(z=z, a=a, y=y),
                       f"the loss or delta of {loss.name!r} with {g.name!r}")
    return _output_delta(loss, g, z, a, y)


def _output_delta(loss, g, z, a, y):
    fused = FUSED.get((g.name, loss.name))
    if fused is not None:
        return fused(z, a, y)
    return loss.fn(a, y), g.backward(z, a, loss.grad(a, y))
