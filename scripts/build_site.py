"""Build the website once: ``jupyter-book build . -W -n --keep-going --all`` into ``_build/html``.

``python scripts/build_site.py`` builds (``scripts/install.sh`` runs it) and records, next to the site, the build
log (``_build/build.log``) and a digest of every input the site is built from (``_build/site-inputs.sha256``).
``tests/test_site.py`` calls :func:`ensure_built`: it reuses that site when the digest still matches the sources
and the recorded build had no warning, and builds again otherwise. So a CI run (install, then test) builds the
site once, and a site built from stale sources is never tested.
"""
import hashlib
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
LOG, STAMP = BUILD / "build.log", BUILD / "site-inputs.sha256"
# What the pages are made from: chapters and pages, config, the site extension, the display package (slider
# assets), the offline JavaScript's lock file, and the bplib version the footer names.
INPUTS = ["book", "bpbook", "_config.yml", "_toc.yml", "package-lock.json", "bplib/__init__.py"]


def inputs_digest():
    """sha256 over the paths and bytes of every input file (caches and checkpoints excluded)."""
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if any(part in ("__pycache__", ".ipynb_checkpoints") for part in f.parts):
                continue
            digest.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def warnings_in(log):
    return [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]


def build():
    """Build the site; returns ``(returncode, log, seconds)`` and records the log and, on success, the digest."""
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe) if exe.exists() else shutil.which("jupyter-book") or "jupyter-book",
           "build", ".", "-W", "-n", "--keep-going", "--all"]
    digest = inputs_digest()
    STAMP.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    elapsed = time.perf_counter() - start
    log = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    BUILD.mkdir(exist_ok=True)
    LOG.write_text(log)
    if proc.returncode == 0 and not warnings_in(log):
        STAMP.write_text(digest)
    return proc.returncode, log, elapsed


def ensure_built():
    """``(returncode, log, seconds, rebuilt)``: the recorded build if it is current, else a new build."""
    if STAMP.exists() and LOG.exists() and (BUILD / "html" / "index.html").exists() \
            and STAMP.read_text() == inputs_digest():
        return 0, LOG.read_text(), 0.0, False
    return (*build(), True)


if __name__ == "__main__":
    code, log, seconds = build()
    problems = warnings_in(log)
    print("\n".join(problems) or f"Site built in {seconds:.0f} s: open _build/html/index.html")
    sys.exit(code or (1 if problems else 0))
