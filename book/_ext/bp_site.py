"""Sphinx extension for the book's website (loaded from ``_config.yml`` as a local extension).

It does five things, all at build time:

1. **Offline JavaScript.** MathJax 3, RequireJS and the ipywidgets HTML manager are npm packages pinned in
   ``package.json``/``package-lock.json`` and installed into ``node_modules/`` by ``scripts/install.sh``
   (``npm ci``). After the HTML build the files the site needs are copied to ``_build/html/_static/offline/``,
   where ``mathjax_path`` and ``nb_ipywidgets_js`` in ``_config.yml`` point. Nothing is fetched from a CDN.
   (The folder is deliberately not a root ``_static/``: jupyter-book would add a ``<script>`` tag for every
   ``.js`` file under that.)
2. **"Built and tested with" footer** naming the Python, numpy, sympy and bplib versions of this build
   (the same environment in which ``python -m pytest`` re-executes every notebook with nbval).
3. **"Run this chapter yourself" note** (collapsed) at the top of every notebook chapter: where to download
   the notebook and how to run it locally.
4. **A small stylesheet** (``book/_ext/assets/bp-site.css``: nothing scrolls sideways on a phone).
5. **No dead Thebe scripts.** jupyter-book always loads sphinx-thebe, which puts its inline configuration
   (naming a CDN URL) on every page twice, a JavaScript error ("THEBE_JS_URL has already been declared").
   Thebe is off here (``launch_buttons.thebe: false``), so its scripts are left out of the pages.
"""
import platform
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError

# What the site needs from node_modules: (source relative to node_modules, destination under _static/offline,
# file patterns to take from a source folder). MathJax: the combined TeX+MathML/CHTML component plus what it
# loads on demand (TeX extensions through autoload, CHTML fonts, the menu's accessibility and speech
# components); its other combined builds (~15 MB) are never loaded. The ipywidgets HTML manager: the AMD
# bundle (base, controls and output widgets included) and its icon fonts.
VENDOR_FILES = [(f"mathjax/es5/{part}", f"mathjax/{part}", ["*"]) for part in
                ["tex-mml-chtml.js", "input", "output/chtml.js", "output/chtml", "ui", "a11y", "sre"]] + [
    ("requirejs/require.js", "require.js", ["*"]),
    ("@jupyter-widgets/html-manager/dist", "html-manager", ["embed-amd.js", "*.woff2", "*.woff", "*.ttf"]),
]


def node_modules(app):
    return Path(app.confdir) / "node_modules"


def check_vendor(app):
    """Fail the build early, with the fix, when the npm packages are not installed."""
    missing = [src for src, _, _ in VENDOR_FILES if not (node_modules(app) / src).exists()]
    if missing:
        raise ExtensionError(
            "the site's offline JavaScript is not installed (missing in node_modules/: "
            + ", ".join(missing) + "). Run `npm ci` in the repository root (scripts/install.sh does it).")


def copy_vendor(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    dest_root = Path(app.outdir) / "_static" / "offline"
    for src, dest, patterns in VENDOR_FILES:
        src, dest = node_modules(app) / src, dest_root / dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            files = {f for pattern in patterns for f in src.rglob(pattern) if f.is_file()}
            for f in files:
                target = dest / f.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, target)
        else:
            shutil.copy2(src, dest)


def built_with():
    """The "built and tested with" line: versions of the environment this build runs in."""
    import numpy
    import sympy

    import bplib
    return (f"Built and tested with Python {platform.python_version()}, numpy {numpy.__version__}, "
            f"sympy {sympy.__version__} and bplib {bplib.__version__}.")


def add_assets(app, config):
    """The site's small stylesheet (book/_ext/assets/bp-site.css)."""
    config.html_static_path = list(config.html_static_path) + [str(Path(__file__).parent / "assets")]


def set_footer(app, config):
    options = dict(config.html_theme_options or {})
    extra = options.get("extra_footer") or ""
    options["extra_footer"] = f'{extra}<p class="bp-built-with">{built_with()}</p>'
    config.html_theme_options = options


def run_locally_note(docname):
    """A collapsed tip: download the notebook or run it from a clone of the repository, with the exact command."""
    note = nodes.admonition(classes=["tip", "dropdown", "bp-run-locally"])
    note += nodes.title(text="Run this chapter on your own computer")
    p1 = nodes.paragraph()
    p1 += nodes.Text("Get the book's repository and run ")
    p1 += nodes.literal(text="bash scripts/install.sh")
    p1 += nodes.Text(" once (it installs bplib, JupyterLab and everything the notebooks need), then ")
    p1 += nodes.literal(text=f"jupyter lab {docname}.ipynb --allow-root")
    p1 += nodes.Text(" (")
    p1 += nodes.literal(text="--allow-root")
    p1 += nodes.Text(" is needed only if you are root, and harmless otherwise). The download button at the top of "
                     "the page gives this notebook alone (")
    p1 += nodes.literal(text=".ipynb")
    p1 += nodes.Text(").")
    p2 = nodes.paragraph()
    p2 += nodes.Text("JupyterLab shows the chapter as this page does, with the numbers the text quotes. Every "
                     "number and figure is computed by bplib when the notebook runs. The sliders on this page "
                     "replay precomputed frames; in JupyterLab, Run \u25b8 Run All Cells gives live controls under "
                     "them (the ")
    p2 += nodes.literal(text="live_slider")
    p2 += nodes.Text(" cells): drag, use the arrow keys, or type a value.")
    note += p1
    note += p2
    return note


def add_run_locally(app, doctree, docname):
    if app.builder.format != "html" or not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    titles = [i for i, child in enumerate(section.children) if isinstance(child, nodes.title)]
    section.insert(titles[0] + 1 if titles else 0, run_locally_note(docname))


def thebe_enabled(app):
    options = app.config.html_theme_options or {}
    return bool((options.get("launch_buttons") or {}).get("thebe")) or bool(app.config.thebe_config.get("always_load"))


def drop_thebe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is None or thebe_enabled(app):
        return
    # In place: Sphinx restores the list after each page.
    scripts[:] = [js for js in scripts if "sphinx-thebe" not in str(getattr(js, "filename", None) or "")
                  and "THEBE_JS_URL" not in (getattr(js, "attributes", {}) or {}).get("body", "")]


def setup(app):
    app.connect("html-page-context", drop_thebe_scripts, priority=900)
    app.connect("config-inited", set_footer)
    app.connect("config-inited", add_assets)
    app.add_css_file("bp-site.css")
    app.connect("builder-inited", check_vendor)
    app.connect("doctree-resolved", add_run_locally)
    app.connect("build-finished", copy_vendor)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
