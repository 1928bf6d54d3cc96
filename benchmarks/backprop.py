"""Time one backprop step of bplib against PyTorch CPU float64 autograd doing the same step.

For each net (tanh hidden layers, sigmoid output, mse loss) it times

* ``net.loss_and_gradients(X, Y)``  — bplib's backprop step (forward + backward, a float and the gradients),
* ``net.forward(X)``                — bplib's forward pass alone,
* the same step in PyTorch (when ``import torch`` works): forward, ``loss.backward()``, the loss as a float,

interleaving the three in every repeat so that load from other processes hits them alike, and prints the
medians, the ratio bplib/torch (target <= 1.0 on every size) and bplib's backprop/forward ratio (target <= 3.0
for N >= 256: a reverse pass needs two matmuls per layer and none for the input's gradient).

Torch is given as many threads as numpy's BLAS uses. Before timing, both libraries' losses and gradients are
compared, so the two really do the same step.

    python benchmarks/backprop.py            # full run (about a minute)
    python benchmarks/backprop.py --quick    # a few repeats: checks the script runs, timings are rough
    python benchmarks/backprop.py --threads 1   # single-threaded BLAS in both (steadier on a busy machine)
"""
import argparse
import ctypes
import os
import platform
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bplib  # noqa: E402  (the checkout's bplib, also when it is not installed)

try:
    import torch
except ImportError:  # the benchmark still reports bplib's own figures
    torch = None

#: (layer sizes, batch size N)
NETS = [([2, 5, 1], 4), ([16, 6, 6, 2], 64), ([64, 128, 128, 10], 256), ([784, 512, 512, 10], 512)]


def _openblas():
    """numpy's OpenBLAS library (the ctypes handle) and its symbol suffix, or (None, None)."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line})
    except OSError:
        return None, None
    for path in paths:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"),
                               ("openblas", "")):
            if hasattr(lib, f"{prefix}_get_num_threads{suffix}"):
                return lib, (prefix, suffix)
    return None, None


def set_blas_threads(n):
    """Set numpy's OpenBLAS thread count (no-op if the BLAS is not OpenBLAS)."""
    lib, names = _openblas()
    if lib is not None and hasattr(lib, f"{names[0]}_set_num_threads{names[1]}"):
        getattr(lib, f"{names[0]}_set_num_threads{names[1]}")(int(n))


def blas_info():
    """(number of BLAS threads numpy uses, a description of the BLAS)."""
    lib, names = _openblas()
    if lib is None:
        return int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)), "unknown BLAS (threads assumed)"
    prefix, suffix = names
    threads = getattr(lib, f"{prefix}_get_num_threads{suffix}")()
    describe = []
    for what in ("config", "corename"):
        fn = getattr(lib, f"{prefix}_get_{what}{suffix}", None)
        if fn is not None:
            fn.restype = ctypes.c_char_p
            describe.append(fn().decode())
    return threads, " / ".join(describe)


def make_problem(sizes, n, seed=0):
    acts = ["tanh"] * (len(sizes) - 2) + ["sigmoid"]
    net = bplib.MLP(sizes, acts, "mse", seed=seed)
    rng = np.random.default_rng(seed)
    for b in net.biases:
        b[...] = 0.1 * rng.standard_normal(b.shape)
    X = rng.standard_normal((n, sizes[0]))
    Y = rng.uniform(0, 1, (n, sizes[-1]))
    return net, X, Y


def torch_step_for(net, X, Y):
    """The same net in torch: returns step() -> (loss, weight grads, bias grads) as tensors."""
    Ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in net.biases]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    params = Ws + bs

    def step():
        for p in params:
            p.grad = None
        h = Xt
        for W, b in zip(Ws[:-1], bs[:-1]):
            h = torch.tanh(torch.addmm(b, h, W))
        out = torch.sigmoid(torch.addmm(bs[-1], h, Ws[-1]))
        loss = torch.nn.functional.mse_loss(out, Yt)       # mean over all N×K entries, like bplib's mse
        loss.backward()
        return loss.item(), [W.grad for W in Ws], [b.grad for b in bs]

    return step


def check_same_step(net, X, Y, torch_step):
    loss, gw, gb = net.loss_and_gradients(X, Y)
    tloss, tgw, tgb = torch_step()
    assert abs(loss - tloss) <= 1e-12 * max(1.0, abs(loss)), (loss, tloss)
    for a, t in zip(gw + gb, tgw + tgb):
        np.testing.assert_allclose(a, t.numpy(), rtol=1e-9, atol=1e-13)


def per_call(fn, inner):
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def bench(sizes, n, repeats, budget):
    """Median seconds per call of each task; ``budget`` = seconds per sample (0: one call per sample)."""
    net, X, Y = make_problem(sizes, n)
    tasks = {"step": lambda: net.loss_and_gradients(X, Y), "forward": lambda: net.forward(X)}
    if torch is not None:
        tstep = torch_step_for(net, X, Y)
        check_same_step(net, X, Y, tstep)
        tasks["torch"] = tstep
    # inner loop length: each sample takes about `budget` seconds (many calls for tiny nets)
    inner = {k: max(1, int(budget / max(per_call(f, 3), 1e-7))) if budget else 1 for k, f in tasks.items()}
    samples = {k: [] for k in tasks}
    for _ in range(repeats):          # interleaved: every repeat times each task once
        for k, f in tasks.items():
            samples[k].append(per_call(f, inner[k]))
    return {k: statistics.median(v) for k, v in samples.items()}


def tanh_report(repeats):
    """numpy's SIMD report, the tanh bplib uses here, and tanh on a 256×128 array: bplib, np.tanh, torch.tanh."""
    from bplib.activation_functions import _NUMPY_SIMD_TANH, _tanh
    simd = np.show_config(mode="dicts")["SIMD Extensions"]
    z = np.random.default_rng(0).standard_normal((256, 128))
    tasks = {"bplib": lambda: _tanh(z), "np.tanh": lambda: np.tanh(z)}
    if torch is not None:
        zt = torch.from_numpy(z)
        tasks["torch.tanh"] = lambda: torch.tanh(zt)
    samples = {k: [] for k in tasks}
    for _ in range(repeats):
        for k, f in tasks.items():
            samples[k].append(per_call(f, 20))
    times = ", ".join(f"{k} {fmt_time(statistics.median(v)).strip()}" for k, v in samples.items())
    path = "np.tanh (numpy has SIMD tanh here)" if _NUMPY_SIMD_TANH else "the expm1 form (numpy's tanh is scalar here)"
    return (f"numpy SIMD: baseline {' '.join(simd.get('baseline', []))}; found {' '.join(simd.get('found', []))}\n"
            f"bplib's tanh: {path}; tanh of 256×128: {times}")


def fmt_time(t):
    return f"{t * 1e6:9.1f} us" if t < 1e-3 else f"{t * 1e3:9.2f} ms"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few repeats (a smoke test, rough timings)")
    parser.add_argument("--repeats", type=int, default=None, help="interleaved repeats per size (default 41)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads for numpy and torch alike (default: numpy's current BLAS threads)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 41)
    budget = 0.0 if args.quick else 0.02
    if args.threads:
        set_blas_threads(args.threads)

    threads, blas = blas_info()
    print(f"python {platform.python_version()}, numpy {np.__version__} ({blas}), {threads} BLAS thread(s)")
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}  "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}")
    if torch is not None:
        torch.set_num_threads(threads)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s) (set equal to numpy's BLAS threads)")
    else:
        print("torch is not installed: only bplib's own figures (pip install torch==2.13.0 for the comparison)")
    print(tanh_report(repeats))
    print(f"median of {repeats} interleaved repeats; step = loss_and_gradients (tanh hidden, sigmoid out, mse)\n")

    header = (f"{'net':<16}{'N':>5}  {'bplib step':>12}  {'torch step':>12}  {'bplib/torch':>11}  "
              f"{'bplib fwd':>12}  {'backprop/forward':>16}")
    print(header)
    print("-" * len(header))
    misses = []
    for sizes, n in NETS:
        name = "-".join(map(str, sizes))
        t = bench(sizes, n, repeats, budget)
        ratio_fwd = t["step"] / t["forward"]
        if "torch" in t:
            ratio_torch = t["step"] / t["torch"]
            torch_cols = f"{fmt_time(t['torch']):>12}  {ratio_torch:>11.2f}"
            if ratio_torch > 1.0:
                misses.append(f"{name}: bplib/torch {ratio_torch:.2f} > 1.0")
        else:
            torch_cols = f"{'-':>12}  {'n/a':>11}"
        if n >= 256 and ratio_fwd > 3.0:
            misses.append(f"{name}: backprop/forward {ratio_fwd:.2f} > 3.0")
        print(f"{name:<16}{n:>5}  {fmt_time(t['step']):>12}  {torch_cols}  {fmt_time(t['forward']):>12}  "
              f"{ratio_fwd:>16.2f}", flush=True)
    print()
    print("targets: bplib/torch <= 1.0 on every size, backprop/forward <= 3.0 for N >= 256")
    print("all targets met" if not misses else "missed: " + "; ".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
