"""The chapters' conventions (CONTRIBUTING.md), checked on the committed notebooks without running them.

- Verification (asserts, glue) sits in cells tagged ``checks`` and ``hide-cell``: collapsed on the site, one click
  to open, and still run by nbval. A visible code cell carries the idea in a few lines.
- Notebooks use bplib's public API only and do not re-define what bplib provides.
- Every chapter has at least three exercises with dropdown solutions.
"""
import ast
import inspect
import re
from pathlib import Path

import nbformat
import pytest

import bplib

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
HIDDEN = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
MAX_VISIBLE_LINES = 12


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def tags(cell):
    return set(cell.metadata.get("tags", []))


def is_check(source):
    return bool(re.search(r"^\s*assert\b|np\.testing\.assert|\bglue(_number|_numbers)?\(", source, re.M))


def bplib_public_functions():
    names = set()
    for module in vars(bplib).values():
        if inspect.ismodule(module) and module.__name__.startswith("bplib."):
            names |= {n for n, f in vars(module).items() if not n.startswith("_") and
                      (inspect.isfunction(f) or inspect.isclass(f)) and f.__module__.startswith("bplib")}
    return names


def test_there_are_chapters():
    assert len(CHAPTERS) >= 6


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_checks_are_collapsed_cells(path):
    for i, cell in enumerate(code_cells(path)):
        if is_check(cell.source):
            assert {"checks", "hide-cell"} <= tags(cell), (
                f"{path.name} code cell {i} asserts or glues: tag it 'checks' and 'hide-cell'\n{cell.source[:200]}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_visible_code_cells_are_short(path):
    for i, cell in enumerate(code_cells(path)):
        if not tags(cell) & HIDDEN:
            lines = [line for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#")]
            assert len(lines) <= MAX_VISIBLE_LINES, (
                f"{path.name} code cell {i} shows {len(lines)} lines (at most {MAX_VISIBLE_LINES}): move plotting "
                f"into a hide-input cell or the computation into bplib\n{cell.source[:300]}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_private_api_and_no_copies_of_bplib(path):
    provided = bplib_public_functions()
    for i, cell in enumerate(code_cells(path)):
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        private = re.findall(r"\b(?:bplib|net|Value|node|v|root)\.(_[a-z]\w*)", source)
        assert not private, f"{path.name} code cell {i} uses private names {private}: use bplib's public API"
        defined = {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        assert not defined & provided, (
            f"{path.name} code cell {i} re-defines {sorted(defined & provided)}, which bplib provides: import it")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_exercises_with_dropdown_solutions(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    exercises = re.findall(r"^:::+\{admonition\} Exercise", text, re.M)
    solutions = re.findall(r"^:::+\{admonition\} Solution[^\n]*\n:class: dropdown", text, re.M)
    assert len(exercises) >= 3, f"{path.name} has {len(exercises)} exercises (at least 3)"
    assert len(solutions) >= len(exercises), f"{path.name}: every exercise needs a dropdown solution"
