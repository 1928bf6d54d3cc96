"""Mutation testing of bplib's numeric modules against the fast test suite (no third-party tool needed).

    python scripts/mutation_test.py                      # every numeric module, 2 workers
    python scripts/mutation_test.py losses mlp -j 1      # some modules
    python scripts/mutation_test.py --list               # print the mutants, run nothing

Each mutant changes ONE thing in ONE module: an arithmetic operator (+ -, * /, ** *), a comparison (< <=, > >=,
== !=, < >), a boolean operator (and or), a constant (a number n -> n + 1 for ints, x -> 2x or 0 -> 1 for floats,
True <-> False, None), a unary minus dropped, a default argument changed, or a statement removed (an augmented
assignment, a call on its own line, a `return` of a value replaced by `return None`). Docstrings, the text of error
messages and `raise` statements' messages are left alone. The mutant is written into a scratch copy of the
repository (never into this one), and the fast suite's test files that exercise the mutated module (TESTS below, plus
tests/test_bad_input.py) run against it, stopping at the first failure. A mutant is *killed* when a test fails or
the suite times out, and *survives* when every test passes. Survivors are printed with their location, so each
can be either killed with a new test or shown to be equivalent (listed in EQUIVALENT below, with the reason).

The score printed at the end is killed / (all mutants - known equivalents).
"""
import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The numeric modules (input validation in _checks is tested by tests/test_bad_input.py case by case).
MODULES = ["activation_functions", "losses", "mlp", "train", "optim", "regularization", "descent", "gradcheck",
           "autograd", "perceptron", "data", "init", "metrics", "forward_mode"]
PYTEST = [sys.executable, "-m", "pytest", "tests", "-m", "not browser", "-x", "-q", "-p", "no:cacheprovider",
          "-p", "no:nbval", "-o", "addopts=", "--ignore=tests/test_notebooks.py",
          "--ignore=tests/test_benchmark.py", "--ignore=tests/test_site.py", "--ignore=tests/test_jupyterlab.py"]
TIMEOUT = 300

# (module, line, description) of mutants shown to be equivalent: no input can tell them from the original (or only a
# random draw that equals a threshold exactly, probability about 2⁻⁵³). Each entry says why; fill in from a run's
# survivors after checking them by hand.
EQUIVALENT = {
    ("activation_functions", 34, "col 20-26: GtE -> Gt"):
        "sigmoid's branch test z >= 0 vs z > 0: at z = 0 both branches give exactly 1/(1+1) = 0.5",
    ("mlp", 264, "col 45-50: constant False -> True"):
        "MLP.loss asking backprop for gradients too: the same loss, only slower",
    ("train", 141, "col 45-50: Gt -> GtE"):
        "wrapping a layer in dropout with p = 0 as well: its mask is all ones (1/(1-0)), so every number is the same; "
        "the mask draws come from a generator of their own, so the shuffling is unchanged",
    ("train", 324, "col 18-21: constant Ellipsis -> None"):
        "EarlyStopping restoring p[None] = best instead of p[...] = best: a view with a new leading axis of length "
        "1 holds the same entries, so the same numbers are written",
    ("gradcheck", 190, "col 18-21: constant Ellipsis -> None"): "param[None] = values writes what param[...] = values "
                                                                "does (a view with a new axis of length 1)",
    ("gradcheck", 195, "col 18-21: constant Ellipsis -> None"): "param[None] = start writes what param[...] = start "
                                                                "does",
    ("optim", 498, "col 19-38: Add -> Sub"):
        "b² - 4c0 + 0j vs b² - 4c0 - 0j: both only make the square root complex (the sign of a zero imaginary part "
        "flips the root's sign, and the rate is the larger |root| of b ± √, the same for ±√)",
    ("regularization", 129, "col 12-34: GtE -> Gt"):
        "dropout's mask rng.random() >= p vs > p: they differ only when a draw equals p exactly (probability 2⁻⁵³ "
        "per unit)",
    ("regularization", 209, "col 7-44: LtE -> Lt"):
        "a sum of squares exactly at the threshold takes the scaled path: scaling by a power of two is exact, so "
        "both paths give the same bits",
    ("regularization", 217, "col 7-22: Gt -> GtE"):
        "clipping when the norm equals max_norm: the factor max_norm / norm is exactly 1",
    ("perceptron", 137, "col 25-35: Mult -> Div"): "lr * error vs lr / error: error is +1 or -1 here",
    ("perceptron", 138, "col 25-35: Mult -> Div"): "lr * error vs lr / error: error is +1 or -1 here",
    ("data", 73, "col 10-20: Lt -> LtE"):
        "one more batch of candidates when exactly n were kept: it only appends points after the first n, and the "
        "point swapped in for a one-class draw is the first later one of the other class either way",
    ("data", 75, "col 31-88: GtE -> Gt"):
        "keeping candidates at distance >= margin/2 vs > margin/2 from the line: equal only for a point exactly at "
        "that distance (probability 0 for uniform draws, 2⁻⁵³-ish in floating point)",
    ("data", 86, "col 11-30: Gt -> GtE"):
        "the class of a point exactly on the line x1 + x2 = 0.3: the band keeps such points out when margin > 0, "
        "and for margin = 0 a uniform draw hits the line with probability about 2⁻⁵³",
    ("data", 165, "col 12-75: Lt -> LtE"):
        "flipping a pixel when a draw is < noise vs <= noise: they differ only when a draw equals noise exactly "
        "(probability 2⁻⁵³ per pixel)",
    ("forward_mode", 88, "col 30-39: Mult -> Div"):
        "Dual's -x as x * -1 vs x / -1: x / -1 is x * (-1) ** -1 = x * -1.0, the same value and tangent (a Dual "
        "records no graph, so there is no operation count to differ)",
}

SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
            ast.FloorDiv: ast.Div, ast.MatMult: None}
SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
SWAP_BOOL = {ast.And: ast.Or, ast.Or: ast.And}


def docstring_nodes(tree):
    nodes = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and \
                    isinstance(first.value.value, str):
                nodes.add(id(first.value))
    return nodes


def message_nodes(tree):
    """Nodes inside the messages of raise statements and inside f-strings: changing them tests nothing."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for sub in ast.walk(node.exc):
                skip.add(id(sub))
        if isinstance(node, ast.JoinedStr):
            for sub in ast.walk(node):
                skip.add(id(sub))
    return skip


def mutants(source):
    """Yield (line, description, mutated source) for every mutant of one module's source."""
    tree = ast.parse(source)
    skip = docstring_nodes(tree) | message_nodes(tree)
    targets = [n for n in ast.walk(tree) if id(n) not in skip]
    for index, node in enumerate(targets):
        for description, apply in mutations_of(node):
            tree2 = ast.parse(source)
            skip2 = docstring_nodes(tree2) | message_nodes(tree2)
            twin = [n for n in ast.walk(tree2) if id(n) not in skip2][index]
            if not apply(twin, tree2):
                continue
            try:
                # the column tells apart two mutants of one kind on one line (lr * error * x_n)
                yield node.lineno, f"col {node.col_offset}-{node.end_col_offset}: {description}", \
                    ast.unparse(ast.fix_missing_locations(tree2))
            except Exception:                               # a mutation that does not make a valid program
                continue


def mutations_of(node):
    out = []
    if isinstance(node, ast.BinOp) and type(node.op) in SWAP_BIN and SWAP_BIN[type(node.op)]:
        new = SWAP_BIN[type(node.op)]
        out.append((f"{type(node.op).__name__} -> {new.__name__}", lambda n, t, new=new: setattr(n, "op", new()) or True))
    if isinstance(node, ast.AugAssign) and type(node.op) in SWAP_BIN and SWAP_BIN[type(node.op)]:
        new = SWAP_BIN[type(node.op)]
        out.append((f"augmented {type(node.op).__name__} -> {new.__name__}",
                    lambda n, t, new=new: setattr(n, "op", new()) or True))
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in SWAP_CMP:
                new = SWAP_CMP[type(op)]
                which = f" (comparison {i + 1} of {len(node.ops)})" if len(node.ops) > 1 else ""
                out.append((f"{type(op).__name__} -> {new.__name__}{which}",
                            lambda n, t, i=i, new=new: n.ops.__setitem__(i, new()) or True))
    if isinstance(node, ast.BoolOp):
        new = SWAP_BOOL[type(node.op)]
        out.append((f"{type(node.op).__name__} -> {new.__name__}", lambda n, t, new=new: setattr(n, "op", new()) or True))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        out.append((f"drop unary {type(node.op).__name__}", lambda n, t: replace(t, n, n.operand)))
    if isinstance(node, ast.Constant) and not isinstance(node.value, str):
        v = node.value
        if isinstance(v, bool):
            new = not v
        elif isinstance(v, int):
            new = v + 1
        elif isinstance(v, float):
            new = 1.0 if v == 0 else 2 * v
        elif v is None:
            new = None
        else:
            new = None
        if new is not None or (v is not None and not isinstance(v, (int, float, bool))):
            out.append((f"constant {v!r} -> {new!r}", lambda n, t, new=new: setattr(n, "value", new) or True))
    if isinstance(node, (ast.AugAssign,)) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        out.append(("statement removed", lambda n, t: remove(t, n)))
    if isinstance(node, ast.Return) and node.value is not None and not \
            (isinstance(node.value, ast.Constant) and node.value.value is None):
        out.append(("return None", lambda n, t: setattr(n, "value", ast.Constant(None)) or True))
    return out


def parent_map(tree):
    return {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}


def replace(tree, node, new):
    parent = parent_map(tree).get(id(node))
    if parent is None:
        return False
    for field, value in ast.iter_fields(parent):
        if value is node:
            setattr(parent, field, new)
            return True
        if isinstance(value, list) and node in value:
            value[value.index(node)] = new
            return True
    return False


def remove(tree, node):
    parent = parent_map(tree).get(id(node))
    for field, value in ast.iter_fields(parent or ast.Module(body=[])):
        if isinstance(value, list) and node in value:
            value[value.index(node)] = ast.Pass()
            return True
    return False


# The test files that exercise each module (its own file, plus those of the modules built on it) and, for every
# module, tests/test_bad_input.py.
TESTS = {"activation_functions": ["activation_functions", "losses", "mlp", "autograd"],
         "losses": ["losses", "mlp"], "mlp": ["mlp", "gradcheck", "train"], "train": ["train"],
         "optim": ["optim", "descent", "train"], "regularization": ["regularization", "train"],
         "descent": ["descent", "perceptron"], "gradcheck": ["gradcheck", "activation_functions", "mlp"],
         "autograd": ["autograd"], "perceptron": ["perceptron"], "data": ["data"], "init": ["init", "mlp"],
         "metrics": ["metrics", "mlp"], "forward_mode": ["forward_mode"]}


def tests_for(module):
    """The fast suite's test files that exercise ``module``."""
    files = [f"tests/test_{name}.py" for name in TESTS.get(module, [module])] + ["tests/test_bad_input.py"]
    return [f for f in files if (ROOT / f).exists()]


def _kills_in(log, todo):
    """The mutants of ``todo`` that the run output ``log`` shows killed, as (module, line, description, True).

    A log line names a mutant by module, line and description (with its columns; logs from before columns were
    printed match only where the line has one mutant of that kind). Survivors are not taken: they run again.
    """
    import re
    by_key, plain = {}, {}
    for m, line, desc, _ in todo:
        by_key[(m, line, desc)] = desc
        plain.setdefault((m, line, desc.split(": ", 1)[1]), []).append(desc)
    kills = {}
    for text in Path(log).read_text().splitlines():
        hit = re.match(r"killed   (\w+)\.py:(\d+): (.*)$", text)
        if not hit:
            continue
        m, line, desc = hit[1], int(hit[2]), hit[3]
        if (m, line, desc) in by_key:
            kills[(m, line, desc)] = True
        elif len(plain.get((m, line, desc), [])) == 1:
            kills[(m, line, plain[(m, line, desc)][0])] = True
    return [(m, line, desc, True) for m, line, desc in kills]


def _preload():
    # Imported once in this process and inherited by every forked child, so a mutant pays for test collection
    # and the tests, not for starting Python and importing numpy, pytest (and torch, where installed).
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    for optional in ("torch", "matplotlib"):
        try:
            __import__(optional)
        except ImportError:
            pass


def run_mutant(workdir, module, mutated):
    """True when the tests that can see ``module`` fail (or time out) with ``mutated`` as its source."""
    target = workdir / "bplib" / f"{module}.py"
    original = target.read_text()
    target.write_text(mutated)
    try:
        args = [a for a in PYTEST[3:] if a != "tests"] + tests_for(module)
        pid = os.fork()
        if pid == 0:                                        # the child: fresh bplib from the scratch copy
            code = 3
            try:
                os.chdir(workdir)
                sys.path.insert(0, str(workdir))
                for name in [n for n in sys.modules if n.split(".")[0] in ("bplib", "bpbook", "tests")]:
                    del sys.modules[name]
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                import pytest
                code = int(pytest.main(args))
            finally:
                os._exit(code)
        deadline = time.monotonic() + TIMEOUT
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status) != 0
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return True
            time.sleep(0.02)
    finally:
        target.write_text(original)


def scratch_copy():
    work = Path(tempfile.mkdtemp(prefix="bplib-mutants-"))
    for name in ["bplib", "bpbook", "tests", "scripts", "benchmarks", "pyproject.toml", "book"]:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
        elif src.exists():
            shutil.copy2(src, work / name)
    return work


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", default=None)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--sample", type=int, default=None, metavar="N",
                        help="run a seeded random sample of N mutants (the score is then an estimate)")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample")
    parser.add_argument("--resume", metavar="LOG", action="append",
                        help="skip the mutants an earlier run's output LOG shows killed (and count them as killed); "
                             "its survivors run again. Only valid while the module's source is the one LOG ran on. "
                             "May be given more than once")
    args = parser.parse_args(argv)
    modules = [m for m in (args.modules or MODULES) if (ROOT / "bplib" / f"{m}.py").exists()]
    todo = [(m, line, desc, src) for m in modules
            for line, desc, src in mutants((ROOT / "bplib" / f"{m}.py").read_text())]
    print(f"{len(todo)} mutants in {len(modules)} modules", flush=True)
    if args.sample is not None and args.sample < len(todo):
        import random
        todo = sorted(random.Random(args.seed).sample(todo, args.sample), key=lambda t: (modules.index(t[0]), t[1]))
        print(f"a seeded random sample of {len(todo)} of them (seed {args.seed})", flush=True)
    earlier = []
    for log in args.resume or []:
        earlier += _kills_in(log, todo)
    if earlier:
        done = {(m, line, desc) for m, line, desc, _ in earlier}
        todo = [t for t in todo if (t[0], t[1], t[2]) not in done]
        print(f"resuming: {len(earlier)} kills from {', '.join(args.resume)}, {len(todo)} mutants to run", flush=True)
    if args.list:
        for m, line, desc, _ in todo:
            print(f"  {m}.py:{line}: {desc}")
        return 0
    _preload()
    os.environ.update(PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    sys.dont_write_bytecode = True
    workers = [scratch_copy() for _ in range(args.jobs)]
    free = list(workers)
    start = time.perf_counter()
    results = list(earlier)

    def job(item):
        work = free.pop()
        try:
            return item, run_mutant(work, item[0], item[3])
        finally:
            free.append(work)

    with ThreadPoolExecutor(args.jobs) as pool:
        for (m, line, desc, _), killed in pool.map(job, todo):
            results.append((m, line, desc, killed))
            print(f"{'killed  ' if killed else 'SURVIVED'} {m}.py:{line}: {desc}", flush=True)
    for work in workers:
        shutil.rmtree(work, ignore_errors=True)
    survivors = [(m, line, desc) for m, line, desc, killed in results if not killed]
    equivalent = [s for s in survivors if s in EQUIVALENT]
    real = [s for s in survivors if s not in EQUIVALENT]
    killed = len(results) - len(survivors)
    score = killed / max(1, len(results) - len(equivalent))
    for m in modules:
        mine = [r for r in results if r[0] == m]
        print(f"  {m:<22} {sum(r[3] for r in mine):>4} / {len(mine):<4} killed")
    for m, line, desc in real:
        print(f"SURVIVED {m}.py:{line}: {desc}")
    for s in equivalent:
        print(f"equivalent {s[0]}.py:{s[1]}: {s[2]} — {EQUIVALENT[s]}")
    print(f"{killed} of {len(results)} mutants killed, {len(equivalent)} known equivalent: score {score:.1%} "
          f"({time.perf_counter() - start:.0f} s)")
    return 0 if not real else 1


if __name__ == "__main__":
    sys.exit(main())
