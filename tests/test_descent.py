"""bplib.gradient_descent: shapes, the closed form on x² + y², heavy-ball momentum, bad input."""
import math

import numpy as np
import pytest

from bplib import gradient_descent


def bowl_grad(x):
    # f(x) = Σ x_i²  ->  ∇f = 2x
    return 2.0 * x


@pytest.mark.parametrize("dim", [1, 2, 5])
@pytest.mark.parametrize("steps", [0, 1, 7])
def test_shape_and_first_row(dim, steps, rng):
    x0 = rng.standard_normal(dim)
    path = gradient_descent(bowl_grad, x0, 0.1, steps)
    assert path.shape == (steps + 1, dim)
    assert path.dtype == np.float64
    np.testing.assert_array_equal(path[0], x0)


def test_scalar_start_is_one_dimensional():
    path = gradient_descent(bowl_grad, 3.0, 0.25, 2)
    assert path.shape == (3, 1)
    # x1 = 3 - 0.25*2*3 = 1.5,  x2 = 1.5 - 0.25*2*1.5 = 0.75
    np.testing.assert_allclose(path[:, 0], [3.0, 1.5, 0.75], rtol=0, atol=1e-15)


def test_x0_not_modified(rng):
    x0 = rng.standard_normal(3)
    keep = x0.copy()
    gradient_descent(bowl_grad, x0, 0.1, 5, momentum=0.5)
    np.testing.assert_array_equal(x0, keep)


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.25, 0.4, 0.5, 0.8, 0.95])
def test_closed_form_on_bowl(lr):
    # On f(x, y) = x² + y² the update is x_{k+1} = x_k - lr·2x_k = (1 - 2 lr) x_k, so x_k = (1 - 2 lr)^k x0.
    # (lr = 0.5 jumps to the minimum in one step; 0.5 < lr < 1 oscillates but still converges.)
    x0 = np.array([1.5, -2.0])
    steps = 30
    path = gradient_descent(bowl_grad, x0, lr, steps)
    expected = np.array([[(1 - 2 * lr) ** k * c for c in x0] for k in range(steps + 1)])
    np.testing.assert_allclose(path, expected, rtol=1e-9, atol=1e-300)


def test_momentum_by_hand():
    # f(x) = x², ∇f = 2x, x0 = 1, lr = 0.1, momentum = 0.9, v0 = 0.
    # v1 = -0.1·2·1      + 0.9·0      = -0.2     x1 = 1    - 0.2   = 0.8
    # v2 = -0.1·2·0.8    + 0.9·(-0.2)  = -0.34    x2 = 0.8  - 0.34  = 0.46
    # v3 = -0.1·2·0.46   + 0.9·(-0.34) = -0.398   x3 = 0.46 - 0.398 = 0.062
    # v4 = -0.1·2·0.062  + 0.9·(-0.398) = -0.3706 x4 = 0.062 - 0.3706 = -0.3086
    path = gradient_descent(bowl_grad, [1.0], 0.1, 4, momentum=0.9)
    np.testing.assert_allclose(path[:, 0], [1.0, 0.8, 0.46, 0.062, -0.3086], rtol=0, atol=1e-12)


def test_momentum_rule_on_nonlinear_function(rng):
    # Re-derive the heavy-ball recurrence with plain Python floats for f(x, y) = x⁴/4 + sin(y):
    # ∇f = (x³, cos y); v ← -lr ∇f(x) + α v; x ← x + v.
    def grad(p):
        return np.array([p[0] ** 3, math.cos(p[1])])

    lr, alpha = 0.05, 0.7
    x, y, vx, vy = 0.9, -0.3, 0.0, 0.0
    expected = [(x, y)]
    for _ in range(12):
        vx = -lr * x ** 3 + alpha * vx
        vy = -lr * math.cos(y) + alpha * vy
        x, y = x + vx, y + vy
        expected.append((x, y))
    path = gradient_descent(grad, [0.9, -0.3], lr, 12, momentum=alpha)
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-15)


def test_zero_momentum_is_plain_descent(rng):
    x0 = rng.standard_normal(4)
    np.testing.assert_array_equal(gradient_descent(bowl_grad, x0, 0.3, 9),
                                  gradient_descent(bowl_grad, x0, 0.3, 9, momentum=0.0))


def test_momentum_speeds_up_a_narrow_valley():
    # f = x² + 25 y²: with lr = 0.01, 50 plain steps leave x far from 0; momentum 0.9 gets much closer.
    def grad(p):
        return np.array([2 * p[0], 50 * p[1]])

    plain = gradient_descent(grad, [1.0, 1.0], 0.01, 50)
    heavy = gradient_descent(grad, [1.0, 1.0], 0.01, 50, momentum=0.9)
    assert np.linalg.norm(heavy[-1]) < 0.5 * np.linalg.norm(plain[-1])


def test_divergence_gives_nonfinite_rows_not_an_exception():
    path = gradient_descent(bowl_grad, [1.0], 1e200, 5)  # |x| grows by 2e200 per step: overflows
    assert path.shape == (6, 1)
    assert not np.all(np.isfinite(path))
    grows = gradient_descent(bowl_grad, [1.0], 1.5, 4)   # x_k = (1 - 3)^k: finite but growing
    np.testing.assert_allclose(grows[:, 0], [(-2.0) ** k for k in range(5)])


@pytest.mark.parametrize("lr", [0, 0.0, -0.1, float("nan"), float("inf"), -float("inf")])
def test_bad_lr(lr):
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(bowl_grad, [1.0], lr, 3)


@pytest.mark.parametrize("lr", ["0.1", None, True, [0.1]])
def test_lr_of_wrong_type(lr):
    with pytest.raises(TypeError, match="lr"):
        gradient_descent(bowl_grad, [1.0], lr, 3)


@pytest.mark.parametrize("steps, error", [(-1, ValueError), (2.5, TypeError), ("3", TypeError)])
def test_bad_steps(steps, error):
    with pytest.raises(error, match="steps"):
        gradient_descent(bowl_grad, [1.0], 0.1, steps)


@pytest.mark.parametrize("momentum, error", [(-0.1, ValueError), (1.0, ValueError), (1.5, ValueError),
                                             (float("nan"), ValueError), ("0.9", TypeError), (True, TypeError)])
def test_bad_momentum(momentum, error):
    with pytest.raises(error, match=r"momentum must be a number in \[0, 1\)"):
        gradient_descent(bowl_grad, [1.0], 0.1, 3, momentum=momentum)


def test_grad_not_callable():
    with pytest.raises(TypeError, match="grad"):
        gradient_descent([1.0], [1.0], 0.1, 3)


@pytest.mark.parametrize("x0", [[1.0, float("nan")], [float("inf")]])
def test_nonfinite_start(x0):
    with pytest.raises(ValueError, match="x0"):
        gradient_descent(bowl_grad, x0, 0.1, 3)


def test_grad_of_wrong_shape():
    with pytest.raises(ValueError, match=r"grad\(x\)"):
        gradient_descent(lambda x: np.zeros(3), [1.0, 2.0], 0.1, 3)


BAD_INPUT = [
    (dict(x0=[]), ValueError, r"x0 must be a number or a 1-D array \(a point\) with at least one .*\(0,\)"),
    (dict(x0=np.ones((2, 1))), ValueError, r"x0 must be a number or a 1-D array .* got shape \(2, 1\)"),
    (dict(x0=True), TypeError, r"x0 must be real numbers, got True/False"),
    (dict(x0=np.array([True, False])), TypeError, r"x0 must be real numbers, got True/False"),
    (dict(x0=[10 ** 400]), ValueError, r"x0 contains a number beyond the float64 range"),
    (dict(grad=lambda x: True), TypeError, r"grad\(x\) must return an array of real .*, got True at step 1"),
    (dict(grad=lambda x: None), TypeError,
     r"grad\(x\) must return an array of real numbers shaped like x .* at step 1"),
    (dict(grad=lambda x: [1j, 0]), TypeError,
     r"grad\(x\) must return an array of real numbers shaped like x .* at step 1"),
    (dict(grad=lambda x: [10 ** 400, 0.0]), ValueError, r"grad\(x\) returned a number beyond the float64 .*\(step 1\)"),
    (dict(grad=lambda x: np.inf * x), ValueError,
     r"grad\(x\) returned .*\(NaN or inf\) at the finite point .*\(step 1\)"),
    (dict(grad=lambda x: 2 * x if x[0] > 0.3 else np.nan * x), ValueError,
     r"grad\(x\) returned \[nan nan\] \(NaN or inf\) .*\(step 3\)"),
    (dict(steps=2 ** 63), ValueError, r"steps must be a number of steps numpy can allocate a path for"),
    (dict(steps=10 ** 30), ValueError, r"steps must be a number of steps numpy can allocate a path for"),
]


@pytest.mark.parametrize("change, error, match", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_start_gradient_and_steps(change, error, match):
    args = dict(grad=bowl_grad, x0=[1.0, 2.0], lr=0.25, steps=3)
    args.update(change)
    with pytest.raises(error, match=match):
        gradient_descent(**args)


def test_an_overflowing_gradient_is_divergence_not_an_error():
    # x_1 = 3 - 0.5 * 2 * 3³ = -24, x_2 = -24 + 24³, ...; the cubic's gradient overflows at a finite x (inf), then x does (inf, then nan)
    path = gradient_descent(lambda x: 2 * x ** 3, [3.0], 0.5, 8)
    np.testing.assert_array_equal(path[:3, 0], [3.0, -24.0, -24.0 + 24.0 ** 3])
    assert path.shape == (9, 1) and np.isnan(path[-1, 0])


def test_a_scalar_gradient_for_one_coordinate_and_a_numpy_start():
    path = gradient_descent(lambda x: 2.0 * float(x[0]), np.float32(1.0), 0.25, 2)
    np.testing.assert_array_equal(path, [[1.0], [0.5], [0.25]])
