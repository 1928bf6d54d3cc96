r"""Training an :class:`~bplib.mlp.MLP`: full-batch, minibatch and stochastic gradient descent with momentum.

Each update, for every weight matrix and bias vector :math:`w`,

.. math::

    \Delta w(t) = -\eta\, \partial \ell / \partial w + \alpha\, \Delta w(t-1), \qquad w \leftarrow w + \Delta w(t),

where :math:`\ell` is the loss of the current minibatch (``lr`` = :math:`\eta`, ``momentum`` = :math:`\alpha`).
``batch_size=None`` is full-batch gradient descent, ``batch_size=1`` is stochastic (one example at a time).
"""
from dataclasses import dataclass, field

import numpy as np

from ._checks import momentum_coefficient, nonnegative_int, positive_number


@dataclass
class History:
    """What a training run recorded.

    ``loss[e]`` is the full training-set loss after ``e`` epochs (``loss[0]`` before any update);
    ``val_loss`` likewise on the validation set, if one was given; ``batch_loss`` is the loss of each
    minibatch just before its update (the noisy curve of SGD); ``examples_seen[e]`` counts samples used.
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    batch_loss: list = field(default_factory=list)
    examples_seen: list = field(default_factory=list)

    @property
    def epochs(self):
        """Number of completed epochs."""
        return len(self.loss) - 1


def train(net, X, Y, lr, epochs, batch_size=None, momentum=0.0, seed=0, callback=None, validation=None,
          progress=False):
    """Train ``net`` in place and return a :class:`History`.

    Parameters
    ----------
    X, Y : ndarray, shapes (N, D) and (N, K)
    lr : float
        Learning rate :math:`\\eta > 0`.
    epochs : int
        Passes over the training set.
    batch_size : int or None
        Minibatch size; ``None`` (or >= N) is full-batch, 1 is stochastic gradient descent.
    momentum : float
        :math:`\\alpha \\in [0, 1)`.
    seed : int
        Seed of the per-epoch shuffle (minibatch and stochastic only).
    callback : callable or None
        ``callback(epoch, net, history)`` after every epoch (and once with epoch 0 before training);
        return ``True`` to stop early.
    validation : tuple or None
        ``(X_val, Y_val)`` whose loss is recorded each epoch in ``history.val_loss``.
    progress : bool
        Print the loss at ten evenly spaced epochs (for cells that run longer than a second).
    """
    lr = positive_number(lr, "lr")
    epochs = nonnegative_int(epochs, "epochs")
    momentum = momentum_coefficient(momentum)
    X = net._check_X(X)
    Y = net._check_Y(Y, len(X))
    n = len(X)
    if batch_size is None:
        batch_size = n
    batch_size = min(nonnegative_int(batch_size, "batch_size", minimum=1), n)
    rng = np.random.default_rng(seed)
    vw = [np.zeros_like(w) for w in net.weights]
    vb = [np.zeros_like(b) for b in net.biases]
    history = History()

    def record(epoch, seen):
        history.loss.append(net.loss(X, Y))
        if validation is not None:
            history.val_loss.append(net.loss(*validation))
        history.examples_seen.append(seen)
        if progress and (epoch == epochs or epoch % max(1, epochs // 10) == 0):
            print(f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {history.loss[-1]:.4g}")
        return callback is not None and callback(epoch, net, history)

    if record(0, 0):
        return history
    for epoch in range(1, epochs + 1):
        order = np.arange(n) if batch_size == n else rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            loss, nabla_w, nabla_b = net.loss_and_gradients(X[idx], Y[idx])
            history.batch_loss.append(loss)
            for params, grads, velocity in ((net.weights, nabla_w, vw), (net.biases, nabla_b, vb)):
                for p, g, v in zip(params, grads, velocity):
                    v *= momentum
                    v -= lr * g                            # Δw(t) = -η ∂ℓ/∂w + α Δw(t-1)
                    p += v
        if record(epoch, epoch * n):
            break
    return history
