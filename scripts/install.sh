#!/usr/bin/env bash
# Installs everything the book needs on a fresh machine (Python 3.11, pip, node/npm; root or sudo for apt-get)
# and builds the website into _build/html. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium, for the browser tests of the website (tests/test_site.py): Debian's package, headless.
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

python -m pip install -q -r requirements.txt
python -m pip install -q -e .

# Reading the chapters in JupyterLab (README, "Run it yourself"): jupyterlab-myst renders their MyST. The numbers
# the prose quotes are MyST inline expressions whose values are stored in the notebook (scripts/local_numbers.py);
# jupyterlab-myst's "executor" would instead re-evaluate them in the kernel whenever a markdown cell runs (before
# the cells that compute them), so it is switched off for this environment.
jupyter labextension disable --level=sys_prefix jupyterlab-myst:executor >/dev/null 2>&1

# The website serves its own JavaScript so it works offline: MathJax 3, RequireJS and the ipywidgets HTML
# manager, pinned in package-lock.json. The build copies what it needs from node_modules/ (book/_ext/bp_site.py).
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# The website, built from the committed notebook outputs; warnings are errors. The build records its log and a
# digest of its inputs, so the site tests reuse it instead of building again (scripts/build_site.py).
python scripts/build_site.py
