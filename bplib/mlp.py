r"""A fully connected network and backpropagation in matrix form.

Notation (the book's notation page): layer :math:`\ell = 1, \dots, L`; a minibatch is a matrix whose rows are
samples, so with :math:`a^0 = X`

.. math::

    z^\ell = a^{\ell-1} W^\ell + b^\ell, \qquad a^\ell = g_\ell(z^\ell),

    \delta^L = \partial \mathcal L / \partial z^L, \qquad
    \delta^\ell = g_\ell'(z^\ell) \odot \big(\delta^{\ell+1} (W^{\ell+1})^{\mathsf T}\big),

    \partial \mathcal L / \partial W^\ell = (a^{\ell-1})^{\mathsf T} \delta^\ell, \qquad
    \partial \mathcal L / \partial b^\ell = \textstyle\sum_n \delta^\ell_n .

Code vs text: Python lists count from 0, so ``weights[l]`` is :math:`W^{\ell+1}`, ``zs[l]`` is
:math:`z^{\ell+1}` and ``deltas[l]`` is :math:`\delta^{\ell+1}`, while ``activations[l]`` is :math:`a^\ell`
(``activations[0]`` is the input X).  Shapes: X is (N, D), ``weights[l]`` is (sizes[l], sizes[l+1]).
"""
from dataclasses import dataclass

import numpy as np

from . import activation_functions as _activation_functions
from . import init as _init
from . import losses as _losses
from ._checks import as_finite_array, flag, int_at_least, seed_value, sequence


# Chapter 4 prints forward() and backward() below and quotes their lines in its equation<->code table. The quoted
# lines live in ONE place, bpbook.network.QUOTED_LINES, which the chapter's table and the fast test
# test_chapter4_source_quotes (tests/test_mlp.py) both read: rewriting a quoted line here fails that test, so
# update QUOTED_LINES with it. The listing is printed as is, so keep each line of these two functions within
# 88 characters (equation comments go on the line above a long code line).
def forward(X, weights, biases, g):
    """The forward pass, every layer kept: ``(zs, activations)``, activations[0] = X."""
    zs, activations = [], [X]
    for W, b, g_l in zip(weights, biases, g):
        z = activations[-1] @ W + b             # zˡ = aˡ⁻¹Wˡ + bˡ: (N, m)@(m, n) + (n,)
        zs.append(z)
        activations.append(g_l.forward(z))      # aˡ = gₗ(zˡ)
    return zs, activations


def backward(zs, activations, weights, g, loss, Y):
    """The backward pass: ``(loss, deltas, nabla_w, nabla_b)``, lists like weights."""
    L = len(weights)
    deltas, nabla_w, nabla_b = [None] * L, [None] * L, [None] * L
    # the loss and δᴸ = ∂ℒ/∂zᴸ of the output layer
    value, delta = _losses.output_delta(loss, g[-1], zs[-1], activations[-1], Y)
    for l in range(L - 1, -1, -1):
        deltas[l] = delta                       # δ of weights[l]: (N, n)
        nabla_w[l] = activations[l].T @ delta   # ∂ℒ/∂W = aᵀδ: (m, N)@(N, n)
        nabla_b[l] = delta.sum(axis=0)          # ∂ℒ/∂b = Σₙ δₙ: (n,)
        if l > 0:                               # X needs no δ: skip that matmul
            # δˡ = g'(zˡ) ⊙ δˡ⁺¹(Wˡ⁺¹)ᵀ, the δ of weights[l - 1]
            delta = g[l - 1].backward(zs[l - 1], activations[l], delta @ weights[l].T)
    return value, deltas, nabla_w, nabla_b


class _NoY:
    # check_data's default for Y: "not given", so that Y=None is refused rather than read as "no Y"
    def __repr__(self):
        return "<no Y>"


_NO_Y = _NoY()


@dataclass
class Backprop:
    """Everything one forward + backward pass computed, for the book to print: lists indexed by layer."""

    loss: float
    zs: list
    activations: list
    deltas: list
    nabla_w: list
    nabla_b: list


def _sums_finite(arrays):
    # One cheap screen instead of a test per entry: the sum of every entry is finite only if every entry is.
    # (Huge finite entries whose sum overflows send the caller to its detailed check, which then finds nothing.)
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(sum(float(a.sum()) for a in arrays)))


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
    :meth:`backprop`, :meth:`loss_and_gradients`), and so are the attributes a reader may replace: ``weights``
    and ``biases`` (one float64 array per layer, of the layer's shape, finite), ``g`` (a list of one
    Activation per layer, under the constructor's rules) and ``loss_fn`` (a Loss). The module functions
    :func:`forward` and :func:`backward` are the bare equations.
    """

    def __init__(self, sizes, g, loss, seed=0, init="xavier"):
        sizes = sequence(sizes, "sizes", "layer sizes, e.g. [2, 5, 1]")
        if len(sizes) < 2:
            raise ValueError(f"sizes must be a list of at least 2 layer sizes, e.g. [2, 5, 1], got {sizes!r}")
        self.sizes = [int_at_least(s, f"sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]
        for l, (m, n) in enumerate(zip(self.sizes, self.sizes[1:])):
            if m * n > _init.MAX_ENTRIES:
                raise ValueError(f"sizes[{l}] × sizes[{l + 1}] = {m} × {n} weights do not fit in one numpy array (at "
                                 f"most {_init.MAX_ENTRIES} float64 entries); use smaller layers")
        g = sequence(g, "g", f"{len(sizes) - 1} activation names (one per layer)")
        if len(g) != len(sizes) - 1:
            raise ValueError(f"g must have one activation per layer: expected {len(sizes) - 1} for sizes "
                             f"{self.sizes}, got {len(g)}")
        self.g = [_activation_functions.get(g_l) for g_l in g]
        self.loss_fn = _losses.get(loss)
        self._check_pairs()
        init_fn = _init.get(init)
        rng = np.random.default_rng(seed_value(seed))
        self.weights, self.biases = [], []
        for l, (m, n) in enumerate(zip(self.sizes, self.sizes[1:])):
            W = init_fn(m, n, rng)
            ok = isinstance(W, np.ndarray) and W.shape == (m, n) and W.dtype.kind in "fiu"
            if ok:
                with np.errstate(over="ignore"):            # e.g. a longdouble 1e400 becomes inf here
                    W64 = W.astype(np.float64)
                ok = np.all(np.isfinite(W64))
            if not ok:
                raise ValueError(f"init must return a finite real array of shape (fan_in, fan_out) = {(m, n)}; for "
                                 f"layer {l} it returned {type(W).__name__} "
                                 f"{getattr(W, 'shape', '')} {getattr(W, 'dtype', '')}".rstrip())
            self.weights.append(W64)
            self.biases.append(np.zeros(n))

    def _check_pairs(self):
        # The constructor's rules for the activations and the loss (checked again if net.g or net.loss_fn is replaced).
        if self.loss_fn.probabilistic and self.g[-1].name not in ("sigmoid", "softmax"):
            raise ValueError(f"loss {self.loss_fn.name!r} takes log of the output, so the last activation must be "
                             f"'sigmoid' or 'softmax', got {self.g[-1].name!r}")
        for l, g_l in enumerate(self.g):
            if g_l.name == "softmax" and self.sizes[l + 1] < 2:
                raise ValueError(f"g[{l}] is softmax over sizes[{l + 1}] = {self.sizes[l + 1]} unit: softmax needs at "
                                 f"least 2 units (over 1 unit it is always 1); use sigmoid for one output")
        if self.g[-1].name == "softmax" and self.loss_fn.name == "binary_cross_entropy":
            raise ValueError("loss 'binary_cross_entropy' with a softmax output is not supported (its log(1 - a) "
                             "loses all precision at large logits); use 'cross_entropy' with softmax, or sigmoid "
                             "outputs with 'binary_cross_entropy'")

    def _check_layers(self):
        # net.g and net.loss_fn are plain attributes a reader may replace: check them like the parameters.
        n = len(self.sizes) - 1
        if not isinstance(self.g, list) or len(self.g) != n or \
                not all(isinstance(g_l, _activation_functions.Activation) for g_l in self.g):
            raise TypeError(f"net.g must be a list of one Activation per layer ({n} for sizes {self.sizes}; e.g. "
                            f"[bplib.activation_functions.get('tanh')]), got {self.g!r}")
        if not isinstance(self.loss_fn, _losses.Loss):
            raise TypeError(f"net.loss_fn must be a Loss (e.g. bplib.losses.get('mse')), got {self.loss_fn!r}")
        self._check_pairs()

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
        self._check_params(in_use=False)
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def _check_params(self, in_use=True):
        # in_use: the parameters are about to be used or updated in place, so also writeable and finite
        for name, params in (("weights", self.weights), ("biases", self.biases)):
            if not isinstance(params, list) or len(params) != len(self.sizes) - 1:
                raise TypeError(f"net.{name} must be a list of one numpy array per layer ({len(self.sizes) - 1} for "
                                f"sizes {self.sizes}), got {type(params).__name__}"
                                f"{' of length %d' % len(params) if isinstance(params, list) else ''}")
        for l, (m, n) in enumerate(zip(self.sizes, self.sizes[1:])):
            for name, params, shape in (("weights", self.weights, (m, n)), ("biases", self.biases, (n,))):
                p = params[l]
                if not isinstance(p, np.ndarray) or p.dtype != np.float64:  # training updates them in place
                    raise TypeError(f"{name}[{l}] must be a float64 numpy array (training updates it in place; "
                                    f"assign values with {name}[{l}][...] = values), got "
                                    f"{type(p).__name__} {getattr(p, 'dtype', '')}".rstrip())
                if p.shape != shape:
                    raise ValueError(f"{name}[{l}] must have shape {shape}, got {p.shape}")
                if in_use and not p.flags.writeable:
                    raise ValueError(f"{name}[{l}] is read-only; training updates it in place: assign a writeable "
                                     f"copy ({name}[{l}] = {name}[{l}].copy())")
        if not in_use:
            return
        if not _sums_finite(self.weights + self.biases):
            for name, params in (("weights", self.weights), ("biases", self.biases)):
                for l, p in enumerate(params):
                    if not np.all(np.isfinite(p)):
                        raise ValueError(f"{name}[{l}] contains NaN or inf; expected finite numbers")

    def _check_X(self, X):
        X = as_finite_array(X, "X", ndim=2)
        if X.shape[0] == 0:
            raise ValueError(f"X must hold at least one sample: expected shape (N, {self.sizes[0]}) with N >= 1, "
                             f"got {X.shape}")
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.sizes[0]}) for this {self.sizes[0]}-input net, "
                             f"got {X.shape}")
        return X

    def _check_Y(self, Y, n):
        if Y is None:
            raise TypeError(f"Y must be an array of targets of shape (N, K) = {(n, self.sizes[-1])}, got None")
        Y = as_finite_array(Y, "Y", ndim=2)
        if Y.shape != (n, self.sizes[-1]):
            raise ValueError(f"Y must have shape (N, K) = {(n, self.sizes[-1])} to match X and the output layer, "
                             f"got {Y.shape}")
        if self.loss_fn.probabilistic and (Y.min() < 0 or Y.max() > 1):
            raise ValueError(f"Y must hold labels in [0, 1] for loss {self.loss_name!r}, "
                             f"got values in [{Y.min():g}, {Y.max():g}]")
        return Y

    def check_data(self, X, Y=_NO_Y):
        """``X`` (and, if given, ``Y``) as checked float arrays for this net, with the parameters, ``g`` and
        ``loss_fn`` checked too: ``check_data(X)`` returns X, ``check_data(X, Y)`` returns (X, Y) (``Y=None`` is
        refused)."""
        self._check_layers()
        self._check_params()
        X = self._check_X(X)
        return X if Y is _NO_Y else (X, self._check_Y(Y, len(X)))

    def forward_all(self, X):
        """Forward pass keeping every layer: returns ``(zs, activations)`` with ``activations[0] = X``."""
        X = self.check_data(X)
        with np.errstate(over="ignore", invalid="ignore"):
            zs, activations = forward(X, self.weights, self.biases, self.g)
        if not _sums_finite(zs + [activations[-1]]):           # only then look layer by layer
            self._check_finite(zs, activations, X)
        return zs, activations

    def forward(self, X):
        """The output activations :math:`a^L`, shape (N, sizes[-1])."""
        return self.forward_all(X)[1][-1]

    def loss(self, X, Y):
        """The loss of the current weights on (X, Y), a float."""
        return self.backprop(X, Y, gradients=False).loss

    def backprop(self, X, Y, gradients=True):
        r"""One forward pass and (if ``gradients``) one backward pass; returns a :class:`Backprop` record of every
        z, a and (with gradients) δ and gradient."""
        gradients = flag(gradients, "gradients")
        X, Y = self.check_data(X, Y)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            r = self._backprop(X, Y) if gradients else Backprop(self._loss(X, Y), [], [], [], [], [])
        if not _sums_finite(r.nabla_w + r.nabla_b + [np.float64(r.loss)]):
            with np.errstate(over="ignore", invalid="ignore"):
                self._check_finite(*forward(X, self.weights, self.biases, self.g), X)
            where = [f"∂ℒ/∂{kind}^{l + 1}" for kind, grads in (("W", r.nabla_w), ("b", r.nabla_b))
                     for l, d in enumerate(grads) if not np.all(np.isfinite(d))]
            if np.isfinite(r.loss) and not where:           # huge but finite entries whose sum overflowed
                return r
            raise ValueError(f"overflow in the {'loss' if not np.isfinite(r.loss) else ', '.join(where)} (every "
                             f"layer's z and a are finite): X or the weights are too large (largest |X| = "
                             f"{np.abs(X).max():.3g}); scale the inputs down")
        return r

    def _check_finite(self, zs, activations, X):
        # Called after a forward pass: name the first layer whose z or a is not finite, instead of a NaN later.
        for l, (z, a) in enumerate(zip(zs, activations[1:]), start=1):
            z_finite = np.all(np.isfinite(z))
            if not (z_finite and np.all(np.isfinite(a))):
                what = f"a^{l} = g(z^{l})" if z_finite else f"z^{l} = a^{l - 1} W^{l} + b^{l}"
                raise ValueError(f"overflow in layer {l}: {what} is not finite (largest |X| = "
                                 f"{np.abs(X).max():.3g}, largest |W^{l}| = {np.abs(self.weights[l - 1]).max():.3g}); "
                                 f"scale the inputs down or the weights")

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
        """An independent copy (weights, biases and layer lists copied, after checking their structure; a net with
        NaN weights can be copied)."""
        self._check_layers()
        self._check_params(in_use=False)
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

    def train(self, X, Y, lr=None, epochs=None, **options):
        """Gradient descent on this net; see :func:`bplib.train.train` for the options."""
        from .train import train
        return train(self, X, Y, lr, epochs, **options)
