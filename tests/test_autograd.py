"""bplib.autograd.Value: hand-derived examples, every op's local derivative, random expression graphs with
shared subexpressions against central finite differences, and bad input."""
import math
from fractions import Fraction

import numpy as np
import pytest

from bplib.autograd import Value
from bplib.gradcheck import numerical_gradient, relative_error

TOL = 1e-6


def test_x_plus_y_times_z():
    # f = (x + y) z at (-2, 5, -4): q = x + y = 3, f = -12; ∂f/∂z = q = 3, ∂f/∂x = ∂f/∂y = z = -4
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    f = (x + y) * z
    f.backward()
    assert f.data == -12.0
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    assert f.grad == 1.0


def test_tanh_neuron_by_hand():
    # o = tanh(x1 w1 + x2 w2 + b) with x = (2, 0), w = (-3, 1), b = 0.8813735870195432 + 6 = ... so that
    # n = -6 + 0 + 6.8813735870195432 = atanh(1/√2) and o = 1/√2; do/dn = 1 - o² = 1/2
    # ∂o/∂x1 = w1/2 = -1.5, ∂o/∂w1 = x1/2 = 1, ∂o/∂x2 = w2/2 = 0.5, ∂o/∂w2 = x2/2 = 0, ∂o/∂b = 0.5
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.0 + math.atanh(1 / math.sqrt(2)))
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert abs(o.data - 1 / math.sqrt(2)) < 1e-15
    for v, expected in [(x1, -1.5), (w1, 1.0), (x2, 0.5), (w2, 0.0), (b, 0.5)]:
        assert abs(v.grad - expected) < 1e-9


def test_shared_subexpressions_accumulate():
    # f = a·a + a at a = 3: f' = 2a + 1 = 7 (a used three times)
    a = Value(3.0)
    f = a * a + a
    f.backward()
    assert (f.data, a.grad) == (12.0, 7.0)
    # g = a + a: 2;  h = b·b where b = a + 1 (b shared): 2b = 8
    a = Value(3.0)
    g = a + a
    g.backward()
    assert a.grad == 2.0
    a = Value(3.0)
    b = a + 1
    h = b * b
    h.backward()
    assert (b.grad, a.grad) == (8.0, 8.0)
    # diamond: c = a·2, d = a·3, e = c·d = 6a²: e' = 12a = 36
    a = Value(3.0)
    e = (a * 2) * (a * 3)
    e.backward()
    assert a.grad == 36.0


def test_backward_twice_gives_the_same_gradients():
    a, b = Value(1.5), Value(-0.5)
    f = (a * b + a.exp()) / (b * b + 1)
    f.backward()
    first = (a.grad, b.grad)
    f.backward()
    assert (a.grad, b.grad) == first


def test_numbers_on_either_side():
    x = Value(2.0)
    # 3 + x, x + 3, 3 - x, x - 3, 3 x, x 3, 3 / x, x / 3, -x, x**3
    cases = [(3 + x, 5.0, 1.0), (x + 3, 5.0, 1.0), (3 - x, 1.0, -1.0), (x - 3, -1.0, 1.0),
             (3 * x, 6.0, 3.0), (x * 3, 6.0, 3.0), (3 / x, 1.5, -3 / 4), (x / 3, 2 / 3, 1 / 3),
             (-x, -2.0, -1.0), (x ** 3, 8.0, 12.0), (x ** 0.5, math.sqrt(2), 0.5 / math.sqrt(2)),
             (x ** -2, 0.25, -2 / 8)]
    for f, value, slope in cases:
        f.backward()
        assert abs(f.data - value) < 1e-15 and abs(x.grad - slope) < 1e-15, f


def test_plus_equals():
    x = Value(2.0)
    s = Value(0.0)
    for _ in range(3):
        s += x * x          # s = 3x²: ds/dx = 6x = 12
    s += 1
    s.backward()
    assert (s.data, x.grad) == (13.0, 12.0)


UNARY = {
    "exp": (lambda v: v.exp(), math.exp, [-3.0, 0.0, 1.7]),
    "log": (lambda v: v.log(), math.log, [0.2, 1.0, 5.0]),
    "tanh": (lambda v: v.tanh(), math.tanh, [-2.0, 0.0, 0.7]),
    "sigmoid": (lambda v: v.sigmoid(), lambda t: 1 / (1 + math.exp(-t)), [-4.0, 0.0, 2.5]),
    "relu": (lambda v: v.relu(), lambda t: max(t, 0.0), [-1.0, 0.5, 3.0]),
    "neg": (lambda v: -v, lambda t: -t, [-1.0, 2.0]),
    "pow3": (lambda v: v ** 3, lambda t: t ** 3, [-1.5, 0.5, 2.0]),
    "pow-1.5": (lambda v: v ** -1.5, lambda t: t ** -1.5, [0.3, 2.0]),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_local_derivatives(name):
    op, plain, points = UNARY[name]
    for t in points:
        v = Value(t)
        out = op(v)
        out.backward()
        assert abs(out.data - plain(t)) <= 1e-15 * max(1, abs(plain(t)))
        numeric = (plain(t + 1e-6) - plain(t - 1e-6)) / 2e-6
        assert abs(v.grad - numeric) <= 1e-7 * max(1, abs(numeric)), (name, t)


def test_relu_gradient_is_zero_at_zero():
    v = Value(0.0)
    out = v.relu()
    out.backward()
    assert (out.data, v.grad) == (0.0, 0.0)


def test_sigmoid_and_tanh_saturate_without_overflow():
    for t in (1000.0, -1000.0):
        for op in ("sigmoid", "tanh"):
            v = Value(t)
            out = getattr(v, op)()
            out.backward()
            assert math.isfinite(out.data) and v.grad == 0.0


# ------------------------------------------------------------------ random expression graphs

BINARY = ["+", "-", "*", "/", "r+", "r-", "r*", "r/"]
UNARIES = ["exp", "log", "tanh", "sigmoid", "relu", "pow", "neg"]


def random_program(rng, n_inputs, n_ops):
    """A random straight-line program over a pool of nodes: each op reads earlier nodes (often the same one
    twice, and every node can be read many times: shared subexpressions) or a plain number on either side.

    Guards keep it differentiable and in-domain at the chosen point (log of > 0.1, division by |x| > 0.1,
    relu away from its kink, exp of |x| < 5); the program is fixed, so finite differences evaluate the same
    function. Returns the list of instructions and the input point.
    """
    x0 = rng.uniform(-2, 2, n_inputs)
    values = list(x0)
    program = []
    for _ in range(n_ops):
        for _attempt in range(20):
            i, j = (int(k) for k in rng.integers(0, len(values), 2))
            c = float(np.round(rng.uniform(-3, 3), 2)) or 1.5
            if rng.random() < 0.5:
                op = str(rng.choice(BINARY))
                if op in ("/",) and abs(values[j]) < 0.1 or op == "r/" and abs(values[i]) < 0.1:
                    continue
                instr = (op, i, j, c)
            else:
                op = str(rng.choice(UNARIES))
                x = values[i]
                if op == "log" and x < 0.1 or op == "relu" and abs(x) < 1e-3 or op == "exp" and abs(x) > 5:
                    continue
                if op == "pow":
                    c = float(rng.choice([2, 3, -1, 0.5, -2]))
                    if (c < 0 and abs(x) < 0.1) or (c == 0.5 and x < 0.1):
                        continue
                instr = (op, i, j, c)
            result = evaluate_float(instr, values)
            if abs(result) < 1e3:
                break
        else:
            instr = ("tanh", i, j, c)
            result = evaluate_float(instr, values)
        program.append(instr)
        values.append(result)
    return program, x0


def apply(instr, nodes, lib):
    op, i, j, c = instr
    a, b = nodes[i], nodes[j]
    return {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
            "r+": lambda: c + a, "r-": lambda: c - a, "r*": lambda: c * a, "r/": lambda: c / a,
            "exp": lambda: lib["exp"](a), "log": lambda: lib["log"](a), "tanh": lambda: lib["tanh"](a),
            "sigmoid": lambda: lib["sigmoid"](a), "relu": lambda: lib["relu"](a), "pow": lambda: a ** c,
            "neg": lambda: -a}[op]()


# plain floats and the math module: an evaluator that shares no code with Value
FLOAT = {"exp": math.exp, "log": math.log, "tanh": math.tanh, "relu": lambda t: max(t, 0.0),
         "sigmoid": lambda t: 1 / (1 + math.exp(-t)) if t >= 0 else math.exp(t) / (1 + math.exp(t))}
VALUE = {name: (lambda name: lambda v: getattr(v, name)())(name) for name in FLOAT}


def evaluate_float(instr, values):
    return apply(instr, values, FLOAT)


def run_program(program, inputs, lib):
    nodes = list(inputs)
    for instr in program:
        nodes.append(apply(instr, nodes, lib))
    # the output mixes the last few nodes so that many intermediate results feed it along several paths
    out = nodes[-1]
    for k in (2, 3, 4):
        if len(nodes) > k:
            out = out + nodes[-k] * 0.5
    return out


@pytest.mark.parametrize("seed", range(60))
def test_random_expression_graphs(seed):
    rng = np.random.default_rng(seed)
    n_inputs = 1 + seed % 4
    program, x0 = random_program(rng, n_inputs, n_ops=5 + seed % 20)
    leaves = [Value(float(t)) for t in x0]
    out = run_program(program, leaves, VALUE)
    out.backward()
    plain = run_program(program, list(x0), FLOAT)
    assert abs(out.data - plain) <= 1e-12 * max(1.0, abs(plain))
    numeric = numerical_gradient(lambda x: run_program(program, list(x), FLOAT), x0, h=1e-6)
    analytic = np.array([v.grad for v in leaves])
    assert relative_error(analytic, numeric) <= TOL, (program, analytic, numeric)


def test_random_graphs_reuse_nodes():
    # the generator really produces shared subexpressions: some node is read more than once
    program, _ = random_program(np.random.default_rng(0), 3, 20)
    reads = [k for op, i, j, c in program for k in ((i, j) if op in ("+", "-", "*", "/") else (i,))]
    assert len(reads) > len(set(reads))


def test_deep_chain_does_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_bad_input():
    with pytest.raises(TypeError, match="data must be a real number"):
        Value("1.0")
    with pytest.raises(TypeError, match="data must be a real number"):
        Value(True)
    with pytest.raises(TypeError, match="Value or a real number.*str"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="Value or a real number"):
        [1.0] * Value(2.0)
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="log needs a positive value"):
        Value(0.0).log()
    with pytest.raises(ValueError, match=r"-2.0 \*\* 0.5 is not a real number.*base >= 0"):
        Value(-2.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match=r"0.0 \*\* -1 divides by zero"):
        Value(0.0) ** -1
    assert (Value(-2.0) ** 2).data == 4.0 and (Value(-2.0) ** -1.0).data == -0.5


def test_repr_and_label():
    v = Value(1.5, label="w1")
    assert repr(v) == "Value(w1: data=1.5, grad=0)"


@pytest.mark.parametrize("x", [709.0, 709.78])
def test_exp_just_below_overflow_is_finite(x):
    assert Value(x).exp().data == pytest.approx(math.exp(x), rel=1e-15)


@pytest.mark.parametrize("x", [709.8, 710.0, 710.5, 1e5])
def test_exp_overflow_is_a_value_error(x):
    with pytest.raises(ValueError, match=r"exp\(.*\) overflows"):
        Value(x).exp()


def test_zero_to_the_zero_and_children():
    assert (Value(0.0) ** 0).data == 1.0                           # 0 ** 0 = 1, not a division by zero
    a, b = Value(2.0), Value(3.0)
    c = a * b
    assert c.children == (a, b) and c.op == "*" and a.children == () and a.op == ""


# ------------------------------------------------------------------ the one rule at the edges of the float range

@pytest.mark.parametrize("build, x, message", [
    (lambda x: x ** -1, 1e-200, r"the gradient through '\*\*-1' at its input 1e-200 overflows"),
    (lambda x: 1 / x, 1e-200, r"the gradient through '\*\*-1' at its input 1e-200 overflows"),
    (lambda x: x ** -0.5, 1e-300, r"the gradient through '\*\*-0.5' at its input 1e-300 overflows"),
    (lambda x: x.log(), 1e-320, r"the gradient through 'log' at its input 9.99989e-321 overflows"),
    (lambda x: (x * 1e300) * 1e300, 1e-300, r"the gradient through '\*' at its input 1e-300 overflows"),
    # the first overflow in sweep order is named, not the input it then reaches through '*'
    (lambda x: (x * 1.0) ** -1, 1e-200, r"the gradient through '\*\*-1' at its input 1e-200 overflows"),
    # two finite contributions whose sum overflows: both users are named
    (lambda x: x * 1e308 + x * 1e308, 1e-300, r"through '\*' and '\*' at its input 1e-300 overflows"),
])
def test_a_gradient_that_overflows_is_a_value_error_naming_the_op(build, x, message):
    out = build(Value(x))
    assert math.isfinite(out.data)
    with pytest.raises(ValueError, match=message) as info:
        out.backward()
    assert type(info.value) is ValueError


@pytest.mark.parametrize("x, k", [(1e-150, -1), (1e-154, -1.0), (1e-100, -2), (1e300, 1.0), (1e-300, 0.5)])
def test_a_gradient_near_the_edge_is_exact(x, k):
    # d(x^k)/dx = k x^(k-1): still finite here (1e300 for 1/x at 1e-150, 1e308 at 1e-154)
    v = Value(x)
    out = v ** k
    out.backward()
    assert v.grad == pytest.approx(k * x ** (k - 1), rel=1e-15)


@pytest.mark.parametrize("call, error, message", [
    (lambda: Value(10 ** 400), ValueError, r"data must be a finite real number, got a number beyond the float64 range"),
    (lambda: Value(-10 ** 400), ValueError, r"data must be a finite real number, got a number beyond"),
    (lambda: Value(Fraction(10 ** 400, 3)), ValueError, r"data must be a finite real number, got a number beyond"),
    (lambda: Value(1.0) + 10 ** 400, ValueError, r"data must be a finite real number, got a number beyond"),
    (lambda: 10 ** 400 * Value(1.0), ValueError, r"data must be a finite real number, got a number beyond"),
    (lambda: Value(2.0) ** 10 ** 400, ValueError, r"exponent must be a finite number, got a number beyond the float64"),
    (lambda: Value(-2.0) ** -10 ** 400, ValueError, r"exponent must be a finite number, got a number beyond"),
    (lambda: Value(2.0) ** math.nan, ValueError, r"exponent must be a finite number, got nan"),
    (lambda: Value(2.0) ** -math.inf, ValueError, r"exponent must be a finite number, got -inf"),
    (lambda: Value(1e200) ** Fraction(2), ValueError, r"1e\+200 \*\* 2 overflows: the result is not a finite number"),
    (lambda: Value(2.0) ** 10000, ValueError, r"2 \*\* 10000 overflows"),
    (lambda: Value(1.0) / 1e-320, ValueError, r"9.99989e-321 \*\* -1 overflows"),
    (lambda: Value(np.float64(1e308)) * np.float64(10.0), ValueError, r"1e\+308 \* 10 overflows"),
    (lambda: Value(0.0) ** -0.5, ZeroDivisionError, r"0.0 \*\* -0.5 divides by zero"),
    (lambda: Value(-8.0) ** 0.5, ValueError, r"-8.0 \*\* 0.5 is not a real number"),
])
def test_numbers_beyond_the_float_range_and_overflow(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert type(info.value) is error


@pytest.mark.parametrize("data, expected", [(3, 3.0), (np.float64(2.5), 2.5), (np.float32(0.5), 0.5),
                                            (Fraction(1, 4), 0.25), (10 ** 300, 1e300), (np.int64(-7), -7.0),
                                            (-1.7e308, -1.7e308), (5e-324, 5e-324)])
def test_data_is_a_plain_float(data, expected):
    v = Value(data)
    assert type(v.data) is float and v.data == expected


def test_powers_with_other_exponent_types():
    # a Fraction exponent is its float (2 ** 1/2 = √2); an int exponent of a negative base is allowed
    v = Value(2.0)
    out = v ** Fraction(1, 2)
    out.backward()
    assert out.data == math.sqrt(2) and v.grad == pytest.approx(0.5 / math.sqrt(2), rel=1e-15)
    assert (Value(-2.0) ** 3).data == -8.0 and (Value(-2.0) ** np.int64(2)).data == 4.0


@pytest.mark.parametrize("k, grad", [(0, 0.0), (1, 1.0), (1.5, 0.0), (2, 0.0), (3, 0.0)])
def test_power_gradients_at_zero(k, grad):
    # d(x^k)/dx = k x^(k-1) at x = 0: 0 for k = 0 (x^0 is constant), 1 for k = 1, 0 for k > 1 (finite)
    x = Value(0.0)
    (x ** k).backward()
    assert x.grad == grad


def test_negation_is_one_multiplication_by_minus_one():
    # derived ops add no derivative rule: -x is the node x * -1 (chapter 2 counts its arithmetic that way)
    from bplib.forward_mode import derivative_costs
    y = -Value(2.0)
    assert y.op == "*" and y.children[1].data == -1.0
    assert derivative_costs(lambda p: -p[0], [2.0]).operations == 1
