r"""The sympy forms several chapters derive from: one definition each, so every chapter differentiates the same thing.

``sigmoid_expr(z)`` is :math:`\sigma(z) = 1/(1 + e^{-z})` written out, for chapters that differentiate the formula
itself; :class:`sigma` is the sigmoid as an opaque sympy function whose derivative is
:math:`\sigma' = \sigma(1 - \sigma)`, which keeps derivatives of whole networks short and readable;
``.rewrite(sp.exp)`` turns it back into the formula for exact evaluation.
"""
import sympy as sp


def sigmoid_expr(z):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})` as a sympy expression in ``z``."""
    return 1 / (1 + sp.exp(-z))


class sigma(sp.Function):
    r"""The logistic sigmoid as a sympy function with :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`."""

    def fdiff(self, argindex=1):
        return sigma(self.args[0]) * (1 - sigma(self.args[0]))

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return sigmoid_expr(z)


def matrix_symbols(name, rows, cols):
    """A ``rows`` × ``cols`` sympy Matrix of symbols; ``name`` is a format string with ``{i}`` and ``{j}`` (1-based)."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(name.format(i=i + 1, j=j + 1)))
