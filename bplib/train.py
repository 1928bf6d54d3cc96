r"""Training an :class:`~bplib.mlp.MLP`: full-batch, minibatch and stochastic gradient descent with momentum.

Each update, for every weight matrix and bias vector :math:`w`, is the heavy-ball step of chapter 1
(:func:`bplib.optim.heavy_ball_step`),

.. math::

    v \leftarrow \alpha\, v - \eta\, \partial \mathcal L_B / \partial w, \qquad w \leftarrow w + v,

where :math:`L_B` is the loss of the current minibatch B (``lr`` = :math:`\eta`, ``momentum`` = :math:`\alpha`).
``batch_size=None`` is full-batch gradient descent, ``batch_size=1`` is stochastic (one example at a time).
Chapter 7's options: ``optimizer=`` (an object of :mod:`bplib.optim`, e.g. ``Adam(1e-3)``) makes the updates
instead, ``schedule=`` sets the learning rate of each epoch, and ``weight_decay=``, ``dropout=`` and
``clip_norm=`` regularise (:mod:`bplib.regularization`).
"""
import os
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_finite_array, flag, int_at_least, momentum_coefficient, positive_number, seed_value
from .optim import Optimizer, _heavy_ball_step
from .regularization import _clip, _decay_rate, _global_norm, _objective, drop_probability, dropout as _dropout

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


@dataclass
class History:
    """What a training run recorded.

    ``loss[e]`` is the full training-set loss after ``e`` epochs (``loss[0]`` before any update);
    ``val_loss`` likewise on the validation set, if one was given; ``batch_loss`` is the loss of each
    minibatch just before its update (the noisy curve of SGD); ``examples_seen[e]`` counts samples used.
    ``diverged_at`` is the epoch in which the loss stopped being a finite number (training stopped there, with a
    :class:`DivergenceWarning`), or None.
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    batch_loss: list = field(default_factory=list)
    examples_seen: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    diverged_at: object = None

    @property
    def epochs(self):
        """Number of completed epochs (0 for an empty history)."""
        return max(len(self.loss) - 1, 0)


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss overflowed: the learning rate is too large for this problem."""


def _check_net(net):
    from .mlp import MLP
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a bplib.MLP, got {type(net).__name__}")


def _check_run(net, callback, validation):
    # The arguments the training loop would otherwise trip over, raw, in its first epoch.
    _check_net(net)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a callable callback(epoch, net, history) or None, got {callback!r}")
    return None if validation is None else _check_validation(net, validation)


def _check_validation(net, validation):
    """``(X_val, Y_val)`` checked for ``net`` like the training data, with messages that name X_val and Y_val."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError(f"validation must be a pair (X_val, Y_val), got {type(validation).__name__}")
    X_val, Y_val = validation
    if Y_val is None:
        raise TypeError("validation must be a pair (X_val, Y_val) with the targets Y_val, got Y_val = None")
    D, K = net.sizes[0], net.sizes[-1]
    X_val = as_finite_array(X_val, "X_val", ndim=2)
    if X_val.shape[0] == 0 or X_val.shape[1] != D:
        raise ValueError(f"X_val must have shape (N, {D}) with N >= 1 for this {D}-input net, got {X_val.shape}")
    Y_val = as_finite_array(Y_val, "Y_val", ndim=2)
    if Y_val.shape != (len(X_val), K):
        raise ValueError(f"Y_val must have shape (N, K) = {(len(X_val), K)} to match X_val and the output layer, "
                         f"got {Y_val.shape}")
    if net.loss_fn.probabilistic and (Y_val.min() < 0 or Y_val.max() > 1):
        raise ValueError(f"Y_val must hold labels in [0, 1] for loss {net.loss_name!r}, "
                         f"got values in [{Y_val.min():g}, {Y_val.max():g}]")
    return X_val, Y_val


def _stacklevel_outside_bplib():
    # warnings.warn's stacklevel, for a warning issued by this function's caller, that points at the first line
    # outside bplib (the user's call of train or net.train)
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


def _stop_requested(answer):
    # A callback says stop with True, go on with False or None; anything else is a mistake, not a request.
    if answer is None or isinstance(answer, (bool, np.bool_)):
        return bool(answer)
    raise TypeError(f"callback must return True (stop), False or None (go on), got {answer!r}")


def _check_update_rule(lr, momentum, optimizer, schedule):
    """The learning rate of the heavy-ball form (None when an optimiser or a schedule provides it), checked."""
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a callable epoch -> learning rate, got {schedule!r}")
    if optimizer is not None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be a bplib.optim optimiser such as Adam(1e-3), got {optimizer!r}")
        if lr is not None or momentum != 0:
            raise ValueError("with optimizer=..., leave out lr and momentum: the optimiser has its own "
                             f"(got lr={lr!r}, momentum={momentum!r})")
        return None
    if schedule is not None:                               # it sets the learning rate of every epoch
        return None if lr is None else positive_number(lr, "lr")
    if lr is None:
        raise TypeError("train() needs lr (the learning rate), an optimizer or a schedule")
    return positive_number(lr, "lr")


def _regularization(net, weight_decay, decay_biases, dropout, seed):
    """Checks the options; returns the training activations (dropout-wrapped) and the per-array decay flags."""
    hidden = len(net.g) - 1
    if isinstance(dropout, (list, tuple)):
        if len(dropout) != hidden:
            raise ValueError(f"dropout must be one probability or one per hidden layer ({hidden}), got {dropout!r}")
        ps = [drop_probability(p, f"dropout[{l}]") for l, p in enumerate(dropout)]
    else:
        p = drop_probability(dropout)
        if p > 0 and hidden == 0:
            raise ValueError(f"dropout = {p:g} drops hidden units, and this net ({'-'.join(map(str, net.sizes))}) "
                             f"has no hidden layer; leave dropout at 0")
        ps = [p] * hidden
    drop_rng = np.random.default_rng([seed, 1])
    g_train = [_dropout(g_l, p, drop_rng) if p > 0 else g_l for g_l, p in zip(net.g, ps)] + net.g[hidden:]
    decay = [True] * len(net.weights) + [decay_biases] * len(net.biases)
    return g_train, decay


def train(net, X, Y, lr=None, epochs=None, batch_size=None, momentum=0.0, seed=0, callback=None, validation=None,
          progress=False, optimizer=None, schedule=None, weight_decay=0.0, decay_biases=False, dropout=0.0,
          clip_norm=None):
    """Train ``net`` in place and return a :class:`History`.

    Parameters
    ----------
    X, Y : ndarray, shapes (N, D) and (N, K)
    lr : float or None
        Learning rate :math:`\\eta > 0` of the heavy-ball step (None when ``optimizer`` or ``schedule`` is given).
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
        ``(X_val, Y_val)`` whose loss is recorded each epoch in ``history.val_loss``, checked like ``X`` and ``Y``
        (errors name X_val and Y_val); a validation loss that overflows already at epoch 0 is a ValueError.
    progress : bool
        Print the loss at ten evenly spaced epochs (for cells that run longer than a second).
    optimizer : bplib.optim.Optimizer or None
        An optimiser object (``SGD``, ``AdaGrad``, ``RMSProp``, ``Adam``, ``AdamW``) that makes every update
        instead of the heavy-ball step; then leave ``lr`` and ``momentum`` out (the optimiser has its own).
    schedule : callable or None
        ``schedule(e)`` is the learning rate of epoch ``e + 1`` (``e`` from 0), e.g. ``bplib.optim.CosineDecay``;
        it sets the learning rate (replacing ``lr``, which may be left out) or the optimiser's ``lr`` at the start
        of every epoch.
    weight_decay : float
        :math:`\\lambda_{wd} \\ge 0`: adds :math:`\\tfrac12\\lambda_{wd}\\lVert W\\rVert^2` per weight matrix to the
        minibatch loss (its gradient :math:`\\lambda_{wd} W` to the gradient; see :mod:`bplib.regularization`).
    decay_biases : bool
        Also decay the biases (both this L2 penalty and an optimiser's own ``weight_decay``, which otherwise
        applies to the weights only).
    dropout : float or list of float
        Drop probability :math:`p \\in [0, 1)` of the hidden units in training (inverted dropout, masks drawn
        from ``default_rng([seed, 1])``), one value for all hidden layers or one per hidden layer. The recorded
        losses are evaluated without dropout. A net without hidden layers refuses ``dropout > 0``.
    clip_norm : float or None
        Clip every minibatch gradient to this global norm (:func:`bplib.regularization.clip_by_global_norm`).

    A loss that overflows at epoch 0, before any update, is a ValueError naming the layer (the data or the weights
    are too large, not the learning rate); one that overflows later stops training with a
    :class:`DivergenceWarning` that points at the line that called ``train`` (or ``net.train``).

    ``history.batch_loss`` holds each minibatch's training objective (with dropout and the L2 penalty),
    ``history.grad_norm`` the global norm of each minibatch gradient before clipping; ``history.loss`` and
    ``history.val_loss`` are the plain loss of the network as it is (no dropout, no penalty).
    """
    if epochs is None:
        raise TypeError("train() needs epochs, the number of passes over the training set")
    epochs = int_at_least(epochs, "epochs")
    momentum = momentum_coefficient(momentum)
    lr = _check_update_rule(lr, momentum, optimizer, schedule)
    validation = _check_run(net, callback, validation)
    seed = seed_value(seed)
    progress, decay_biases = flag(progress, "progress"), flag(decay_biases, "decay_biases")
    if clip_norm is not None:
        clip_norm = positive_number(clip_norm, "clip_norm")
    weight_decay = _decay_rate(weight_decay)
    g_train, decay = _regularization(net, weight_decay, decay_biases, dropout, seed)
    if Y is None:
        raise TypeError(f"train needs the targets Y, an array of shape (N, {net.sizes[-1]}), got None")
    X, Y = net.check_data(X, Y)
    n = len(X)
    if batch_size is None:
        batch_size = n
    batch_size = min(int_at_least(batch_size, "batch_size", minimum=1), n)
    rng = np.random.default_rng(seed)
    params = net.weights + net.biases                      # updated in place, so net sees every step
    v = [np.zeros_like(p) for p in params]                 # the velocity of each array, v_0 = 0
    history = History()

    def record(epoch, seen):
        with np.errstate(over="ignore", invalid="ignore"):
            history.loss.append(net._loss(X, Y))
            if validation is not None:
                history.val_loss.append(net._loss(*validation))
        history.examples_seen.append(seen)
        if not np.isfinite(history.loss[-1]):
            if epoch == 0:                                 # before any update: the data or the weights overflow
                net.loss(X, Y)                             # raises the overflow error that names the layer
            return diverged(epoch)
        if epoch == 0 and validation is not None and not np.isfinite(history.val_loss[0]):
            raise ValueError(f"the validation loss overflows before training (epoch 0): X_val or the weights are "
                             f"too large (largest |X_val| = {np.abs(validation[0]).max():.3g}); scale the inputs "
                             f"down")
        if progress and (epoch == epochs or epoch % max(1, epochs // 10) == 0):
            print(f"epoch {epoch:>{len(str(epochs))}}/{epochs}  loss {history.loss[-1]:.4g}")
        return callback is not None and _stop_requested(callback(epoch, net, history))

    def diverged(epoch):
        history.diverged_at = epoch
        rate = f"lr = {lr:g}" if optimizer is None else f"{type(optimizer).__name__}'s lr = {optimizer.lr:g}"
        warnings.warn(f"diverged at epoch {epoch}: the loss overflowed (it is {history.loss[-1]}); lower the learning "
                      f"rate ({rate}). Training stopped; history holds the losses so far.", DivergenceWarning,
                      stacklevel=_stacklevel_outside_bplib())
        return True

    if record(0, 0):
        return history
    for epoch in range(1, epochs + 1):
        if schedule is not None:                           # the learning rate of this epoch
            lr = positive_number(schedule(epoch - 1), "schedule(epoch)")
            if optimizer is not None:
                optimizer.lr = lr
        order = np.arange(n) if batch_size == n else rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            with np.errstate(over="ignore", invalid="ignore"):   # an overflow is caught by record(): divergence
                value, nabla_w, nabla_b = _objective(net, X[idx], Y[idx], weight_decay, decay_biases, g_train)
                grads = nabla_w + nabla_b
                norm = _global_norm(grads)
                if clip_norm is not None:
                    _clip(grads, clip_norm, norm)
                if optimizer is not None:
                    optimizer.step(params, grads, decay)
                else:
                    for p, grad, v_p in zip(params, grads, v):    # lr, momentum and the arrays are checked above
                        _heavy_ball_step(p, grad, v_p, lr, momentum)
            history.batch_loss.append(value)
            history.grad_norm.append(norm)
        if record(epoch, epoch * n):
            break
    if hasattr(callback, "on_train_end"):                  # e.g. EarlyStopping puts its best weights back
        callback.on_train_end(net, history)
    return history


class EarlyStopping:
    r"""Early stopping for :func:`train`: stop once the loss has not improved for ``patience`` epochs, and keep
    the network of the best epoch.

    Usage: ``stopper = EarlyStopping(patience); train(..., validation=(X_val, Y_val), callback=stopper)``
    (a new run, at epoch 0, starts afresh). After every epoch :math:`e` it reads the monitored loss :math:`\mathcal L_e`, the
    validation loss (the training loss if no validation set was given). When :math:`\mathcal L_e` is below every
    earlier value it records ``best_epoch`` :math:`= e`, ``best_loss`` :math:`= \mathcal L_e` and a copy of the
    weights and biases; when ``patience`` epochs pass without that, it returns ``True`` and training stops
    (``stopped_epoch`` :math:`= e`, ``None`` if the run used all its epochs). When training ends, either way,
    the recorded weights and biases are copied back into the net (unless ``restore_best=False``), so the net
    is the network of epoch ``best_epoch``, with loss ``best_loss``.
    """

    def __init__(self, patience, restore_best=True):
        self.patience = int_at_least(patience, "patience", minimum=1)
        self.restore_best = flag(restore_best, "restore_best")
        self.best_epoch, self.best_loss, self.stopped_epoch = None, np.inf, None
        self.best_params = None

    def __call__(self, epoch, net, history):
        epoch = int_at_least(epoch, "epoch")
        _check_net(net)
        if not isinstance(history, History):
            raise TypeError(f"history must be the run's bplib.train.History (EarlyStopping is train's callback), "
                            f"got {type(history).__name__}")
        if not history.loss:
            raise ValueError("history holds no loss yet: EarlyStopping is train's callback(epoch, net, history), "
                             "called after the loss of each epoch is recorded")
        if epoch == 0:                                     # a new run: forget the last one
            self.best_epoch, self.best_loss, self.stopped_epoch = None, np.inf, None
        loss = (history.val_loss or history.loss)[-1]
        if self.best_epoch is None or loss < self.best_loss:
            self.best_epoch, self.best_loss = epoch, loss
            self.best_params = [p.copy() for p in net.weights + net.biases]
        if epoch - self.best_epoch >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, net, history):
        """Copy the weights and biases of ``best_epoch`` back into ``net`` (in place)."""
        if self.restore_best and self.best_params is not None:
            for p, best in zip(net.weights + net.biases, self.best_params):
                p[...] = best
