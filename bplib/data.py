"""Small deterministic data sets used by the chapters. Every generator is seeded; same arguments, same data.

Classification sets return ``(X, y)``: X of shape (N, D) and integer labels y of shape (N,); use
:func:`one_hot` (or ``y[:, None]`` for one sigmoid output) to make the (N, K) targets an MLP trains on.
"""
import numbers

import numpy as np

from ._checks import int_at_least, real_number, seed_value

_MAX_BYTES = np.iinfo(np.intp).max     # no numpy array is larger; a smaller one that does not fit raises MemoryError


def _size(x, name, minimum, bytes_each):
    # an int >= minimum whose data, bytes_each bytes per unit of x, numpy could address at all
    x = int_at_least(x, name, minimum)
    most = _MAX_BYTES // bytes_each
    if x > most:
        raise ValueError(f"{name} must be an integer from {minimum} to {most} (the data must fit in memory), got {x}")
    return x


def _noisy(values, noise):
    # data with Gaussian noise added, refused if a noise this large pushed some numbers beyond the float64 range
    if not np.all(np.isfinite(values)):
        raise ValueError(f"noise must be small enough for the noisy data to stay finite, got {noise!r}: "
                         f"some numbers overflowed float64")
    return values


def one_hot(labels, k=None):
    """Labels (N,) of ints 0..k-1 -> one-hot matrix (N, k) of 0.0/1.0.

    Empty labels (e.g. ``[]``) need ``k`` and give a (0, k) matrix. A matrix too large for any memory is refused.
    """
    labels = np.asarray(labels)
    if labels.shape == (0,) and labels.dtype.kind == "f":  # [] is a float array, but holds no non-int label
        labels = labels.astype(np.intp)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or (labels.size and labels.min() < 0):
        raise ValueError(f"labels must be a 1-D array of non-negative ints, got {labels!r}")
    if labels.size == 0 and k is None:
        raise ValueError("labels is empty: pass k, the number of classes, to make a (0, k) one-hot matrix")
    row_bytes = 8 * max(len(labels), 1)
    if k is None:
        k = int(labels.max()) + 1
        if k > _MAX_BYTES // row_bytes:
            raise ValueError(f"labels must be < {_MAX_BYTES // row_bytes} for a ({len(labels)}, k) one-hot matrix to "
                             f"fit in memory, got a label {k - 1}")
    else:
        k = _size(k, "k", 1, row_bytes)
    if labels.size and labels.max() >= k:
        raise ValueError(f"labels must be < k = {k}, got a label {labels.max()}")
    out = np.zeros((len(labels), k))
    out[np.arange(len(labels)), labels] = 1.0
    return out


def linearly_separable(n=40, margin=0.2, seed=0):
    """Red (0) / blue (1) points in [-1, 1]² split by the line x₁ + x₂ = 0.3 with a gap of ``margin``.

    ``margin`` is the width of the empty band around the line, 0 <= margin <= 1 (wider bands leave too little of
    the square for both classes).

    The points are drawn uniformly (seeded), those in the band dropped, and the first ``n`` kept. Both classes
    always appear: should the first ``n`` points all fall on one side (likely for tiny ``n``), the last of them
    gives way to the next point drawn on the other side.
    """
    n = _size(n, "n", 2, 32)                              # 32 bytes a point: the (2n, 2) candidates
    margin = real_number(margin, "margin", minimum=0, maximum=1)
    rng = np.random.default_rng(seed_value(seed))
    X = np.empty((0, 2))
    while len(X) < n or _one_class(X):                    # n points, and both classes among all those drawn
        cand = rng.uniform(-1, 1, size=(2 * n, 2))
        X = np.vstack([X, cand[np.abs(cand.sum(axis=1) - 0.3) / np.sqrt(2) >= margin / 2]])
    if _one_class(X[:n]):                                  # swap in the first later point of the other class
        blue = _blue(X)
        missing = not np.any(blue[:n])                     # True when the first n are all red
        X[n - 1] = X[n + np.argmax(blue[n:] == missing)]
    X = X[:n]
    return X, _blue(X).astype(int)


def _blue(X):
    # the class of each point: blue (1) above the line x1 + x2 = 0.3
    return X.sum(axis=1) > 0.3


def _one_class(X):
    blue = _blue(X)
    return bool(np.all(blue) or not np.any(blue))


def xor():
    """The four XOR points: y = 1 exactly when one input is 1. Not linearly separable."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0, 1, 1, 0])


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric rings (outer: label 0, radius 1; inner: label 1, radius ``factor``, 0 < factor < 1), with
    Gaussian noise of standard deviation ``noise`` >= 0 on both coordinates (refused if so large that a point
    overflows float64)."""
    n = _size(n, "n", 2, 16)                              # 16 bytes a point: X (n, 2)
    noise = real_number(noise, "noise", minimum=0)
    factor = real_number(factor, "factor", minimum=0, below=1)
    if factor == 0:
        raise ValueError("factor must be a finite number > 0 and < 1 (the inner ring's radius), got 0.0")
    rng = np.random.default_rng(seed_value(seed))
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 1, factor, 1.0)
    with np.errstate(over="ignore"):
        X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]) + noise * rng.standard_normal((n, 2))
    return _noisy(X, noise), y


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles (labels 0 and 1), Gaussian noise of standard deviation ``noise`` >= 0
    (refused if so large that a point overflows float64)."""
    n = _size(n, "n", 2, 16)                              # 16 bytes a point: X (n, 2)
    noise = real_number(noise, "noise", minimum=0)
    rng = np.random.default_rng(seed_value(seed))
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0,
                 np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    with np.errstate(over="ignore"):
        X = X + noise * rng.standard_normal((n, 2))
    return _noisy(X, noise), y


def noisy_sine(n=20, noise=0.2, seed=0):
    """Regression data y = sin(πx) + noise for x in [-1, 1]: shapes (n, 1) and (n, 1). The Gaussian noise of
    standard deviation ``noise`` >= 0 is refused if so large that a target overflows float64."""
    n = _size(n, "n", 1, 8)                               # 8 bytes a point: x (n,)
    noise = real_number(noise, "noise", minimum=0)
    rng = np.random.default_rng(seed_value(seed))
    x = np.sort(rng.uniform(-1, 1, n))
    with np.errstate(over="ignore"):
        y = np.sin(np.pi * x) + noise * rng.standard_normal(n)
    return x[:, None], _noisy(y, noise)[:, None]


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
    copies = _size(copies, "copies", 1, 8 * 16 * 14)       # 14 images of 16 float64 pixels a copy
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

    Refused: empty labels, a class left without training samples, and a ``val`` (or ``test``) > 0 that rounds to
    no sample in any class (too few samples for the fraction asked).
    """
    labels = np.asarray(labels)
    if labels.shape == (0,):
        raise ValueError("labels must hold at least one sample, got an empty array")
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D array of ints, got shape {labels.shape} and dtype {labels.dtype}")
    for name, fraction in (("val", val), ("test", test)):
        if isinstance(fraction, (bool, np.bool_)) or not isinstance(fraction, numbers.Real):
            raise TypeError(f"{name} must be a fraction in [0, 1), got {fraction!r}")
        if not 0 <= fraction < 1:
            raise ValueError(f"{name} must be a fraction in [0, 1), got {fraction!r}")
    if val + test >= 1:
        raise ValueError(f"val + test must be < 1 to leave samples for training, got {val} + {test}")
    rng = np.random.default_rng(seed_value(seed))
    parts = ([], [], [])
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_val, n_test = round(val * len(members)), round(test * len(members))
        n_train = len(members) - n_val - n_test
        if n_train < 1:
            raise ValueError(f"class {c} has {len(members)} samples: none would be left for training")
        for part, chunk in zip(parts, np.split(members, [n_train, n_train + n_val])):
            part.append(chunk)
    for name, fraction, part in (("val", val, parts[1]), ("test", test, parts[2])):
        if fraction > 0 and not any(map(len, part)):
            raise ValueError(f"{name} = {fraction} gives no samples: round({name} * n_c) is 0 for every class's n_c "
                             f"samples; pass more samples, a larger {name}, or {name}=0")
    return tuple(np.sort(np.concatenate(part)) for part in parts)
