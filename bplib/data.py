"""Small deterministic data sets used by the chapters. Every generator is seeded; same arguments, same data.

Classification sets return ``(X, y)``: X of shape (N, D) and integer labels y of shape (N,); use
:func:`one_hot` (or ``y[:, None]`` for one sigmoid output) to make the (N, K) targets an MLP trains on.
"""
import numbers

import numpy as np

from ._checks import int_at_least, real_number, seed_value


def one_hot(labels, k=None):
    """Labels (N,) of ints 0..k-1 -> one-hot matrix (N, k)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or (labels.size and labels.min() < 0):
        raise ValueError(f"labels must be a 1-D array of non-negative ints, got {labels!r}")
    if labels.size == 0 and k is None:
        raise ValueError("labels is empty: pass k, the number of classes, to make a (0, k) one-hot matrix")
    k = int(labels.max()) + 1 if k is None else int_at_least(k, "k", minimum=1)
    if labels.size and labels.max() >= k:
        raise ValueError(f"labels must be < k = {k}, got a label {labels.max()}")
    return np.eye(k)[labels]


def linearly_separable(n=40, margin=0.2, seed=0):
    """Red (0) / blue (1) points in [-1, 1]² split by the line x₁ + x₂ = 0.3 with a gap of ``margin``.

    ``margin`` is the width of the empty band around the line, 0 <= margin <= 1 (wider bands leave too little of
    the square for both classes).
    """
    n = int_at_least(n, "n", minimum=2)
    margin = real_number(margin, "margin", minimum=0, maximum=1)
    rng = np.random.default_rng(seed_value(seed))
    X = np.empty((0, 2))
    while len(X) < n:
        cand = rng.uniform(-1, 1, size=(2 * n, 2))
        X = np.vstack([X, cand[np.abs(cand.sum(axis=1) - 0.3) / np.sqrt(2) >= margin / 2]])
    X = X[:n]
    return X, (X.sum(axis=1) > 0.3).astype(int)


def xor():
    """The four XOR points: y = 1 exactly when one input is 1. Not linearly separable."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0, 1, 1, 0])


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric rings (outer: label 0, radius 1; inner: label 1, radius ``factor``, 0 < factor < 1), with
    Gaussian noise of standard deviation ``noise`` >= 0 on both coordinates."""
    n = int_at_least(n, "n", minimum=2)
    noise = real_number(noise, "noise", minimum=0)
    factor = real_number(factor, "factor", minimum=0, below=1)
    if factor == 0:
        raise ValueError("factor must be a finite number > 0 and < 1 (the inner ring's radius), got 0.0")
    rng = np.random.default_rng(seed_value(seed))
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 1, factor, 1.0)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]) + noise * rng.standard_normal((n, 2))
    return X, y


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles (labels 0 and 1), Gaussian noise of standard deviation ``noise`` >= 0."""
    n = int_at_least(n, "n", minimum=2)
    noise = real_number(noise, "noise", minimum=0)
    rng = np.random.default_rng(seed_value(seed))
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0,
                 np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    return X + noise * rng.standard_normal((n, 2)), y


def noisy_sine(n=20, noise=0.2, seed=0):
    """Regression data y = sin(πx) + noise for x in [-1, 1]: shapes (n, 1) and (n, 1)."""
    n = int_at_least(n, "n", minimum=1)
    noise = real_number(noise, "noise", minimum=0)
    rng = np.random.default_rng(seed_value(seed))
    x = np.sort(rng.uniform(-1, 1, n))
    return x[:, None], (np.sin(np.pi * x) + noise * rng.standard_normal(n))[:, None]


# 4×4 black-and-white drawings ('#' = 1): hand-drawn zeros and ones.
_ZEROS = [".##.#..##..#.##.", "#####..##..#####", ".###.#.#.#.#.###", "###.#.#.#.#.###.",
          "#####..##..#.##.", ".##.#.####.#.##."]
_ONES = [".#...#...#...#..", "..#...#...#...#.", ".#..##...#...#..", "..#..##...#...#.",
         ".#...#...#..###.", "#...#...#...#...", "...#...#...#...#", "..#..##...#..###"]


def digits(noise=0.0, copies=1, seed=0):
    """4×4 black-and-white images of the digits 0 and 1, flattened row by row.

    Returns ``(X, y)`` with X of shape (N, 16) holding 0.0/1.0 pixels and y the digit (0 or 1). With
    ``copies > 1`` each drawing is repeated; ``noise`` is the probability that a pixel is flipped (seeded), for a
    held-out set of imperfect digits.
    """
    copies = int_at_least(copies, "copies", minimum=1)
    noise = real_number(noise, "noise (a probability)", minimum=0, maximum=1)
    drawings = [(s, 0) for s in _ZEROS] + [(s, 1) for s in _ONES]
    X = np.array([[c == "#" for c in s] for s, _ in drawings] * copies, dtype=np.float64)
    y = np.array([d for _, d in drawings] * copies)
    flips = np.random.default_rng(seed_value(seed)).random(X.shape) < noise
    return np.where(flips, 1.0 - X, X), y


def train_val_test_split(labels, val=0.2, test=0.2, seed=0):
    r"""A seeded, stratified split of the sample indices 0..N-1 into training, validation and test sets.

    Each class keeps its share in every part: of the :math:`n_c` samples of class c (in a seeded random order),
    :math:`\operatorname{round}(\text{val}\cdot n_c)` go to validation, :math:`\operatorname{round}(\text{test}
    \cdot n_c)` to test and the rest to training. Works on labels only, so the caller indexes its own X and y.

    Parameters
    ----------
    labels : array_like, shape (N,)
        Integer class labels.
    val, test : float
        Fractions of each class for validation and test, each >= 0 with ``val + test < 1``.
    seed : int
        Seed of the random order within each class.

    Returns
    -------
    (train, val, test) : three sorted int arrays of indices; disjoint, and together 0..N-1.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D array of ints, got shape {labels.shape} and dtype {labels.dtype}")
    for name, fraction in (("val", val), ("test", test)):
        if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) or not 0 <= fraction < 1:
            raise ValueError(f"{name} must be a fraction in [0, 1), got {fraction!r}")
    if val + test >= 1:
        raise ValueError(f"val + test must be < 1 to leave samples for training, got {val} + {test}")
    rng = np.random.default_rng(int_at_least(seed, "seed"))
    parts = ([], [], [])
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_val, n_test = round(val * len(members)), round(test * len(members))
        n_train = len(members) - n_val - n_test
        if n_train < 1:
            raise ValueError(f"class {c} has {len(members)} samples: none would be left for training")
        for part, chunk in zip(parts, np.split(members, [n_train, n_train + n_val])):
            part.append(chunk)
    return tuple(np.sort(np.concatenate(part)) if part else np.array([], dtype=int) for part in parts)
