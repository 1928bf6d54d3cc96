"""bplib.forward_mode: dual numbers against hand-derived derivatives, finite differences and reverse mode
(Value); the operation counts against hand counts; path counting; bad input."""
import math
from fractions import Fraction

import numpy as np
import pytest

from bplib.autograd import Value
from bplib.forward_mode import (ARITHMETIC, Dual, count_edges, count_paths, derivative_costs, gradient_forward,
                                jvp)
from bplib.gradcheck import numerical_gradient, relative_error


# Each unary op at a point: (op applied to u, its derivative at u, u)
UNARY = [
    (lambda u: u.exp(), math.exp, 0.3),
    (lambda u: u.log(), lambda u: 1 / u, 1.7),
    (lambda u: u.tanh(), lambda u: 1 - math.tanh(u) ** 2, -0.4),
    (lambda u: u.sigmoid(), lambda u: math.exp(-u) / (1 + math.exp(-u)) ** 2, 0.8),
    (lambda u: u.relu(), lambda u: 1.0, 0.5),
    (lambda u: u.relu(), lambda u: 0.0, -0.5),
    (lambda u: u ** 3, lambda u: 3 * u ** 2, -1.2),
    (lambda u: u ** 0.5, lambda u: 0.5 / math.sqrt(u), 2.0),
    (lambda u: -u, lambda u: -1.0, 0.7),
    (lambda u: 1 / u, lambda u: -1 / u ** 2, 0.6),
    (lambda u: 2 - u, lambda u: -1.0, 0.6),
    (lambda u: u * u + u, lambda u: 2 * u + 1, 3.0),
    (lambda u: u.log(), lambda u: 1 / u, 0.5),                  # log below 1 (negative values) is fine
    (lambda u: u.relu(), lambda u: 0.0, 0.0),                    # relu'(0) = 0, as in Value.relu
    (lambda u: 2.5 * u, lambda u: 2.5, -0.3),
    (lambda u: 2.5 + u, lambda u: 1.0, -0.3),
]


@pytest.mark.parametrize("op, derivative, u", UNARY)
def test_tangent_is_the_derivative(op, derivative, u):
    d = op(Dual(u, 1.0))
    assert d.value == pytest.approx(op(Value(u)).data, rel=1e-15)
    assert d.tangent == pytest.approx(derivative(u), rel=1e-12, abs=1e-15)
    assert op(Dual(u, 2.5)).tangent == pytest.approx(2.5 * derivative(u), rel=1e-12, abs=1e-15)  # linear in ẋ


def test_binary_ops_by_hand():
    # at (a, b) = (3, -2) with tangents (1, 0): d(a+b) = 1, d(ab) = b = -2, d(a-b) = 1, d(a/b) = 1/b = -0.5
    a, b = Dual(3.0, 1.0), Dual(-2.0, 0.0)
    assert ((a + b).value, (a + b).tangent) == (1.0, 1.0)
    assert ((a * b).value, (a * b).tangent) == (-6.0, -2.0)
    assert ((a - b).value, (a - b).tangent) == (5.0, 1.0)
    assert ((a / b).value, (a / b).tangent) == (-1.5, -0.5)
    # tangents (0, 1): d(ab) = a = 3, d(a/b) = -a/b² = -0.75
    a, b = Dual(3.0, 0.0), Dual(-2.0, 1.0)
    assert (a * b).tangent == 3.0 and (a / b).tangent == -0.75


def neuron(p):
    # (tanh(w1 x1 + w2 x2 + b) - 0.5)^2 with x = (2, -1): chapter 2's neuron, written once for Value and Dual
    w1, w2, b = p
    return ((w1 * 2.0 + w2 * -1.0 + b).tanh() - 0.5) ** 2


def mixed(p):
    # every primitive once, plus derived ops, with shared subexpressions
    x, y, z = p
    s = (x * y).sigmoid() + (y - z).relu() / (1 + z ** 2)
    return (s.exp() + (x * x + 1).log()) * s.tanh() - x / (y + 3)


@pytest.mark.parametrize("f, x", [(neuron, [-0.3, 0.8, 0.1]), (neuron, [1.1, -0.4, 2.0]),
                                  (mixed, [0.4, 1.3, -0.2]), (mixed, [-1.0, 0.5, 0.7])])
def test_gradient_forward_equals_reverse_mode_and_finite_differences(f, x):
    grad = gradient_forward(f, x)
    params = [Value(xi) for xi in x]
    out = f(params)
    out.backward()
    np.testing.assert_allclose(grad, [p.grad for p in params], rtol=1e-12, atol=1e-15)
    assert relative_error(grad, numerical_gradient(lambda q: f([Value(qi) for qi in q]).data, x)) < 1e-8
    assert grad.shape == (3,)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jvp_is_the_directional_derivative(seed):
    rng = np.random.default_rng(seed)
    x, v = rng.normal(size=3), rng.normal(size=3)
    value, dot = jvp(mixed, x, v)
    assert value == mixed([Value(xi) for xi in x]).data
    np.testing.assert_allclose(dot, gradient_forward(mixed, x) @ v, rtol=1e-12)


def test_jacobian_of_a_vector_function():
    # f(x) = (x1 x2, x1 + sin-free x2²): J = [[x2, x1], [1, 2 x2]] at (3, -2): [[-2, 3], [1, -4]]
    J = gradient_forward(lambda p: [p[0] * p[1], p[0] + p[1] ** 2], [3.0, -2.0])
    np.testing.assert_array_equal(J, [[-2.0, 3.0], [1.0, -4.0]])
    values, tangents = jvp(lambda p: [p[0] * p[1], p[0] + p[1] ** 2], [3.0, -2.0], [1.0, 0.0])
    np.testing.assert_array_equal(values, [-6.0, 7.0])
    np.testing.assert_array_equal(tangents, [-2.0, 1.0])


def test_one_pass_per_input():
    calls = []

    def f(p):
        calls.append(1)
        return neuron(p)
    gradient_forward(f, [0.1, 0.2, 0.3])
    assert len(calls) == 3


def test_arithmetic_table_covers_every_value_op():
    x = Value(0.7)
    ops = {v.op for v in (((x * 2 + 1) ** 2).exp().log().tanh().sigmoid().relu()).topological_order() if v.op}
    assert {"**" if op.startswith("**") else op for op in ops} == set(ARITHMETIC)


@pytest.mark.parametrize("n", [1, 2, 5, 16])
def test_costs_of_the_neuron_by_hand(n):
    # L = (tanh(Σ w_i x_i + b) - y)²: n '*', n '+' (the sum), tanh, '+' (minus the constant y), '**2':
    # F = 2n + 3 operations, evaluation E = F; closures 4n + 2n + 4 + 2 + 5 = 6n + 11;
    # tangents 3n + n + 3 + 1 + 4 = 4n + 8; central differences 2nE + 5n.
    rng = np.random.default_rng(n)
    inputs = rng.normal(size=n)

    def loss(w):
        s = 0.3
        for wi, xi in zip(w, inputs):
            s = s + wi * xi
        return (s.tanh() - 0.5) ** 2
    c = derivative_costs(loss, rng.normal(size=n))
    F = 2 * n + 3
    assert (c.n, c.m, c.operations, c.evaluation) == (n, 1, F, F)
    assert c.reverse == F + 6 * n + 11
    assert c.forward == n * (F + 4 * n + 8)
    assert c.central_differences == 2 * n * F + 5 * n


def test_costs_with_several_outputs_count_one_backward_sweep_per_output():
    # y1 = a·b, y2 = (a·b)·a share the product: ops '*', '*' (E = 2); sweeps: y1 → 4, y2 → 4 + 4
    def f(p):
        ab = p[0] * p[1]
        return [ab, ab * p[0]]
    c = derivative_costs(f, [2.0, 3.0])
    assert (c.n, c.m, c.operations, c.evaluation) == (2, 2, 2, 2)
    assert c.reverse == 2 + 4 + 8
    assert c.forward == 2 * (4 + 4)
    assert c.central_differences == 2 * 2 * 2 + 2 * (2 + 6)


@pytest.mark.parametrize("stages", [1, 2, 5, 30])
def test_paths_double_per_stage_edges_grow_linearly(stages):
    # v ← 0.5·v + tanh(v): two paths from v to the next v per stage, so 2^stages paths; 5 edges per stage
    # (v→*, 0.5→*, v→tanh, *→+, tanh→+)
    x = Value(0.3)
    v = x
    for _ in range(stages):
        v = v * 0.5 + v.tanh()
    assert count_paths(v, x) == 2 ** stages
    assert count_edges(v) == 5 * stages


def test_paths_count_repeated_uses_and_missing_leaves():
    x, y = Value(2.0), Value(1.0)
    assert count_paths(x * x, x) == 2              # x used twice: two edges, two paths
    assert count_paths((x * x) * (x + 1), x) == 3
    assert count_paths(x * 3, y) == 0              # y not in the graph
    assert count_paths(x, x) == 1


def test_bad_input():
    with pytest.raises(TypeError, match="value must be a real number"):
        Dual("1")
    with pytest.raises(TypeError, match="Dual or a real number"):
        Dual(1.0) + "a"
    with pytest.raises(ValueError, match="log needs a positive value"):
        Dual(0.0).log()
    with pytest.raises(ValueError, match="not a real number"):
        Dual(-1.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        Dual(0.0) ** -1
    with pytest.raises(ValueError, match="infinite"):
        Dual(0.0, 1.0) ** 0.5
    assert ((Dual(0.0, 1.0) ** 0).value, (Dual(0.0, 1.0) ** 0).tangent) == (1.0, 0.0)   # as Value: 0 by continuity
    assert (Dual(0.0, 1.0) ** 1).tangent == 1.0
    with pytest.raises(TypeError, match="exponent"):
        Dual(1.0) ** Dual(2.0)
    with pytest.raises(TypeError, match="must return a Dual"):
        gradient_forward(lambda p: 3.0, [1.0])
    with pytest.raises(ValueError, match="one length n"):
        jvp(neuron, [1.0, 2.0, 3.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="vector"):
        gradient_forward(neuron, [[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match=r"f must be a callable f\(list of Value\) -> Value, got str"):
        derivative_costs("f", [1.0])
    with pytest.raises(TypeError, match="must return a Value"):
        derivative_costs(lambda p: [], [1.0])
    with pytest.raises(TypeError, match="Value"):
        count_paths(1.0, Value(1.0))


# ------------------------------------------------------------------ Value's rule for what is not a number

@pytest.mark.parametrize("call, error, message", [
    (lambda: Dual(math.nan), ValueError, r"value must be a finite real number, got nan"),
    (lambda: Dual(1.0, math.inf), ValueError, r"tangent must be a finite real number, got inf"),
    (lambda: Dual(10 ** 400), ValueError, r"value must be a finite real number, got a number beyond the float64"),
    (lambda: Dual(1.0, -10 ** 400), ValueError, r"tangent must be a finite real number, got a number beyond"),
    (lambda: Dual(True), TypeError, r"value must be a real number, got True"),
    (lambda: Dual(1.0, "1"), TypeError, r"tangent must be a real number, got '1'"),
    (lambda: Dual(1.0) * math.nan, ValueError, r"value must be a finite real number, got nan"),
    (lambda: Dual(1e200) * 1e200, ValueError, r"1e\+200 \* 1e\+200 overflows: the result is not a finite number"),
    (lambda: Dual(1e308) + 1e308, ValueError, r"1e\+308 \+ 1e\+308 overflows"),
    (lambda: Dual(1000.0).exp(), ValueError, r"exp\(1000\) overflows"),
    (lambda: Dual(2.0) ** 10000, ValueError, r"2 \*\* 10000 overflows"),
    (lambda: Dual(1.0) / 1e-320, ValueError, r"9.99989e-321 \*\* -1 overflows"),
    (lambda: Dual(1.0, 1e308) + Dual(1.0, 1e308), ValueError, r"the derivative of 1 \+ 1 overflows"),
    (lambda: Dual(1.0, 1e308) * Dual(2.0, 1e308), ValueError, r"the derivative of 1 \* 2 overflows"),
    (lambda: Dual(1e-200, 1.0) ** -1, ValueError, r"the derivative of 1e-200 \*\* -1 overflows"),
    (lambda: Dual(700.0, 1e100).exp(), ValueError, r"the derivative of exp\(700\) overflows"),
    (lambda: Dual(1e-320, 1.0).log(), ValueError, r"the derivative of log\(9.99989e-321\) overflows"),
    (lambda: Dual(2.0) ** math.inf, ValueError, r"exponent must be a finite number, got inf"),
    (lambda: Dual(2.0) ** math.nan, ValueError, r"exponent must be a finite number, got nan"),
    (lambda: Dual(2.0) ** 10 ** 400, ValueError, r"exponent must be a finite number, got a number beyond"),
    (lambda: Dual(2.0) ** True, TypeError, r"exponent must be a plain number \(int or float\), got bool"),
    (lambda: Dual(-8.0) ** Fraction(1, 3), ValueError, r"-8.0 \*\* 1/3 is not a real number"),
    (lambda: Dual(1.0) / 0, ZeroDivisionError, r"division by zero: 1 / 0"),
    (lambda: Dual(3.0) / Dual(0.0, 1.0), ZeroDivisionError, r"division by zero: 3 / 0"),
    (lambda: 2 / Dual(0.0), ZeroDivisionError, r"division by zero: 2 / 0"),
    (lambda: jvp(lambda p: p[0] * 1e200 * 1e200, [1.0], [1.0]), ValueError, r"1e\+200 \* 1e\+200 overflows"),
    (lambda: gradient_forward(lambda p: (p[0] * 1e300) * 1e300, [1e-300]), ValueError,
     r"the derivative of 1 \* 1e\+300 overflows"),
])
def test_dual_follows_values_rule(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert type(info.value) is error


@pytest.mark.parametrize("op, value, tangent", [
    (lambda: Dual(1e154, 1.0) * 1e154, 1e308, 1e154),               # just inside the range: exact
    (lambda: Dual(1e308, 1.0) + -1e308, 0.0, 1.0),
    (lambda: Dual(709.0, 1.0).exp(), math.exp(709.0), math.exp(709.0)),
    (lambda: Dual(1e-154, 1.0) ** -1, 1e154, -1e308),
    (lambda: Dual(1e-300, 1.0).log(), math.log(1e-300), 1e300),
    (lambda: Dual(5e-324, 1.0) ** 1, 5e-324, 1.0),
    (lambda: Dual(10 ** 300, 3), 1e300, 3.0),
    (lambda: 1.0 / Dual(4.0, 1.0), 0.25, -1 / 16),
])
def test_dual_at_the_edges_of_the_range(op, value, tangent):
    d = op()
    assert d.value == pytest.approx(value, rel=1e-15) and d.tangent == pytest.approx(tangent, rel=1e-15)
    assert type(d.value) is float and type(d.tangent) is float


@pytest.mark.parametrize("call, error, message", [
    (lambda: jvp(neuron, [], []), ValueError, r"x must not be empty, got shape \(0,\)"),
    (lambda: jvp(neuron, [1.0, 2.0, 3.0], [True, False, False]), TypeError,
     r"v must be an array of real numbers, got bool"),
    (lambda: jvp(neuron, [True, False, True], [1.0, 0.0, 0.0]), TypeError,
     r"x must be an array of real numbers, got bool"),
    (lambda: jvp("f", [1.0], [1.0]), TypeError, r"f must be a callable f\(list of Dual\) -> Dual, got str"),
    (lambda: jvp(neuron, [1.0, 2.0, np.nan], [1.0, 0.0, 0.0]), ValueError, r"x contains NaN or inf"),
    (lambda: gradient_forward("f", []), TypeError, r"f must be a callable f\(list of Dual\) -> Dual, got str"),
    (lambda: gradient_forward(neuron, []), ValueError, r"x must not be empty"),
    (lambda: gradient_forward(lambda p: p[0], [True, False]), TypeError,
     r"x must be an array of real numbers, got bool"),
    (lambda: gradient_forward(neuron, 1.0), ValueError, r"x must be a vector, got shape \(\)"),
    (lambda: derivative_costs(lambda p: p[0], []), ValueError, r"x must not be empty"),
    (lambda: derivative_costs(lambda p: p[0], [True]), TypeError, r"x must be an array of real numbers, got bool"),
    (lambda: derivative_costs(lambda p: p[0], [[1.0]]), ValueError, r"x must be a vector, got shape \(1, 1\)"),
])
def test_bad_points_and_functions(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert type(info.value) is error


def test_repr_shows_value_and_tangent():
    assert repr(Dual(0.25, -3.0)) == "Dual(value=0.25, tangent=-3)"


# Each primitive's (value, tangent, closure) arithmetic, counted by hand from its code in forward_mode.Dual and
# autograd.Value (elementary functions and comparisons count one each, the closure's += counts):
#   +     a+b | ȧ+ḃ                    | a.grad += ḡ, b.grad += ḡ          -> (1, 1, 2)
#   *     a·b | ȧb + aḃ (2 ·, 1 +)     | a.grad += b·ḡ, b.grad += a·ḡ      -> (1, 3, 4)
#   **k   x^k | k·x^(k-1)·ẋ (-, ^, ·, ·) | x.grad += k·x^(k-1)·ḡ            -> (1, 4, 5)
#   exp   e^x | e·ẋ                    | x.grad += e·ḡ                     -> (1, 1, 2)
#   log   ln x| ẋ/x                    | x.grad += ḡ/x                     -> (1, 1, 2)
#   tanh  t   | (1 - t²)·ẋ (², -, ·)   | x.grad += (1 - t²)·ḡ              -> (1, 3, 4)
#   σ     s   | s(1 - s)·ẋ (-, ·, ·)   | x.grad += s(1 - s)·ḡ              -> (1, 3, 4)
#   relu  max | (x > 0)·ẋ              | x.grad += (x > 0)·ḡ               -> (1, 2, 3)
@pytest.mark.parametrize("op, costs", [
    ("+", (1, 1, 2)), ("*", (1, 3, 4)), ("**", (1, 4, 5)), ("exp", (1, 1, 2)), ("log", (1, 1, 2)),
    ("tanh", (1, 3, 4)), ("σ", (1, 3, 4)), ("relu", (1, 2, 3)),
])
def test_arithmetic_table_by_hand(op, costs):
    assert ARITHMETIC[op] == costs
    apply = {"+": lambda p: p[0] + p[1], "*": lambda p: p[0] * p[1], "**": lambda p: p[0] ** 3,
             "exp": lambda p: p[0].exp(), "log": lambda p: p[0].log(), "tanh": lambda p: p[0].tanh(),
             "σ": lambda p: p[0].sigmoid(), "relu": lambda p: p[0].relu()}[op]
    value, tangent, closure = costs
    c = derivative_costs(apply, [0.5, 2.0])                 # one operation on two inputs (the second may be unused)
    assert (c.operations, c.evaluation, c.reverse, c.forward) == (1, value, value + closure, 2 * (value + tangent))


def test_derivative_costs_is_a_frozen_record():
    import dataclasses
    c = derivative_costs(lambda p: p[0] * p[1], [1.0, 2.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.forward = 0
