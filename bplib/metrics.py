"""Numbers that summarise a result: classification accuracy, the confusion matrix, and how many steps a run needs to
reach a tolerance."""
import numbers

import numpy as np

from ._checks import as_finite_array, int_at_least, real_number, sequence


def accuracy(outputs, labels):
    r"""The fraction of samples classified correctly.

    Parameters
    ----------
    outputs : array_like, shape (N, K) or (N,)
        The network's outputs :math:`a^L`. With one output (K = 1, or a 1-D array) the predicted class is
        1 when the output is >= 0.5 (a probability from a sigmoid); with K > 1 it is the row's argmax.
    labels : array_like, shape (N,) or (N, K)
        Class labels 0..K-1 (0 or 1 for one output; whole numbers, as ints or floats), or one-hot rows (N, K) of
        the outputs' width (a single 1 per row, the rest 0). Anything else (labels outside 0..K-1, fractions,
        soft or all-zero rows, another width) is refused.
    """
    a = as_finite_array(outputs, "outputs")
    y = as_finite_array(labels, "labels")
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim not in (1, 2):
        raise ValueError(f"outputs must have shape (N,) or (N, K), got {a.shape}")
    if a.ndim == 2 and a.shape[1] == 0:
        raise ValueError(f"outputs must have at least one column (K >= 1), got shape {a.shape}")
    predicted = (a >= 0.5).astype(int) if a.ndim == 1 else a.argmax(axis=1)
    k = 2 if a.ndim == 1 else a.shape[1]                   # the number of classes
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    elif y.ndim == 2 and a.ndim == 2 and y.shape[1] == k and len(y) == len(a):
        one_hot = np.all((y == 0) | (y == 1), axis=1) & (y.sum(axis=1) == 1)
        if not np.all(one_hot):
            row = int(np.argmin(one_hot))
            raise ValueError(f"labels given as rows must be one-hot (a single 1, the rest 0), got row {row} = "
                             f"{y[row]}")
        y = y.argmax(axis=1)
    if y.shape != predicted.shape:
        raise ValueError(f"labels must have shape ({len(a)},){f' or one-hot ({len(a)}, {k})' if a.ndim == 2 else ''} "
                         f"to match outputs of shape {np.shape(outputs)}, got {np.shape(labels)}")
    if len(y) == 0:
        raise ValueError("outputs and labels must hold at least one sample, got N = 0")
    valid = (y == np.floor(y)) & (y >= 0) & (y < k)
    if not np.all(valid):
        raise ValueError(f"labels must be class numbers 0..{k - 1} (whole numbers) to match outputs, got "
                         f"{y[np.argmin(valid)]:g}")
    return float(np.mean(predicted == y))


def steps_to_tolerance(values, tol):
    """The index of the first entry of ``values`` that is below ``tol``, or ``None`` if none is.

    With ``values[k]`` the loss (or distance to the minimum) after k steps, this is the number of steps a run
    needs to get below ``tol``. ``values`` is a 1-D sequence of real numbers, in which NaN and inf (a diverging
    run) never count as below; ``tol`` is a finite real number.
    """
    tol = real_number(tol, "tol")
    if not isinstance(values, np.ndarray):
        sequence(values, "values", "numbers (one per step)")    # not a set, whose order would be arbitrary
    try:
        raw = np.asarray(values)
    except ValueError as e:                                    # ragged nested lists
        raise TypeError("values must be a 1-D sequence of real numbers, got a ragged sequence") from e
    if raw.dtype.kind == "O" and all(isinstance(v, numbers.Real) for v in raw.ravel()):   # e.g. Fractions
        try:
            raw = raw.astype(np.float64)
        except OverflowError as e:                             # e.g. the Python int 10**400
            raise ValueError("values contains a number beyond the float64 range (about ±1.8e308)") from e
    if raw.dtype.kind not in "iuf":
        raise TypeError(f"values must be a 1-D sequence of real numbers, got {raw.dtype} values")
    if raw.ndim != 1:
        raise ValueError(f"values must be a 1-D sequence of numbers, got shape {raw.shape}")
    values = np.asarray(raw, dtype=np.float64)
    hits = np.flatnonzero(values < tol)
    return int(hits[0]) if hits.size else None


def confusion_matrix(predicted, labels, k):
    r"""The (k, k) matrix of counts :math:`C_{ij}` = number of samples of true class i predicted as class j.

    Row i sums to the number of samples of class i; the diagonal holds the correct predictions, so
    :math:`\operatorname{tr} C / N` is the accuracy.

    Parameters
    ----------
    predicted, labels : array_like, shape (N,)
        Predicted and true class labels, ints in 0..k-1 (e.g. ``outputs.argmax(axis=1)`` and ``y``), of any
        integer dtype.
    k : int
        Number of classes.
    """
    k = int_at_least(k, "k", minimum=1)
    p, y = np.asarray(predicted), np.asarray(labels)
    for name, v in (("predicted", p), ("labels", y)):
        # compared as Python ints: exact for every integer dtype (int8 against k = 200, uint64 beyond int64)
        if v.ndim != 1 or not np.issubdtype(v.dtype, np.integer) or (v.size and (int(v.min()) < 0 or
                                                                              int(v.max()) >= k)):
            raise ValueError(f"{name} must be a 1-D array of ints in 0..{k - 1}, got {v!r}")
    if p.shape != y.shape:
        raise ValueError(f"predicted and labels must have the same shape (N,), got {p.shape} and {y.shape}")
    p, y = p.astype(np.int64), y.astype(np.int64)              # in 0..k-1: y * k + p cannot wrap in int64
    try:
        counts = np.bincount(y * k + p, minlength=k * k)
    except (OverflowError, ValueError) as e:                   # k * k counts beyond what an array can hold
        raise ValueError(f"k = {k} is too large: the (k, k) matrix would have k² = {k * k} entries") from e
    return counts.reshape(k, k)
