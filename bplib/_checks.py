"""Input validation shared by every bplib module.

Each check raises ``ValueError`` (or ``TypeError``) whose message names the argument and says what was
expected, so a reader who passes the wrong thing learns what to pass instead.
"""
import numbers

import numpy as np


def as_finite_array(x, name, ndim=None):
    """Return ``x`` as a float64 array, refusing NaN/inf and (optionally) the wrong number of axes."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from e
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; expected finite numbers")
    return arr


def positive_number(x, name):
    """Return ``x`` as a float after checking it is a finite number > 0 (e.g. a learning rate)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number > 0, got {x!r}")
    if not np.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")
    return float(x)


def int_at_least(x, name, minimum=0):
    """Return ``x`` after checking it is an int >= ``minimum``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {x!r}")
    if x < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {x!r}")
    return int(x)


def momentum_coefficient(x, name="momentum"):
    """Return the momentum coefficient after checking 0 <= x < 1."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not (0 <= x < 1):
        raise ValueError(f"{name} must be a number in [0, 1), got {x!r}")
    return float(x)


def lookup(table, key, name):
    """``table[key]``, or a ValueError that lists the valid keys."""
    if not isinstance(key, str) or key not in table:
        valid = ", ".join(repr(k) for k in table)
        raise ValueError(f"unknown {name} {key!r}; expected one of {valid}")
    return table[key]
