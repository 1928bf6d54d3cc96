r"""Weight initialisations for a layer with ``fan_in`` inputs and ``fan_out`` outputs, shape (fan_in, fan_out).

=============  ====================================================  =========================================
``normal``     :math:`W_{ij} \sim \mathcal N(0, 1)`                    the naive choice; saturates sigmoid nets
``small``      :math:`W_{ij} \sim \mathcal N(0, 0.01^2)`               signals shrink layer by layer
``xavier``     :math:`W_{ij} \sim \mathcal N(0, 2/(n_{in}+n_{out}))`   Glorot & Bengio (2010), for tanh/sigmoid
``he``         :math:`W_{ij} \sim \mathcal N(0, 2/n_{in})`             He et al. (2015), for ReLU
=============  ====================================================  =========================================

Biases start at zero in every scheme.
"""
import numpy as np

from ._checks import lookup


def normal(fan_in, fan_out, rng):
    r""":math:`\mathcal N(0, 1)`."""
    return rng.standard_normal((fan_in, fan_out))


def small(fan_in, fan_out, rng):
    r""":math:`\mathcal N(0, 0.01^2)`."""
    return 0.01 * rng.standard_normal((fan_in, fan_out))


def xavier(fan_in, fan_out, rng):
    r"""Glorot/Xavier normal: :math:`\mathcal N(0, 2/(n_{in}+n_{out}))`."""
    return np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))


def he(fan_in, fan_out, rng):
    r"""He/Kaiming normal: :math:`\mathcal N(0, 2/n_{in})`."""
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


#: name -> init(fan_in, fan_out, rng) -> array of shape (fan_in, fan_out).
INITS = {"normal": normal, "small": small, "xavier": xavier, "he": he}


def get(init):
    """An init function from its name (or a callable ``init(fan_in, fan_out, rng)``, returned as is)."""
    return init if callable(init) else lookup(INITS, init, "init")
