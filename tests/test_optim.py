"""bplib.optim: the heavy-ball step, the optimisers (against their formulas, hand-derived values and PyTorch),
hyper-parameter checks, per-position state, optimize() and the learning-rate schedules."""
import math

import numpy as np
import pytest

import bplib
from bplib.optim import (SGD, AdaGrad, Adam, AdamW, CosineDecay, Optimizer, RMSProp, StepDecay, heavy_ball_step,
                         optimize)


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_heavy_ball_step_matches_its_formula(momentum, rng):
    x, g, v = rng.standard_normal((3, 4, 2))
    x0, v0 = x.copy(), v.copy()
    heavy_ball_step(x, g, v, 0.1, momentum)
    np.testing.assert_allclose(v, momentum * v0 - 0.1 * g, rtol=1e-15)
    np.testing.assert_allclose(x, x0 + momentum * v0 - 0.1 * g, rtol=1e-15)


# A test problem: two parameter arrays whose gradient depends on the parameters (a quadratic with a random
# positive-definite Hessian per array, plus a fixed tilt), so that the iterates of two rules that differ anywhere
# drift apart.
def make_problem(seed):
    rng = np.random.default_rng(seed)
    shapes = [(3, 2), (4,)]
    params = [rng.standard_normal(s) for s in shapes]
    hessians = []
    for s in shapes:
        n = int(np.prod(s))
        A = rng.standard_normal((n, n))
        hessians.append(A @ A.T / n + 0.1 * np.eye(n))
    tilts = [rng.standard_normal(s) for s in shapes]

    def grads(ps):
        return [(H @ p.ravel()).reshape(p.shape) + c for p, H, c in zip(ps, hessians, tilts)]

    return params, grads


def run(optimizer, seed=0, steps=25):
    params, grads = make_problem(seed)
    path = []
    for _ in range(steps):
        optimizer.step(params, grads(params))
        path.append([p.copy() for p in params])
    return path


# Reference recurrences written from PyTorch's documented algorithms (docs of torch.optim.*), one step at a time.
def reference(name, hyper, seed=0, steps=25):
    params, grads = make_problem(seed)
    lr, wd = hyper["lr"], hyper.get("weight_decay", 0.01 if name == "AdamW" else 0.0)
    state = [dict(b=None, s=np.zeros_like(p), m=np.zeros_like(p)) for p in params]
    path = []
    for t in range(1, steps + 1):
        for p, g, st in zip(params, grads(params), state):
            if name == "AdamW":
                p *= 1 - lr * wd
            elif wd:
                g = g + wd * p
            if name == "SGD":
                mu = hyper.get("momentum", 0.0)
                if mu:
                    st["b"] = g.copy() if st["b"] is None else mu * st["b"] + g
                    g = g + mu * st["b"] if hyper.get("nesterov") else st["b"]
                p -= lr * g
            elif name == "AdaGrad":
                st["s"] = st["s"] + g ** 2
                p -= lr * g / (np.sqrt(st["s"]) + hyper.get("eps", 1e-10))
            elif name == "RMSProp":
                a = hyper.get("alpha", 0.99)
                st["s"] = a * st["s"] + (1 - a) * g ** 2
                p -= lr * g / (np.sqrt(st["s"]) + hyper.get("eps", 1e-8))
            else:
                b1, b2 = hyper.get("betas", (0.9, 0.999))
                st["m"] = b1 * st["m"] + (1 - b1) * g
                st["s"] = b2 * st["s"] + (1 - b2) * g ** 2
                m_hat, s_hat = st["m"] / (1 - b1 ** t), st["s"] / (1 - b2 ** t)
                p -= lr * m_hat / (np.sqrt(s_hat) + hyper.get("eps", 1e-8))
        path.append([p.copy() for p in params])
    return path


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.7, nesterov=True, weight_decay=0.3)),
    ("AdaGrad", dict(lr=0.3)),
    ("AdaGrad", dict(lr=0.1, eps=1e-3, weight_decay=0.2)),
    ("RMSProp", dict(lr=0.01)),
    ("RMSProp", dict(lr=0.02, alpha=0.9, eps=1e-4, weight_decay=0.1)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.02, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.2)),
    ("Adam", dict(lr=0.02, betas=(0.0, 0.0))),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.5)),
]
CLASSES = {"SGD": SGD, "AdaGrad": AdaGrad, "RMSProp": RMSProp, "Adam": Adam, "AdamW": AdamW}
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in h.items())}" for n, h in CASES]


@pytest.mark.parametrize("name, hyper", CASES, ids=IDS)
def test_optimizers_follow_their_recurrences(name, hyper):
    ours = run(CLASSES[name](**hyper))
    ref = reference(name, hyper)
    for step_ours, step_ref in zip(ours, ref):
        for p, q in zip(step_ours, step_ref):
            np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)
    assert not np.allclose(ours[-1][0], make_problem(0)[0][0])       # it moved


TORCH_CLASSES = {"SGD": "SGD", "AdaGrad": "Adagrad", "RMSProp": "RMSprop", "Adam": "Adam", "AdamW": "AdamW"}


@pytest.mark.parametrize("name, hyper", CASES, ids=IDS)
def test_optimizers_match_pytorch(name, hyper):
    torch = pytest.importorskip("torch")
    params, grads = make_problem(0)
    tparams = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    topt = getattr(torch.optim, TORCH_CLASSES[name])(tparams, **hyper)
    ours = CLASSES[name](**hyper)
    for _ in range(25):
        g = grads(params)
        ours.step(params, g)
        for tp, tg in zip(tparams, grads([tp.detach().numpy() for tp in tparams])):
            tp.grad = torch.tensor(tg, dtype=torch.float64)
        topt.step()
        for p, tp in zip(params, tparams):
            np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-12, atol=1e-13)


def test_sgd_with_momentum_is_heavy_ball(rng):
    # SGD(lr, momentum) = bplib.gradient_descent(..., momentum) (heavy_ball_step) for a constant lr
    H = np.array([[2.0, 0.0], [0.0, 20.0]])
    grad = lambda x: H @ x
    for lr, mu in [(0.08, 0.36), (0.01, 0.9), (0.05, 0.0)]:
        heavy = bplib.gradient_descent(grad, [-2.0, 1.0], lr=lr, steps=60, momentum=mu)
        sgd = optimize(SGD(lr, momentum=mu), grad, [-2.0, 1.0], 60)
        np.testing.assert_allclose(sgd, heavy, rtol=1e-12, atol=1e-15)


def test_nesterov_is_sutskevers_look_ahead():
    # u_t = μ u_{t-1} - η ∇f(φ + μ u_{t-1}), φ ← φ + u_t; PyTorch's θ is the look-ahead point φ + μ u
    H = np.array([[1.0, 0.3], [0.3, 5.0]])
    grad = lambda x: H @ x - 1.0
    lr, mu = 0.1, 0.8
    phi, u = np.array([2.0, -1.0]), np.zeros(2)
    looks = [phi.copy()]
    for _ in range(40):
        u = mu * u - lr * grad(phi + mu * u)
        phi = phi + u
        looks.append(phi + mu * u)
    ours = optimize(SGD(lr, momentum=mu, nesterov=True), grad, [2.0, -1.0], 40)
    np.testing.assert_allclose(ours, np.array(looks), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("g", [3.0, -0.02, 1e-3])
def test_first_steps_by_hand(g):
    # the first step of each adaptive rule on a gradient g (hand-derived, see the docstrings)
    for opt, expected in [(AdaGrad(0.1), -0.1 * g / (abs(g) + 1e-10)),
                          (RMSProp(0.1), -0.1 * g / (math.sqrt(0.01) * abs(g) + 1e-8)),
                          (Adam(0.1), -0.1 * g / (abs(g) + 1e-8)),
                          (Adam(0.1, bias_correction=False), -0.1 * 0.1 * g / (math.sqrt(0.001) * abs(g) + 1e-8)),
                          (SGD(0.1, momentum=0.9, nesterov=True), -0.1 * 1.9 * g)]:
        x = np.array([1.0])
        opt.step([x], [np.array([g])])
        np.testing.assert_allclose(x - 1.0, [expected], rtol=1e-12)


def test_adam_bias_correction_on_a_constant_gradient():
    # g_t = g for all t: m_t = (1 - β1^t) g, so m̂_t = g exactly and every step is η g/(|g| + ε)
    opt = Adam(0.01, betas=(0.9, 0.99), eps=0.0)
    x = np.zeros(3)
    g = np.array([2.0, -0.5, 1e-4])
    for t in range(1, 31):
        before = x.copy()
        opt.step([x], [g])
        np.testing.assert_allclose(opt.state[0]["m"], (1 - 0.9 ** t) * g, rtol=1e-12)
        np.testing.assert_allclose(opt.state[0]["s"], (1 - 0.99 ** t) * g ** 2, rtol=1e-12)
        np.testing.assert_allclose(x - before, -0.01 * np.sign(g), rtol=1e-12)


def test_adamw_decays_and_adam_l2_does_not_scale():
    # no loss gradient: AdamW shrinks by (1 - ηλ) per step; Adam + L2 moves ≈ η per step whatever λ
    for lam in [0.01, 1.0]:
        x = np.array([1.0])
        opt = AdamW(0.01, weight_decay=lam)
        for _ in range(10):
            opt.step([x], [np.zeros(1)])
        np.testing.assert_allclose(x, (1 - 0.01 * lam) ** 10, rtol=1e-12)
        y = np.array([1.0])
        opt = Adam(0.01, weight_decay=lam)
        for _ in range(10):
            opt.step([y], [np.zeros(1)])
        np.testing.assert_allclose(y, 1 - 10 * 0.01, rtol=1e-3)


def test_state_is_per_position_and_belongs_to_its_arrays(rng):
    # one optimiser stepping two arrays = two optimisers stepping one each (Adam's state is per position)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    x, y = a.copy(), b.copy()
    both, alone_a, alone_b = Adam(0.1), Adam(0.1), Adam(0.1)
    for _ in range(5):
        both.step([x, y], [x.copy(), 2 * y])
        alone_a.step([a], [a.copy()])
        alone_b.step([b], [2 * b])
    np.testing.assert_array_equal(x, a)
    np.testing.assert_array_equal(y, b)
    with pytest.raises(ValueError, match="shapes"):
        both.step([x], [x])
    with pytest.raises(ValueError, match="shapes"):
        both.step([x, np.zeros(4)], [x, np.zeros(4)])
    assert both.t == 5 and len(both.state) == 2


def test_step_refuses_bad_lists():
    x = np.zeros(2)
    with pytest.raises(ValueError, match="same length"):
        SGD(0.1).step([x], [x, x])
    with pytest.raises(ValueError, match="shape"):
        SGD(0.1).step([x], [np.zeros(3)])
    with pytest.raises(TypeError, match="float64"):
        SGD(0.1).step([[0.0, 0.0]], [x])
    with pytest.raises(TypeError, match="lists"):
        SGD(0.1).step(x, x)
    with pytest.raises(ValueError, match="decay"):
        SGD(0.1, weight_decay=0.1).step([x], [x], decay=[True, False])


def test_decay_flags_skip_positions():
    w, b = np.ones(2), np.ones(2)
    SGD(0.1, weight_decay=0.5).step([w, b], [np.zeros(2), np.zeros(2)], decay=[True, False])
    np.testing.assert_allclose(w, 0.95, rtol=1e-15)
    np.testing.assert_array_equal(b, 1.0)
    w, b = np.ones(2), np.ones(2)
    AdamW(0.1, weight_decay=0.5).step([w, b], [np.zeros(2), np.zeros(2)], decay=[False, True])
    np.testing.assert_array_equal(w, 1.0)
    np.testing.assert_allclose(b, 0.95, rtol=1e-15)


BAD = [
    (lambda: SGD(0), ValueError, "lr"), (lambda: SGD(-1.0), ValueError, "lr"),
    (lambda: Adam(float("nan")), ValueError, "lr"), (lambda: AdaGrad(float("inf")), ValueError, "lr"),
    (lambda: RMSProp("0.1"), TypeError, "lr"),
    (lambda: SGD(0.1, momentum=1.0), ValueError, "momentum"), (lambda: SGD(0.1, momentum=-0.1), ValueError,
                                                               "momentum"),
    (lambda: SGD(0.1, nesterov=True), ValueError, "nesterov"),
    (lambda: SGD(0.1, momentum=0.9, nesterov="yes"), TypeError, "nesterov"),
    (lambda: Adam(0.1, betas=(1.0, 0.999)), ValueError, "betas"),
    (lambda: Adam(0.1, betas=(0.9, -0.1)), ValueError, "betas"),
    (lambda: AdamW(0.1, betas=(0.9,)), ValueError, "betas"),
    (lambda: AdamW(0.1, betas=0.9), ValueError, "betas"),
    (lambda: Adam(0.1, eps=-1e-8), ValueError, "eps"), (lambda: AdaGrad(0.1, eps=float("nan")), ValueError, "eps"),
    (lambda: RMSProp(0.1, eps=-1.0), ValueError, "eps"),
    (lambda: RMSProp(0.1, alpha=1.0), ValueError, "alpha"),
    (lambda: SGD(0.1, weight_decay=-0.1), ValueError, "weight_decay"),
    (lambda: AdamW(0.1, weight_decay=float("inf")), ValueError, "weight_decay"),
]


@pytest.mark.parametrize("make, error, match", BAD, ids=range(len(BAD)))
def test_bad_hyper_parameters(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_lr_can_be_changed_and_is_checked():
    opt = Adam(0.1)
    opt.lr = 0.05
    assert opt.lr == 0.05
    with pytest.raises(ValueError, match="lr"):
        opt.lr = 0.0
    assert "Adam(lr=0.05" in repr(opt) and isinstance(opt, Optimizer)


def test_optimize_returns_the_path_and_survives_divergence():
    path = optimize(SGD(0.25), lambda x: 2 * x, [1.0, -2.0], 3)
    np.testing.assert_allclose(path, [[1, -2], [0.5, -1], [0.25, -0.5], [0.125, -0.25]], rtol=1e-15)
    blown = optimize(SGD(10.0), lambda x: 2 * x ** 3, [1.0], 20)
    assert blown.shape == (21, 1) and not np.all(np.isfinite(blown))
    with pytest.raises(TypeError, match="optimizer"):
        optimize(0.1, lambda x: x, [1.0], 3)
    with pytest.raises(ValueError, match="shape"):
        optimize(SGD(0.1), lambda x: np.zeros(3), [1.0, 2.0], 3)


@pytest.mark.parametrize("epoch, expected", [(0, 0.1), (29, 0.1), (30, 0.01), (59, 0.01), (60, 0.001)])
def test_step_decay(epoch, expected):
    assert math.isclose(StepDecay(0.1, 30)(epoch), expected, rel_tol=1e-12)


def test_cosine_decay_by_hand():
    cos = CosineDecay(0.2, 10, lr_min=0.02)
    assert cos(0) == 0.2 and math.isclose(cos(5), 0.11, rel_tol=1e-12) and math.isclose(cos(10), 0.02)
    assert cos(15) == cos(10)
    values = [cos(e) for e in range(11)]
    assert all(a > b for a, b in zip(values, values[1:]))
    np.testing.assert_allclose([CosineDecay(2.0, 4)(e) for e in range(6)],       # lr_min defaults to 0
                               [2.0, 1 + np.sqrt(0.5), 1.0, 1 - np.sqrt(0.5), 0.0, 0.0], rtol=1e-15, atol=1e-15)
    assert [CosineDecay(0.1, 5, lr_min=0.1)(e) for e in range(7)] == [0.1] * 7  # lr_min = lr: a constant rate


def test_schedules_match_pytorch():
    torch = pytest.importorskip("torch")
    for ours, make in [(StepDecay(0.1, 3, gamma=0.5), lambda o: torch.optim.lr_scheduler.StepLR(o, 3, gamma=0.5)),
                       (CosineDecay(0.1, 12, lr_min=0.001),
                        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 12, eta_min=0.001))]:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = make(opt)
        for epoch in range(12):
            assert math.isclose(ours(epoch), opt.param_groups[0]["lr"], rel_tol=1e-12)
            opt.step()
            sched.step()


@pytest.mark.parametrize("make, match", [(lambda: StepDecay(0.0, 3), "lr"), (lambda: StepDecay(0.1, 0), "step_size"),
                                         (lambda: StepDecay(0.1, 3, gamma=0), "gamma"),
                                         (lambda: CosineDecay(0.1, 0), "epochs"),
                                         (lambda: CosineDecay(0.1, 5, lr_min=0.2), "lr_min")])
def test_bad_schedules(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("lr, momentum, curvature", [(0.08, 0.36, 2.0), (0.08, 0.36, 20.0), (0.04, 0.56, 20.0),
                                                      (0.04, 0.5, 2.0), (0.1, 0.9, 1.0), (0.3, 0.2, 5.0)])
def test_momentum_rate_is_the_observed_decay(lr, momentum, curvature, nesterov):
    from bplib.optim import momentum_rate
    rate = momentum_rate(lr, momentum, curvature, nesterov)
    path = optimize(SGD(lr, momentum=momentum, nesterov=nesterov), lambda x: curvature * x, [1.0], 500)[:, 0]
    # |x_k| ~ C k^j rate^k: the ratio of the largest |x| in two windows 200 steps apart tends to rate^200
    observed = (np.abs(path[400:500]).max() / np.abs(path[200:300]).max()) ** (1 / 200)
    assert abs(observed - rate) < 0.01 * max(rate, 0.05)


def test_momentum_rate_by_hand():
    from bplib.optim import momentum_rate
    assert momentum_rate(0.1, 0.0, 2.0) == pytest.approx(0.8, rel=1e-15)          # plain: |1 − ηλ|
    assert momentum_rate(0.08, 0.36, 20.0) == pytest.approx(0.6, rel=1e-12)       # complex roots: √α
    assert momentum_rate(0.08, 0.36, 20.0, nesterov=True) > 1                     # Nesterov's smaller stable range
    np.testing.assert_allclose(momentum_rate(0.05, [0.0, 0.5], 2.0), [0.9, np.sqrt(0.5)], rtol=1e-12)


class _Plain(Optimizer):
    """An optimiser a user writes: the base class's repr lists lr and weight_decay."""

    def _update(self, p, g, state, weight_decay):
        p -= self.lr * g


@pytest.mark.parametrize("text", [
    "SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)",
    "AdaGrad(lr=0.5, eps=1e-06, weight_decay=0.0)",
    "RMSProp(lr=0.01, alpha=0.9, eps=1e-06, weight_decay=0.1)",
    "Adam(lr=0.001, betas=(0.8, 0.99), eps=1e-07, weight_decay=0.1)",
    "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, bias_correction=False)",
    "AdamW(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.05)",
    "StepDecay(lr=0.1, step_size=5, gamma=0.5)",
    "CosineDecay(lr=0.1, epochs=10, lr_min=0.01)",
    "_Plain(lr=0.2, weight_decay=0.3)",
])
def test_repr_lists_every_setting_and_rebuilds_the_object(text):
    obj = eval(text, {**vars(bplib.optim), "_Plain": _Plain})
    assert repr(obj) == text


def test_the_base_class_defaults_to_no_weight_decay():
    assert repr(_Plain(0.2)) == "_Plain(lr=0.2, weight_decay=0.0)"


@pytest.mark.parametrize("params, grads", [([np.zeros(2)], np.zeros(2)), (np.zeros(2), [np.zeros(2)])],
                         ids=["grads-not-a-list", "params-not-a-list"])
def test_step_needs_lists_of_arrays(params, grads):
    with pytest.raises(TypeError, match="params and grads must be lists"):
        SGD(0.1).step(params, grads)
