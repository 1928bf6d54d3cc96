"""bplib.activations: every derivative and backward pass against central finite differences, exact values,
relu's kink, softmax's vector-Jacobian product and stability for logits of ±1000."""
import math

import numpy as np
import pytest

from bplib import activation_functions as A
from bplib.gradcheck import gradcheck, numerical_gradient, relative_error

ELEMENTWISE = ["sigmoid", "tanh", "relu", "linear"]
ALL = ELEMENTWISE + ["softmax"]
SHAPES = [(1,), (5,), (3, 4), (1, 7), (2, 3, 4)]
TOL = 1e-6


def away_from_kink(z):
    # relu is not differentiable at 0; keep every z at least 1e-2 from it so a ±1e-5 step never crosses it.
    return np.where(np.abs(z) < 1e-2, 0.5, z)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", SHAPES)
def test_derivative_matches_finite_differences(name, shape, rng):
    # f(z) = Σ c ⊙ g(z) has gradient c ⊙ g'(z): this checks every entry of g' (not just their sum).
    g, g_prime = getattr(A, name), A.get(name).prime
    z = away_from_kink(2 * rng.standard_normal(shape))
    c = rng.standard_normal(shape)
    err = gradcheck(lambda v: float(np.sum(c * g(v))), lambda v: c * g_prime(v), z)
    assert err <= TOL


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (4, 3), (6, 10)])
def test_backward_is_the_vector_jacobian_product(name, shape, rng):
    # backward(z, a, ∂L/∂a) must equal ∂L/∂z for L(z) = Σ c ⊙ g(z), i.e. ∂L/∂a = c.
    forward, backward = A.get(name).forward, A.get(name).backward
    z = away_from_kink(3 * rng.standard_normal(shape))
    c = rng.standard_normal(shape)
    err = gradcheck(lambda v: float(np.sum(c * forward(v))), lambda v: backward(v, forward(v), c), z)
    assert err <= TOL


@pytest.mark.parametrize("m", [1, 2, 3, 6])
def test_softmax_backward_equals_explicit_jacobian(m, rng):
    # J_ij = ∂a_j/∂z_i = a_j (δ_ij - a_i), built entry by entry; the VJP is J @ c.
    z = rng.standard_normal((1, m))
    a = A.softmax(z)[0]
    J = np.array([[a[j] * ((i == j) - a[i]) for j in range(m)] for i in range(m)])
    c = rng.standard_normal(m)
    np.testing.assert_allclose(A.softmax_backward(z, a[None], c[None])[0], J @ c, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_backward_is_derivative_times_upstream(name, rng):
    forward, backward = A.get(name).forward, A.get(name).backward
    z = away_from_kink(rng.standard_normal((5, 4)))
    c = rng.standard_normal((5, 4))
    np.testing.assert_allclose(backward(z, forward(z), c), A.get(name).prime(z) * c, rtol=1e-13, atol=1e-15)


def test_values_by_hand():
    # σ(0) = 1/2, σ'(0) = 1/4;  σ(ln 3) = 1/(1 + 1/3) = 3/4, σ'(ln 3) = 3/4 · 1/4 = 3/16
    # tanh(0) = 0, tanh'(0) = 1;  tanh(ln 2) = (2 - 1/2)/(2 + 1/2) = 3/5, tanh'(ln 2) = 1 - 9/25 = 16/25
    assert A.sigmoid(0.0) == 0.5 and A.sigmoid_prime(0.0) == 0.25
    assert abs(A.sigmoid(math.log(3)) - 0.75) < 1e-15
    assert abs(A.sigmoid_prime(math.log(3)) - 3 / 16) < 1e-15
    assert abs(A.sigmoid(-math.log(3)) - 0.25) < 1e-15
    assert A.tanh(0.0) == 0.0 and A.tanh_prime(0.0) == 1.0
    assert abs(A.tanh(math.log(2)) - 0.6) < 1e-15
    assert abs(A.tanh_prime(math.log(2)) - 16 / 25) < 1e-15
    np.testing.assert_array_equal(A.relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(A.linear(np.array([-2.0, 3.0])), [-2.0, 3.0])
    np.testing.assert_array_equal(A.linear_prime(np.array([-2.0, 3.0])), [1.0, 1.0])
    # softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6
    np.testing.assert_allclose(A.softmax(np.log([[1.0, 2.0, 3.0]])), [[1 / 6, 2 / 6, 3 / 6]], rtol=1e-15)
    np.testing.assert_allclose(A.log_softmax(np.log([[1.0, 2.0, 3.0]])), np.log([[1 / 6, 2 / 6, 3 / 6]]),
                               rtol=1e-14)


def test_relu_derivative_is_zero_at_zero():
    z = np.array([-1.0, 0.0, 1e-300, 2.0])
    np.testing.assert_array_equal(A.relu_prime(z), [0.0, 0.0, 1.0, 1.0])
    backward = A.get("relu").backward
    np.testing.assert_array_equal(backward(z, A.relu(z), np.full(4, 7.0)), [0.0, 0.0, 7.0, 7.0])


def test_softmax_rows_sum_to_one_and_shift_invariant(rng):
    z = 5 * rng.standard_normal((6, 4))
    a = A.softmax(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(A.softmax(z + rng.standard_normal((6, 1)) * 100), a, rtol=1e-12)
    np.testing.assert_allclose(np.exp(A.log_softmax(z)), a, rtol=1e-13)


def test_sigmoid_symmetry(rng):
    z = 10 * rng.standard_normal(50)
    np.testing.assert_allclose(A.sigmoid(-z), 1 - A.sigmoid(z), atol=1e-15)


LOGITS = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, -1000.0]])


def test_stable_for_logits_of_1000():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = A.sigmoid(LOGITS)
        np.testing.assert_array_equal(s[0], [1.0, 0.0, 0.5])
        assert np.all(np.isfinite(A.sigmoid_prime(LOGITS)))
        a = A.softmax(LOGITS)
        np.testing.assert_allclose(a, [[1, 0, 0], [0, 0, 1], [0.5, 0.5, 0]], atol=1e-300)
        ls = A.log_softmax(LOGITS)
        # log softmax([1000, -1000, 0]) = [0, -2000, -1000] (log(1 + e^-1000 + e^-2000) is 0 in float64)
        np.testing.assert_allclose(ls[0], [0.0, -2000.0, -1000.0], rtol=1e-15)
        np.testing.assert_allclose(ls[2], [-math.log(2), -math.log(2), -2000 - math.log(2)], rtol=1e-15)
        for name in ALL:
            forward, backward = A.get(name).forward, A.get(name).backward
            out = forward(LOGITS)
            assert np.all(np.isfinite(out)), name
            assert np.all(np.isfinite(backward(LOGITS, out, np.ones_like(LOGITS)))), name


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"activation.*'swish'.*'sigmoid'.*'softmax'"):
        A.get("swish")
    with pytest.raises(ValueError, match=r"activation.*'sigmoid'"):
        A.get(None)
    assert A.get("softmax").prime is None  # softmax has a Jacobian, not an element-wise g'


def test_gradcheck_catches_a_wrong_derivative(rng):
    # The checks above can fail: σ' written as σ(1 + σ) is far from the finite differences.
    z = rng.standard_normal(10)
    wrong = A.sigmoid(z) * (1 + A.sigmoid(z))
    assert relative_error(wrong, numerical_gradient(lambda v: float(np.sum(A.sigmoid(v))), z)) > 0.1


def test_sigmoid_keeps_its_precision_far_left():
    # the z < 0 branch e^z/(1+e^z): σ(−40) = 4.248354255291589e-18, not 0 and not 1 − (1 − tiny)
    assert A.sigmoid(-40.0) == pytest.approx(4.248354255291589e-18, rel=1e-14)
    assert A.sigmoid(-745.0) > 0 and A.sigmoid(-800.0) == 0.0
    assert A.sigmoid(40.0) == 1.0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear", "softmax"])
def test_an_activation_is_callable_as_its_forward(name):
    z = np.array([[-1.5, 0.0, 2.0]])
    np.testing.assert_array_equal(A.get(name)(z), A.get(name).forward(z))
    assert A.get(A.get(name)) is A.get(name)                        # an Activation passes through get() as is


def test_softmax_of_one_vector_and_of_a_scalar():
    np.testing.assert_allclose(A.softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(A.log_softmax(np.array([0.0, 0.0])), [-np.log(2.0)] * 2, rtol=1e-15)
    with pytest.raises(ValueError, match="softmax needs at least one unit"):
        A.softmax(3.0)


def test_activations_and_losses_are_immutable():
    import dataclasses
    from bplib import losses
    with pytest.raises(dataclasses.FrozenInstanceError):
        A.get("relu").forward = np.tanh
    with pytest.raises(dataclasses.FrozenInstanceError):
        losses.mse.probabilistic = True


def test_softmax_backward_of_one_vector():
    z = np.array([0.5, -1.0, 2.0])
    a, c = A.softmax(z), np.array([1.0, 0.0, -1.0])
    np.testing.assert_allclose(A.softmax_backward(z, a, c), (np.diag(a) - np.outer(a, a)) @ c, rtol=1e-13)


# ---------------------------------------------------------------- the public functions' contract: finite real z

PUBLIC = [A.sigmoid, A.sigmoid_prime, A.tanh, A.tanh_prime, A.relu, A.relu_prime, A.linear, A.linear_prime,
          A.softmax, A.log_softmax] + [A.get(name) for name in ALL]     # calling an Activation checks z too


@pytest.mark.parametrize("fn", PUBLIC, ids=lambda f: getattr(f, "__name__", None) or f.name)
@pytest.mark.parametrize("z, error, match", [
    (None, TypeError, r"z must be an array of real numbers, got object values"),
    ("abc", TypeError, r"z must be an array of real numbers, got <U3 values"),
    ([["a", "b"]], TypeError, r"z must be an array of real numbers"),
    (1 + 2j, TypeError, r"z must be an array of real numbers, got complex128 values"),
    (np.array([[1 + 2j, 0]]), TypeError, r"z must be an array of real numbers, got complex128 values"),
    (np.array([[1, 2]], dtype="M8[s]"), TypeError, r"z must be an array of real numbers, got datetime64"),
    ([[1.0], [1.0, 2.0]], TypeError, r"z must be an array of real numbers, got list"),      # ragged
    ([[10 ** 400, 0]], ValueError, r"z contains a number beyond the float64 range"),
    ([[np.nan, 0.0]], ValueError, r"z contains NaN or inf; expected finite numbers"),
    ([[np.inf, 0.0]], ValueError, r"z contains NaN or inf; expected finite numbers"),
    ([[-np.inf, 0.0]], ValueError, r"z contains NaN or inf; expected finite numbers"),
])
def test_public_functions_refuse_what_is_not_a_finite_real(fn, z, error, match):
    with pytest.raises(error, match=match):
        fn(z)


@pytest.mark.parametrize("name", ALL)
def test_public_functions_equal_the_bare_formulas_backprop_calls(name, rng):
    # the checked function (A.sigmoid, ...) and the Activation's unchecked forward give identical arrays
    z = 3 * rng.standard_normal((4, 5))
    np.testing.assert_array_equal(getattr(A, name)(z), A.get(name).forward(z))
    np.testing.assert_array_equal(getattr(A, name)(z.tolist()), A.get(name).forward(z))   # lists too
    assert getattr(A, name)(z).dtype == np.float64


def test_ints_and_bools_are_read_as_floats():
    np.testing.assert_array_equal(A.relu([3, -2]), [3.0, 0.0])
    np.testing.assert_array_equal(A.relu_prime([True, False]), [1.0, 0.0])
    np.testing.assert_array_equal(A.linear(np.array([1, 2], dtype=np.int8)), [1.0, 2.0])
    assert A.tanh(0) == 0.0 and A.sigmoid(0) == 0.5 and A.linear_prime(7).shape == ()


def test_the_activation_objects_forward_is_bare():
    # backprop calls forward on every layer after MLP checked its input once: forward itself checks nothing
    assert np.isnan(A.get("sigmoid").forward(np.array([np.nan]))[0])
    with pytest.raises(ValueError, match=r"z contains NaN or inf"):
        A.get("sigmoid")(np.array([np.nan]))                          # calling the object checks


def test_softmax_of_logits_1e308_apart():
    # z - max(z) = -2e308 rounds to -inf and e^-inf = 0: softmax is exactly (1, 0), with no warning
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(A.softmax([[1e308, -1e308]]), [[1.0, 0.0]])
        np.testing.assert_array_equal(A.log_softmax([[1e308, 0.0]]), [[0.0, -1e308]])   # within range
        # but log softmax = -2e308 is beyond float64
        with pytest.raises(ValueError, match=r"overflow: log_softmax\(z\) is below -1.8e308 .*z from -1e\+308 "
                                             r"to 1e\+308"):
            A.log_softmax([[1e308, -1e308]])


@pytest.mark.parametrize("z, a, grad_a, match", [
    (np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((1, 3)),
     r"z, a and grad_a must have the same shape, got \(2, 3\), \(2, 3\) and \(1, 3\)"),
    (np.zeros((2, 3)), np.zeros((1, 3)), np.zeros((2, 3)), r"z, a and grad_a must have the same shape"),
    (np.zeros((3,)), np.zeros((2, 3)), np.zeros((2, 3)), r"z, a and grad_a must have the same shape"),
    (np.zeros((2, 0)), np.zeros((2, 0)), np.zeros((2, 0)), r"softmax_backward needs at least one unit"),
    (0.0, 1.0, 1.0, r"softmax_backward needs at least one unit"),
])
def test_softmax_backward_refuses_mismatched_shapes(z, a, grad_a, match):
    with pytest.raises(ValueError, match=match):
        A.softmax_backward(z, a, grad_a)


@pytest.mark.parametrize("which, error, match", [
    (0, ValueError, r"z contains NaN or inf"),
    (1, ValueError, r"a contains NaN or inf"),
    (2, TypeError, r"grad_a must be an array of real numbers"),
])
def test_softmax_backward_checks_each_argument(which, error, match):
    args = [np.zeros((1, 2)), np.full((1, 2), 0.5), np.ones((1, 2))]
    args[which] = [[np.nan, 0.0]] if which < 2 else [["a", "b"]]
    with pytest.raises(error, match=match):
        A.softmax_backward(*args)


# ------------------------------------------------------------------ tanh: np.tanh or the expm1 form, by CPU

def test_tanh_from_expm1_is_within_3_ulp_everywhere():
    from bplib.activation_functions import _tanh_from_expm1
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.standard_normal(20000) * 3, 10.0 ** rng.uniform(-300, 1.5, 20000),
                        [0.0, 5e-324, 1e-8, 0.5, 19.0, 19.5, 20.0, 700.0, 1e308]])
    z = np.concatenate([z, -z])
    exact = np.tanh(z.astype(np.longdouble))
    t = _tanh_from_expm1(z)
    assert np.all(np.abs(t - exact) <= 3 * np.spacing(np.abs(t)).astype(np.longdouble))
    assert np.all(np.abs(t) <= 1) and np.array_equal(np.signbit(t), np.signbit(z))   # odd, -0.0 included
    np.testing.assert_array_equal(_tanh_from_expm1([np.inf, -np.inf, 20.0]), [1.0, -1.0, 1.0])


@pytest.mark.parametrize("simd, expected", [
    ({"baseline": ["X86_V2"], "found": ["X86_V3", "X86_V4", "AVX512_ICL"], "not found": ["AVX512_SPR"]}, True),
    ({"baseline": ["X86_V2"], "found": ["X86_V3"], "not found": ["X86_V4"]}, True),          # AVX2 + FMA3
    ({"baseline": ["X86_V2"], "not found": ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]}, False),
    ({"baseline": ["SSE", "SSE2", "SSE3"], "found": ["SSSE3", "SSE41", "POPCNT", "SSE42", "AVX", "F16C"]}, False),
    ({"baseline": ["SSE", "SSE2", "SSE3"], "found": ["AVX", "F16C", "FMA3", "AVX2"]}, True),  # numpy < 2.4 names
    ({"baseline": ["NEON", "NEON_FP16", "NEON_VFPV4", "ASIMD"], "found": ["ASIMDHP"]}, True),  # ARM64
    ({}, False),
])
def test_numpy_simd_tanh_reads_numpys_simd_report(simd, expected):
    from bplib.activation_functions import _numpy_simd_tanh
    assert _numpy_simd_tanh(simd) is expected


@pytest.mark.parametrize("simd", [True, False])
def test_tanh_takes_the_path_for_the_cpu_and_both_agree(monkeypatch, simd):
    import bplib.activation_functions as af
    from bplib import MLP
    z = np.random.default_rng(1).standard_normal((50, 7)) * 4
    X = np.random.default_rng(2).standard_normal((20, 3))
    Y = np.random.default_rng(3).uniform(size=(20, 2))
    net = MLP([3, 8, 2], ["tanh", "sigmoid"], "mse", seed=4)
    before = net.loss_and_gradients(X, Y)
    monkeypatch.setattr(af, "_NUMPY_SIMD_TANH", simd)
    np.testing.assert_array_equal(af.tanh(z), np.tanh(z) if simd else af._tanh_from_expm1(z))
    np.testing.assert_allclose(af.tanh(z), np.tanh(z), rtol=5e-16, atol=0)
    after = net.loss_and_gradients(X, Y)                       # the net's tanh layer follows the switch too
    assert after[0] == pytest.approx(before[0], rel=1e-14)
    for a, b in zip(after[1] + after[2], before[1] + before[2]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-16)
