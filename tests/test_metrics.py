"""bplib.metrics: accuracy and steps-to-tolerance."""
from fractions import Fraction

import numpy as np
import pytest

from bplib.metrics import accuracy, confusion_matrix, steps_to_tolerance


@pytest.mark.parametrize("outputs, labels, expected", [
    ([[0.2], [0.7], [0.5], [0.49]], [0, 1, 1, 1], 0.75),             # one sigmoid output: >= 0.5 is class 1
    ([0.2, 0.7, 0.5, 0.49], [0, 1, 1, 0], 1.0),                      # 1-D outputs
    ([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [1, 0, 0], 2 / 3),        # argmax of K > 1 outputs
    ([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], [[0, 1], [1, 0], [0, 1]], 1.0),   # one-hot labels
    ([[0.2], [0.9]], [[0.0], [1.0]], 1.0),                           # (N, 1) labels
    ([[0.2], [0.9]], [[1.0], [1.0]], 0.5),
    ([0.2, 0.7], [0.0, 1.0], 1.0),                                   # whole numbers as floats
    ([[0.1, 0.9, 0.0], [0.8, 0.2, 0.0], [0.3, 0.3, 0.4]], [1, 0, 2], 1.0),   # the largest class K - 1 = 2
    ([[0.1, 0.9, 0.0], [0.8, 0.2, 0.0], [0.3, 0.3, 0.4]], np.eye(3)[[1, 0, 0]], 2 / 3),
    ([[0.1, 0.9], [0.8, 0.2]], np.array([1, 0], dtype=np.uint8), 1.0),
])
def test_accuracy(outputs, labels, expected):
    assert accuracy(outputs, labels) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("outputs, labels, match", [
    ([[0.2], [0.9]], [0, 1, 1], r"labels must have shape \(2,\) to match outputs of shape \(2, 1\), got \(3,\)"),
    (np.zeros((0, 2)), np.zeros(0), "at least one sample"),
    (np.zeros((2, 2, 2)), [0, 1], r"outputs must have shape"),
    ([[np.nan], [0.1]], [0, 1], "outputs contains NaN"),
    ([[0.9], [0.1]], [0.5, 2.0], r"labels must be class numbers 0..1 \(whole numbers\) to match outputs, got 0.5"),
    ([[0.9], [0.1]], [1.0, 2.0], r"labels must be class numbers 0..1 .*got 2"),          # 2 is not a 0/1 label
    ([[0.9], [0.1]], [-1, 0], r"labels must be class numbers 0..1 .*got -1"),
    ([0.9, 0.1], [1, 7], r"labels must be class numbers 0..1 .*got 7"),
    (np.eye(3)[:2], [0, 3], r"labels must be class numbers 0..2 .*got 3"),                 # labels >= K
    (np.eye(3)[:2], [5, 9], r"labels must be class numbers 0..2 .*got 5"),
    (np.eye(3)[:2], [1, 1.5], r"labels must be class numbers 0..2 .*got 1.5"),
    (np.eye(3)[:2], np.eye(5)[:2], r"labels must have shape \(2,\) or one-hot \(2, 3\) to match outputs of shape "
                                   r"\(2, 3\), got \(2, 5\)"),                          # one-hot of another K
    ([[0.9], [0.1]], np.eye(3)[:2], r"labels must have shape \(2,\) to match outputs of shape \(2, 1\), got \(2, 3\)"),
    ([0.9, 0.1], [[1, 0], [0, 1]], r"labels must have shape \(2,\) to match outputs of shape \(2,\), got \(2, 2\)"),
    (np.eye(2), np.zeros((2, 2)), r"labels given as rows must be one-hot \(a single 1, the rest 0\), got row 0"),
    (np.eye(2), [[1.0, 0.0], [0.5, 0.5]], r"must be one-hot .*got row 1 = \[0.5 0.5\]"),     # soft labels
    (np.eye(2), [[1.0, 0.0], [1.0, 1.0]], r"must be one-hot .*got row 1 = \[1. 1.\]"),
    (np.eye(2), [[2.0, -1.0], [1.0, 0.0]], r"must be one-hot .*got row 0"),                # sums to 1, not 0/1
    (np.eye(3)[:2], np.eye(3), r"labels must have shape \(2,\) or one-hot \(2, 3\).*got \(3, 3\)"),
    (np.zeros((2, 0)), [0, 1], r"outputs must have at least one column \(K >= 1\), got shape \(2, 0\)"),
    ([[0.9], [0.1]], np.zeros((2, 0)), r"labels must have shape \(2,\) to match outputs"),
    (np.eye(2), np.zeros((2, 2, 1)), r"labels must have shape \(2,\) or one-hot \(2, 2\)"),
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


def test_accuracy_refuses_text_labels():
    with pytest.raises(TypeError, match=r"labels must be an array of real numbers"):
        accuracy([[0.9], [0.1]], ["a", "b"])


@pytest.mark.parametrize("values, tol, error, match", [
    ([1.0, 0.1], np.nan, ValueError, r"tol must be a finite number, got nan"),
    ([1.0, 0.1], np.inf, ValueError, r"tol must be a finite number, got inf"),
    ([1.0, 0.1], [0.5, 0.5], TypeError, r"tol must be a finite number, got \[0.5, 0.5\]"),
    ([1.0, 0.1], "0.5", TypeError, r"tol must be a finite number, got '0.5'"),
    ([1.0, 0.1], None, TypeError, r"tol must be a finite number, got None"),
    ([1.0, 0.1], 1j, TypeError, r"tol must be a finite number"),
    ([1.0, 0.1], True, TypeError, r"tol must be a finite number, got True"),
    (["a", "b"], 0.5, TypeError, r"values must be a 1-D sequence of real numbers, got <U1 values"),
    ([1j, 2], 0.5, TypeError, r"values must be a 1-D sequence of real numbers, got complex128 values"),
    ([True, False], 0.5, TypeError, r"values must be a 1-D sequence of real numbers, got bool values"),
    ([None, 1.0], 0.5, TypeError, r"values must be a 1-D sequence of real numbers, got object values"),
    ({1.0, 0.1}, 0.5, TypeError, r"values must be a list or tuple of numbers \(one per step\), got set"),
    ({0: 1.0}, 0.5, TypeError, r"values must be a list or tuple of numbers"),
    ([1.0, [2.0, 3.0]], 0.5, TypeError, r"values must be a 1-D sequence of real numbers, got a ragged sequence"),
    ([10 ** 400, 1], 0.5, ValueError, r"values contains a number beyond the float64 range"),
    (np.zeros((2, 2)), 0.1, ValueError, r"values must be a 1-D sequence of numbers, got shape \(2, 2\)"),
    ([[1.0, 0.1]], 0.1, ValueError, r"values must be a 1-D sequence of numbers, got shape \(1, 2\)"),
])
def test_steps_to_tolerance_refuses_bad_input(values, tol, error, match):
    with pytest.raises(error, match=match):
        steps_to_tolerance(values, tol)


@pytest.mark.parametrize("values, tol, expected", [
    ([Fraction(1, 2), Fraction(1, 5)], Fraction(1, 4), 1),         # any real numbers
    ((3, 2, 1), 2, 2), (np.array([3, 2, 1], dtype=np.uint8), 1.5, 2), ([], 0.5, None),
    ([2.0, 1.0], np.float32(1.5), 1), ([1.0, -1.0], -0.5, 1),
])
def test_steps_to_tolerance_takes_any_real_numbers(values, tol, expected):
    assert steps_to_tolerance(values, tol) == expected


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64])
def test_confusion_matrix_of_every_integer_dtype(dtype):
    # y * k + p must not wrap around in a small dtype: int8 labels 99 with k = 100 count at C[99, 99]
    k = 100
    labels, predicted = np.array([99, 99, 3, 0], dtype=dtype), np.array([99, 98, 3, 99], dtype=dtype)
    C = confusion_matrix(predicted, labels, k)
    expected = np.zeros((k, k), dtype=np.int64)
    expected[99, 99] = expected[99, 98] = expected[3, 3] = expected[0, 99] = 1
    np.testing.assert_array_equal(C, expected)


def test_confusion_matrix_with_k_beyond_the_dtype_and_mixed_dtypes():
    C = confusion_matrix(np.array([1], np.int8), np.array([1], np.int8), 200)        # 200 > the int8 range
    assert C.shape == (200, 200) and C[1, 1] == 1 and C.sum() == 1
    C = confusion_matrix(np.array([1, 0], np.uint64), np.array([1, 1]), 2)            # uint64 with int64
    np.testing.assert_array_equal(C, [[0, 0], [1, 1]])


@pytest.mark.parametrize("predicted, labels, k, error, match", [
    ([0, 1], [0, 1], 10 ** 10, ValueError, r"k = 10000000000 is too large: the \(k, k\) matrix would have k² = "),
    ([0, 1], [0, 1], 3 * 10 ** 9, ValueError, r"k = 3000000000 is too large"),
    (np.array([2 ** 64 - 1], np.uint64), [0], 2, ValueError, r"predicted must be a 1-D array of ints in 0..1"),
    (np.array([-1], np.int8), [0], 2, ValueError, r"predicted must be a 1-D array of ints in 0..1"),
    ([0], [2], 2, ValueError, r"labels must be a 1-D array of ints in 0..1"),
    ([True], [0], 2, ValueError, r"predicted must be a 1-D array of ints"),
    ([[0]], [0], 2, ValueError, r"predicted must be a 1-D array of ints"),
    ([0], [0], 0, ValueError, r"k must be an integer >= 1, got 0"),
    ([0], [0], 2.0, TypeError, r"k must be an integer >= 1, got 2.0"),
])
def test_confusion_matrix_refuses_impossible_k_and_labels(predicted, labels, k, error, match):
    with pytest.raises(error, match=match):
        confusion_matrix(predicted, labels, k)


def test_confusion_matrix_of_no_samples_is_zeros():
    np.testing.assert_array_equal(confusion_matrix(np.array([], int), np.array([], int), 2), np.zeros((2, 2)))
