r"""Activation functions :math:`a = g(z)` and their backward passes.

Every activation is an :class:`Activation`, a small object in the style of network2's cost classes, with
``forward(z) -> a`` and ``backward(z, a, grad_a) -> grad_z``, the vector-Jacobian product :math:`\partial \mathcal L/\partial z` given :math:`\partial \mathcal L/\partial a`. For the element-wise ones this is
:math:`g'(z) \odot \partial \mathcal L/\partial a`; softmax mixes the units of a row.

Shapes: ``z`` and ``a`` are (N, M) — N samples, M units — or any shape for the element-wise functions.

What is checked: the module functions (:func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`linear`, their
``*_prime``, :func:`softmax`, :func:`log_softmax`, :func:`softmax_backward`) and calling an Activation,
``g(z)``, are the math functions on arrays of finite real numbers: they return float64 results, and text,
complex numbers, ``None`` and other objects are a TypeError naming ``z``, NaN or inf a ValueError (σ(NaN) has no
value, and softmax of an inf logit is inf − inf). An Activation's ``forward`` and ``backward`` are the bare
formulas that backprop calls on every layer once :class:`~bplib.mlp.MLP` has checked its inputs: they check
nothing, so that the per-layer path stays as fast as numpy.
"""
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ._checks import as_finite_array, lookup


def _z(z):
    # The check of the public functions: z as a float64 array of finite real numbers.
    return as_finite_array(z, "z")


# The bare formulas (no checks): the Activation objects below and the fused losses call these on every layer.
def _sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _tanh(z):
    return np.tanh(z) if _NUMPY_SIMD_TANH else _tanh_from_expm1(z)


def _tanh_from_expm1(z):
    # tanh z = sign(z)·(1 - e^{-2|z|})/(1 + e^{-2|z|}) = sign(z)·m/(-2 - m) with m = expm1(-2|z|) in (-1, 0]: no
    # cancellation near 0 (within 3 ulp of the exact tanh, tested), and ±1 exactly for |z| > 19.
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore"):                       # -2|z| = -inf for |z| > 9e307: m = -1, tanh = ±1
        m = np.expm1(-2.0 * np.abs(z))
    return np.copysign(m / (-2.0 - m), z)


# Which tanh is faster depends on the CPU. numpy has SIMD float64 tanh kernels for x86-64 with AVX2 and FMA3 (the
# X86_V3 group of numpy >= 2.4; AVX2/FMA3 or AVX512_SKX before), for ARM64 (ASIMD) and for POWER and Z vector units;
# elsewhere np.tanh calls the scalar libm tanh, 8x slower than the AVX-512 kernel, and the expm1 form above is 1.5x
# faster than that (it is 1.5-2x slower than the SIMD kernels). benchmarks/backprop.py prints the path and timings.
_SIMD_TANH_GROUPS = {"X86_V3", "X86_V4", "FMA3", "AVX512_SKX", "ASIMD", "NEON_VFPV4", "VSX2", "VSX4", "VXE"}


def _numpy_simd_tanh(simd_extensions):
    """Whether numpy runs a SIMD float64 tanh, given ``np.show_config(mode="dicts")["SIMD Extensions"]``."""
    have = set(simd_extensions.get("baseline", [])) | set(simd_extensions.get("found", []))
    return bool(have & _SIMD_TANH_GROUPS)


_NUMPY_SIMD_TANH = _numpy_simd_tanh(np.show_config(mode="dicts")["SIMD Extensions"])


def _relu(z):
    return np.maximum(z, 0.0)


def _linear(z):
    return np.asarray(z, dtype=np.float64)


def _softmax(z):
    z = _units(z, "softmax")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(z):
    z = _units(z, "log_softmax")
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax_backward(z, a, grad_a):
    return a * (grad_a - np.sum(grad_a * a, axis=-1, keepdims=True))


def _units(z, name):
    z = np.asarray(z, dtype=np.float64)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"{name} needs at least one unit along the last axis of z, got shape {z.shape}")
    return z


def sigmoid(z):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})`, computed without overflow for any finite z.

    For z >= 0 we use :math:`1/(1+e^{-z})`, for z < 0 the equal :math:`e^{z}/(1+e^{z})`; both only ever
    exponentiate a non-positive number.
    """
    return _sigmoid(_z(z))


def sigmoid_prime(z):
    r""":math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`."""
    return _sigmoid_prime_of_output(sigmoid(z))


def _sigmoid_prime_of_output(a):
    # σ' written in terms of the output a = σ(z): backprop already has a, so it needs no second exp.
    return a * (1.0 - a)


def tanh(z):
    r""":math:`\tanh z`: ``np.tanh``, or, where numpy has no SIMD tanh for the CPU, the same function computed
    from ``np.expm1`` (faster there; both are within a few ulp of the exact value)."""
    return _tanh(_z(z))


def tanh_prime(z):
    r""":math:`\tanh'(z) = 1 - \tanh^2 z`."""
    return _tanh_prime_of_output(tanh(z))


def _tanh_prime_of_output(a):
    # tanh' in terms of the output a = tanh z.
    return 1.0 - a * a


def relu(z):
    r""":math:`\mathrm{relu}(z) = \max(0, z)`."""
    return _relu(_z(z))


def relu_prime(z):
    r""":math:`\mathrm{relu}'(z) = 1` for z > 0, else 0 (we take 0 at the kink z = 0)."""
    return (_z(z) > 0).astype(np.float64)


def linear(z):
    r"""The identity, :math:`g(z) = z`."""
    return _linear(_z(z))


def linear_prime(z):
    r""":math:`g'(z) = 1`."""
    return np.ones_like(_z(z))


def softmax(z):
    r"""Row-wise :math:`\mathrm{softmax}(z)_j = e^{z_j} / \sum_k e^{z_k}`, shape (N, M) -> (N, M).

    The row maximum is subtracted first (the result is unchanged), so no exponent exceeds 0 and nothing
    overflows even for logits of ±1000 (logits more than 1.8e308 apart give an exact 0).
    """
    z = _z(z)
    with np.errstate(over="ignore"):               # z - max(z) below -1.8e308 is -inf, and e^-inf = 0 exactly
        return _softmax(z)


def log_softmax(z):
    r""":math:`\log \mathrm{softmax}(z)_j = z_j - \log\sum_k e^{z_k}` via the log-sum-exp trick.

    A log-probability below -1.8e308 (logits more than that apart) is beyond float64: a ValueError, not -inf.
    """
    z = _z(z)
    with np.errstate(over="ignore"):
        out = _log_softmax(z)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"overflow: log_softmax(z) is below -1.8e308 (beyond float64) for logits that far apart "
                         f"(z from {z.min():.3g} to {z.max():.3g})")
    return out


def softmax_backward(z, a, grad_a):
    r"""Softmax's vector-Jacobian product.

    The Jacobian is :math:`\partial a_j/\partial z_i = a_j(\delta_{ij} - a_i)`, so
    :math:`\partial \mathcal L/\partial z_i = a_i\,(\partial \mathcal L/\partial a_i - \sum_j a_j\,\partial \mathcal L/\partial a_j)`.
    ``z``, ``a`` = softmax(z) and ``grad_a`` must have one shape (nothing is broadcast).
    """
    z, a, grad_a = _units(_z(z), "softmax_backward"), as_finite_array(a, "a"), as_finite_array(grad_a, "grad_a")
    if not z.shape == a.shape == grad_a.shape:
        raise ValueError(f"z, a and grad_a must have the same shape, got {z.shape}, {a.shape} and {grad_a.shape}")
    return _softmax_backward(z, a, grad_a)


@dataclass(frozen=True)
class Activation:
    r"""An activation function :math:`g` with its backward pass.

    ``forward(z)`` is :math:`g(z)`; ``backward(z, a, grad_a)`` is :math:`\partial \mathcal L/\partial z` given
    :math:`a = g(z)` and :math:`\partial \mathcal L/\partial a`; ``prime(z)`` is :math:`g'(z)` for the element-wise ones
    (``None`` for softmax, whose derivative is a Jacobian).
    """

    name: str
    forward: Callable
    backward: Callable
    prime: Optional[Callable] = None

    def __call__(self, z):
        """:math:`g(z)` after checking that ``z`` holds finite real numbers (``forward`` checks nothing)."""
        return self.forward(_z(z))


# Backward passes of the element-wise activations: ∂ℒ/∂z = g'(z) ⊙ ∂ℒ/∂a.  sigmoid and tanh read g' off the
# stored output a (same formula as sigmoid_prime / tanh_prime, no second exp); relu and linear need no g' array.
ACTIVATIONS = {a.name: a for a in [
    Activation("sigmoid", _sigmoid, lambda z, a, grad_a: _sigmoid_prime_of_output(a) * grad_a, sigmoid_prime),
    Activation("tanh", _tanh, lambda z, a, grad_a: _tanh_prime_of_output(a) * grad_a, tanh_prime),
    Activation("relu", _relu, lambda z, a, grad_a: np.where(z > 0, grad_a, 0.0), relu_prime),
    Activation("linear", _linear, lambda z, a, grad_a: grad_a, linear_prime),
    Activation("softmax", _softmax, _softmax_backward),
]}


def get(g):
    """The :class:`Activation` of a name (or an Activation, returned as is); a ValueError lists the valid names."""
    return g if isinstance(g, Activation) else lookup(ACTIVATIONS, g, "activation")
