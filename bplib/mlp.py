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

from . import activations as _activations
from . import init as _init
from . import losses as _losses
from ._checks import as_finite_array, nonnegative_int


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
    activations : sequence of str
        One name per weight layer (``len(sizes) - 1`` of them), from ``sigmoid``, ``tanh``, ``relu``,
        ``linear``, ``softmax``.
    loss : str
        ``sse``, ``half_sse``, ``mse``, ``cross_entropy`` or ``binary_cross_entropy``.
    seed : int
        Seed of the weight initialisation.
    init : str or callable
        ``normal``, ``small``, ``xavier`` (default) or ``he``, or ``init(fan_in, fan_out, rng)``.
    """

    def __init__(self, sizes, activations, loss, seed=0, init="xavier"):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"sizes must be a list of at least 2 layer sizes, e.g. [2, 5, 1], got {sizes!r}")
        self.sizes = [nonnegative_int(s, f"sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]
        if isinstance(activations, str) or not hasattr(activations, "__len__"):
            raise TypeError(f"activations must be a list of {len(sizes) - 1} names (one per layer), "
                            f"got {activations!r}")
        if len(activations) != len(sizes) - 1:
            raise ValueError(f"activations must have one name per layer: expected {len(sizes) - 1} for sizes "
                             f"{list(sizes)}, got {len(activations)}")
        for name in activations:
            _activations.get(name)
        _losses.get(loss)
        if loss in _losses.PROBABILISTIC and activations[-1] not in ("sigmoid", "softmax"):
            raise ValueError(f"loss {loss!r} takes log of the output, so the last activation must be 'sigmoid' or "
                             f"'softmax', got {activations[-1]!r}")
        self.activation_names = list(activations)
        self.loss_name = loss
        init_fn = _init.get(init)
        rng = np.random.default_rng(seed)
        self.weights = [np.asarray(init_fn(m, n, rng), dtype=np.float64) for m, n in zip(self.sizes, self.sizes[1:])]
        self.biases = [np.zeros(n) for n in self.sizes[1:]]

    def __repr__(self):
        shape = "-".join(map(str, self.sizes))
        return f"MLP({shape}, activations={self.activation_names}, loss={self.loss_name!r})"

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
        if self.loss_name in _losses.PROBABILISTIC and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(f"Y must hold labels in [0, 1] for loss {self.loss_name!r}, "
                             f"got values in [{Y.min():g}, {Y.max():g}]")
        return Y

    def forward_pass(self, X):
        """Forward pass keeping every layer: returns ``(zs, activations)`` with ``activations[0] = X``."""
        X = self._check_X(X)
        self._check_params()
        zs, acts = [], [X]
        for W, b, name in zip(self.weights, self.biases, self.activation_names):
            z = acts[-1] @ W + b                           # (N, m) @ (m, n) + (n,) -> (N, n)
            zs.append(z)
            acts.append(_activations.get(name)[0](z))
        return zs, acts

    def forward(self, X):
        """The output activations :math:`a^L`, shape (N, sizes[-1])."""
        return self.forward_pass(X)[1][-1]

    def loss(self, X, Y):
        """The loss of the current weights on (X, Y), a float."""
        return self.backprop(X, Y, gradients=False).loss

    def backprop(self, X, Y, gradients=True):
        r"""One forward pass and (if ``gradients``) one backward pass; returns a :class:`Backprop` record."""
        zs, acts = self.forward_pass(X)
        Y = self._check_Y(Y, len(acts[0]))
        loss, delta = _losses.output_delta(self.loss_name, self.activation_names[-1], zs[-1], acts[-1], Y)
        if not gradients:
            return Backprop(loss, zs, acts, [], [], [])
        L = len(self.weights)
        deltas, nabla_w, nabla_b = [None] * L, [None] * L, [None] * L
        for l in range(L - 1, -1, -1):
            deltas[l] = delta                              # δ for weights[l], shape (N, sizes[l+1])
            nabla_w[l] = acts[l].T @ delta                 # ∂L/∂W = aᵀ δ:      (m, N) @ (N, n) -> (m, n)
            nabla_b[l] = delta.sum(axis=0)                 # ∂L/∂b = Σ_n δ_n:   (n,)
            if l > 0:                                      # the input X needs no gradient: skip that matmul
                backward = _activations.get(self.activation_names[l - 1])[1]
                delta = backward(zs[l - 1], acts[l], delta @ self.weights[l].T)  # δˡ = g'(zˡ) ⊙ δˡ⁺¹ Wᵀ
        return Backprop(loss, zs, acts, deltas, nabla_w, nabla_b)

    def loss_and_gradients(self, X, Y):
        """``(loss, grad_weights, grad_biases)``: backprop's result, gradients shaped like weights/biases."""
        r = self.backprop(X, Y)
        return r.loss, r.nabla_w, r.nabla_b

    def copy(self):
        """An independent copy (weights and biases copied)."""
        new = object.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.weights = [w.copy() for w in self.weights]
        new.biases = [b.copy() for b in self.biases]
        return new

    def train(self, X, Y, lr, epochs, **options):
        """Gradient descent on this net; see :func:`bplib.train.train` for the options."""
        from .train import train
        return train(self, X, Y, lr, epochs, **options)
