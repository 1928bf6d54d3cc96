"""The benchmark script runs and reports every size (a smoke test: no timing is asserted)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = ["2-5-1", "16-6-6-2", "64-128-128-10", "784-512-512-10"]


def test_benchmark_quick_runs_and_prints_a_ratio_line_per_size():
    run = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "backprop.py"), "--quick"],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert any("bplib/torch" in line and "backprop/forward" in line for line in lines)   # the table header
    for size in SIZES:
        # e.g. "64-128-128-10     256    1.23 ms    2.34 ms    0.53    0.45 ms    2.73"
        # (bplib/torch is "n/a" when torch is not installed)
        row = [line for line in lines if line.startswith(size + " ")]
        assert len(row) == 1, run.stdout
        assert re.search(r"(\d+\.\d\d|n/a)\s+\S+\s+(us|ms)\s+\d+\.\d\d$", row[0]), row[0]
