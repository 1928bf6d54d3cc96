r"""Gradient descent on a function of a vector, with optional heavy-ball momentum (chapter 1).

.. math::

    v_{k+1} = \alpha\, v_k - \eta\,\nabla f(x_k), \qquad x_{k+1} = x_k + v_{k+1}, \qquad v_0 = 0,

the update of :func:`bplib.optim.heavy_ball_step`. With :math:`\alpha = 0` this is plain gradient descent,
:math:`x_{k+1} = x_k - \eta\,\nabla f(x_k)`.
Book symbols → names here: :math:`\eta` → ``lr``, :math:`\alpha` → ``momentum``, :math:`v` → ``v``.
"""
import numpy as np

from .optim import heavy_ball_step
from ._checks import as_finite_array, momentum_coefficient, int_at_least, positive_number


def gradient_descent(grad, x0, lr, steps, momentum=0.0):
    """Run ``steps`` updates from ``x0`` and return the whole path.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns :math:`\\nabla f(x)`, an array shaped like ``x``.
    x0 : array_like, shape (D,)
        Starting point (a scalar is treated as D = 1).
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
    x0 = as_finite_array(x0, "x0")
    if x0.ndim > 1:
        raise ValueError(f"x0 must be a number or a 1-D array (a point), got shape {x0.shape}")
    x = np.atleast_1d(x0).astype(np.float64)
    lr = positive_number(lr, "lr")
    steps = int_at_least(steps, "steps")
    momentum = momentum_coefficient(momentum)

    path = np.empty((steps + 1, x.size))
    path[0] = x
    v = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, steps + 1):
            g = _gradient_at(grad, x, k)
            heavy_ball_step(x, g.reshape(x.shape), v, lr, momentum)
            path[k] = x
    return path


def _gradient_at(grad, x, k):
    # grad(x) as a float array shaped like x; refused if it is not numbers, has the wrong shape, or is NaN/inf at a
    # finite x (a diverging run, whose x has overflowed, may go on to inf/nan: the book plots divergence).
    out = grad(x.copy())
    try:
        g = np.asarray(out, dtype=np.float64) if not isinstance(out, (str, bytes)) and out is not None else None
    except (TypeError, ValueError):
        g = None
    if g is None or np.asarray(out).dtype.kind in "USc":
        raise TypeError(f"grad(x) must return an array of numbers shaped like x {x.shape}, got {out!r} at step {k}")
    if g.size != x.size or g.ndim > 1:
        raise ValueError(f"grad(x) must return an array of shape {x.shape}, got shape {g.shape}")
    if np.all(np.isfinite(x)) and not np.all(np.isfinite(g)):
        raise ValueError(f"grad(x) returned {g} (NaN or inf) at the finite point x = {x} (step {k}); expected a "
                         f"finite gradient")
    return g.reshape(x.shape)
