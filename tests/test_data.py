"""bplib.data: every data set is deterministic, of the documented shapes, and has the promised geometry."""
import warnings

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


# ---------------------------------------------------------------- hostile input: refused clearly, extremes right

IMAX = np.iinfo(np.intp).max      # no numpy array can hold more bytes


NOISY = {"circles": (lambda noise: data.circles(n=200, noise=noise, seed=0), 0),      # (make, the noisy part)
         "moons": (lambda noise: data.moons(n=200, noise=noise, seed=0), 0),
         "noisy_sine": (lambda noise: data.noisy_sine(n=200, noise=noise, seed=0), 1)}


@pytest.mark.parametrize("name", sorted(NOISY))
def test_noise_so_large_the_data_overflows_is_refused(name):
    make, part = NOISY[name]
    with pytest.raises(ValueError, match=r"noise must be small enough for the noisy data to stay finite, got 1e\+308"):
        make(1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                               # no overflow warning leaks either
        big = make(1e300)[part]
    # the noise is noise * N(0, 1): at 1e300 it is 1e300 times the noise at 1
    clean, unit = make(0.0)[part], make(1.0)[part]
    np.testing.assert_allclose(big / 1e300, unit - clean, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(NOISY))
def test_the_noise_is_added_as_drawn(name):
    # the seeded draws, by hand: the positions first, then noise * N(0, 1) added to them
    make, part = NOISY[name]
    rng = np.random.default_rng(0)
    if name == "noisy_sine":
        rng.uniform(-1, 1, 200)
        z = rng.standard_normal(200)[:, None]
    else:
        rng.uniform(0, 2 * np.pi if name == "circles" else np.pi, 200)
        z = rng.standard_normal((200, 2))
    np.testing.assert_allclose(make(0.5)[part] - make(0.0)[part], 0.5 * z, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("labels", [[], np.array([]), np.array([], dtype=int)])
def test_one_hot_of_no_labels_is_a_0_by_k_matrix(labels):
    out = data.one_hot(labels, k=3)
    assert out.shape == (0, 3) and out.dtype == np.float64
    with pytest.raises(ValueError, match=r"labels is empty: pass k, the number of classes"):
        data.one_hot(labels)


@pytest.mark.parametrize("labels", [[1.0], np.array([], dtype=str), np.array([[]]), [True, False]])
def test_one_hot_refuses_labels_that_are_not_ints(labels):
    with pytest.raises(ValueError, match=r"labels must be a 1-D array of non-negative ints"):
        data.one_hot(labels, k=3)


@pytest.mark.parametrize("labels, k", [([2, 0, 1, 1], None), ([0, 0], 4), (np.array([3], np.uint8), None),
                                       (np.arange(12) % 5, 7)])
def test_one_hot_is_the_identity_rows(labels, k):
    out = data.one_hot(labels, k)
    np.testing.assert_array_equal(out, np.eye(out.shape[1])[labels])
    assert out.dtype == np.float64 and out.shape == (len(labels), k or max(labels) + 1)


@pytest.mark.parametrize("n_labels, row_bytes", [(0, 8), (1, 8), (2, 16)])
def test_one_hot_refuses_a_k_no_memory_could_hold(n_labels, row_bytes):
    labels = np.zeros(n_labels, dtype=int)
    most = IMAX // row_bytes
    with pytest.raises(ValueError, match=rf"k must be an integer from 1 to {most} \(the data must fit in memory\)"):
        data.one_hot(labels, k=most + 1)
    if n_labels == 0:
        assert data.one_hot(labels, k=most).shape == (0, most)       # no numbers at all: fine
    else:
        with pytest.raises(MemoryError):                             # addressable, but not on this machine
            data.one_hot(labels, k=most)
    with pytest.raises(ValueError, match=r"k must be an integer from 1 to \d+ \(the data must fit in memory\), got 10"):
        data.one_hot(labels, k=10 ** 30)


def test_one_hot_refuses_labels_no_memory_could_hold():
    most = IMAX // 16                                                # two labels: 16 bytes a class
    with pytest.raises(ValueError, match=rf"labels must be < {most} for a \(2, k\) one-hot matrix to fit in memory, "
                                         rf"got a label {most}"):
        data.one_hot([0, most])
    with pytest.raises(MemoryError):
        data.one_hot([0, most - 1])


@pytest.mark.parametrize("make, name, minimum, bytes_each", [
    (lambda n: data.linearly_separable(n=n), "n", 2, 32),
    (lambda n: data.circles(n=n), "n", 2, 16),
    (lambda n: data.moons(n=n), "n", 2, 16),
    (lambda n: data.noisy_sine(n=n), "n", 1, 8),
    (lambda c: data.digits(copies=c), "copies", 1, 8 * 16 * 14),
])
def test_sizes_no_memory_could_hold_are_refused_by_name(make, name, minimum, bytes_each):
    most = IMAX // bytes_each
    with pytest.raises(ValueError, match=rf"{name} must be an integer from {minimum} to {most} \(the data must fit "
                                         rf"in memory\), got {most + 1}"):
        make(most + 1)
    with pytest.raises(ValueError, match=rf"{name} must be an integer from {minimum} to {most}"):
        make(10 ** 30)
    with pytest.raises(MemoryError):                                 # the largest size asked for is attempted
        make(most)


def _linearly_separable_by_hand(n, margin, seed):
    # the documented recipe, one point at a time: uniform draws in chunks of 2n, the band dropped, the first n kept;
    # all of one class, the last gives way to the first later point of the other class
    rng = np.random.default_rng(seed)
    points = []
    while len(points) < n or len({p.sum() > 0.3 for p in points}) < 2:
        points += [p for p in rng.uniform(-1, 1, size=(2 * n, 2)) if abs(p.sum() - 0.3) / np.sqrt(2) >= margin / 2]
    first = points[:n]
    if len({p.sum() > 0.3 for p in first}) == 1:
        first[-1] = next(p for p in points[n:] if (p.sum() > 0.3) != (first[0].sum() > 0.3))
    return np.array(first)


@pytest.mark.parametrize("n", [2, 3, 5, 40])
@pytest.mark.parametrize("margin", [0.0, 0.5, 1.0])
def test_linearly_separable_always_has_both_classes(n, margin):
    for seed in range(20):
        X, y = data.linearly_separable(n=n, margin=margin, seed=seed)
        assert set(y.tolist()) == {0, 1} and X.shape == (n, 2)
        np.testing.assert_array_equal(X, _linearly_separable_by_hand(n, margin, seed))
        np.testing.assert_array_equal(y, (X.sum(axis=1) > 0.3).astype(int))
        assert np.all(np.abs(X.sum(axis=1) - 0.3) / np.sqrt(2) >= margin / 2) and np.all(np.abs(X) <= 1)


@pytest.mark.parametrize("labels", [[], np.array([], dtype=int)])
def test_train_val_test_split_refuses_no_labels(labels):
    with pytest.raises(ValueError, match=r"labels must hold at least one sample, got an empty array"):
        data.train_val_test_split(labels)


@pytest.mark.parametrize("kwargs, name", [({"val": 0.2, "test": 0.0}, "val"), ({"val": 0.0, "test": 0.2}, "test"),
                                          ({"val": 0.2, "test": 0.2}, "val")])
def test_train_val_test_split_refuses_a_fraction_that_gives_no_sample(kwargs, name):
    with pytest.raises(ValueError, match=rf"{name} = 0.2 gives no samples: round\({name} \* n_c\) is 0 for every "
                                         rf"class"):
        data.train_val_test_split([0, 0, 1, 1], **kwargs)


def test_train_val_test_split_of_tiny_sets():
    assert [p.tolist() for p in data.train_val_test_split([0], val=0.0, test=0.0)] == [[0], [], []]
    # classes of 3 and 2: round(0.6) = 1 validation sample from the first class, round(0.4) = 0 from the second
    train, val, test = data.train_val_test_split([0, 0, 0, 1, 1], val=0.2, test=0.0, seed=0)
    assert len(val) == 1 and len(test) == 0 and len(train) == 4 and val[0] < 3
    train, val, test = data.train_val_test_split([0, 0, 0, 1, 1], val=0.0, test=0.2, seed=0)
    assert len(val) == 0 and len(test) == 1 and len(train) == 4 and test[0] < 3


@pytest.mark.parametrize("kwargs, error, match", [
    ({"val": "0.2"}, TypeError, r"val must be a fraction in \[0, 1\), got '0.2'"),
    ({"test": True}, TypeError, r"test must be a fraction in \[0, 1\), got True"),
    ({"val": np.True_}, TypeError, r"val must be a fraction in \[0, 1\)"),
    ({"val": None}, TypeError, r"val must be a fraction in \[0, 1\), got None"),
    ({"val": float("nan")}, ValueError, r"val must be a fraction in \[0, 1\), got nan"),
    ({"seed": -1}, ValueError, r"seed must be a non-negative integer, got -1"),
    ({"seed": 1.5}, TypeError, r"seed must be a non-negative integer, got 1.5"),
])
def test_train_val_test_split_names_a_bad_fraction_or_seed(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.train_val_test_split(np.repeat([0, 1], 10), **kwargs)


def test_more_defaults_are_pinned():
    for a, b in [(data.noisy_sine(), data.noisy_sine(n=20, noise=0.2, seed=0)),
                 (data.digits(), data.digits(noise=0.0, copies=1, seed=0)),
                 (data.digits(noise=0.3), data.digits(noise=0.3, seed=0))]:          # the seed matters with noise
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    labels = np.arange(100) % 2
    for a, b in zip(data.train_val_test_split(labels), data.train_val_test_split(labels, val=0.2, test=0.2, seed=0)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(NOISY))
def test_the_positions_by_hand(name):
    # the seeded construction each docstring describes, at noise 0, re-derived here from the same draws
    make, part = NOISY[name]
    rng = np.random.default_rng(0)
    y = np.arange(200) % 2
    if name == "circles":
        angle = rng.uniform(0, 2 * np.pi, 200)
        r = np.where(y == 1, 0.5, 1.0)
        expected = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    elif name == "moons":
        t = rng.uniform(0, np.pi, 200)
        expected = np.where(y[:, None] == 0, np.column_stack([np.cos(t), np.sin(t)]),
                            np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    else:
        x = np.sort(rng.uniform(-1, 1, 200))
        expected = np.sin(np.pi * x)[:, None]
        np.testing.assert_array_equal(make(0.0)[0], x[:, None])
    np.testing.assert_array_equal(make(0.0)[part], expected)
    if name != "noisy_sine":
        np.testing.assert_array_equal(make(0.0)[1], y)


def test_linearly_separable_draws_2n_candidates_at_a_time():
    # the seeded draw by hand: batches of 2n uniform candidates, those outside the band kept in order
    n, margin = 40, 0.2
    rng = np.random.default_rng(0)
    cand = rng.uniform(-1, 1, size=(2 * n, 2))
    kept = cand[np.abs(cand.sum(axis=1) - 0.3) / np.sqrt(2) >= margin / 2]
    X, y = data.linearly_separable(n=n, margin=margin, seed=0)
    assert len(kept) >= n                                                    # one batch was enough here
    np.testing.assert_array_equal(X, kept[:n])
    np.testing.assert_array_equal(y, (kept[:n].sum(axis=1) > 0.3).astype(int))
