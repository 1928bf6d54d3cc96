r"""Weight initialisations for a layer with ``fan_in`` inputs and ``fan_out`` outputs, shape (fan_in, fan_out).

=============  ====================================================  =========================================
``normal``     :math:`W_{ij} \sim \mathcal N(0, 1)`                    the naive choice; saturates sigmoid nets
``small``      :math:`W_{ij} \sim \mathcal N(0, 0.01^2)`               signals shrink layer by layer
``xavier``     :math:`W_{ij} \sim \mathcal N(0, 2/(n_{in}+n_{out}))`   Glorot & Bengio (2010), for tanh/sigmoid
``he``         :math:`W_{ij} \sim \mathcal N(0, 2/n_{in})`             He et al. (2015), for ReLU
=============  ====================================================  =========================================

Biases start at zero in every scheme. Each function checks its arguments: ``fan_in`` and ``fan_out`` are ints
>= 1 (a TypeError or ValueError naming them otherwise) and ``rng`` is a numpy random Generator
(``np.random.default_rng(seed)``).
"""
import numpy as np

from ._checks import int_at_least, lookup

#: The most float64 entries one numpy array can have (its size in bytes must fit in an intp).
MAX_ENTRIES = np.iinfo(np.intp).max // 8


def _check(fan_in, fan_out, rng):
    # Each init's checks: fans are ints >= 1 whose product fits in an array, rng has standard_normal.
    fan_in, fan_out = int_at_least(fan_in, "fan_in", minimum=1), int_at_least(fan_out, "fan_out", minimum=1)
    if fan_in * fan_out > MAX_ENTRIES:
        raise ValueError(f"fan_in × fan_out = {fan_in} × {fan_out} weights do not fit in one numpy array (at most "
                         f"{MAX_ENTRIES} float64 entries)")
    if not callable(getattr(rng, "standard_normal", None)):
        raise TypeError(f"rng must be a numpy random Generator, e.g. np.random.default_rng(0), got {rng!r}")
    return fan_in, fan_out


def normal(fan_in, fan_out, rng):
    r""":math:`\mathcal N(0, 1)`."""
    fan_in, fan_out = _check(fan_in, fan_out, rng)
    return rng.standard_normal((fan_in, fan_out))


def small(fan_in, fan_out, rng):
    r""":math:`\mathcal N(0, 0.01^2)`."""
    fan_in, fan_out = _check(fan_in, fan_out, rng)
    return 0.01 * rng.standard_normal((fan_in, fan_out))


def xavier(fan_in, fan_out, rng):
    r"""Glorot/Xavier normal: :math:`\mathcal N(0, 2/(n_{in}+n_{out}))`."""
    fan_in, fan_out = _check(fan_in, fan_out, rng)
    return np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))


def he(fan_in, fan_out, rng):
    r"""He/Kaiming normal: :math:`\mathcal N(0, 2/n_{in})`."""
    fan_in, fan_out = _check(fan_in, fan_out, rng)
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


#: name -> init(fan_in, fan_out, rng) -> array of shape (fan_in, fan_out).
INITS = {"normal": normal, "small": small, "xavier": xavier, "he": he}


def get(init):
    """An init function from its name (or a callable ``init(fan_in, fan_out, rng)``, returned as is)."""
    return init if callable(init) else lookup(INITS, init, "init")
