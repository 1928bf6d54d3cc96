r"""Regularisation for training an :class:`~bplib.mlp.MLP`: L2 weight decay, inverted dropout, gradient clipping.

**L2 weight decay.** Add :math:`\tfrac12\lambda_{\mathrm{wd}}\sum_\ell \lVert W^\ell\rVert^2` (squared Frobenius norms) to
the loss. Its gradient with respect to :math:`W^\ell` is :math:`\lambda_{\mathrm{wd}} W^\ell`, so gradient descent becomes
:math:`W \leftarrow W - \eta(\partial\mathcal L/\partial W + \lambda_{\mathrm{wd}} W) = (1 - \eta\lambda_{\mathrm{wd}})W - \eta\,
\partial\mathcal L/\partial W`: every step first shrinks the weights by a constant factor ("decay"). Biases are
not penalised unless asked (a bias shifts a unit; penalising it does not make the function smoother).

**Inverted dropout** (Srivastava et al. 2014; the "inverted" scaling as in cs231n and PyTorch). During training
each hidden unit's output is kept with probability :math:`1-p` (``p`` is the book's :math:`p_{\mathrm{drop}}`)
and set to 0 otherwise, independently for every
sample and every forward pass, and the kept ones are divided by :math:`1-p`:

.. math::

    \tilde a = g(z) \odot \frac{\xi}{1-p}, \qquad \xi_{ni} \sim \mathrm{Bernoulli}(1-p), \qquad
    \mathbb E[\tilde a] = g(z),

so the expected activation is unchanged and evaluation uses the network as it is, with no rescaling. The mask is
a constant of the forward pass, so backward multiplies by the same factor:
:math:`\partial\mathcal L/\partial z = g'(z) \odot \frac{\xi}{1-p} \odot \partial\mathcal L/\partial\tilde a`.

**Clipping by global norm** (Pascanu et al. 2013; ``torch.nn.utils.clip_grad_norm_``): if the norm of all the
gradients together, :math:`\lVert G\rVert = (\sum_i \lVert G_i\rVert^2)^{1/2}`, exceeds :math:`c`, every
gradient is multiplied by :math:`c/\lVert G\rVert`: the direction is kept, the length capped at :math:`c`.
"""
import numpy as np

from ._checks import nonnegative_number, positive_number
from .activation_functions import Activation
from .mlp import backward, forward


def _decay_rate(x, name="weight_decay"):
    return nonnegative_number(x, name)


def drop_probability(p, name="dropout"):
    """``p`` after checking it is a probability in [0, 1) (p = 1 would drop every unit)."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not (0 <= p < 1):
        raise ValueError(f"{name} must be a drop probability in [0, 1), got {p!r}")
    return float(p)


def l2_penalty(weights, weight_decay):
    r""":math:`\tfrac12\lambda_{\mathrm{wd}}\sum_\ell \lVert W^\ell\rVert_F^2` for a list of arrays ``weights``."""
    weight_decay = _decay_rate(weight_decay)
    return 0.5 * weight_decay * sum(float(np.sum(W * W)) for W in weights)


def l2_gradient(weights, weight_decay):
    r"""The gradient of :func:`l2_penalty`: the list :math:`[\lambda_{\mathrm{wd}} W^\ell]`, shaped like ``weights``."""
    weight_decay = _decay_rate(weight_decay)
    return [weight_decay * W for W in weights]


def dropout_mask(shape, p, rng):
    r"""The scaled mask :math:`\xi/(1-p)`: entries :math:`1/(1-p)` with probability :math:`1-p`, else 0."""
    p = drop_probability(p, "p")
    return (rng.random(shape) >= p) / (1.0 - p)


def dropout(g, p, rng=None, mask=None):
    r"""The activation ``g`` followed by inverted dropout with drop probability ``p``: an ``Activation``.

    ``forward(z)`` draws a fresh mask from ``rng`` (a numpy Generator) and returns :math:`g(z) \odot \xi/(1-p)`;
    ``backward(z, a, grad_a)`` reuses that mask: :math:`g`'s backward at :math:`(z, g(z))` applied to
    :math:`\partial\mathcal L/\partial\tilde a \odot \xi/(1-p)`. A fixed ``mask`` (the scaled one, as from
    :func:`dropout_mask`) is used at every call instead, which makes the function deterministic (gradient checks).
    Use it for training only; evaluate with ``g`` itself.
    """
    from .activation_functions import get
    g = get(g)
    p = drop_probability(p, "p")
    if mask is None and rng is None:
        raise ValueError("dropout needs an rng (numpy Generator) to draw masks, or a fixed mask")
    current = {"mask": None if mask is None else np.asarray(mask, dtype=np.float64)}

    def forward_(z):
        if mask is None:
            current["mask"] = dropout_mask(np.shape(z), p, rng)
        return g.forward(z) * current["mask"]

    def backward_(z, a, grad_a):
        return g.backward(z, g.forward(z), grad_a * current["mask"])

    return Activation(f"dropout({g.name}, p={p:g})", forward_, backward_)


def global_norm(grads):
    r""":math:`\lVert G\rVert = (\sum_i \lVert G_i\rVert_F^2)^{1/2}` over a list of arrays."""
    return float(np.sqrt(sum(float(np.sum(G * G)) for G in grads)))


def clip_by_global_norm(grads, max_norm):
    r"""Scale the arrays of ``grads`` in place by :math:`\min(1, c/\lVert G\rVert)`; returns :math:`\lVert G\rVert`.

    ``max_norm`` is :math:`c > 0`. Unlike PyTorch, which divides by :math:`\lVert G\rVert + 10^{-6}`, the clipped
    norm is exactly :math:`c`.
    """
    max_norm = positive_number(max_norm, "clip_norm")
    norm = global_norm(grads)
    if norm > max_norm:
        for G in grads:
            G *= max_norm / norm
    return norm


def objective(net, X, Y, weight_decay=0.0, decay_biases=False, g=None):
    r"""The regularised training objective and its gradient: ``(value, nabla_w, nabla_b)``.

    ``value`` is :math:`\mathcal L(X, Y) + \tfrac12\lambda_{\mathrm{wd}}(\sum_\ell\lVert W^\ell\rVert^2` [+ the biases'
    if ``decay_biases``]); the gradients are backprop's plus :math:`\lambda_{\mathrm{wd}} W^\ell` (and
    :math:`\lambda_{\mathrm{wd}} b^\ell`). ``g`` replaces the net's activation list (e.g. with :func:`dropout` wrapped
    hidden layers); ``X`` (N, D) and ``Y`` (N, K) are used as given (check them with ``net.check_data``).
    """
    weight_decay = _decay_rate(weight_decay)
    g = net.g if g is None else g
    zs, activations = forward(X, net.weights, net.biases, g)
    value, _, nabla_w, nabla_b = backward(zs, activations, net.weights, g, net.loss_fn, Y)
    if weight_decay:
        value += l2_penalty(net.weights, weight_decay)
        nabla_w = [G + D for G, D in zip(nabla_w, l2_gradient(net.weights, weight_decay))]
        if decay_biases:
            value += l2_penalty(net.biases, weight_decay)
            nabla_b = [G + D for G, D in zip(nabla_b, l2_gradient(net.biases, weight_decay))]
    return value, nabla_w, nabla_b
