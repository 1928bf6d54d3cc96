"""The package boundary: bplib is numerics only; display code lives in bpbook."""
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["matplotlib.pyplot", "matplotlib", "PIL", "ipywidgets", "IPython", "myst_nb",
                                    "networkx", "sympy", "bpbook"])
def test_import_bplib_imports_no_display_code(module):
    code = f"import sys, bplib; sys.exit(1 if {module!r} in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0, f"import bplib imported {module}"


def test_bplib_modules_import_nothing_from_bpbook():
    import re
    from pathlib import Path
    import bplib
    for path in Path(bplib.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+bpbook", text, re.M), f"{path.name} imports bpbook"
