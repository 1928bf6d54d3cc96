"""bplib.metrics: accuracy and steps-to-tolerance."""
import numpy as np
import pytest

from bplib.metrics import accuracy, confusion_matrix, steps_to_tolerance


@pytest.mark.parametrize("outputs, labels, expected", [
    ([[0.2], [0.7], [0.5], [0.49]], [0, 1, 1, 1], 0.75),             # one sigmoid output: >= 0.5 is class 1
    ([0.2, 0.7, 0.5, 0.49], [0, 1, 1, 0], 1.0),                      # 1-D outputs
    ([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [1, 0, 0], 2 / 3),        # argmax of K > 1 outputs
    ([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [[0, 1], [1, 0], [0, 1]], 1.0),   # one-hot labels
    ([[0.2], [0.9]], [[0.0], [1.0]], 1.0),                           # (N, 1) labels
])
def test_accuracy(outputs, labels, expected):
    assert accuracy(outputs, labels) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("outputs, labels, match", [
    ([[0.2], [0.9]], [0, 1, 1], r"labels must have shape \(2,\)"),
    (np.zeros((0, 2)), np.zeros(0), "at least one sample"),
    (np.zeros((2, 2, 2)), [0, 1], r"outputs must have shape"),
    ([[np.nan], [0.1]], [0, 1], "outputs contains NaN"),
])
def test_accuracy_refuses_bad_input(outputs, labels, match):
    with pytest.raises(ValueError, match=match):
        accuracy(outputs, labels)


@pytest.mark.parametrize("values, tol, expected", [
    ([1.0, 0.5, 0.1, 0.01], 0.2, 2),
    ([1.0, 0.5, 0.1, 0.01], 1.5, 0),
    ([1.0, 0.5, 0.1, 0.01], 1e-3, None),
    ([1.0, np.nan, np.inf, 0.0], 0.5, 3),                           # a diverging run's nan/inf never count
    ([1.0, 0.5, 0.25], 0.5, 2),                                     # strictly below: equal to tol is not enough
])
def test_steps_to_tolerance(values, tol, expected):
    assert steps_to_tolerance(values, tol) == expected


def test_steps_to_tolerance_refuses_2d():
    with pytest.raises(ValueError, match="values must be a 1-D"):
        steps_to_tolerance(np.zeros((2, 2)), 0.1)


def test_confusion_matrix_by_hand():
    # true 0 predicted 0, 0 -> 1, 1 -> 1 twice, 2 -> 0
    expected = np.array([[1, 1, 0], [0, 2, 0], [1, 0, 0]])
    np.testing.assert_array_equal(confusion_matrix([0, 1, 1, 1, 0], [0, 0, 1, 1, 2], 3), expected)


@pytest.mark.parametrize("n, k, seed", [(1, 2, 0), (50, 3, 1), (400, 10, 2)])
def test_confusion_matrix_rows_and_diagonal(n, k, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    outputs = rng.random((n, k))
    c = confusion_matrix(outputs.argmax(axis=1), labels, k)
    assert c.shape == (k, k) and c.sum() == n
    np.testing.assert_array_equal(c.sum(axis=1), np.bincount(labels, minlength=k))   # row i: samples of class i
    assert np.trace(c) / n == pytest.approx(accuracy(outputs, labels), rel=1e-15)


@pytest.mark.parametrize("predicted, labels, k, match", [
    ([0, 3], [0, 1], 3, "predicted must be a 1-D array of ints in 0..2"),
    ([0, 1], [0, -1], 3, "labels must be a 1-D array of ints"),
    ([0.0, 1.0], [0, 1], 2, "predicted must be"),
    ([0, 1, 1], [0, 1], 2, "same shape"),
])
def test_confusion_matrix_refuses_bad_input(predicted, labels, k, match):
    with pytest.raises(ValueError, match=match):
        confusion_matrix(predicted, labels, k)


def test_confusion_matrix_of_one_class():
    np.testing.assert_array_equal(confusion_matrix([0, 0, 0], [0, 0, 0], 1), [[3]])
