#!/usr/bin/env bash
# Installs everything the book needs on a fresh machine (Python 3.11, pip, node/npm; root for apt-get) and
# builds the website into _build/html. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install -q -r requirements.txt
python -m pip install -q -e .

# The website, built from the committed notebook outputs; warnings are errors.
jupyter-book build . -W -n --keep-going
echo "Site built: open _build/html/index.html"
