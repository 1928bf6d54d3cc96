"""bplib.data: every data set is deterministic, of the documented shapes, and has the promised geometry."""
import numpy as np
import pytest

from bplib import MLP, data
from bplib.perceptron import perceptron

GENERATORS = {
    "linearly_separable": lambda seed: data.linearly_separable(n=30, seed=seed),
    "circles": lambda seed: data.circles(n=50, seed=seed),
    "moons": lambda seed: data.moons(n=50, seed=seed),
    "noisy_sine": lambda seed: data.noisy_sine(n=12, seed=seed),
    "digits": lambda seed: data.digits(noise=0.2, copies=2, seed=seed),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_deterministic_and_seeded(name):
    a, b, c = GENERATORS[name](0), GENERATORS[name](0), GENERATORS[name](1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("name, n", [("linearly_separable", 7), ("linearly_separable", 40), ("circles", 9),
                                     ("circles", 200), ("moons", 9), ("moons", 200)])
def test_classification_shapes(name, n):
    X, y = getattr(data, name)(n=n)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert set(y.tolist()) == {0, 1}


def test_linearly_separable_geometry():
    X, y = data.linearly_separable(n=60, margin=0.3, seed=4)
    assert np.all(np.abs(X) <= 1)
    np.testing.assert_array_equal(y, (X.sum(axis=1) > 0.3).astype(int))
    assert np.all(np.abs(X.sum(axis=1) - 0.3) / np.sqrt(2) >= 0.15)   # the gap: margin/2 either side
    assert perceptron(X, y, epochs=1000).converged                     # really separable


def test_xor():
    X, y = data.xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


def test_circles_radii():
    X, y = data.circles(n=400, noise=0.0, factor=0.4, seed=2)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(r[y == 1], 0.4, rtol=1e-12)
    assert (y == 0).sum() == (y == 1).sum() == 200
    assert not perceptron(*data.circles(n=100), epochs=100).converged   # not linearly separable


def test_moons_without_noise():
    X, y = data.moons(n=100, noise=0.0, seed=1)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1.0, 0.5], axis=1), 1.0, rtol=1e-12)
    assert not perceptron(*data.moons(n=100), epochs=100).converged


def test_noisy_sine():
    x, y = data.noisy_sine(n=15, noise=0.0, seed=3)
    assert x.shape == y.shape == (15, 1)
    assert np.all(np.diff(x[:, 0]) >= 0) and np.all(np.abs(x) <= 1)
    np.testing.assert_allclose(y, np.sin(np.pi * x), rtol=1e-15)


def test_digits():
    X, y = data.digits()
    assert X.shape == (14, 16) and y.shape == (14,)
    assert set(np.unique(X)) == {0.0, 1.0} and set(y.tolist()) == {0, 1}
    images = X.reshape(-1, 4, 4)
    # a zero is a ring touching top and bottom rows; a one is a thin stroke: fewer lit pixels than any zero
    assert np.all(images[y == 0][:, 0].sum(axis=1) >= 2) and np.all(images[y == 0][:, 3].sum(axis=1) >= 2)
    assert X[y == 1].sum(axis=1).max() < X[y == 0].sum(axis=1).min()
    assert len({row.tobytes() for row in X}) == 14                     # all drawings differ
    # the book's 16-6-6-2 net: 16·6 + 6 + 6·6 + 6 + 6·2 + 2 = 158 parameters
    net = MLP([16, 6, 6, 2], ["relu", "relu", "softmax"], "cross_entropy")
    assert net.n_params == 158
    assert net.forward(X).shape == (14, 2)


def test_digits_copies_and_noise():
    X, y = data.digits(copies=3)
    assert X.shape == (42, 16)
    np.testing.assert_array_equal(X[:14], X[14:28])
    clean, _ = data.digits()
    noisy, _ = data.digits(noise=0.25, seed=1)
    flipped = (noisy != clean).mean()
    assert 0.1 < flipped < 0.4 and set(np.unique(noisy)) == {0.0, 1.0}
    np.testing.assert_array_equal(data.digits(noise=1.0)[0], 1 - clean)


def test_one_hot():
    np.testing.assert_array_equal(data.one_hot(np.array([1, 0, 2])), [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(data.one_hot(np.array([0, 0]), k=2), [[1, 0], [1, 0]])


def test_bad_input():
    with pytest.raises(ValueError, match="labels must be a 1-D array of non-negative ints"):
        data.one_hot(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="labels must be a 1-D array"):
        data.one_hot(np.array([-1, 0]))
    with pytest.raises(ValueError, match="labels must be < k = 2"):
        data.one_hot(np.array([0, 2]), k=2)
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        data.linearly_separable(n=1)
    with pytest.raises(TypeError, match="n must be"):
        data.circles(n=10.5)
    with pytest.raises(ValueError, match=r"noise \(a probability\) must be"):
        data.digits(noise=1.5)
    with pytest.raises(ValueError, match="copies"):
        data.digits(copies=0)


@pytest.mark.parametrize("counts, val, test, seed", [
    ([178, 182, 177, 183], 0.2, 0.2, 0),          # sizes like the 8×8 digits' classes
    ([10, 3, 7], 0.25, 0.25, 1),
    ([50, 50], 0.0, 0.3, 2),                       # no validation set
    ([5, 9, 2], 0.3, 0.0, 3),                      # no test set
])
def test_train_val_test_split_is_a_stratified_partition(counts, val, test, seed):
    labels = np.random.default_rng(seed).permutation(np.repeat(np.arange(len(counts)), counts))
    parts = data.train_val_test_split(labels, val=val, test=test, seed=seed)
    joined = np.concatenate(parts)
    np.testing.assert_array_equal(np.sort(joined), np.arange(len(labels)))     # disjoint and complete
    for part in parts:
        np.testing.assert_array_equal(part, np.sort(part))
    for c, n_c in enumerate(counts):                                           # each class keeps its share
        n_val, n_test = round(val * n_c), round(test * n_c)
        assert [np.sum(labels[p] == c) for p in parts] == [n_c - n_val - n_test, n_val, n_test]


def test_train_val_test_split_is_seeded():
    labels = np.repeat(np.arange(3), 20)
    a, b = data.train_val_test_split(labels, seed=5), data.train_val_test_split(labels, seed=5)
    c = data.train_val_test_split(labels, seed=6)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[2], c[2])


@pytest.mark.parametrize("labels, kwargs, match", [
    ([0, 1, 1], {"val": 0.5, "test": 0.5}, "val \\+ test must be < 1"),
    ([0, 1, 1], {"val": -0.1}, "val must be a fraction"),
    ([0, 1, 1], {"test": 1.0}, "test must be a fraction"),
    ([0.0, 1.0], {}, "labels must be a 1-D array of ints"),
    ([0, 1, 1, 1, 1], {"val": 0.3, "test": 0.6}, "class 0 has 1 samples"),
])
def test_train_val_test_split_refuses_bad_input(labels, kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.train_val_test_split(labels, **kwargs)


# ---------------------------------------------------------------- the shapes of the data sets, pinned

def test_moons_are_the_right_way_up():
    X, y = data.moons(n=400, noise=0.0, seed=5)
    assert np.all(X[y == 0, 1] >= 0) and np.all(X[y == 1, 1] <= 0.5)       # upper moon red, lower moon blue
    assert np.all((-1 <= X[y == 0, 0]) & (X[y == 0, 0] <= 1)) and np.all((0 <= X[y == 1, 0]) & (X[y == 1, 0] <= 2))
    assert X[y == 0, 1].max() > 0.99 and X[y == 1, 1].min() < -0.49           # both arcs reach their extremes


def test_moon_angles_follow_the_seed():
    a, _ = data.moons(n=50, noise=0.0, seed=1)
    b, _ = data.moons(n=50, noise=0.0, seed=2)
    assert not np.allclose(a, b)


@pytest.mark.parametrize("make", [lambda noise: data.circles(n=4000, noise=noise, seed=3),
                                  lambda noise: data.moons(n=4000, noise=noise, seed=3)])
def test_noise_is_on_both_axes_with_the_given_spread(make):
    clean, _ = make(0.0)
    noisy, _ = make(0.1)
    spread = (noisy - clean).std(axis=0)
    np.testing.assert_allclose(spread, [0.1, 0.1], rtol=0.05)


def test_margin_band_is_exactly_margin_wide():
    X, _ = data.linearly_separable(n=3000, margin=0.3, seed=7)
    distance = np.abs(X.sum(axis=1) - 0.3) / np.sqrt(2)
    assert 0.15 <= distance.min() < 0.152                                    # the gap is margin/2 each side, no more


def test_defaults_are_pinned():
    for a, b in [(data.linearly_separable(), data.linearly_separable(n=40, margin=0.2, seed=0)),
                 (data.circles(), data.circles(n=200, noise=0.1, factor=0.5, seed=0)),
                 (data.moons(), data.moons(n=200, noise=0.1, seed=0))]:
        np.testing.assert_array_equal(a[0], b[0])
    X, _ = data.linearly_separable(n=3000)                                  # the default margin is 0.2
    assert 0.1 <= (np.abs(X.sum(axis=1) - 0.3) / np.sqrt(2)).min() < 0.102
