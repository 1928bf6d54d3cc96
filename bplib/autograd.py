r"""A scalar reverse-mode automatic differentiation engine (chapter 2), in the spirit of micrograd.

A :class:`Value` holds a number ``data`` and, after ``backward()``, ``grad`` = :math:`\partial f/\partial` (this
value), where f is the Value ``backward()`` was called on. Each primitive op builds its result and, right
under it, the closure ``_backward`` that applies the local chain rule

.. math::  \bar{x} \mathrel{+}= \bar{f}\, \partial f/\partial x ,

accumulating (``+=``) so a value used twice gets both contributions. Derived ops are built from the
primitives (``a - b = a + (-b)``, ``a / b = a * b**-1``), so each derivative rule is written exactly once.

**One rule for what is not a number:** every Value holds a finite real ``data`` and, after ``backward()``, a
finite real ``grad``. An input that is not a finite real number is refused (TypeError, or ValueError for NaN and
inf); an operation whose result is not a finite real raises at once, naming the operation and its operands —
``ZeroDivisionError`` for a division by zero, ``ValueError`` for overflow (``exp(1000)``, ``1e200 * 1e200``),
the log of a number <= 0, a fractional power of a negative number, or a derivative that is infinite where it
is taken (``x ** 0.5`` at 0, where PyTorch would return inf). Where a derivative is finite by continuity it is
that value: ``d(x ** 0)/dx = 0`` and ``d(x ** 1)/dx = 1`` at x = 0, as in PyTorch.
"""
import math
import numbers

from ._checks import lift
from .activation_functions import sigmoid as _sigmoid


class Value:
    """A scalar in a computational graph."""

    def __init__(self, data, _children=(), _op="", label=""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"data must be a real number, got {data!r}")
        if not math.isfinite(data):
            raise ValueError(f"data must be a finite real number, got {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"label must be a string, got {label!r}")
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __add__(self, other):
        other = _lift(other)
        out = Value(_finite(self.data + other.data, self, "+", other), (self, other), "+")
        def _backward():                   # d(a+b)/da = d(a+b)/db = 1: add distributes the gradient
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _lift(other)
        out = Value(_finite(self.data * other.data, self, "*", other), (self, other), "*")
        def _backward():                   # d(ab)/da = b, d(ab)/db = a: multiply swaps the inputs
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"exponent must be a plain number (int or float), got {type(k).__name__}")
        if not math.isfinite(k):
            raise ValueError(f"exponent must be a finite number, got {k!r}")
        if self.data < 0 and not float(k).is_integer():
            raise ValueError(f"{self.data!r} ** {k} is not a real number (a fractional power needs a base >= 0)")
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"{self.data!r} ** {k} divides by zero")
        try:
            result = self.data ** float(k)
        except OverflowError:
            result = math.inf
        out = Value(_finite(result, self, "**", k), (self,), f"**{float(k):g}")
        def _backward():                   # d(x^k)/dx = k x^(k-1)   (0 for k = 0; infinite at x = 0 for 0<k<1)
            if k == 0:
                return
            if self.data == 0 and k < 1:
                raise ValueError(f"the derivative of x ** {k} at x = 0 is infinite")
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        try:
            result = math.exp(self.data)
        except OverflowError:                  # math.exp raises past about 709.78 instead of returning inf
            result = math.inf
        out = Value(_finite(result, "exp", self), (self,), "exp")
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

        Gradients of the graph are reset to 0 first, so calling ``backward()`` twice gives the same result.
        """
        topo = self.topological_order()
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
        for v in topo:
            if not math.isfinite(v.grad):
                raise ValueError(f"the gradient overflowed at a {v.op or 'input'} node (data {v.data:.6g}): "
                                 f"grad = {v.grad}")

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


def _finite(result, a, op, b=None):
    # The one rule: an operation whose result is not a finite real raises, naming the operation and operands.
    if math.isfinite(result):
        return result
    def show(x):
        return f"{x.data:g}" if isinstance(x, Value) else f"{x:g}"
    expr = f"{show(a)} {op} {show(b)}" if b is not None else f"{a}({show(op)})"
    raise ValueError(f"{expr} overflows: the result is not a finite number")


def _divisor(x, numerator):
    x = _lift(x)
    if x.data == 0:
        raise ZeroDivisionError(f"division by zero: {_lift(numerator).data:g} / 0")
    return x


def _lift(x):
    # Wrap a plain number as a constant Value; anything else is a TypeError naming what was expected.
    return lift(x, Value)
