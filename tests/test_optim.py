"""bplib.optim: the heavy-ball step, the optimisers (against their formulas, hand-derived values and PyTorch),
hyper-parameter checks, per-position state, optimize() and the learning-rate schedules."""
import math

import numpy as np
import pytest

import bplib
from bplib.optim import (SGD, AdaGrad, Adam, AdamW, CosineDecay, Optimizer, RMSProp, StepDecay, heavy_ball_step,
                         momentum_rate, optimize)


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
    (lambda: AdamW(0.1, betas=0.9), TypeError, "betas"),
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


# ---------------------------------------------------------------------------------------------------------------
# hostile input: eps = 0, step()'s arrays and flags, heavy_ball_step, betas, schedules, optimize, momentum_rate

@pytest.mark.parametrize("make, first_step", [
    (lambda: AdaGrad(0.1, eps=0.0), 0.1), (lambda: RMSProp(0.1, alpha=0.75, eps=0.0), 0.2),
    (lambda: Adam(0.1, eps=0.0), 0.1), (lambda: AdamW(0.1, eps=0.0, weight_decay=0.0), 0.1)],
    ids=["AdaGrad", "RMSProp", "Adam", "AdamW"])
def test_eps_zero_takes_no_step_on_a_zero_gradient(make, first_step):
    # first steps η g/√s: AdaGrad, Adam η sign(g); RMSProp (α = 3/4) η sign(g)/√(1 - α) = 2η sign(g)
    opt, p = make(), np.ones(3)
    opt.step([p], [np.array([0.0, 2.0, -3.0])])
    np.testing.assert_allclose(p, [1.0, 1.0 - first_step, 1.0 + first_step], rtol=1e-15)
    opt.step([p], [np.zeros(3)])
    assert np.all(np.isfinite(p)) and p[0] == 1.0


def test_eps_zero_refuses_a_gradient_whose_square_underflows():
    with pytest.raises(ValueError, match=r"eps=0 .*underflows to 0.*use eps > 0"):
        AdaGrad(0.1, eps=0.0).step([np.ones(2)], [np.array([0.0, 1e-170])])
    p = np.ones(2)
    AdaGrad(0.1, eps=1e-10).step([p], [np.array([0.0, 1e-170])])         # with eps > 0 the step is ≈ 0
    np.testing.assert_array_equal(p, [1.0, 1.0])


def read_only(a):
    a.flags.writeable = False
    return a


BAD_STEPS = [
    ([read_only(np.zeros(2))], [np.zeros(2)], None, ValueError, r"params\[0\] must be a writeable array"),
    ([np.zeros(2, dtype=int)], [np.zeros(2)], None, TypeError,
     r"params\[0\] must be a float64 numpy array \(it is updated in place\), got a int64 array"),
    ([[0.0, 0.0]], [np.zeros(2)], None, TypeError, r"params\[0\] must be a float64 numpy array .*got list"),
    ([np.zeros(2)], [np.array(["a", "b"])], None, TypeError, r"grads\[0\] must be an array of real numbers, got <U1"),
    ([np.zeros(2)], [np.ones(2) * 1j], None, TypeError, r"grads\[0\] must be an array of real numbers, got complex"),
    ([np.zeros(2)], [np.ones(2, dtype=bool)], None, TypeError,
     r"grads\[0\] must be an array of real numbers, got bool"),
    ([np.zeros(2)], [[np.nan, 0.0]], None, ValueError, r"grads\[0\] contains NaN or inf"),
    ([np.zeros(2)], [[True, False]], None, TypeError, r"grads\[0\] must be real numbers, got True/False"),
    ([np.zeros(2)], [np.zeros((2, 1))], None, ValueError, r"grads\[0\] must have the shape of params\[0\], \(2,\)"),
    ([np.zeros(2)], [np.zeros(2)], ["no"], TypeError, r"decay\[0\] must be True or False, got 'no'"),
    ([np.zeros(2)], [np.zeros(2)], [1], TypeError, r"decay\[0\] must be True or False, got 1"),
    ([np.zeros(2)], [np.zeros(2)], {True}, TypeError, r"decay must be a list or tuple of True/False"),
]


@pytest.mark.parametrize("params, grads, decay, error, match", BAD_STEPS, ids=range(len(BAD_STEPS)))
def test_step_refuses_bad_arrays_and_flags(params, grads, decay, error, match):
    with pytest.raises(error, match=match):
        SGD(0.1, weight_decay=0.1).step(params, grads, decay)


@pytest.mark.parametrize("g", [[2.0, -4.0], np.array([2, -4]), np.array([2, -4], dtype=np.int16),
                               np.array([2.0, -4.0], dtype=np.float32)], ids=["list", "int", "int16", "float32"])
def test_step_takes_real_gradients_of_any_numeric_type(g):
    p = np.ones(2)
    SGD(0.5).step([p], [g], decay=np.array([True]))
    np.testing.assert_array_equal(p, [0.0, 3.0])
    p = np.ones(2)
    SGD(0.5).step([p], [np.array([2, 4], dtype=np.uint8)])
    np.testing.assert_array_equal(p, [0.0, -1.0])


def test_the_base_class_says_it_has_no_update_rule():
    with pytest.raises(TypeError, match=r"Optimizer is the base class .*use SGD, AdaGrad, RMSProp, Adam or AdamW"):
        Optimizer(0.1).step([np.zeros(2)], [np.zeros(2)])


BAD_HEAVY_BALL = [
    (dict(x=np.zeros(2, dtype=int)), TypeError, r"x must be a float64 numpy array .*got a int64 array"),
    (dict(x=[0.0, 0.0]), TypeError, r"x must be a float64 numpy array .*got list"),
    (dict(v=read_only(np.zeros(2))), ValueError, r"v must be a writeable array"),
    (dict(v=np.zeros(3)), ValueError, r"v must have the shape of x, \(2,\), got \(3,\)"),
    (dict(grad=np.zeros(1)), ValueError, r"grad must have the shape of x, \(2,\), got \(1,\)"),
    (dict(grad=np.array(["a", "b"])), TypeError, r"grad must be an array of real numbers"),
    (dict(lr=-1.0), ValueError, r"lr must be a finite number > 0, got -1.0"),
    (dict(lr=True), TypeError, r"lr must be a finite number > 0"),
    (dict(momentum=2.0), ValueError, r"momentum must be a number in \[0, 1\), got 2.0"),
]


@pytest.mark.parametrize("change, error, match", BAD_HEAVY_BALL, ids=range(len(BAD_HEAVY_BALL)))
def test_heavy_ball_step_refuses_bad_input(change, error, match):
    args = dict(x=np.zeros(2), grad=np.ones(2), v=np.zeros(2), lr=0.1, momentum=0.5, **{})
    args.update(change)
    with pytest.raises(error, match=match):
        heavy_ball_step(**args)


def test_heavy_ball_step_takes_a_list_gradient():
    x, v = np.zeros(2), np.array([1.0, 0.0])
    heavy_ball_step(x, [1.0, -2.0], v, 0.5, 0.5)
    np.testing.assert_array_equal(v, [0.0, 1.0])
    np.testing.assert_array_equal(x, [0.0, 1.0])


@pytest.mark.parametrize("make, error, match", [
    (lambda: Adam(0.1, betas={0.001, 0.999}), TypeError, r"betas must be a list or tuple of two numbers .*, got set"),
    (lambda: Adam(0.1, betas={0.9: 1, 0.99: 2}), TypeError,
     r"betas must be a list or tuple of two numbers .*, got dict"),
    (lambda: Adam(0.1, betas="ab"), TypeError, r"betas must be a list or tuple"),
    (lambda: Adam(0.1, betas=(0.9, 0.99, 0.999)), ValueError, r"betas must be a pair \(beta1, beta2\)"),
    (lambda: Adam(0.1, betas=("0.9", 0.99)), TypeError, r"betas\[0\] must be a number in \[0, 1\)"),
    (lambda: Adam(0.1, bias_correction="no"), TypeError, r"bias_correction must be True or False, got 'no'"),
    (lambda: Adam(0.1, bias_correction=0), TypeError, r"bias_correction must be True or False, got 0"),
    (lambda: SGD(0.1, momentum=0.9, nesterov=1), TypeError, r"nesterov must be True or False, got 1"),
], ids=range(8))
def test_bad_betas_and_flags(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_betas_as_a_list_and_numpy_flags():
    assert Adam(0.1, betas=[0.8, 0.9]).betas == (0.8, 0.9)
    assert Adam(0.1, bias_correction=np.False_).bias_correction is False
    assert SGD(0.1, momentum=0.5, nesterov=np.True_).nesterov is True


@pytest.mark.parametrize("schedule, epoch, match", [
    (StepDecay(0.1, 1, gamma=10.0), 400, r"at epoch 400 .*0.1 \* 10 \*\* 400 is beyond the float64 range"),
    (StepDecay(1e300, 1, gamma=10.0), 10, r"at epoch 10 .*1e\+300 \* 10 \*\* 10 is beyond the float64 range"),
    (StepDecay(0.1, 1), 400, r"at epoch 400 .*0.1 \* 0.1 \*\* 400 underflows to 0.*gamma nearer 1"),
    (StepDecay(0.1, 2), 801, r"at epoch 801 .*0.1 \* 0.1 \*\* 400 underflows to 0"),
])
def test_step_decay_refuses_a_rate_out_of_range(schedule, epoch, match):
    with pytest.raises(ValueError, match=match):
        schedule(epoch)


def test_step_decay_at_the_edges_of_the_range():
    assert StepDecay(0.1, 1, gamma=10.0)(308) == 0.1 * 10.0 ** 308                  # ≈ 1e307, finite
    assert StepDecay(1.0, 1, gamma=0.5)(1074) == 5e-324                              # the smallest float > 0


BAD_OPTIMIZE = [
    (dict(x0=np.ones((2, 2))), ValueError,
     r"x0 must be a number or a 1-D array \(a point\) with at least one entry, got shape \(2, 2\)"),
    (dict(x0=[]), ValueError, r"x0 must be a number or a 1-D array \(a point\) with at least one .*\(0,\)"),
    (dict(x0=True), TypeError, r"x0 must be real numbers, got True/False"),
    (dict(x0=[True, False]), TypeError, r"x0 must be real numbers, got True/False"),
    (dict(x0=[10 ** 400]), ValueError, r"x0 contains a number beyond the float64 range"),
    (dict(x0="ab"), TypeError, r"x0 must be an array of real numbers"),
    (dict(grad=lambda x: None), TypeError,
     r"grad\(x\) must return an array of real numbers shaped like x .* at step 1"),
    (dict(grad=lambda x: "ab"), TypeError,
     r"grad\(x\) must return an array of real numbers shaped like x .* at step 1"),
    (dict(grad=lambda x: True), TypeError, r"grad\(x\) must return an array of real .*, got True at step 1"),
    (dict(grad=lambda x: np.nan * x), ValueError,
     r"grad\(x\) returned .*\(NaN or inf\) at the finite point .*\(step 1\)"),
    (dict(grad=lambda x: np.inf * x), ValueError,
     r"grad\(x\) returned .*\(NaN or inf\) at the finite point .*\(step 1\)"),
    (dict(grad=lambda x: x[:, None]), ValueError,
     r"grad\(x\) must return an array of shape \(2,\), got shape \(2, 1\)"),
    (dict(grad=lambda x: [10 ** 400, 0]), ValueError, r"grad\(x\) returned a number beyond the float64 .*\(step 1\)"),
    (dict(grad=lambda x: [10 ** 400, 0] if x[0] < 1 else x), ValueError,
     r"grad\(x\) returned a number beyond the float64 .*\(step 2\)"),
    (dict(grad=lambda x: x if x[0] > 0.3 else x * np.nan), ValueError,
     r"grad\(x\) returned \[nan nan\] \(NaN or inf\) .*\(step 3\)"),
    (dict(steps=2 ** 63), ValueError, f"steps must be a number of steps numpy can allocate a path for, got {2 ** 63}"),
    (dict(steps=10 ** 30), ValueError, f"steps must be a number of steps .*got {10 ** 30}"),
]


@pytest.mark.parametrize("change, error, match", BAD_OPTIMIZE, ids=range(len(BAD_OPTIMIZE)))
def test_optimize_checks_like_gradient_descent(change, error, match):
    args = dict(grad=lambda x: x, x0=[1.0, 2.0], steps=3)
    args.update(change)
    with pytest.raises(error, match=match):
        optimize(SGD(0.5), **args)


def test_optimize_divergence_through_an_overflowing_gradient():
    # x_1 = 1 - 20 = -19, then the cubic's gradient overflows at a finite x (inf: a diverging run, not an error)
    path = optimize(SGD(10.0), lambda x: 2 * x ** 3, [1.0], 8)
    assert path[1, 0] == -19.0 and path[2, 0] == -19.0 + 20 * 19.0 ** 3
    assert np.isnan(path[-1, 0])


BAD_RATES = [
    ((-0.1, 0.5, 1.0), ValueError, r"lr must be > 0, got -0.1"),
    ((0.0, 0.5, 1.0), ValueError, r"lr must be > 0, got 0"),
    (([0.1, -0.2], 0.5, 1.0), ValueError, r"lr must be > 0, got -0.2 \(the smallest\)"),
    ((np.nan, 0.5, 1.0), ValueError, r"lr contains NaN or inf"),
    ((True, 0.5, 1.0), TypeError, r"lr must be real numbers, got True/False"),
    (("a", 0.5, 1.0), TypeError, r"lr must be an array of real numbers"),
    ((0.1, 1.5, 1.0), ValueError, r"momentum must be in \[0, 1\), got values from 1.5 to 1.5"),
    ((0.1, 1.0, 1.0), ValueError, r"momentum must be in \[0, 1\)"),
    ((0.1, [0.5, 1.0], 1.0), ValueError, r"momentum must be in \[0, 1\), got values from 0.5 to 1"),
    ((0.1, [0.5, -0.1], 1.0), ValueError, r"momentum must be in \[0, 1\), got values from -0.1 to 0.5"),
    ((0.1, 0.5, np.inf), ValueError, r"curvature contains NaN or inf"),
    (([0.1, 0.2], 0.5, [1.0, 2.0, 3.0]), ValueError,
     r"lr, momentum and curvature must be scalars or arrays that broadcast to one shape, got shapes \(2,\), \(\) and "
     r"\(3,\)"),
    ((1e200, 0.5, 1e200), ValueError, r"the rate overflows: lr \* curvature is too large"),
]


@pytest.mark.parametrize("args, error, match", BAD_RATES, ids=range(len(BAD_RATES)))
def test_momentum_rate_refuses_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        momentum_rate(*args)
    with pytest.raises(TypeError, match=r"nesterov must be True or False, got 'no'"):
        momentum_rate(0.1, 0.5, 1.0, nesterov="no")


def test_momentum_rate_at_the_edges():
    assert momentum_rate(0.1, 0.0, 1.0) == pytest.approx(0.9, rel=1e-15)             # α = 0: |1 - ηλ|
    assert momentum_rate(0.1, 0.5, 1.0) == pytest.approx(math.sqrt(0.5), rel=1e-12)   # complex roots: √α
    assert momentum_rate(0.1, 0.5, -1.0) > 1                                          # a negative curvature grows
    # b = 1 + α - ηλ ≈ -1e200: b² overflows, the rate ≈ |b| does not
    np.testing.assert_allclose(momentum_rate(1e100, 0.5, 1e100), 1e200, rtol=1e-12)
    np.testing.assert_allclose(momentum_rate(1e100, 0.5, 1e100, nesterov=True), 1.5e200, rtol=1e-12)
    np.testing.assert_allclose(momentum_rate([1.0, 1e100], 0.0, [1.0, 1e100]), [0.0, 1e200], rtol=1e-12)
    np.testing.assert_allclose(momentum_rate([0.1, 1e100], 0.5, [1.0, 1e100]), [math.sqrt(0.5), 1e200], rtol=1e-12)
    assert momentum_rate(np.array([]), 0.5, 1.0).shape == (0,)


def test_cosine_decay_over_one_epoch():
    assert [CosineDecay(0.1, 1)(e) for e in range(3)] == [0.1, 0.0, 0.0]


@pytest.mark.parametrize("lr, momentum, curvature, expected", [
    (1e100, 0.5, 1e100, 1e200),            # b = 1.5 - 1e200: b² overflows; the roots are about b and c0/b
    (1e160, 0.0, 1e140, 1e300),
])
def test_momentum_rate_where_b_squared_overflows(lr, momentum, curvature, expected):
    from bplib.optim import momentum_rate
    assert momentum_rate(lr, momentum, curvature) == pytest.approx(expected, rel=1e-12)
