r"""Gradient descent on a function of a vector, with optional heavy-ball momentum (chapter 1).

.. math::

    v_{k+1} = \alpha\, v_k - \eta\,\nabla f(x_k), \qquad x_{k+1} = x_k + v_{k+1}, \qquad v_0 = 0,

the update of :func:`bplib.optim.heavy_ball_step`. With :math:`\alpha = 0` this is plain gradient descent,
:math:`x_{k+1} = x_k - \eta\,\nabla f(x_k)`.
Book symbols → names here: :math:`\eta` → ``lr``, :math:`\alpha` → ``momentum``, :math:`v` → ``v``.
"""
import numpy as np

from .optim import _gradient_at, _heavy_ball_step, _new_path, _start_point
from ._checks import momentum_coefficient, int_at_least, positive_number


def gradient_descent(grad, x0, lr, steps, momentum=0.0):
    """Run ``steps`` updates from ``x0`` and return the whole path.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns :math:`\\nabla f(x)`, an array shaped like ``x`` (real numbers, finite wherever ``x``
        is).
    x0 : array_like, shape (D,)
        Starting point (a scalar is treated as D = 1): finite real numbers, not True/False, D >= 1.
    lr : float
        Learning rate :math:`\\eta > 0`.
    steps : int
        Number of updates, >= 0.
    momentum : float
        Heavy-ball coefficient :math:`\\alpha \\in [0, 1)`.

    Returns
    -------
    ndarray, shape (steps + 1, D)
        Row ``k`` is :math:`x_k`; row 0 is ``x0``.  If the iterates overflow (a divergent learning rate), the
        remaining rows are ``inf``/``nan`` rather than an exception, so the book can plot divergence.
    """
    if not callable(grad):
        raise TypeError(f"grad must be a callable grad(x) -> array, got {type(grad).__name__}")
    x = _start_point(x0)
    lr = positive_number(lr, "lr")
    steps = int_at_least(steps, "steps")
    momentum = momentum_coefficient(momentum)

    path = _new_path(x, steps)
    v = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            _heavy_ball_step(x, _gradient_at(grad, x, k), v, lr, momentum)
            path[k] = x
    return path
