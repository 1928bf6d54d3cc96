"""Input validation shared by every bplib module.

Each check raises ``ValueError`` (or ``TypeError``) whose message names the argument and says what was
expected, so a reader who passes the wrong thing learns what to pass instead. Checks run once per public call
(never per minibatch or per layer).
"""
import math
import numbers

import numpy as np


def as_finite_array(x, name, ndim=None, nonempty=False):
    """Return ``x`` as a float64 array of real numbers, refusing text, complex numbers, NaN/inf, (optionally) the
    wrong number of axes and (optionally) an empty array."""
    raw = x if isinstance(x, np.ndarray) else None
    if raw is None:
        try:
            raw = np.asarray(x)
        except (TypeError, ValueError) as e:               # ragged nested lists
            raise TypeError(f"{name} must be an array of real numbers, got {type(x).__name__}") from e
    if raw.dtype.kind in "USVcMm" or (raw.dtype.kind == "O" and raw.size and
                                       not all(_is_real(v) for v in raw.ravel())):
        raise TypeError(f"{name} must be an array of real numbers, got {raw.dtype} values")
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except OverflowError as e:                             # e.g. the Python int 10**400
        raise ValueError(f"{name} contains a number beyond the float64 range (about ±1.8e308)") from e
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name} must be an array of real numbers, got {type(x).__name__}") from e
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; expected finite numbers")
    return arr


def _is_real(v):
    return isinstance(v, (numbers.Real, np.bool_))


def _as_float(x, name, expected):
    # a real number (not a bool) as a float; an int or Fraction beyond the float range is a ValueError
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {x!r}")
    try:
        return float(x)
    except OverflowError as e:
        raise ValueError(f"{name} must be {expected}, got a number beyond the float64 range") from e


def flag(x, name):
    """Return ``x`` after checking it is True or False (a string such as 'no' would count as True)."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {x!r}")
    return bool(x)


def real_number(x, name, minimum=None, maximum=None, below=None):
    """Return ``x`` as a float after checking it is a finite real number, with optional bounds
    (``minimum <= x <= maximum``, ``x < below``)."""
    bounds = [f">= {minimum:g}" if minimum is not None else "", f"<= {maximum:g}" if maximum is not None else "",
              f"< {below:g}" if below is not None else ""]
    expected = "a finite number" + (" " + " and ".join(b for b in bounds if b) if any(bounds) else "")
    x = _as_float(x, name, expected)
    if not math.isfinite(x) or (minimum is not None and x < minimum) or (maximum is not None and x > maximum) \
            or (below is not None and x >= below):
        raise ValueError(f"{name} must be {expected}, got {x!r}")
    return x


def positive_number(x, name):
    """Return ``x`` as a float after checking it is a finite number > 0 (e.g. a learning rate)."""
    x = _as_float(x, name, "a finite number > 0")
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")
    return x


def nonnegative_number(x, name):
    """Return ``x`` as a float after checking it is a finite number >= 0 (a weight decay, an epsilon)."""
    x = _as_float(x, name, "a finite number >= 0")
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return x


def int_at_least(x, name, minimum=0):
    """Return ``x`` after checking it is an int >= ``minimum``."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {x!r}")
    if x < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {x!r}")
    return int(x)


def momentum_coefficient(x, name="momentum"):
    """Return a momentum or running-average coefficient after checking 0 <= x < 1."""
    x = _as_float(x, name, "a number in [0, 1)")
    if not (0 <= x < 1):
        raise ValueError(f"{name} must be a number in [0, 1), got {x!r}")
    return x


def sequence(x, name, what):
    """Return ``x`` as a list after checking it is an ordered sequence (list, tuple, array), not a set, dict or
    string, whose order would be arbitrary or whose items would be characters."""
    if isinstance(x, (str, bytes, set, frozenset, dict)) or not hasattr(x, "__len__") or \
            not hasattr(x, "__getitem__"):
        raise TypeError(f"{name} must be a list or tuple of {what}, got {type(x).__name__} {x!r}")
    return list(x)


def seed_value(seed, name="seed"):
    """Return ``seed`` after checking it is a non-negative int (what ``np.random.default_rng`` accepts here)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {seed!r}")
    return int(seed)


def lift(x, cls):
    """``x`` as an instance of ``cls`` (a scalar number type such as Value or Dual): a plain real number becomes a
    constant; anything else is a TypeError naming what was expected."""
    if isinstance(x, cls):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{cls.__name__} arithmetic needs a {cls.__name__} or a real number, got {type(x).__name__}")
    return cls(x)


def lookup(table, key, name):
    """``table[key]``, or a ValueError that lists the valid keys."""
    if not isinstance(key, str) or key not in table:
        valid = ", ".join(repr(k) for k in table)
        raise ValueError(f"unknown {name} {key!r}; expected one of {valid}")
    return table[key]
