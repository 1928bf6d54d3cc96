r"""A scalar reverse-mode automatic differentiation engine (chapter 2), in the spirit of micrograd.

A :class:`Value` holds a number ``data`` and, after ``backward()``, ``grad`` = :math:`\partial f/\partial` (this
value), where f is the Value ``backward()`` was called on. Each primitive op builds its result and, right
under it, the closure ``_backward`` that applies the local chain rule

.. math::  \bar{x} \mathrel{+}= \bar{f}\, \partial f/\partial x ,

accumulating (``+=``) so a value used twice gets both contributions. Derived ops are built from the
primitives (``a - b = a + (-b)``, ``a / b = a * b**-1``), so each derivative rule is written exactly once.

**One rule for what is not a number:** every Value holds a finite real ``data`` and, after ``backward()``, a
finite real ``grad``. An input that is not a finite real number is refused (TypeError, or ValueError for NaN, inf
and an int or Fraction beyond the float64 range); an operation whose result is not a finite real raises at once,
naming the operation and its operands — ``ZeroDivisionError`` for a division by zero, ``ValueError`` for overflow
(``exp(1000)``, ``1e200 * 1e200``, and in ``backward()`` a gradient that overflows, such as that of
``1 / x`` at x = 1e-200), the log of a number <= 0, a fractional power of a negative number, or a derivative that
is infinite where it is taken (``x ** 0.5`` at 0, where PyTorch would return inf). Where a derivative is finite by
continuity it is that value: ``d(x ** 0)/dx = 0`` and ``d(x ** 1)/dx = 1`` at x = 0, as in PyTorch.
:class:`bplib.forward_mode.Dual` follows the same rule, with the same (private) helpers.
"""
import math
import numbers

from ._checks import lift
from .activation_functions import sigmoid as _sigmoid


class Value:
    """A scalar in a computational graph."""

    def __init__(self, data, _children=(), _op="", label=""):
        data = _real(data, "data")
        if not isinstance(label, str):
            raise TypeError(f"label must be a string, got {label!r}")
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __add__(self, other):
        other = _lift(other)
        out = Value(_finite(self.data + other.data, "{:g} + {:g}", self.data, other.data), (self, other), "+")
        def _backward():                   # d(a+b)/da = d(a+b)/db = 1: add distributes the gradient
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _lift(other)
        out = Value(_finite(self.data * other.data, "{:g} * {:g}", self.data, other.data), (self, other), "*")
        def _backward():                   # d(ab)/da = b, d(ab)/db = a: multiply swaps the inputs
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        _check_power(self.data, k)
        out = Value(_finite(_power(self.data, float(k)), "{:g} ** {}", self.data, k), (self,), f"**{float(k):g}")
        def _backward():                   # d(x^k)/dx = k x^(k-1)   (0 for k = 0; infinite at x = 0 for 0<k<1)
            if k == 0:
                return
            if self.data == 0 and k < 1:
                raise ValueError(f"the derivative of x ** {k} at x = 0 is infinite")
            self.grad += k * _power(self.data, k - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(_finite(_exp(self.data), "exp({:g})", self.data), (self,), "exp")
        def _backward():                   # d(e^x)/dx = e^x
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data!r}")
        out = Value(math.log(self.data), (self,), "log")
        def _backward():                   # d(log x)/dx = 1/x
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")
        def _backward():                   # tanh' = 1 - tanh²
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        out = Value(float(_sigmoid(self.data)), (self,), "σ")
        def _backward():                   # σ' = σ(1 - σ)
            self.grad += out.data * (1.0 - out.data) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")
        def _backward():                   # relu' = 1 for x > 0, else 0: relu routes the gradient or blocks it
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        """Set ``grad`` on every Value this one depends on: one sweep in reverse topological order.

        Gradients of the graph are reset to 0 first, so calling ``backward()`` twice gives the same result. A
        gradient that overflows raises a ValueError naming the operation whose local chain rule overflowed.
        """
        topo = self.topological_order()
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
        for v in reversed(topo):           # the first non-finite grad in sweep order: its users' closures overflowed
            if not math.isfinite(v.grad):
                users = " and ".join(repr(u.op) for u in topo if any(c is v for c in u._prev))
                _overflow("the gradient through {} at its input {:g}", users, v.data)

    def topological_order(self):
        """Every Value in the graph, each after all of its inputs (iterative, so deep graphs are fine)."""
        topo, seen, stack = [], set(), [(self, False)]
        while stack:
            v, expanded = stack.pop()
            if expanded:
                topo.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev if id(c) not in seen)
        return topo

    @property
    def op(self):
        """The operation that made this Value (``"+"``, ``"*"``, ``"exp"``, ...), or ``""`` for an input."""
        return self._op

    @property
    def children(self):
        """The Values this one was computed from (empty for an input or a constant)."""
        return self._prev

    # Derived ops: built from the primitives above, so no new derivative rules.
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * _divisor(other, self) ** -1
    def __rtruediv__(self, other): return _lift(other) * _divisor(self, other) ** -1

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


# The one rule for what is not a number, shared with forward_mode.Dual: inputs by _real, results by _finite.

def _real(x, name, expected="a finite real number"):
    # x as a float, after checking it is a real number (not a bool), finite and within the float64 range
    if type(x) is float and math.isfinite(x):      # the common case, first: every operation's result
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r}")
    try:
        value = float(x)
    except OverflowError:                  # an int or Fraction beyond the float range
        raise ValueError(f"{name} must be {expected}, got a number beyond the float64 range (about ±1.8e308)") \
            from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be {expected}, got {x!r}")
    return value


def _finite(result, expression, *operands):
    # result if it is a finite real; otherwise the overflow error (expression is filled in only when needed)
    if math.isfinite(result):
        return result
    _overflow(expression, *operands)


def _overflow(expression, *operands):
    # the ValueError for a result that is not a finite real, naming the operation (a format string) and operands
    raise ValueError(f"{expression.format(*operands)} overflows: the result is not a finite number")


def _check_power(x, k):
    # x ** k has a real result: k a finite real number; no fractional power of x < 0; no negative power of 0
    if isinstance(k, bool) or not isinstance(k, numbers.Real):
        raise TypeError(f"exponent must be a plain number (int or float), got {type(k).__name__}")
    integer = _real(k, "exponent", "a finite number").is_integer()
    if x < 0 and not integer:
        raise ValueError(f"{x!r} ** {k} is not a real number (a fractional power needs a base >= 0)")
    if x == 0 and k < 0:
        raise ZeroDivisionError(f"{x!r} ** {k} divides by zero")


def _power(x, k):
    # x ** k, or inf where Python's float power raises OverflowError instead of returning inf
    try:
        return x ** k
    except OverflowError:
        return math.inf


def _exp(x):
    # e ** x, or inf past about 709.78 where math.exp raises OverflowError instead of returning inf
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _divisor(x, numerator):
    x = _lift(x)
    if x.data == 0:
        raise ZeroDivisionError(f"division by zero: {_lift(numerator).data:g} / 0")
    return x


def _lift(x):
    # Wrap a plain number as a constant Value; anything else is a TypeError naming what was expected.
    return lift(x, Value)
