#!/usr/bin/env bash
# Re-executes chapter notebooks in place (default: all of them) so their stored outputs are current.
# Widget state is then removed: the static site has no kernel, so it must not show ipywidgets as if live. The
# widget views go too (a view whose model is not saved shows "Error displaying widget: model not found" when the
# notebook is opened in JupyterLab); each output keeps its plain-text form, which nbval compares. Last, the
# quoted numbers are stored for JupyterLab (scripts/local_numbers.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then set -- book/*.ipynb; fi
for nb in "$@"; do
  start=$(python -c "import time; print(time.time())")
  jupyter nbconvert --to notebook --execute --inplace --log-level=WARN --ExecutePreprocessor.timeout=600 "$nb"
  python - "$nb" "$start" <<'PY'
import sys, time, nbformat
path, start = sys.argv[1], float(sys.argv[2])
nb = nbformat.read(path, as_version=4)
nb.metadata.pop("widgets", None)
for cell in nb.cells:                      # execution timestamps only add noise to every diff
    cell.metadata.pop("execution", None)
    for output in cell.get("outputs", []):
        output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
nbformat.write(nb, path)
print(f"{path:<45} {time.time() - start:6.1f} s")
PY
  # The numbers the prose quotes, readable in JupyterLab too: glue roles become {eval} roles whose values are
  # stored in the markdown cells' metadata (the website renders both alike; see scripts/local_numbers.py).
  python scripts/local_numbers.py "$nb"
done
