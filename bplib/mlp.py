r"""A fully connected network and backpropagation in matrix form.

Notation (the book's notation page): layer :math:`\ell = 1, \dots, L`; a minibatch is a matrix whose rows are
samples, so with :math:`a^0 = X`

.. math::

    z^\ell = a^{\ell-1} W^\ell + b^\ell, \qquad a^\ell = g_\ell(z^\ell),

    \delta^L = \partial L / \partial z^L, \qquad
    \delta^\ell = g_\ell'(z^\ell) \odot \big(\delta^{\ell+1} (W^{\ell+1})^{\mathsf T}\big),

    \partial L / \partial W^\ell = (a^{\ell-1})^{\mathsf T} \delta^\ell, \qquad
    \partial L / \partial b^\ell = \textstyle\sum_n \delta^\ell_n .

Code vs text: Python lists count from 0, so ``weights[l]`` is :math:`W^{\ell+1}`, ``zs[l]`` is
:math:`z^{\ell+1}` and ``deltas[l]`` is :math:`\delta^{\ell+1}`, while ``activations[l]`` is :math:`a^\ell`
(``activations[0]`` is the input X).  Shapes: X is (N, D), ``weights[l]`` is (sizes[l], sizes[l+1]).
"""
from dataclasses import dataclass

import numpy as np

from . import activation_functions as _activation_functions
from . import init as _init
from . import losses as _losses
from ._checks import as_finite_array, int_at_least


# Chapter 4 prints forward() and backward() below and checks, line by line, that they are the code of its
# equations (the test_chapter4_source_quotes test in tests/test_mlp.py runs that check in the fast suite).
# Renaming or rewriting a line here means updating the quoted lines there and in book/04_backprop.ipynb.
def forward(X, weights, biases, g):
    """The forward pass, keeping every layer: ``(zs, activations)`` with ``activations[0] = X``."""
    zs, activations = [], [X]
    for W, b, g_l in zip(weights, biases, g):
        z = activations[-1] @ W + b                        # zˡ = aˡ⁻¹ Wˡ + bˡ:  (N, m) @ (m, n) + (n,) -> (N, n)
        zs.append(z)
        activations.append(g_l.forward(z))                 # aˡ = gₗ(zˡ)
    return zs, activations


def backward(zs, activations, weights, g, loss, Y):
    """The backward pass: ``(loss value, deltas, nabla_w, nabla_b)``, lists indexed like ``weights``."""
    L = len(weights)
    deltas, nabla_w, nabla_b = [None] * L, [None] * L, [None] * L
    value, delta = _losses.output_delta(loss, g[-1], zs[-1], activations[-1], Y)   # δᴸ = ∂L/∂zᴸ
    for l in range(L - 1, -1, -1):
        deltas[l] = delta                                  # δ for weights[l], shape (N, sizes[l+1])
        nabla_w[l] = activations[l].T @ delta              # ∂L/∂W = aᵀ δ:      (m, N) @ (N, n) -> (m, n)
        nabla_b[l] = delta.sum(axis=0)                     # ∂L/∂b = Σ_n δ_n:   (n,)
        if l > 0:                                          # the input X needs no gradient: skip that matmul
            delta = g[l - 1].backward(zs[l - 1], activations[l], delta @ weights[l].T)  # δˡ = g'(zˡ) ⊙ δˡ⁺¹ Wᵀ
    return value, deltas, nabla_w, nabla_b


@dataclass
class Backprop:
    """Everything one forward + backward pass computed, for the book to print: lists indexed by layer."""

    loss: float
    zs: list
    activations: list
    deltas: list
    nabla_w: list
    nabla_b: list


class MLP:
    r"""A multilayer perceptron trained by backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first: ``[2, 5, 1]`` is a 2-5-1 net.
    g : sequence of str or Activation
        The activation function :math:`g_\ell` of each weight layer (``len(sizes) - 1`` of them), by name from
        ``sigmoid``, ``tanh``, ``relu``, ``linear``, ``softmax``.
    loss : str or Loss
        ``sse``, ``half_sse``, ``mse``, ``cross_entropy`` or ``binary_cross_entropy``.
    seed : int
        Seed of the weight initialisation.
    init : str or callable
        ``normal``, ``small``, ``xavier`` (default) or ``he``, or ``init(fan_in, fan_out, rng)``.

    Inputs are checked once, at the public methods (:meth:`forward`, :meth:`forward_all`, :meth:`loss`,
    :meth:`backprop`, :meth:`loss_and_gradients`); the module functions :func:`forward` and :func:`backward` are
    the bare equations.
    """

    def __init__(self, sizes, g, loss, seed=0, init="xavier"):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"sizes must be a list of at least 2 layer sizes, e.g. [2, 5, 1], got {sizes!r}")
        self.sizes = [int_at_least(s, f"sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]
        if isinstance(g, str) or not hasattr(g, "__len__"):
            raise TypeError(f"g must be a list of {len(sizes) - 1} activation names (one per layer), got {g!r}")
        if len(g) != len(sizes) - 1:
            raise ValueError(f"g must have one activation per layer: expected {len(sizes) - 1} for sizes "
                             f"{list(sizes)}, got {len(g)}")
        self.g = [_activation_functions.get(g_l) for g_l in g]
        self.loss_fn = _losses.get(loss)
        if self.loss_fn.probabilistic and self.g[-1].name not in ("sigmoid", "softmax"):
            raise ValueError(f"loss {self.loss_fn.name!r} takes log of the output, so the last activation must be "
                             f"'sigmoid' or 'softmax', got {self.g[-1].name!r}")
        init_fn = _init.get(init)
        rng = np.random.default_rng(seed)
        self.weights = [np.asarray(init_fn(m, n, rng), dtype=np.float64) for m, n in zip(self.sizes, self.sizes[1:])]
        self.biases = [np.zeros(n) for n in self.sizes[1:]]

    @property
    def activation_names(self):
        """The names of the layers' activation functions."""
        return [g_l.name for g_l in self.g]

    @property
    def loss_name(self):
        """The name of the loss."""
        return self.loss_fn.name

    def __repr__(self):
        shape = "-".join(map(str, self.sizes))
        return f"MLP({shape}, g={self.activation_names}, loss={self.loss_name!r})"

    @property
    def n_params(self):
        """Number of weights and biases."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def _check_params(self):
        for name, params in (("weights", self.weights), ("biases", self.biases)):
            if len(params) != len(self.sizes) - 1:
                raise ValueError(f"{name} must hold one array per layer: expected {len(self.sizes) - 1} for sizes "
                                 f"{self.sizes}, got {len(params)}")
        for l, (m, n) in enumerate(zip(self.sizes, self.sizes[1:])):
            for name, params in (("weights", self.weights), ("biases", self.biases)):
                if not isinstance(params[l], np.ndarray):   # a list would break the in-place updates of training
                    raise TypeError(f"{name}[{l}] must be a numpy array; overwrite it in place "
                                    f"({name}[{l}][...] = values), got {type(params[l]).__name__}")
            if self.weights[l].shape != (m, n):
                raise ValueError(f"weights[{l}] must have shape {(m, n)}, got {self.weights[l].shape}")
            if self.biases[l].shape != (n,):
                raise ValueError(f"biases[{l}] must have shape {(n,)}, got {self.biases[l].shape}")

    def _check_X(self, X):
        X = as_finite_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.sizes[0]}) for this {self.sizes[0]}-input net, "
                             f"got {X.shape}")
        return X

    def _check_Y(self, Y, n):
        Y = as_finite_array(Y, "Y", ndim=2)
        if Y.shape != (n, self.sizes[-1]):
            raise ValueError(f"Y must have shape (N, K) = {(n, self.sizes[-1])} to match X and the output layer, "
                             f"got {Y.shape}")
        if self.loss_fn.probabilistic and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(f"Y must hold labels in [0, 1] for loss {self.loss_name!r}, "
                             f"got values in [{Y.min():g}, {Y.max():g}]")
        return Y

    def check_data(self, X, Y=None):
        """``X`` (and ``Y``) as checked float arrays for this net, with the parameters checked too."""
        self._check_params()
        X = self._check_X(X)
        return X if Y is None else (X, self._check_Y(Y, len(X)))

    def forward_all(self, X):
        """Forward pass keeping every layer: returns ``(zs, activations)`` with ``activations[0] = X``."""
        return forward(self.check_data(X), self.weights, self.biases, self.g)

    def forward(self, X):
        """The output activations :math:`a^L`, shape (N, sizes[-1])."""
        return self.forward_all(X)[1][-1]

    def loss(self, X, Y):
        """The loss of the current weights on (X, Y), a float."""
        return self._loss(*self.check_data(X, Y))

    def backprop(self, X, Y):
        r"""One forward pass and one backward pass; returns a :class:`Backprop` record of every z, a, δ, gradient."""
        return self._backprop(*self.check_data(X, Y))

    def loss_and_gradients(self, X, Y):
        """``(loss, nabla_w, nabla_b)``: backprop's result, gradients shaped like weights/biases."""
        r = self.backprop(X, Y)
        return r.loss, r.nabla_w, r.nabla_b

    # Unchecked cores, for callers that checked X and Y once already (training, gradient checks).
    def _loss(self, X, Y):
        zs, activations = forward(X, self.weights, self.biases, self.g)
        return _losses.output_delta(self.loss_fn, self.g[-1], zs[-1], activations[-1], Y)[0]

    def _backprop(self, X, Y):
        zs, activations = forward(X, self.weights, self.biases, self.g)
        value, deltas, nabla_w, nabla_b = backward(zs, activations, self.weights, self.g, self.loss_fn, Y)
        return Backprop(value, zs, activations, deltas, nabla_w, nabla_b)

    def copy(self):
        """An independent copy (weights, biases and layer lists copied)."""
        new = object.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.sizes, new.g = list(self.sizes), list(self.g)
        new.weights = [w.copy() for w in self.weights]
        new.biases = [b.copy() for b in self.biases]
        return new

    def accuracy(self, X, labels):
        """The fraction of rows of X classified correctly; see :func:`bplib.metrics.accuracy`."""
        from .metrics import accuracy
        return accuracy(self.forward(X), labels)

    def train(self, X, Y, lr, epochs, **options):
        """Gradient descent on this net; see :func:`bplib.train.train` for the options."""
        from .train import train
        return train(self, X, Y, lr, epochs, **options)
