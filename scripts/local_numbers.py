"""Make the numbers the prose quotes readable in JupyterLab, not only on the website.

The chapters quote computed numbers with myst-nb glue roles (``{glue:text}`ch1_grad_norm:.4f` ``,
``{glue:md}`ch1_tol` ``). The website (jupyter-book) pastes the glued values in; JupyterLab's MyST renderer
(``jupyterlab-myst``) does not know glue and would show the key. What it does know is the MyST inline expression
``{eval}`...` ``, whose result it reads from the markdown cell's metadata (``user_expressions``), so it needs no
kernel and shows the same value when the notebook is merely opened.

For each notebook given (default: every chapter) this script, idempotently:

1. rewrites each glue role in markdown as ``{eval}`<the same key:format>` `` (the website renders these exactly
   as the glue roles: ``book/_ext/bp_eval.py``);
2. stores, in each markdown cell's ``user_expressions`` metadata, the value of each of its expressions, formatted
   as the website formats it (myst-nb's own ``format_plain_text`` for text; the glued Markdown for ``md`` values),
   read from the notebook's stored glue outputs.

Run it after executing the notebook (``scripts/execute_notebooks.sh`` does). It fails if a role names a key the
notebook does not glue. ``--check`` changes nothing and exits 1 if a notebook is not up to date.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
GLUE_PREFIX = "application/papermill.record/"
GLUE_ROLE = re.compile(r"\{glue(?::text|:md|:any)?\}`([^`]+)`")
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def glued(nb):
    """key -> glued MIME bundle, from the notebook's stored outputs (myst-nb's glue with display=False)."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = (output.get("metadata") or {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = {k.removeprefix(GLUE_PREFIX): v for k, v in output.get("data", {}).items()}
    return values


def tex_to_text(markdown):
    """``$4.1 \\times 10^{-11}$`` -> ``4.1 × 10⁻¹¹`` (the forms the chapters glue); None if it is other TeX."""
    if "$" not in markdown:
        return markdown
    text = markdown.replace("$", "").replace(r"\times", "×").replace(r"\cdot", "·").replace(r"\,", "")
    text = re.sub(r"\^\{(-?\d+)\}|\^(\d)", lambda m: (m.group(1) or m.group(2)).translate(SUPERSCRIPT), text)
    text = re.sub(r"\s+", " ", text).strip()
    return None if re.search(r"[\\{}^_]", text) else text


def value_of(expression, values):
    """The text the website shows for ``{eval}`expression` `` (key or key:format), as a MIME bundle."""
    from myst_nb.core.variables import format_plain_text

    key, _, fmt = expression.rpartition(":") if ":" in expression else (expression, "", "")
    if key not in values:
        raise KeyError(key)
    data = values[key]
    if "text/markdown" in data:
        text = tex_to_text(data["text/markdown"])
        return {"text/plain": text} if text is not None else {"text/markdown": data["text/markdown"]}
    return {"text/plain": format_plain_text(data["text/plain"], fmt or "s")}


def update(nb, path):
    values = glued(nb)
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        cell.source = GLUE_ROLE.sub(lambda m: "{eval}`" + m.group(1) + "`", cell.source)
        expressions = EVAL_ROLE.findall(cell.source)
        results = []
        for expression in dict.fromkeys(expressions):
            try:
                data = value_of(expression, values)
            except KeyError as key:
                missing.append(key.args[0])
                continue
            results.append({"expression": expression, "result": {"status": "ok", "data": data, "metadata": {}}})
        if results:
            cell.metadata["user_expressions"] = results
        else:
            cell.metadata.pop("user_expressions", None)
    if missing:
        raise SystemExit(f"{path}: the prose quotes keys the notebook does not glue (execute it first?): "
                         f"{sorted(set(missing))}")
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is out of date")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    stale = []
    for path in paths:
        before = path.read_text(encoding="utf-8")
        nb = update(nbformat.reads(before, as_version=4), path)
        after = nbformat.writes(nb)
        after += "" if after.endswith("\n") else "\n"
        if after != before:
            stale.append(path)
            if not args.check:
                path.write_text(after, encoding="utf-8")
    if args.check and stale:
        print("not up to date (run scripts/local_numbers.py):", *map(str, stale), sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
