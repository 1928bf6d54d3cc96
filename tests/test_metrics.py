"""bplib.metrics: accuracy and steps-to-tolerance."""
import numpy as np
import pytest

from bplib.metrics import accuracy, steps_to_tolerance


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
])
def test_steps_to_tolerance(values, tol, expected):
    assert steps_to_tolerance(values, tol) == expected


def test_steps_to_tolerance_refuses_2d():
    with pytest.raises(ValueError, match="values must be a 1-D"):
        steps_to_tolerance(np.zeros((2, 2)), 0.1)
