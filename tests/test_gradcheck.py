"""bplib.gradcheck: finite differences, the relative error, and check_mlp (including that it catches bugs)."""
import math
from fractions import Fraction

import numpy as np
import pytest

from bplib import MLP
from bplib.gradcheck import (check_mlp, elementwise_relative_error, gradcheck, mlp_numerical_gradients,
                             numerical_gradient, relative_error)


@pytest.mark.parametrize("shape", [(1,), (4,), (2, 3)])
def test_numerical_gradient_of_a_quadratic(shape, rng):
    # central differences are exact for quadratics (up to round-off): ∇(xᵀAx) = (A + Aᵀ)x
    n = int(np.prod(shape))
    A = rng.standard_normal((n, n))
    x = rng.standard_normal(shape)
    keep = x.copy()
    g = numerical_gradient(lambda v: float(v.ravel() @ A @ v.ravel()), x)
    assert g.shape == shape
    np.testing.assert_allclose(g.ravel(), (A + A.T) @ x.ravel(), rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, keep)


def test_numerical_gradient_by_hand():
    # f = sin x at x = 0 with h = 1e-3: (sin h - sin(-h))/(2h) = sin(h)/h
    assert numerical_gradient(lambda v: math.sin(v[0]), [0.0], h=1e-3)[0] == pytest.approx(math.sin(1e-3) / 1e-3,
                                                                                          rel=1e-15)


def test_relative_error_by_hand():
    # |[1,0] - [0,1]| / (1 + 1) = √2 / 2;  a vs 2a: |a| / 3|a| = 1/3;  both zero: 0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.sqrt(2) / 2, rel=1e-15)
    assert relative_error([1.0, -2.0], [2.0, -4.0]) == pytest.approx(1 / 3, rel=1e-15)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([3.0], [3.0]) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("a, n, expected", [
    ([1.0, -2.0, 0.0, 4.0], [1.5, -2.0, 0.0, -4.0], [0.5 / 1.5, 0.0, 0.0, 2.0]),  # max(|a|,|n|); both 0 -> 0
    ([[1e-7, 0.0]], [[2e-7, 1e-12]], [[0.5, 1.0]]),                                # tiny entries: large r
])
def test_elementwise_relative_error_by_hand(a, n, expected):
    r = elementwise_relative_error(a, n)
    np.testing.assert_allclose(r, expected, rtol=1e-15)
    assert r.shape == np.shape(a)
    np.testing.assert_allclose(elementwise_relative_error(n, a), r, rtol=1e-15)   # symmetric


def test_elementwise_error_sees_a_tiny_wrong_entry_the_norm_hides():
    g = np.array([1.0, 1e-6])
    wrong = np.array([1.0, -1e-6])                         # one tiny entry with the wrong sign
    assert relative_error(g, wrong) < 1e-6                 # the norm-based error barely moves...
    assert elementwise_relative_error(g, wrong)[1] == 2.0  # ...the entry-wise one flags it
    with pytest.raises(ValueError, match="same shape"):
        elementwise_relative_error(np.zeros(2), np.zeros(3))


def test_gradcheck_accepts_right_and_rejects_wrong(rng):
    x = rng.standard_normal(5)
    f = lambda v: float(np.sum(np.sin(v) * v))
    right = lambda v: np.cos(v) * v + np.sin(v)
    wrong = lambda v: np.cos(v) * v
    assert gradcheck(f, right, x) < 1e-9
    assert gradcheck(f, wrong, x) > 1e-2
    assert gradcheck(f, lambda v: 2 * right(v), x) == pytest.approx(1 / 3, rel=1e-8)


def test_error_is_v_shaped_in_h():
    # truncation error O(h²) for large h, round-off O(ε/h) for tiny h; 1e-5 beats both extremes
    f, g, x = (lambda v: float(np.exp(v).sum())), (lambda v: np.exp(v)), np.array([0.3, -1.2])
    errs = {h: gradcheck(f, g, x, h=h) for h in (1e-1, 1e-5, 1e-12)}
    assert errs[1e-5] < 1e-9 < min(errs[1e-1], errs[1e-12])


def test_check_mlp_and_parameters_restored(rng):
    net = MLP([3, 4, 2], ["tanh", "softmax"], "cross_entropy", seed=2)
    keep = [p.copy() for p in net.weights + net.biases]
    X, Y = rng.standard_normal((6, 3)), np.eye(2)[rng.integers(0, 2, 6)]
    check = check_mlp(net, X, Y)
    assert check.max_relative_error < 1e-7
    assert len(check.weight_errors) == len(check.bias_errors) == 2
    assert check.max_relative_error == max(check.weight_errors + check.bias_errors)
    assert "max_relative_error" in repr(check)
    for p, k in zip(net.weights + net.biases, keep):
        np.testing.assert_array_equal(p, k)
    nw, nb = mlp_numerical_gradients(net, X, Y)
    assert [a.shape for a in nw] == [w.shape for w in net.weights]


def test_check_mlp_catches_a_wrong_bias_gradient(rng):
    net = MLP([2, 3, 1], ["sigmoid", "linear"], "mse", seed=0)
    X, Y = rng.standard_normal((4, 2)), rng.standard_normal((4, 1))
    good = net.loss_and_gradients
    net.loss_and_gradients = lambda X, Y: (lambda r: (r[0], r[1], [g / len(X) for g in r[2]]))(good(X, Y))
    check = check_mlp(net, X, Y)
    assert check.max_relative_error > 0.1 and max(check.weight_errors) < 1e-7


def test_bad_input():
    with pytest.raises(TypeError, match="f must be a callable"):
        numerical_gradient(3.0, [1.0])
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        numerical_gradient(lambda v: 0.0, [1.0], h=0)
    with pytest.raises(ValueError, match="h must be"):
        mlp_numerical_gradients(MLP([1, 1], ["linear"], "mse"), np.zeros((1, 1)), np.zeros((1, 1)), h=-1)
    with pytest.raises(ValueError, match="x contains NaN or inf"):
        numerical_gradient(lambda v: 0.0, [np.nan])


# ------------------------------------------------------------------ extreme but valid values

@pytest.mark.parametrize("seed, shape", [(0, (1,)), (1, (5,)), (2, (3, 4)), (3, (100,)), (4, ())])
def test_relative_error_is_the_plain_formula_to_the_last_bit(seed, shape):
    # the power-of-two scaling is exact: ordinary gradients give exactly ‖a - n‖ / (‖a‖ + ‖n‖), |a - n| / max
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    n = a * (1 + 1e-6 * rng.standard_normal(shape))
    plain = np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))
    assert relative_error(a, n) == plain
    np.testing.assert_array_equal(elementwise_relative_error(a, n), np.abs(a - n) / np.maximum(np.abs(a), np.abs(n)))


@pytest.mark.parametrize("power", [-1070, -900, -500, 500, 900, 1020])
def test_relative_error_does_not_depend_on_the_scale(power, rng):
    # relative_error(2^p a, 2^p n) = relative_error(a, n) exactly: no square underflows (1e-300) or overflows
    a, n = rng.standard_normal(4), rng.standard_normal(4)
    if power < -1000:                                      # 2^-1070 a: subnormal, so only a few bits of a survive
        a, n = np.round(a * 8) / 8 + 4, np.round(n * 8) / 8 - 4
    assert relative_error(np.ldexp(a, power), np.ldexp(n, power)) == relative_error(a, n)


@pytest.mark.parametrize("a, n, expected", [
    ([1e-200], [2e-200], 1 / 3),                   # the squares underflow: the plain formula gives 0
    ([1e200], [2e200], 1 / 3),                     # the squares overflow: the plain formula gives nan
    ([5e-324], [1e-323], 1 / 3),                   # the smallest subnormals
    ([1.7e308], [-1.7e308], 1.0),                  # a - n overflows
    ([1.0], [-1.0], 1.0),
    ([1.0, 1e-170], [1.0, 2e-170], 0.5e-170),      # the difference's square underflows
    ([0.0, 0.0], [0.0, 0.0], 0.0),
])
def test_relative_error_at_extreme_values(a, n, expected):
    assert relative_error(a, n) == pytest.approx(expected, rel=1e-15, abs=0)


def test_elementwise_relative_error_at_extreme_values():
    a = [1.5e308, -1.7e308, 1e-320, 3.0, 0.0, 1e308]
    n = [-1.5e308, 1.7e308, 2e-320, 3.0, 0.0, -1e308]
    np.testing.assert_allclose(elementwise_relative_error(a, n), [2.0, 2.0, 0.5, 0.0, 0.0, 2.0], rtol=1e-15)


@pytest.mark.parametrize("x, h, rtol", [
    ([1e300], 1e290, 1e-5),                      # large x, a step it can hold (x ± h rounded to ulp(x) = 1.5e284)
    ([1.0], 2.3e-16, 0.05),                      # 1 ± h both differ from 1: (2 · 2.2e-16) / (2 · 2.3e-16) = 0.965
    ([-1e308, 1e308], 1e300, 1e-5),
])
def test_numerical_gradient_at_extreme_but_valid_steps(x, h, rtol):
    # f = Σ x: the gradient is 1 everywhere, up to the rounding of x ± h
    g = numerical_gradient(lambda v: float(v.sum()), x, h=h)
    np.testing.assert_allclose(g, 1.0, rtol=rtol)
    assert g.shape == np.shape(x)


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("call, error, message", [
    (lambda: relative_error([], []), ValueError, r"analytic gradient must not be empty, got shape \(0,\)"),
    (lambda: elementwise_relative_error([1.0], np.zeros((1, 0))[0]), ValueError, r"numeric gradient must not be empty"),
    (lambda: relative_error([True], [1.0]), TypeError, r"analytic gradient must be an array of real numbers, got bool"),
    (lambda: relative_error([1.0], np.array([False])), TypeError, r"numeric gradient must be an array of real numbers"),
    (lambda: elementwise_relative_error(True, 1.0), TypeError, r"analytic gradient must be an array of real numbers"),
    (lambda: relative_error(["1"], [1.0]), TypeError, r"analytic gradient must be an array of real numbers"),
    (lambda: relative_error([1.0], [[1.0, 2.0], [3.0]]), TypeError, r"numeric gradient must be an array of real"),
    (lambda: relative_error([10 ** 400], [1.0]), ValueError, r"analytic gradient contains a number beyond the float64"),
    (lambda: relative_error(None, [1.0]), ValueError, r"analytic gradient contains NaN or inf \(or is None\)"),
    (lambda: numerical_gradient(lambda v: 1.0, []), ValueError, r"x must not be empty, got shape \(0,\)"),
    (lambda: numerical_gradient(lambda v: 1.0, [True, False]), TypeError,
     r"x must be an array of real numbers, got bool"),
    (lambda: numerical_gradient(lambda v: 10 ** 400, [1.0]), ValueError,
     r"f\(x\) returned a number beyond the float64 range at x = \[1.00001\]"),
    (lambda: numerical_gradient(lambda v: Fraction(10 ** 400, 3), [1.0]), ValueError,
     r"f\(x\) returned a number beyond the float64 range"),
    (lambda: numerical_gradient(lambda v: 0.0, [1e308], h=1e308), ValueError,
     r"h = 1e\+308 is too large for x \(largest \|x\| = 1e\+308\): x ± h overflows"),      # x + h overflows
    (lambda: numerical_gradient(lambda v: 0.0, [-1e308], h=1e308), ValueError, r"h = 1e\+308 is too large"),  # x - h
    (lambda: numerical_gradient(lambda v: 0.0, [1.0], h=1e-16), ValueError,
     r"h = 1e-16 is too small for x \(largest \|x\| = 1\): x ± h rounds to x"),           # only 1 + h == 1
    (lambda: numerical_gradient(lambda v: 0.0, [-1.0], h=1e-16), ValueError, r"h = 1e-16 is too small"),  # -1 - h
    (lambda: numerical_gradient(lambda v: 0.0, [0.0, 1e12]), ValueError, r"h = 1e-05 is too small for x"),
    (lambda: numerical_gradient(lambda v: 1.5e308 if v[0] > 0 else -1.5e308, [0.0]), ValueError,
     r"the finite-difference gradient overflows: .* beyond the float64 range for h = 1e-05"),
    (lambda: check_mlp("net", np.zeros((2, 3)), np.zeros((2, 2))), TypeError, r"net must be a bplib.MLP, got str"),
    (lambda: mlp_numerical_gradients(None, np.zeros((2, 3)), np.zeros((2, 2))), TypeError,
     r"net must be a bplib.MLP, got NoneType"),
])
def test_bad_input_is_refused(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert type(info.value) is error


def test_the_default_step_is_1e_minus_5():
    # central differences of x³ at 1: ((1+h)³ - (1-h)³)/2h = 3 + h², so the error shows h (h = 2e-5 would give
    # 4e-10); rounding adds about ε/h ≈ 2e-11 either way
    error = numerical_gradient(lambda x: x[0] ** 3, np.array([1.0]))[0] - 3.0
    assert error == pytest.approx(1e-10, rel=0.25)


@pytest.mark.parametrize("wrap", [lambda v: np.array([v]), lambda v: np.array(v), lambda v: np.array([[v]])])
def test_f_may_return_a_one_element_array(wrap):
    got = numerical_gradient(lambda p: wrap(3 * p[0] + 5 * p[1]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(got, [3.0, 5.0], rtol=1e-9)


def test_f_may_return_a_one_element_int_array():
    got = numerical_gradient(lambda p: np.array([7]), np.array([1.0, 2.0]))
    np.testing.assert_array_equal(got, [0.0, 0.0])


@pytest.mark.parametrize("value", [np.array([1 + 2j]), np.array([True]), np.array(["1.0"])])
def test_f_returning_a_one_element_array_of_non_reals_is_refused(value):
    with pytest.raises(TypeError, match=r"f\(x\) must return one real number"):
        numerical_gradient(lambda p: value, np.array([1.0]))
