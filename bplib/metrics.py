"""Numbers that summarise a result: classification accuracy, the confusion matrix, and how many steps a run needs to
reach a tolerance."""
import numpy as np

from ._checks import as_finite_array, int_at_least


def accuracy(outputs, labels):
    r"""The fraction of samples classified correctly.

    Parameters
    ----------
    outputs : array_like, shape (N, K) or (N,)
        The network's outputs :math:`a^L`. With one output (K = 1, or a 1-D array) the predicted class is
        1 when the output is >= 0.5 (a probability from a sigmoid); with K > 1 it is the row's argmax.
    labels : array_like, shape (N,) or (N, K)
        Class labels 0..K-1 (or 0/1 for one output), or one-hot rows (N, K) whose argmax is the label.
    """
    a = as_finite_array(outputs, "outputs")
    y = as_finite_array(labels, "labels")
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim not in (1, 2):
        raise ValueError(f"outputs must have shape (N,) or (N, K), got {a.shape}")
    predicted = (a >= 0.5).astype(int) if a.ndim == 1 else a.argmax(axis=1)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    elif y.ndim == 2:
        y = y.argmax(axis=1)
    if y.shape != predicted.shape:
        raise ValueError(f"labels must have shape ({len(a)},) or one-hot ({len(a)}, K) to match outputs, "
                         f"got {np.shape(labels)}")
    if len(y) == 0:
        raise ValueError("outputs and labels must hold at least one sample, got N = 0")
    return float(np.mean(predicted == y))


def steps_to_tolerance(values, tol):
    """The index of the first entry of ``values`` that is below ``tol``, or ``None`` if none is.

    With ``values[k]`` the loss (or distance to the minimum) after k steps, this is the number of steps a run
    needs to get below ``tol``.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"values must be a 1-D sequence of numbers, got shape {values.shape}")
    hits = np.flatnonzero(values < tol)
    return int(hits[0]) if hits.size else None


def confusion_matrix(predicted, labels, k):
    r"""The (k, k) matrix of counts :math:`C_{ij}` = number of samples of true class i predicted as class j.

    Row i sums to the number of samples of class i; the diagonal holds the correct predictions, so
    :math:`\operatorname{tr} C / N` is the accuracy.

    Parameters
    ----------
    predicted, labels : array_like, shape (N,)
        Predicted and true class labels, ints in 0..k-1 (e.g. ``outputs.argmax(axis=1)`` and ``y``).
    k : int
        Number of classes.
    """
    k = int_at_least(k, "k", minimum=1)
    p, y = np.asarray(predicted), np.asarray(labels)
    for name, v in (("predicted", p), ("labels", y)):
        if v.ndim != 1 or not np.issubdtype(v.dtype, np.integer) or (v.size and (v.min() < 0 or v.max() >= k)):
            raise ValueError(f"{name} must be a 1-D array of ints in 0..{k - 1}, got {v!r}")
    if p.shape != y.shape:
        raise ValueError(f"predicted and labels must have the same shape (N,), got {p.shape} and {y.shape}")
    return np.bincount(y * k + p, minlength=k * k).reshape(k, k)
