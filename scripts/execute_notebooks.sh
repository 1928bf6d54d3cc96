#!/usr/bin/env bash
# Re-executes chapter notebooks in place (default: all of them) so their stored outputs are current.
# Widget state is not stored: the static site must not show ipywidgets that need a kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- book/*.ipynb; fi
for nb in "$@"; do
  start=$(python -c "import time; print(time.time())")
  jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.timeout=600 "$nb" 2>/dev/null
  python -c "import sys, time; print(f'{sys.argv[1]:<45} {time.time() - float(sys.argv[2]):6.1f} s')" "$nb" "$start"
done
