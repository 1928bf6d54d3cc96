"""bplib.train: full-batch / minibatch / stochastic descent with and without momentum, the update rule,
seeded shuffling, history, the per-epoch callback and bad input."""
import numpy as np
import pytest

from bplib import MLP, data
from bplib.train import EarlyStopping, History, train


def xor_task():
    X, y = data.xor()
    # (init seed 2: from some starts, e.g. seed 0, SGD on XOR stalls on the plateau at loss ln 2)
    return MLP([2, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=2), X, y[:, None].astype(float)


@pytest.mark.parametrize("batch_size", [None, 2, 1], ids=["full-batch", "minibatch", "stochastic"])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_training_decreases_the_xor_loss(batch_size, momentum):
    net, X, Y = xor_task()
    lr = 0.5 if momentum == 0 else 0.1
    history = train(net, X, Y, lr=lr, epochs=300, batch_size=batch_size, momentum=momentum, seed=1)
    assert history.loss[-1] == net.loss(X, Y)
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert np.all(np.isfinite(history.loss))


@pytest.mark.parametrize("batch_size, momentum", [(None, 0.9), (32, 0.0), (32, 0.9), (1, 0.0)])
def test_training_learns_circles(batch_size, momentum):
    X, y = data.circles(n=96, seed=0)
    net = MLP([2, 8, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0)
    history = net.train(X, y[:, None], lr={1: 0.05, 32: 1.0}.get(batch_size, 0.5), epochs=60, batch_size=batch_size,
                        momentum=momentum, seed=0)
    assert history.loss[-1] < 0.6 * history.loss[0]
    assert np.mean((net.forward(X)[:, 0] > 0.5) == y) > 0.9


def test_digits_net_learns():
    X, y = data.digits()
    net = MLP([16, 6, 6, 2], ["relu", "relu", "softmax"], "cross_entropy", init="he", seed=0)
    net.train(X, data.one_hot(y, 2), lr=0.1, epochs=100, batch_size=4, momentum=0.9)
    assert np.array_equal(net.forward(X).argmax(axis=1), y)


def test_full_batch_update_rule_by_hand():
    # Two full-batch epochs with momentum α: Δ1 = -η g(w0), w1 = w0 + Δ1; Δ2 = -η g(w1) + α Δ1, w2 = w1 + Δ2,
    # for every weight matrix and bias vector; g from loss_and_gradients on a copy of the net.
    net, X, Y = xor_task()
    lr, alpha = 0.3, 0.8
    ref = net.copy()
    _, gw0, gb0 = ref.loss_and_gradients(X, Y)
    d1 = [-lr * g for g in gw0 + gb0]
    for p, d in zip(ref.weights + ref.biases, d1):
        p += d
    _, gw1, gb1 = ref.loss_and_gradients(X, Y)
    d2 = [-lr * g + alpha * d for g, d in zip(gw1 + gb1, d1)]
    for p, d in zip(ref.weights + ref.biases, d2):
        p += d
    train(net, X, Y, lr=lr, epochs=2, momentum=alpha)
    for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_allclose(p, q, rtol=1e-14, atol=1e-16)


def test_stochastic_epoch_visits_the_seeded_permutation():
    # batch_size = 1: one update per sample, in the order of default_rng(seed).permutation(N) each epoch
    X, y = data.linearly_separable(n=6, seed=2)
    Y = y[:, None].astype(float)
    net = MLP([2, 1], ["sigmoid"], "half_sse", seed=3)
    ref = net.copy()
    rng = np.random.default_rng(11)
    for _ in range(2):
        for i in rng.permutation(6):
            _, gw, gb = ref.loss_and_gradients(X[i:i + 1], Y[i:i + 1])
            for p, g in zip(ref.weights + ref.biases, gw + gb):
                p -= 0.7 * g
    history = train(net, X, Y, lr=0.7, epochs=2, batch_size=1, seed=11)
    for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-16)
    assert len(history.batch_loss) == 12


def run(seed, batch_size=3, epochs=5):
    X, y = data.moons(n=20, seed=0)
    net = MLP([2, 5, 1], ["tanh", "sigmoid"], "binary_cross_entropy", seed=0)
    h = train(net, X, y[:, None], lr=0.3, epochs=epochs, batch_size=batch_size, momentum=0.5, seed=seed)
    return net, h


def test_seeded_shuffling_is_reproducible():
    (a, ha), (b, hb), (c, hc) = run(4), run(4), run(5)
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(p, q)
    assert ha.loss == hb.loss and ha.batch_loss == hb.batch_loss
    assert hc.batch_loss != ha.batch_loss                     # another seed, another order
    # full batch does not shuffle: the seed makes no difference
    assert run(4, batch_size=None)[1].loss == run(5, batch_size=None)[1].loss


@pytest.mark.parametrize("n, batch_size, updates_per_epoch", [(20, None, 1), (20, 3, 7), (20, 5, 4), (20, 1, 20),
                                                               (20, 50, 1)])
def test_history_lengths(n, batch_size, updates_per_epoch):
    X, y = data.moons(n=n, seed=0)
    Xv, yv = data.moons(n=8, seed=1)
    net = MLP([2, 3, 1], ["tanh", "sigmoid"], "binary_cross_entropy")
    h = net.train(X, y[:, None], lr=0.1, epochs=4, batch_size=batch_size, validation=(Xv, yv[:, None]))
    assert isinstance(h, History)
    assert h.epochs == 4
    assert len(h.loss) == len(h.val_loss) == len(h.examples_seen) == 5
    assert h.examples_seen == [0, n, 2 * n, 3 * n, 4 * n]
    assert len(h.batch_loss) == 4 * updates_per_epoch
    assert h.val_loss[-1] == net.loss(Xv, yv[:, None])


def test_zero_epochs_changes_nothing():
    net, X, Y = xor_task()
    keep = [w.copy() for w in net.weights]
    h = train(net, X, Y, lr=0.1, epochs=0)
    assert len(h.loss) == 1 and h.batch_loss == []
    for w, k in zip(net.weights, keep):
        np.testing.assert_array_equal(w, k)


def test_callback_every_epoch_and_early_stop():
    net, X, Y = xor_task()
    seen = []

    def callback(epoch, model, history):
        assert model is net
        seen.append((epoch, len(history.loss)))

    train(net, X, Y, lr=0.1, epochs=5, callback=callback)
    assert seen == [(e, e + 1) for e in range(6)]             # epoch 0 (before training) .. 5

    net, X, Y = xor_task()
    h = train(net, X, Y, lr=0.1, epochs=50, batch_size=2, callback=lambda e, m, hist: e == 3)
    assert h.epochs == 3 and len(h.loss) == 4 and len(h.batch_loss) == 3 * 2

    net, X, Y = xor_task()
    keep = [w.copy() for w in net.weights]
    h = train(net, X, Y, lr=0.1, epochs=50, callback=lambda e, m, hist: True)  # stop before any update
    assert h.epochs == 0
    for w, k in zip(net.weights, keep):
        np.testing.assert_array_equal(w, k)


def test_progress_prints_ten_lines(capsys):
    net, X, Y = xor_task()
    train(net, X, Y, lr=0.1, epochs=20, progress=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 11 and lines[0].startswith("epoch  0/20") and lines[-1].startswith("epoch 20/20")


def test_train_method_equals_function():
    a, X, Y = xor_task()
    b, _, _ = xor_task()
    ha = a.train(X, Y, 0.2, 10, batch_size=2, momentum=0.3, seed=3)
    hb = train(b, X, Y, 0.2, 10, batch_size=2, momentum=0.3, seed=3)
    assert ha.loss == hb.loss


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(lr=0), ValueError, "lr"), (dict(lr=-0.5), ValueError, "lr"), (dict(lr=float("nan")), ValueError, "lr"),
    (dict(lr=float("inf")), ValueError, "lr"), (dict(lr="0.1"), TypeError, "lr"),
    (dict(epochs=-1), ValueError, "epochs"), (dict(epochs=2.0), TypeError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"), (dict(batch_size=1.5), TypeError, "batch_size"),
    (dict(momentum=1.0), ValueError, "momentum"), (dict(momentum=-0.2), ValueError, "momentum"),
])
def test_bad_arguments(kwargs, error, match):
    net, X, Y = xor_task()
    args = dict(lr=0.1, epochs=3) | kwargs
    with pytest.raises(error, match=match):
        train(net, X, Y, **args)


def test_bad_data():
    net, X, Y = xor_task()
    with pytest.raises(ValueError, match="X contains NaN"):
        train(net, np.where(X == 1, np.nan, X), Y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="Y contains NaN or inf"):
        train(net, X, np.full_like(Y, np.inf), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"Y must have shape"):
        train(net, X, Y[:3], lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        train(net, np.zeros((4, 3)), Y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"Y must hold labels in \[0, 1\]"):
        train(net, X, 2 * Y, lr=0.1, epochs=1)


def overfitting_task(seed=0):
    # 20 noisy training points, a 2-16-16-1 tanh net: the validation loss has its minimum at epoch 234 of 400
    X, y = data.moons(n=20, noise=0.35, seed=0)
    Xv, yv = data.moons(n=60, noise=0.35, seed=1)
    net = MLP([2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], "binary_cross_entropy", seed=seed)
    return net, X, y[:, None].astype(float), (Xv, yv[:, None].astype(float))


@pytest.mark.parametrize("patience", [1, 30, 1000])
def test_early_stopping_keeps_the_weights_of_the_best_epoch(patience):
    net, X, Y, val = overfitting_task()
    stopper = EarlyStopping(patience)
    h = train(net, X, Y, lr=0.1, epochs=400, momentum=0.9, validation=val, callback=stopper)
    v = np.array(h.val_loss)
    assert stopper.best_epoch == int(np.argmin(v)) and stopper.best_loss == v.min()
    if stopper.stopped_epoch is None:                       # ran out of epochs: weights restored all the same
        assert h.epochs == 400 and patience > 400 - stopper.best_epoch
    else:                                                   # stopped `patience` epochs after the best one
        assert h.epochs == stopper.stopped_epoch == stopper.best_epoch + patience
    assert net.loss(*val) == stopper.best_loss              # the net IS the best epoch's network ...
    ref, _, _, _ = overfitting_task()                       # ... the same as training exactly that long
    train(ref, X, Y, lr=0.1, epochs=stopper.best_epoch, momentum=0.9)
    for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_array_equal(p, q)


def test_early_stopping_finds_the_overfitting_minimum_and_can_keep_the_last_weights():
    net, X, Y, val = overfitting_task()
    stopper = EarlyStopping(150, restore_best=False)
    h = train(net, X, Y, lr=0.1, epochs=400, momentum=0.9, validation=val, callback=stopper)
    assert stopper.best_epoch == 234 and h.val_loss[-1] > stopper.best_loss
    assert net.loss(*val) == h.val_loss[-1]                 # restore_best=False: the last epoch's weights


def test_early_stopping_without_validation_watches_the_training_loss_and_restarts_each_run():
    net, X, Y = xor_task()
    stopper = EarlyStopping(3)
    h = train(net, X, Y, lr=0.5, epochs=40, callback=stopper)
    assert stopper.best_loss == min(h.loss) and stopper.best_epoch == int(np.argmin(h.loss))
    first = (stopper.best_epoch, stopper.best_loss, h.epochs)
    net2, _, _ = xor_task()
    h2 = train(net2, X, Y, lr=0.5, epochs=40, callback=stopper)   # the same object, a new run
    assert (stopper.best_epoch, stopper.best_loss, h2.epochs) == first


@pytest.mark.parametrize("patience, error", [(0, ValueError), (-2, ValueError), (1.5, TypeError), (None, TypeError)])
def test_early_stopping_bad_patience(patience, error):
    with pytest.raises(error, match="patience"):
        EarlyStopping(patience)


# --- optimiser objects, schedules and regularisation (chapter 7) -------------------------------------------------
from bplib.optim import SGD, Adam, AdamW, RMSProp, StepDecay  # noqa: E402
from bplib.regularization import dropout as dropout_activation, objective  # noqa: E402


def moons_task(seed=0):
    X, y = data.moons(n=40, seed=seed)
    return MLP([2, 6, 5, 1], ["tanh", "relu", "sigmoid"], "binary_cross_entropy", seed=1), X, y[:, None].astype(float)


@pytest.mark.parametrize("batch_size", [None, 8])
@pytest.mark.parametrize("momentum, lr", [(0.0, 0.5), (0.9, 0.05), (0.5, 0.2)])
def test_sgd_object_gives_the_heavy_ball_iterates(batch_size, momentum, lr):
    # PyTorch's buffer b = μb + g, θ -= ηb is heavy ball v = αv − ηg, θ += v with v = −ηb, for a constant η
    a, X, Y = moons_task()
    b, _, _ = moons_task()
    ha = a.train(X, Y, lr, 30, batch_size=batch_size, momentum=momentum, seed=4)
    hb = b.train(X, Y, epochs=30, batch_size=batch_size, optimizer=SGD(lr, momentum=momentum), seed=4)
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ha.loss, hb.loss, rtol=1e-12)
    assert ha.loss[-1] < 0.9 * ha.loss[0]


@pytest.mark.parametrize("make", [lambda: Adam(0.01), lambda: RMSProp(0.01, weight_decay=0.01),
                                  lambda: SGD(0.1, momentum=0.9, nesterov=True)], ids=["Adam", "RMSProp", "Nesterov"])
def test_train_with_an_optimizer_is_its_loop(make):
    # train(optimizer=opt) = shuffle with default_rng(seed), then opt.step(weights + biases, backprop's gradients)
    net, X, Y = moons_task()
    ref = net.copy()
    h = train(net, X, Y, epochs=5, batch_size=16, optimizer=make(), seed=3)
    opt, rng = make(), np.random.default_rng(3)
    for _ in range(5):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 16):
            idx = order[start:start + 16]
            _, gw, gb = ref.loss_and_gradients(X[idx], Y[idx])
            opt.step(ref.weights + ref.biases, gw + gb, decay=[True] * 3 + [False] * 3)   # biases not decayed
    for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)
    assert len(h.batch_loss) == len(h.grad_norm) == 15


@pytest.mark.parametrize("decay_biases", [False, True])
def test_weight_decay_in_train_is_the_l2_gradient(decay_biases):
    net, X, Y = moons_task()
    ref = net.copy()
    lam, lr = 0.05, 0.3
    h = train(net, X, Y, lr=lr, epochs=4, weight_decay=lam, decay_biases=decay_biases)
    for _ in range(4):
        _, gw, gb = ref.loss_and_gradients(X, Y)
        for W, g in zip(ref.weights, gw):
            W -= lr * (g + lam * W)
        for b, g in zip(ref.biases, gb):
            b -= lr * (g + lam * b * decay_biases)
    for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)
    assert h.loss[-1] == net.loss(X, Y)                     # recorded without the penalty
    penalty = 0.5 * lam * sum(np.sum(W ** 2) for W in net.weights)
    assert h.batch_loss[0] > h.loss[0] and h.batch_loss[-1] < h.loss[-2] + 2 * penalty


def test_optimizer_weight_decay_spares_biases_unless_asked():
    for decay_biases in [False, True]:
        net, X, Y = moons_task()
        for b in net.biases:
            b += 1.0
        ref = net.copy()
        train(net, X, Y, epochs=3, optimizer=AdamW(0.01, weight_decay=0.5), decay_biases=decay_biases)
        opt = AdamW(0.01, weight_decay=0.5)
        for _ in range(3):
            _, gw, gb = ref.loss_and_gradients(X, Y)
            opt.step(ref.weights + ref.biases, gw + gb, decay=[True] * 3 + [decay_biases] * 3)
        for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
            np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)


def test_dropout_training_is_seeded_and_evaluation_is_without_dropout():
    runs = []
    for seed in [0, 0, 1]:
        net, X, Y = moons_task()
        h = train(net, X, Y, lr=0.3, epochs=10, batch_size=10, dropout=0.3, seed=seed)
        assert h.loss[-1] == net.loss(X, Y)                 # history: the network as it is, no dropout
        runs.append((h, net))
    assert runs[0][0].batch_loss == runs[1][0].batch_loss
    assert runs[0][0].batch_loss != runs[2][0].batch_loss
    plain, X, Y = moons_task()
    hp = train(plain, X, Y, lr=0.3, epochs=10, batch_size=10, seed=0)
    assert hp.batch_loss != runs[0][0].batch_loss           # dropout changed the training
    net, X, Y = moons_task()
    assert train(net, X, Y, lr=0.3, epochs=10, batch_size=10, dropout=[0.0, 0.0], seed=0).loss == hp.loss


def test_dropout_first_step_uses_the_seeded_masks():
    # the first full-batch update equals the gradient of the objective with the masks default_rng([seed, 1]) draws
    net, X, Y = moons_task()
    ref = net.copy()
    train(net, X, Y, lr=0.2, epochs=1, dropout=[0.5, 0.25], seed=7)
    rng = np.random.default_rng([7, 1])
    g = [dropout_activation(ref.g[0], 0.5, rng), dropout_activation(ref.g[1], 0.25, rng), ref.g[2]]
    _, gw, gb = objective(ref, X, Y, g=g)
    for p, q, grad in zip(net.weights + net.biases, ref.weights + ref.biases, gw + gb):
        np.testing.assert_allclose(p, q - 0.2 * grad, rtol=1e-13, atol=1e-15)


def test_clipping_caps_every_step():
    net, X, Y = moons_task()
    before = [p.copy() for p in net.weights + net.biases]
    h = train(net, X, Y, lr=1.0, epochs=1, clip_norm=1e-3)
    step = np.sqrt(sum(np.sum((p - q) ** 2) for p, q in zip(net.weights + net.biases, before)))
    assert h.grad_norm[0] > 1e-3 and step == pytest.approx(1e-3, rel=1e-12)   # a step of length η·c
    net2, _, _ = moons_task()
    h2 = train(net2, X, Y, lr=1.0, epochs=1, clip_norm=1e3)                  # not reached: no change
    unclipped, _, _ = moons_task()
    train(unclipped, X, Y, lr=1.0, epochs=1)
    for p, q in zip(net2.weights, unclipped.weights):
        np.testing.assert_array_equal(p, q)
    assert h2.grad_norm == h.grad_norm


def test_schedule_sets_the_learning_rate_of_each_epoch():
    net, X, Y = moons_task()
    ref = net.copy()
    train(net, X, Y, epochs=4, schedule=StepDecay(0.5, 2, gamma=0.1))
    for lr in [0.5, 0.5, 0.05, 0.05]:
        _, gw, gb = ref.loss_and_gradients(X, Y)
        for p, g in zip(ref.weights + ref.biases, gw + gb):
            p -= lr * g
    for p, q in zip(net.weights + net.biases, ref.weights + ref.biases):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)
    opt = Adam(1.0)
    train(moons_task()[0], X, Y, epochs=3, optimizer=opt, schedule=StepDecay(0.01, 1, gamma=0.5))
    assert opt.lr == 0.0025
    # with lr given as well, the schedule's learning rate replaces it from the first epoch on
    net2, _, _ = moons_task()
    train(net2, X, Y, lr=123.0, epochs=4, schedule=StepDecay(0.5, 2, gamma=0.1))
    for p, q in zip(net2.weights + net2.biases, net.weights + net.biases):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(lr=0.1, optimizer=Adam(0.1)), ValueError, "lr"), (dict(momentum=0.9, optimizer=Adam(0.1)), ValueError,
                                                            "momentum"),
    (dict(), TypeError, "lr"), (dict(optimizer=0.1), TypeError, "optimizer"),
    (dict(lr=-0.1, schedule=StepDecay(0.1, 2)), ValueError, "lr"), (dict(schedule=0.1), TypeError, "schedule"),
    (dict(schedule=lambda e: 0.0), ValueError, "schedule"),
    (dict(lr=0.1, dropout=1.0), ValueError, "dropout"), (dict(lr=0.1, dropout=[0.1]), ValueError, "dropout"),
    (dict(lr=0.1, dropout=-0.1), ValueError, "dropout"),
    (dict(lr=0.1, clip_norm=0.0), ValueError, "clip_norm"), (dict(lr=0.1, weight_decay=-1.0), ValueError,
                                                             "weight_decay"),
])
def test_bad_optimiser_and_regularisation_arguments(kwargs, error, match):
    net, X, Y = moons_task()
    with pytest.raises(error, match=match):
        train(net, X, Y, epochs=2, **kwargs)


def test_train_needs_epochs_and_the_method_takes_an_optimizer():
    net, X, Y = moons_task()
    with pytest.raises(TypeError, match="epochs"):
        train(net, X, Y, lr=0.1)
    h = net.train(X, Y, epochs=3, optimizer=Adam(0.01))
    assert h.epochs == 3


@pytest.mark.parametrize("g, lr", [(["tanh", "linear"], 1e6), (["relu", "linear"], 10.0)])
def test_a_diverging_run_stops_with_a_warning_and_keeps_its_history(g, lr):
    from bplib.train import DivergenceWarning
    X, y = data.moons(n=50)
    net = MLP([2, 8, 1], g, "mse")
    with pytest.warns(DivergenceWarning, match=r"diverged at epoch (\d+): the loss overflowed.*lower the learning rate"):
        history = net.train(X, y[:, None].astype(float), lr=lr, epochs=200)
    assert history.diverged_at is not None and history.diverged_at < 200
    assert len(history.loss) == history.diverged_at + 1                     # every epoch up to the overflow
    assert np.all(np.isfinite(history.loss[:-1])) and not np.isfinite(history.loss[-1])


def test_a_converging_run_has_not_diverged():
    X, y = data.moons(n=50)
    history = MLP([2, 8, 1], ["tanh", "sigmoid"], "mse").train(X, y[:, None].astype(float), lr=0.5, epochs=5)
    assert history.diverged_at is None


def test_progress_prints_the_last_epoch_even_off_the_grid(capsys):
    X, y = data.moons(n=20)
    MLP([2, 3, 1], ["tanh", "sigmoid"], "mse").train(X, y[:, None].astype(float), lr=0.1, epochs=25, progress=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("epoch 25/25") and lines[-2].startswith("epoch 24/25")


def test_defaults_are_pinned():
    X, y = data.moons(n=40)
    Y = y[:, None].astype(float)
    a, b = MLP([2, 3, 1], ["tanh", "sigmoid"], "mse"), MLP([2, 3, 1], ["tanh", "sigmoid"], "mse", seed=0)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])                # MLP's seed defaults to 0
    assert not np.array_equal(a.weights[0], MLP([2, 3, 1], ["tanh", "sigmoid"], "mse", seed=1).weights[0])
    h1 = a.train(X, Y, lr=0.1, epochs=3, batch_size=8)
    h2 = b.train(X, Y, lr=0.1, epochs=3, batch_size=8, seed=0)              # train's shuffle seed defaults to 0
    assert h1.batch_loss == h2.batch_loss
    h3 = MLP([2, 3, 1], ["tanh", "sigmoid"], "mse").train(X, Y, lr=0.1, epochs=3, batch_size=8, seed=1)
    assert h3.batch_loss != h1.batch_loss


@pytest.mark.parametrize("kwargs, match", [(dict(clip_norm=-1.0), "clip_norm"), (dict(weight_decay=-1.0),
                                                                                     "weight_decay")])
def test_bad_options_are_refused_before_anything_runs(kwargs, match):
    # even a run that a callback would stop at epoch 0 (before the first step) refuses them
    net, X, Y = moons_task()
    calls = []
    with pytest.raises(ValueError, match=match):
        train(net, X, Y, lr=0.1, epochs=2, callback=lambda *args: calls.append(args) or True, **kwargs)
    assert calls == []


def test_weight_decay_spares_the_biases_by_default():
    net, X, Y = moons_task()
    runs = {}
    for key, extra in [("default", {}), ("False", dict(decay_biases=False)), ("True", dict(decay_biases=True))]:
        trained = net.copy()
        train(trained, X, Y, lr=0.3, epochs=3, weight_decay=0.1, **extra)
        runs[key] = trained.biases[0]
    np.testing.assert_array_equal(runs["default"], runs["False"])
    assert not np.allclose(runs["default"], runs["True"])


def test_early_stopping_returns_false_until_it_stops():
    net, X, Y = xor_task()
    stopper = EarlyStopping(2)
    answers = []
    train(net, X, Y, lr=0.5, epochs=6, callback=lambda *a: answers.append(stopper(*a)) or answers[-1])
    assert all(answer is False for answer in answers[:-1]) and answers[-1] in (False, True)
    assert answers[-1] is (stopper.stopped_epoch is not None)


@pytest.mark.parametrize("epochs", [1, 5, 9])
def test_progress_prints_every_epoch_of_a_short_run(capsys, epochs):
    net, X, Y = xor_task()
    train(net, X, Y, lr=0.1, epochs=epochs, progress=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == [f"{e:>{len(str(epochs))}}/{epochs}".strip() for e in
                                                    range(epochs + 1)]


def test_the_divergence_warning_points_at_the_line_that_called_train():
    from bplib.train import DivergenceWarning
    X, y = data.moons(n=50)
    with pytest.warns(DivergenceWarning) as caught:
        train(MLP([2, 8, 1], ["tanh", "linear"], "mse"), X, y[:, None].astype(float), lr=1e6, epochs=50)
    assert caught[0].filename == __file__


def test_early_stopping_forgets_the_last_run_at_epoch_0():
    net, X, Y = xor_task()
    stopper = EarlyStopping(3)
    train(net, X, Y, lr=0.5, epochs=40, callback=stopper)          # a run whose best loss is low
    net2, _, _ = xor_task()
    start = [p.copy() for p in net2.weights + net2.biases]
    # a new run watching the loss on flipped labels, which rises from epoch 0 on: epoch 0 is its best
    h = train(net2, X, Y, lr=0.5, epochs=40, validation=(X, 1 - Y), callback=stopper)
    assert h.val_loss[0] < min(h.val_loss[1:])
    assert (stopper.best_epoch, stopper.stopped_epoch, h.epochs) == (0, 3, 3)
    for p, q in zip(net2.weights + net2.biases, start):
        np.testing.assert_array_equal(p, q)


def test_early_stopping_counts_an_equal_loss_as_no_improvement():
    # lr = 1e-300: every update rounds away, so each epoch's loss equals epoch 0's exactly
    net, X, Y = xor_task()
    stopper = EarlyStopping(2)
    h = train(net, X, Y, lr=1e-300, epochs=10, callback=stopper)
    assert len(set(h.loss)) == 1
    assert (stopper.best_epoch, stopper.stopped_epoch, h.epochs) == (0, 2, 2)


# --- overflow at the start, validation sets, dropout without hidden layers, flags, EarlyStopping called by hand ---
import warnings  # noqa: E402

from bplib.regularization import global_norm  # noqa: E402
from bplib.train import DivergenceWarning  # noqa: E402


@pytest.mark.parametrize("X, W1, match", [(np.full((4, 2), 1e200), None, r"overflow in the loss"),
                                          (np.full((4, 2), 1e308), 10.0, r"overflow in layer 1")])
def test_data_that_overflows_before_any_update_is_an_error_not_a_divergence(X, W1, match):
    net = MLP([2, 4, 1], ["relu", "linear"], "mse")
    if W1 is not None:
        net.weights[0][...] = W1
    keep = [w.copy() for w in net.weights]
    with warnings.catch_warnings():
        warnings.simplefilter("error")                      # no DivergenceWarning ("lower the learning rate")
        with pytest.raises(ValueError, match=match + r".*scale the inputs down"):
            net.train(X, np.zeros((4, 1)), lr=0.1, epochs=3)
    for w, k in zip(net.weights, keep):
        np.testing.assert_array_equal(w, k)


def test_a_validation_set_that_overflows_is_refused_before_training():
    _, X, Y = moons_task()
    net = MLP([2, 4, 1], ["relu", "linear"], "mse")
    calls = []
    with pytest.raises(ValueError, match=r"validation loss overflows before training \(epoch 0\): X_val or the "
                                         r"weights are too large \(largest \|X_val\| = 1e\+200\)"):
        train(net, X, Y, lr=0.1, epochs=2, validation=(np.full((3, 2), 1e200), np.zeros((3, 1))),
              callback=lambda *a: calls.append(a))
    assert calls == []


@pytest.mark.parametrize("validation, error, match", [
    ((np.zeros((2, 2)), None), TypeError, r"validation must be a pair \(X_val, Y_val\) with the targets Y_val, got "
                                          r"Y_val = None"),
    ((np.zeros((40, 2)), None), TypeError, r"with the targets Y_val"),
    ((np.full((3, 2), np.nan), np.zeros((3, 1))), ValueError, r"X_val contains NaN or inf"),
    ((np.zeros((3, 2)), np.full((3, 1), np.inf)), ValueError, r"Y_val contains NaN or inf"),
    ((np.zeros((3, 2)), np.zeros((5, 1))), ValueError, r"Y_val must have shape \(N, K\) = \(3, 1\) to match X_val"),
    ((np.zeros((3, 2)), np.zeros((3, 2))), ValueError, r"Y_val must have shape \(N, K\) = \(3, 1\)"),
    ((np.zeros((3, 2)), np.zeros(3)), ValueError, r"Y_val must be a 2-D array, got shape \(3,\)"),
    ((np.zeros((3, 3)), np.zeros((3, 1))), ValueError, r"X_val must have shape \(N, 2\) with N >= 1 for this 2-input"),
    ((np.zeros((0, 2)), np.zeros((0, 1))), ValueError, r"X_val must have shape \(N, 2\) with N >= 1.*got \(0, 2\)"),
    ((np.zeros(2), np.zeros((1, 1))), ValueError, r"X_val must be a 2-D array"),
    (([["a", "b"]], [[0.0]]), TypeError, r"X_val must be an array of real numbers"),
    ((np.zeros((3, 2)), np.full((3, 1), 2.0)), ValueError, r"Y_val must hold labels in \[0, 1\] for loss "
                                                           r"'binary_cross_entropy', got values in \[2, 2\]"),
    ((np.zeros((3, 2)), np.full((3, 1), -0.5)), ValueError, r"Y_val must hold labels in \[0, 1\]"),
])
def test_bad_validation_sets_are_named_as_such(validation, error, match):
    net, X, Y = moons_task()
    with pytest.raises(error, match=match):
        train(net, X, Y, lr=0.1, epochs=1, validation=validation)


def test_validation_labels_outside_0_1_are_fine_for_a_regression_loss():
    X, y = data.moons(n=20)
    net = MLP([2, 3, 1], ["tanh", "linear"], "mse")
    h = net.train(X, y[:, None] * 1.0, lr=0.1, epochs=2, validation=[X, 5.0 * y[:, None] - 1.0])   # a list works
    assert h.val_loss[-1] == net.loss(X, 5.0 * y[:, None] - 1.0)


def test_a_validation_set_of_one_sample():
    net, X, Y = moons_task()
    h = train(net, X, Y, lr=0.1, epochs=2, validation=(X[:1], Y[:1]))
    assert len(h.val_loss) == 3 and h.val_loss[-1] == net.loss(X[:1], Y[:1])


def test_train_needs_targets():
    net, X, _ = xor_task()
    for rows in (X[:2], X):
        with pytest.raises(TypeError, match=r"train needs the targets Y, an array of shape \(N, 1\), got None"):
            train(net, rows, None, lr=0.1, epochs=1)


def test_dropout_on_a_net_without_hidden_layers():
    X, y = data.moons(n=20)
    Y = y[:, None] * 1.0
    logistic = MLP([2, 1], ["sigmoid"], "mse")
    with pytest.raises(ValueError, match=r"dropout = 0.5 drops hidden units, and this net \(2-1\) has no hidden "
                                         r"layer; leave dropout at 0"):
        logistic.copy().train(X, Y, 0.1, 2, dropout=0.5)
    with pytest.raises(TypeError, match=r"dropout must be a drop probability in \[0, 1\), got 'abc'"):
        logistic.copy().train(X, Y, 0.1, 2, dropout="abc")
    with pytest.raises(ValueError, match=r"dropout must be one probability or one per hidden layer \(0\)"):
        logistic.copy().train(X, Y, 0.1, 2, dropout=[0.5])
    plain = logistic.copy().train(X, Y, 0.1, 2)
    assert logistic.copy().train(X, Y, 0.1, 2, dropout=0.0).loss == plain.loss
    assert logistic.copy().train(X, Y, 0.1, 2, dropout=[]).loss == plain.loss


@pytest.mark.parametrize("dropout, error, match", [
    ([0.2, True], TypeError, r"dropout\[1\] must be a drop probability in \[0, 1\), got True"),
    ([0.2, 1.0], ValueError, r"dropout\[1\] must be a drop probability"), (None, TypeError, r"dropout must be a drop"),
    ("0.2", TypeError, r"dropout must be a drop probability in \[0, 1\), got '0.2'"),
])
def test_bad_dropout_probabilities(dropout, error, match):
    net, X, Y = moons_task()
    with pytest.raises(error, match=match):
        train(net, X, Y, lr=0.1, epochs=1, dropout=dropout)


@pytest.mark.parametrize("options, match", [
    (dict(decay_biases="no"), r"decay_biases must be True or False, got 'no'"),
    (dict(progress="no"), r"progress must be True or False, got 'no'"), (dict(progress=1), r"progress must be True"),
    (dict(decay_biases=None), r"decay_biases must be True or False, got None"),
])
def test_options_that_are_flags_take_only_true_or_false(options, match):
    net, X, Y = xor_task()
    with pytest.raises(TypeError, match=match):
        train(net, X, Y, lr=0.1, epochs=1, **options)


def test_numpy_bools_are_flags_too(capsys):
    net, X, Y = moons_task()
    ref = net.copy()
    h = train(net, X, Y, lr=0.3, epochs=2, weight_decay=0.1, decay_biases=np.True_, progress=np.False_)
    assert train(ref, X, Y, lr=0.3, epochs=2, weight_decay=0.1, decay_biases=True).loss == h.loss
    assert capsys.readouterr().out == ""


def test_history_epochs():
    assert History().epochs == 0
    assert History(loss=[1.0]).epochs == 0
    assert History(loss=[1.0, 0.5, 0.2]).epochs == 2


@pytest.mark.parametrize("args, error, match", [
    ((0, None, History()), TypeError, r"net must be a bplib.MLP, got NoneType"),
    ((0, "ok", History()), ValueError, r"history holds no loss yet: EarlyStopping is train's callback"),
    ((0, "ok", None), TypeError, r"history must be the run's bplib.train.History .*got NoneType"),
    ((0, "ok", {"loss": [1.0]}), TypeError, r"history must be the run's bplib.train.History .*got dict"),
    ((-1, "ok", History(loss=[1.0])), ValueError, r"epoch must be an integer >= 0, got -1"),
    ((1.0, "ok", History(loss=[1.0])), TypeError, r"epoch must be an integer >= 0, got 1.0"),
])
def test_early_stopping_called_by_hand_refuses_bad_arguments(args, error, match):
    net, _, _ = xor_task()
    epoch, which, history = args
    with pytest.raises(error, match=match):
        EarlyStopping(2)(epoch, net if which == "ok" else which, history)
    stopper = EarlyStopping(2)
    assert stopper(0, net, History(loss=[1.0])) is False and stopper.best_epoch == 0


@pytest.mark.parametrize("restore_best", ["no", 0, None])
def test_early_stopping_restore_best_is_a_flag(restore_best):
    with pytest.raises(TypeError, match=r"restore_best must be True or False"):
        EarlyStopping(2, restore_best=restore_best)
    assert EarlyStopping(2, restore_best=np.False_).restore_best is False


@pytest.mark.parametrize("options", [dict(lr=1e6), dict(lr=1e6, clip_norm=1e300), dict(lr=1e300, batch_size=3),
                                     dict(optimizer=SGD(1e300, momentum=0.5), batch_size=3)])
def test_a_diverging_run_warns_once_and_nothing_else(options):
    # no numpy RuntimeWarning (overflow in the norm, inf * 0 in the update) next to the DivergenceWarning
    X, y = data.moons(n=20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = MLP([2, 8, 1], ["relu", "linear"], "mse").train(X, y[:, None] * 1.0, epochs=20, **options)
    assert [w.category for w in caught] == [DivergenceWarning] and h.diverged_at is not None
    assert caught[0].filename == __file__                   # through net.train too: the caller's line


def test_clipping_works_for_gradients_whose_squares_overflow():
    # X = 1e100: the loss (~1e200) is finite, the gradient (~1e200) too, but its squares overflow
    X = 1e100 * np.array([[1.0, 2.0], [2.0, -1.0], [0.5, 0.5], [-1.0, 1.0]])
    net = MLP([2, 1], ["linear"], "mse", seed=3)
    before = [p.copy() for p in net.weights + net.biases]
    _, gw, gb = net.loss_and_gradients(X, np.zeros((4, 1)))
    h = train(net, X, np.zeros((4, 1)), lr=0.5, epochs=1, clip_norm=2.0)
    assert h.grad_norm[0] == global_norm(gw + gb) and 1e199 < h.grad_norm[0] < np.inf
    step = np.sqrt(sum(np.sum((p - q) ** 2) for p, q in zip(net.weights + net.biases, before)))
    assert step == pytest.approx(0.5 * 2.0, rel=1e-12)                  # a step of length η·c, not 0
    assert h.diverged_at is None and np.isfinite(h.loss[-1])
