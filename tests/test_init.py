"""bplib.init: shapes, scales, determinism, and the MLP's use of them."""
import numpy as np
import pytest

from bplib import MLP
from bplib import init as I

# name -> expected standard deviation for (fan_in, fan_out)
STD = {"normal": lambda i, o: 1.0, "small": lambda i, o: 0.01,
       "xavier": lambda i, o: np.sqrt(2 / (i + o)), "he": lambda i, o: np.sqrt(2 / i)}


@pytest.mark.parametrize("name", sorted(STD))
@pytest.mark.parametrize("fan_in, fan_out", [(1, 1), (3, 7), (16, 6)])
def test_shape_and_determinism(name, fan_in, fan_out):
    w = I.get(name)(fan_in, fan_out, np.random.default_rng(3))
    assert w.shape == (fan_in, fan_out)
    np.testing.assert_array_equal(w, I.get(name)(fan_in, fan_out, np.random.default_rng(3)))


@pytest.mark.parametrize("name", sorted(STD))
@pytest.mark.parametrize("fan_in, fan_out", [(300, 500), (800, 100)])
def test_scale(name, fan_in, fan_out):
    # With 40 000+ samples the sample std is within ~1% of the true one; 4% leaves room but still tells
    # xavier (2/(in+out)) from he (2/in) and both from normal and small.
    w = I.get(name)(fan_in, fan_out, np.random.default_rng(0))
    assert abs(w.std() / STD[name](fan_in, fan_out) - 1) < 0.04
    assert abs(w.mean()) < 0.05 * STD[name](fan_in, fan_out)


def test_same_draws_scaled():
    # every scheme scales the same standard normal draws: he / xavier = sqrt((in+out)/in)
    he = I.he(4, 6, np.random.default_rng(1))
    xavier = I.xavier(4, 6, np.random.default_rng(1))
    np.testing.assert_allclose(he / xavier, np.sqrt(10 / 4), rtol=1e-14)
    np.testing.assert_allclose(I.small(4, 6, np.random.default_rng(1)), 0.01 * I.normal(4, 6, np.random.default_rng(1)),
                               rtol=1e-15)


def test_callable_is_passed_through():
    def ones(fan_in, fan_out, rng):
        return np.ones((fan_in, fan_out))

    assert I.get(ones) is ones
    net = MLP([3, 2, 1], ["tanh", "linear"], "mse", init=ones)
    for w in net.weights:
        np.testing.assert_array_equal(w, 1.0)


@pytest.mark.parametrize("name", sorted(STD))
def test_mlp_uses_init_and_zero_biases(name):
    net = MLP([5, 4, 3], ["relu", "softmax"], "cross_entropy", seed=7, init=name)
    rng = np.random.default_rng(7)
    expected = [I.get(name)(5, 4, rng), I.get(name)(4, 3, rng)]
    for w, e in zip(net.weights, expected):
        np.testing.assert_array_equal(w, e)
    for b in net.biases:
        np.testing.assert_array_equal(b, 0.0)


def test_mlp_seed():
    a = MLP([4, 3, 2], ["tanh", "sigmoid"], "mse", seed=1)
    b = MLP([4, 3, 2], ["tanh", "sigmoid"], "mse", seed=1)
    c = MLP([4, 3, 2], ["tanh", "sigmoid"], "mse", seed=2)
    assert all(np.array_equal(u, v) for u, v in zip(a.weights, b.weights))
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_unknown_init_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"init.*'glorot'.*'normal'.*'xavier'.*'he'"):
        I.get("glorot")
    with pytest.raises(ValueError, match=r"init.*'he'"):
        MLP([2, 1], ["sigmoid"], "mse", init="kaiming")


# ---------------------------------------------------------------- bad arguments

@pytest.mark.parametrize("name", sorted(STD))
@pytest.mark.parametrize("fans, error, match", [
    ((0, 3), ValueError, r"fan_in must be an integer >= 1, got 0"),        # he: 2/0, xavier(0, 0): 2/0
    ((0, 0), ValueError, r"fan_in must be an integer >= 1, got 0"),
    ((3, 0), ValueError, r"fan_out must be an integer >= 1, got 0"),
    ((-2, 3), ValueError, r"fan_in must be an integer >= 1, got -2"),
    ((2, -1), ValueError, r"fan_out must be an integer >= 1, got -1"),
    ((2.5, 2), TypeError, r"fan_in must be an integer >= 1, got 2.5"),
    ((2, 2.0), TypeError, r"fan_out must be an integer >= 1, got 2.0"),
    ((True, True), TypeError, r"fan_in must be an integer >= 1, got True"),
    (("3", 2), TypeError, r"fan_in must be an integer >= 1, got '3'"),
    ((2, None), TypeError, r"fan_out must be an integer >= 1, got None"),
    ((2 ** 30, 2 ** 30), ValueError, r"fan_in × fan_out = 1073741824 × 1073741824 weights do not fit in one numpy "
                                     r"array \(at most 1152921504606846975 float64 entries\)"),
    ((10 ** 30, 1), ValueError, r"fan_in × fan_out = .* do not fit in one numpy array"),
])
def test_bad_fans(name, fans, error, match):
    with pytest.raises(error, match=match):
        I.get(name)(*fans, np.random.default_rng(0))


@pytest.mark.parametrize("name", sorted(STD))
def test_the_largest_possible_array_reaches_numpy(name):
    # 2⁶⁰ − 1 entries is the most an array can have: not refused here, numpy raises its own MemoryError
    with pytest.raises(MemoryError):
        I.get(name)(2 ** 30 - 1, 2 ** 30 + 1, np.random.default_rng(0))


@pytest.mark.parametrize("name", sorted(STD))
@pytest.mark.parametrize("rng", [None, 0, "rng"])
def test_bad_rng(name, rng):
    with pytest.raises(TypeError, match=r"rng must be a numpy random Generator, e.g. np.random.default_rng\(0\), "
                                        r"got " + repr(rng).replace("(", r"\(")):
        I.get(name)(2, 3, rng)


@pytest.mark.parametrize("name", sorted(STD))
def test_numpy_ints_and_legacy_generators_are_accepted(name):
    np.testing.assert_array_equal(I.get(name)(np.int64(4), np.int32(6), np.random.default_rng(1)),
                                  I.get(name)(4, 6, np.random.default_rng(1)))
    assert I.get(name)(1, 1, np.random.RandomState(0)).shape == (1, 1)
    assert I.get(name)(2, 3, np.random).shape == (2, 3)       # numpy's module-level generator has one too
