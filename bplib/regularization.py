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
import numbers

import numpy as np

from ._checks import as_finite_array, flag, int_at_least, nonnegative_number, positive_number, sequence
from .activation_functions import Activation
from .mlp import backward, forward

# A sum of squares at least this large is exact to rounding: no square that went into it lost digits to underflow.
_SMALLEST_EXACT_SUM = np.finfo(np.float64).tiny / np.finfo(np.float64).eps


def _decay_rate(x, name="weight_decay"):
    return nonnegative_number(x, name)


def drop_probability(p, name="dropout"):
    """``p`` as a float after checking it is a real number in [0, 1) (p = 1 would drop every unit)."""
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
        raise TypeError(f"{name} must be a drop probability in [0, 1), got {p!r}")
    if not 0 <= p < 1:
        raise ValueError(f"{name} must be a drop probability in [0, 1), got {p!r}")
    return float(p)


def _layer_list(arrays, name, what):
    # a list (or tuple) with one array per layer; a bare array is refused, as its rows would be taken for layers
    if isinstance(arrays, np.ndarray):
        raise TypeError(f"{name} must be a list of {what}, got one array of shape {arrays.shape}; wrap it in a "
                        f"list: [{name[0].upper()}]")
    return sequence(arrays, name, what)


def _arrays(arrays, name):
    # a list of real arrays, one per layer, as finite float arrays
    arrays = _layer_list(arrays, name, "arrays (one per layer)")
    return [as_finite_array(A, f"{name}[{i}]") for i, A in enumerate(arrays)]


def _power_of_two_scale(arrays):
    # the power of two 2^(e-1) at or below the largest |entry| (2^-1 when all are 0): dividing by it is exact and
    # puts every entry in [-2, 2], so their squares neither overflow nor (for the entries that matter) underflow
    top = np.max([np.max(np.abs(A), initial=0.0) for A in arrays], initial=0.0)
    return np.ldexp(1.0, np.frexp(top)[1] - 1)


def _scaled_norm(arrays):
    # (s, r) with the global norm = s * r, computed without overflow or underflow
    s = _power_of_two_scale(arrays)
    return s, np.sqrt(sum(float(np.sum((A / s) ** 2)) for A in arrays))


def _l2_penalty(weights, weight_decay):
    # unchecked core (training calls it every minibatch)
    return 0.5 * weight_decay * sum(float(np.sum(W * W)) for W in weights)


def _l2_gradient(weights, weight_decay):
    return [weight_decay * W for W in weights]


def l2_penalty(weights, weight_decay):
    r""":math:`\tfrac12\lambda_{\mathrm{wd}}\sum_\ell \lVert W^\ell\rVert_F^2` for a list of arrays ``weights``.

    ``weights`` must be a list (or tuple) of finite real arrays; a bare array is refused (it would be read row by
    row). Weights so large that the sum of squares overflows are handled; a penalty beyond the float64 range is a
    ValueError.
    """
    weight_decay = _decay_rate(weight_decay)
    weights = _arrays(weights, "weights")
    with np.errstate(over="ignore", invalid="ignore"):
        value = _l2_penalty(weights, weight_decay)
        if not np.isfinite(value):                         # the squares overflowed: take them scaled
            s, r = _scaled_norm(weights)
            value = 0.5 * weight_decay * s * r * s * r
    if value == np.inf:
        raise ValueError(f"the L2 penalty overflows (it is beyond the float64 range): weights are too large (largest "
                         f"|W| = {max(np.max(np.abs(W), initial=0.0) for W in weights):.3g})")
    return value


def l2_gradient(weights, weight_decay):
    r"""The gradient of :func:`l2_penalty`: the list :math:`[\lambda_{\mathrm{wd}} W^\ell]`, shaped like ``weights``
    (a list of finite real arrays, as for :func:`l2_penalty`)."""
    weight_decay = _decay_rate(weight_decay)
    weights = _arrays(weights, "weights")
    with np.errstate(over="ignore"):
        gradient = _l2_gradient(weights, weight_decay)
    for l, G in enumerate(gradient):
        if not np.all(np.isfinite(G)):
            raise ValueError(f"the L2 gradient overflows: weight_decay * weights[{l}] is beyond the float64 range "
                             f"(weight_decay = {weight_decay:g}, largest |W| = {np.max(np.abs(weights[l])):.3g})")
    return gradient


def _check_rng(rng):
    if not isinstance(rng, (np.random.Generator, np.random.RandomState)):
        raise TypeError(f"rng must be a numpy random Generator such as np.random.default_rng(0), "
                        f"got {type(rng).__name__} {rng!r}")


def _mask(shape, p, rng):
    return (rng.random(shape) >= p) / (1.0 - p)


def dropout_mask(shape, p, rng):
    r"""The scaled mask :math:`\xi/(1-p)`: entries :math:`1/(1-p)` with probability :math:`1-p`, else 0.

    ``shape`` is an int or a tuple of ints >= 0, ``p`` a real number in [0, 1), ``rng`` a numpy Generator.
    """
    p = drop_probability(p, "p")
    _check_rng(rng)
    dims = [shape] if isinstance(shape, numbers.Integral) and not isinstance(shape, (bool, np.bool_)) else \
        sequence(shape, "shape", "non-negative ints")
    shape = tuple(int_at_least(n, f"shape[{i}]", minimum=0) for i, n in enumerate(dims))
    try:
        return _mask(shape, p, rng)
    except ValueError as e:                                # e.g. "Maximum allowed dimension exceeded"
        raise ValueError(f"shape {shape} is too large for an array") from e


class _NoMaskYet:
    # dropout's mask before the first forward pass: multiplying by it explains the mistake (at no cost to the
    # training loop, which would otherwise check for it in every backward pass)
    __array_ufunc__ = None                                 # numpy defers array * _NoMaskYet() to __rmul__

    def __rmul__(self, other):
        raise ValueError("dropout's backward needs the mask of a forward pass: call forward(z) first")


def dropout(g, p, rng=None, mask=None):
    r"""The activation ``g`` followed by inverted dropout with drop probability ``p``: an ``Activation``.

    ``forward(z)`` draws a fresh mask from ``rng`` (a numpy Generator) and returns :math:`g(z) \odot \xi/(1-p)`;
    ``backward(z, a, grad_a)`` reuses that mask: :math:`g`'s backward at :math:`(z, g(z))` applied to
    :math:`\partial\mathcal L/\partial\tilde a \odot \xi/(1-p)`. A fixed ``mask`` (the scaled one, as from
    :func:`dropout_mask`) is used at every call instead, which makes the function deterministic (gradient checks).
    Use it for training only; evaluate with ``g`` itself.

    Refused: an ``rng`` that is not a numpy Generator; a ``mask`` whose entries are not 0 and :math:`1/(1-p)` (an
    unscaled 0/1 mask would silently change the expected activation); ``z`` or ``grad_a`` of another shape than a
    fixed mask; ``backward`` before any ``forward`` has drawn a mask. With ``rng``, ``backward`` is not checked
    further (it runs in every training step): pass the ``grad_a`` of the last ``forward``'s ``z``.
    """
    from .activation_functions import get
    g = get(g)
    p = drop_probability(p, "p")
    if rng is not None:
        _check_rng(rng)
    if mask is None and rng is None:
        raise ValueError("dropout needs an rng (numpy Generator) to draw masks, or a fixed mask")
    if mask is not None:
        mask = as_finite_array(mask, "mask")
        kept = 1.0 / (1.0 - p)
        if not np.all((mask == 0) | (mask == kept)):
            raise ValueError(f"mask must hold 0 (dropped) and 1/(1 - p) = {kept:g} (kept), the scaled mask of "
                             f"dropout_mask(shape, p, rng); got values {np.unique(mask)[:5]}")
    current = {"mask": _NoMaskYet() if mask is None else mask}

    def check_shape(x, what):                              # with a fixed mask (outside the training loop)
        if np.shape(x) != mask.shape:
            raise ValueError(f"{what} must have the shape of the fixed dropout mask {mask.shape}, got {np.shape(x)}")

    def forward_(z):
        if mask is None:
            current["mask"] = _mask(np.shape(z), p, rng)
        else:
            check_shape(z, "z")
        return g.forward(z) * current["mask"]

    def backward_(z, a, grad_a):
        if mask is not None:
            check_shape(grad_a, "grad_a")
        return g.backward(z, g.forward(z), grad_a * current["mask"])

    return Activation(f"dropout({g.name}, p={p:g})", forward_, backward_)


def _global_norm(grads):
    # unchecked core (training calls it every minibatch, inside np.errstate(over="ignore")): the plain formula,
    # or, when its sum of squares overflowed or underflowed, the scaled one; inf/NaN entries give inf/NaN
    total = sum(float(np.sum(G * G)) for G in grads)
    if _SMALLEST_EXACT_SUM <= total < np.inf:
        return float(np.sqrt(total))
    s, r = _scaled_norm(grads)
    return float(s * r)


def _clip(grads, max_norm, norm):
    # scale the arrays in place so their global norm (norm) is at most max_norm (unchecked core)
    if norm > max_norm:
        if norm == np.inf:                                 # finite entries whose norm is beyond float64: rescale
            s = _power_of_two_scale(grads)                 # (exactly, by a power of two) so it is finite
            for G in grads:
                G /= s
            norm = _global_norm(grads)
        for G in grads:
            G *= max_norm / norm


def global_norm(grads):
    r""":math:`\lVert G\rVert = (\sum_i \lVert G_i\rVert_F^2)^{1/2}` over a list of arrays.

    ``grads`` must be a list (or tuple) of finite real arrays. The norm is computed without overflow or underflow
    (entries up to the float64 limit); a norm beyond the float64 range is a ValueError.
    """
    grads = _arrays(grads, "grads")
    with np.errstate(over="ignore"):
        norm = _global_norm(grads)
    if norm == np.inf:
        raise ValueError("the global norm of grads is beyond the float64 range (about 1.8e308)")
    return norm


def clip_by_global_norm(grads, max_norm):
    r"""Scale the arrays of ``grads`` in place by :math:`\min(1, c/\lVert G\rVert)`; returns :math:`\lVert G\rVert`.

    ``max_norm`` is :math:`c > 0`. Unlike PyTorch, which divides by :math:`\lVert G\rVert + 10^{-6}`, the clipped
    norm is exactly :math:`c`. ``grads`` must be a list (or tuple) of writeable float numpy arrays (they are scaled
    in place) with finite entries: NaN or inf has no direction to keep. Any finite gradients are clipped correctly;
    if their norm is beyond the float64 range, the value returned is ``inf``.
    """
    max_norm = positive_number(max_norm, "max_norm")
    grads = _layer_list(grads, "grads", "float arrays (one per layer)")
    for i, G in enumerate(grads):
        if not isinstance(G, np.ndarray) or G.dtype.kind != "f":
            raise TypeError(f"grads[{i}] must be a float numpy array (it is scaled in place), got "
                            f"{type(G).__name__} {getattr(G, 'dtype', '')}".rstrip())
        if not G.flags.writeable:
            raise ValueError(f"grads[{i}] is read-only; clip_by_global_norm scales it in place")
        as_finite_array(G, f"grads[{i}]")
    with np.errstate(over="ignore"):
        norm = _global_norm(grads)
        _clip(grads, max_norm, norm)
    return norm


def objective(net, X, Y, weight_decay=0.0, decay_biases=False, g=None):
    r"""The regularised training objective and its gradient: ``(value, nabla_w, nabla_b)``.

    ``value`` is :math:`\mathcal L(X, Y) + \tfrac12\lambda_{\mathrm{wd}}(\sum_\ell\lVert W^\ell\rVert^2` [+ the biases'
    if ``decay_biases``]); the gradients are backprop's plus :math:`\lambda_{\mathrm{wd}} W^\ell` (and
    :math:`\lambda_{\mathrm{wd}} b^\ell`). ``g`` replaces the net's activation list (e.g. with :func:`dropout` wrapped
    hidden layers); ``X`` (N, D) and ``Y`` (N, K) are checked as ``net.check_data`` checks them.
    """
    from .mlp import MLP
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a bplib.MLP, got {type(net).__name__}")
    X, Y = net.check_data(X, Y)
    if g is not None:
        g = sequence(g, "g", "Activation objects, one per layer")
        if len(g) != len(net.g) or not all(isinstance(g_l, Activation) for g_l in g):
            raise TypeError(f"g must be a list of {len(net.g)} Activation objects (one per layer), got {g!r:.120}")
    return _objective(net, X, Y, _decay_rate(weight_decay), flag(decay_biases, "decay_biases"), g)


def _objective(net, X, Y, weight_decay, decay_biases, g):
    # objective without the checks: train calls it on every minibatch, after checking everything once
    g = net.g if g is None else g
    zs, activations = forward(X, net.weights, net.biases, g)
    value, _, nabla_w, nabla_b = backward(zs, activations, net.weights, g, net.loss_fn, Y)
    if weight_decay:
        value += _l2_penalty(net.weights, weight_decay)
        nabla_w = [G + D for G, D in zip(nabla_w, _l2_gradient(net.weights, weight_decay))]
        if decay_biases:
            value += _l2_penalty(net.biases, weight_decay)
            nabla_b = [G + D for G, D in zip(nabla_b, _l2_gradient(net.biases, weight_decay))]
    return value, nabla_w, nabla_b
