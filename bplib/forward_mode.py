r"""Forward-mode automatic differentiation with dual numbers (chapter 2), and the counts that compare it with
reverse mode (:class:`bplib.autograd.Value`) and central finite differences.

A dual number :math:`a + \dot a\,\varepsilon` with :math:`\varepsilon^2 = 0` carries a value :math:`a` and a
*tangent* :math:`\dot a`. Taylor's formula ends after one term, :math:`g(a + \dot a\,\varepsilon) = g(a) + g'(a)\,
\dot a\,\varepsilon`, so every operation applies the chain rule forwards:

.. math::  \dot{(u + v)} = \dot u + \dot v, \qquad \dot{(u\,v)} = \dot u\, v + u\, \dot v, \qquad
           \dot{g(u)} = g'(u)\, \dot u .

Seeding the inputs with tangent :math:`\dot x = e_i` makes the output's tangent :math:`\partial f/\partial x_i`:
one pass per input, so a gradient of :math:`f:\mathbb{R}^n \to \mathbb{R}` takes n passes
(:func:`gradient_forward`), while reverse mode takes one backward pass.

:class:`Dual` has the operations of :class:`~bplib.autograd.Value` and builds the derived ones the same way
(``a - b = a + (-b)``, ``-a = a * -1``, ``a / b = a * b**-1``), so one Python function ``f`` written with these
operations runs on floats wrapped in ``Value`` or ``Dual`` alike, with the same primitive operations. It also
follows Value's rule for what is not a number, with Value's helpers: a value and a tangent are finite real numbers
(TypeError, or ValueError for NaN, inf and numbers beyond the float64 range); an operation whose value or tangent
overflows raises a ValueError naming it (``exp(1000)``, ``the derivative of 1e-200 ** -1``); a division by zero is
a ZeroDivisionError, and the log of a number <= 0 or a fractional power of a negative number a ValueError.
:func:`jvp` and :func:`gradient_forward` refuse an ``f`` that is not callable and an ``x`` (or ``v``) that is empty,
boolean or not a vector of finite numbers.

Counting (:func:`derivative_costs`, :func:`count_paths`) works on the graph a ``Value`` computation records.
"""
import math
from dataclasses import dataclass

import numpy as np

from ._checks import lift
from .activation_functions import sigmoid as _sigmoid
from .autograd import Value, _check_power, _exp, _finite, _power, _real
from .gradcheck import _point


class Dual:
    r"""A dual number ``value + tangent·ε`` (ε² = 0): a value and its derivative along one direction."""

    __slots__ = ("value", "tangent")

    def __init__(self, value, tangent=0.0):
        self.value = _real(value, "value")
        self.tangent = _real(tangent, "tangent")

    # Primitives: the value, then the tangent by the chain rule (one line each), both finite or a ValueError.
    def __add__(self, other):
        other = _lift(other)
        return _dual(self.value + other.value, self.tangent + other.tangent, "{:g} + {:g}", self.value, other.value)

    def __mul__(self, other):
        other = _lift(other)
        return _dual(self.value * other.value, self.tangent * other.value + self.value * other.tangent,
                     "{:g} * {:g}", self.value, other.value)

    def __pow__(self, k):
        # The same rules as Value.__pow__: no real result, division by zero and an infinite derivative raise.
        _check_power(self.value, k)
        if k == 0:
            return Dual(1.0, 0.0)
        if self.value == 0 and k < 1:
            raise ValueError(f"the derivative of x ** {k} at x = 0 is infinite")
        return _dual(_power(self.value, k), k * _power(self.value, k - 1) * self.tangent, "{:g} ** {}", self.value, k)

    def exp(self):
        e = _exp(self.value)
        return _dual(e, e * self.tangent, "exp({:g})", self.value)

    def log(self):
        if self.value <= 0:
            raise ValueError(f"log needs a positive value, got {self.value!r}")
        return _dual(math.log(self.value), self.tangent / self.value, "log({:g})", self.value)

    def tanh(self):
        t = math.tanh(self.value)
        return Dual(t, (1.0 - t ** 2) * self.tangent)

    def sigmoid(self):
        s = float(_sigmoid(self.value))
        return Dual(s, s * (1.0 - s) * self.tangent)

    def relu(self):
        # relu'(0) = 0, as in Value.relu
        return Dual(max(self.value, 0.0), (self.value > 0) * self.tangent)

    # Derived ops, built from the primitives exactly as Value builds them.
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * _divisor(other, self) ** -1
    def __rtruediv__(self, other): return _lift(other) * _divisor(self, other) ** -1

    def __repr__(self):
        return f"Dual(value={self.value:.6g}, tangent={self.tangent:.6g})"


def _dual(value, tangent, expression, *operands):
    # Dual(value, tangent) after Value's rule: a value or tangent that is not finite raises, naming the operation
    return Dual(_finite(value, expression, *operands),
                _finite(tangent, "the derivative of " + expression, *operands))


def _divisor(x, numerator):
    # x as a divisor: a ZeroDivisionError for 0, worded as Value's
    x = _lift(x)
    if x.value == 0:
        raise ZeroDivisionError(f"division by zero: {_lift(numerator).value:g} / 0")
    return x


def _lift(x):
    # A plain number is a constant: tangent 0.
    return lift(x, Dual)


def _outputs(result, kind):
    # f's result as a list of outputs of type kind, and whether it was a single one.
    if isinstance(result, kind):
        return [result], True
    if isinstance(result, (list, tuple)) and result and all(isinstance(r, kind) for r in result):
        return list(result), False
    raise TypeError(f"f must return a {kind.__name__} or a non-empty list of them, got {type(result).__name__}")


def _callable(f, kind):
    if not callable(f):
        raise TypeError(f"f must be a callable f(list of {kind}) -> {kind}, got {type(f).__name__}")


def _vector(x):
    # the point x: a non-empty vector of finite real numbers (not booleans)
    x = _point(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be a vector, got shape {x.shape}")
    return x


def jvp(f, x, v):
    r"""One forward pass: ``(f(x), J v)``, the value and the directional derivative :math:`J(x)\,v`.

    ``f`` maps a list of n :class:`Dual` to a ``Dual`` (then both results are floats) or to a list of m of them
    (then both are arrays of shape (m,)). ``x`` and ``v`` have shape (n,).
    """
    _callable(f, "Dual")
    x, v = _point(x, "x"), _point(v, "v")
    if x.ndim != 1 or v.shape != x.shape:
        raise ValueError(f"x and v must be vectors of one length n, got shapes {x.shape} and {v.shape}")
    out, single = _outputs(f([Dual(xi, vi) for xi, vi in zip(x, v)]), Dual)
    values = np.array([o.value for o in out])
    tangents = np.array([o.tangent for o in out])
    return (float(values[0]), float(tangents[0])) if single else (values, tangents)


def gradient_forward(f, x):
    r"""The gradient :math:`\nabla f(x)`, shape (n,), by forward mode: n passes, pass i seeded with :math:`e_i`.

    For ``f`` with m outputs it returns the Jacobian, shape (m, n), column i from pass i.
    """
    _callable(f, "Dual")
    x = _vector(x)
    columns = [jvp(f, x, e)[1] for e in np.eye(x.size)]
    return np.array(columns, dtype=np.float64).T


# Arithmetic operations per primitive, read off the code: (value, Dual tangent, Value backward closure).
# Elementary functions (exp, log, tanh, σ, ** and the comparison in relu) count as one operation each;
# the closures' accumulations (+=) count too; checks for invalid input do not.
# E.g. x·y: value 1; tangent ẋy + xẏ, 3; closure x.grad += y·ḡ, y.grad += x·ḡ, 4.
ARITHMETIC = {"+": (1, 1, 2), "*": (1, 3, 4), "**": (1, 4, 5), "exp": (1, 1, 2), "log": (1, 1, 2),
              "tanh": (1, 3, 4), "σ": (1, 3, 4), "relu": (1, 2, 3)}


def _costs(op):
    return ARITHMETIC["**" if op.startswith("**") else op]


@dataclass(frozen=True)
class DerivativeCost:
    r"""Arithmetic operations for all derivatives of :math:`f:\mathbb{R}^n \to \mathbb{R}^m`
    (see :func:`derivative_costs`)."""

    n: int                     # inputs
    m: int                     # outputs
    operations: int            # primitive operations in one evaluation of f (graph nodes with an op)
    evaluation: int            # arithmetic of one evaluation
    reverse: int               # one evaluation + one backward sweep per output
    forward: int               # n forward passes with dual numbers
    central_differences: int   # 2n evaluations + the differences


def derivative_costs(f, x):
    r"""Count the arithmetic of one evaluation of ``f`` and of its full derivative by three methods.

    ``f`` maps a list of n :class:`~bplib.autograd.Value` to a ``Value`` or a list of m of them; it is evaluated
    once, at ``x`` (shape (n,)), and its recorded graph is counted with the per-operation costs
    :data:`ARITHMETIC` (value, tangent, closure):

    - one evaluation: :math:`E = \sum_{\text{ops}} c_{\text{value}}`;
    - reverse mode: :math:`E + \sum_{j=1}^{m} \sum_{\text{ops of } f_j} c_{\text{closure}}` (``y_j.backward()`` runs
      the closure of every operation output j depends on);
    - forward mode: :math:`n \sum_{\text{ops}} (c_{\text{value}} + c_{\text{tangent}})`, n passes with ``Dual``;
    - central differences: :math:`2nE + n(2 + 3m)` (2n evaluations; per input two shifted points and, per
      output, a subtraction and a division by 2h).

    Only arithmetic is counted, not memory traffic or Python overhead.
    """
    _callable(f, "Value")
    x = _vector(x)
    outs, _ = _outputs(f([Value(xi) for xi in x]), Value)
    nodes = {}
    for y in outs:
        for v in y.topological_order():
            nodes[id(v)] = v
    ops = [v.op for v in nodes.values() if v.op]
    evaluation = sum(_costs(op)[0] for op in ops)
    backward = sum(_costs(v.op)[2] for y in outs for v in y.topological_order() if v.op)
    n, m = x.size, len(outs)
    return DerivativeCost(n=n, m=m, operations=len(ops), evaluation=evaluation, reverse=evaluation + backward,
                          forward=n * sum(_costs(op)[0] + _costs(op)[1] for op in ops),
                          central_differences=2 * n * evaluation + n * (2 + 3 * m))


def count_paths(root, leaf):
    r"""The number of paths from ``leaf`` to ``root`` in ``root``'s graph, by dynamic programming.

    :math:`P(\text{leaf}) = 1` and :math:`P(v) = \sum_{c \in \text{children}(v)} P(c)` (a child used twice, as in
    ``x * x``, is two edges), one sweep over ``root.topological_order()``: the work is proportional to the
    number of edges, however many paths there are. The chain rule's sum over paths has this many terms; reverse
    (and forward) mode never enumerates them.
    """
    if not isinstance(root, Value) or not isinstance(leaf, Value):
        raise TypeError("root and leaf must be bplib.autograd.Value objects")
    paths = {}
    for v in root.topological_order():
        paths[id(v)] = 1 if v is leaf else sum(paths[id(c)] for c in v.children)
    return paths[id(root)]


def count_edges(root):
    """The number of edges of ``root``'s graph (input uses by operations): one local derivative each."""
    if not isinstance(root, Value):
        raise TypeError("root must be a bplib.autograd.Value")
    return sum(len(v.children) for v in root.topological_order())
