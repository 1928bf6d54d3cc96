r"""A scalar reverse-mode automatic differentiation engine (chapter 2), in the spirit of micrograd.

A :class:`Value` holds a number ``data`` and, after ``backward()``, ``grad`` = :math:`\partial f/\partial` (this
value), where f is the Value ``backward()`` was called on. Each primitive op builds its result and, right
under it, the closure ``_backward`` that applies the local chain rule

.. math::  \bar{x} \mathrel{+}= \bar{f}\, \partial f/\partial x ,

accumulating (``+=``) so a value used twice gets both contributions. Derived ops are built from the
primitives (``a - b = a + (-b)``, ``a / b = a * b**-1``), so each derivative rule is written exactly once.
"""
import math
import numbers

from .activation_functions import sigmoid as _sigmoid


class Value:
    """A scalar in a computational graph."""

    def __init__(self, data, _children=(), _op="", label=""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"data must be a real number, got {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __add__(self, other):
        other = _lift(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward():                   # d(a+b)/da = d(a+b)/db = 1: add distributes the gradient
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _lift(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward():                   # d(ab)/da = b, d(ab)/db = a: multiply swaps the inputs
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"exponent must be a plain number (int or float), got {type(k).__name__}")
        if (self.data < 0 and not float(k).is_integer()) or (self.data == 0 and k < 0):
            raise ValueError(f"{self.data!r} ** {k!r} is not a finite real number (base must be > 0 for a "
                             f"fractional exponent and != 0 for a negative one)")
        out = Value(self.data ** k, (self,), f"**{k:g}")
        def _backward():                   # d(x^k)/dx = k x^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")
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
    def __truediv__(self, other): return self * _lift(other) ** -1
    def __rtruediv__(self, other): return _lift(other) * self ** -1

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


def _lift(x):
    # Wrap a plain number as a constant Value; anything else is a TypeError naming what was expected.
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"Value arithmetic needs a Value or a real number, got {type(x).__name__}")
    return Value(x)
