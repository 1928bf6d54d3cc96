"""Sphinx extension for the book's website (loaded from ``_config.yml`` as a local extension).

It does six things, all at build time:

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
4. **A small stylesheet** (``book/_ext/assets/bp-site.css``: nothing scrolls sideways on a phone, nothing is
   clipped without a visible way to scroll to it, captions in a readable weight).
5. **Accessible pages** (issue 17; checked with axe-core and the keyboard by ``tests/test_site.py``): links and
   table headers whose only content is a formula get an ``aria-label`` in words from their TeX (MathJax draws
   formulas with CSS, which gives a screen reader no text for the link's name); the code-cell toggles are
   named by their visible text ("Show code cell source", not the theme's "Toggle hidden content"); each
   kernel-free slider's ``<output>`` is hidden from assistive technology (the input's ``aria-valuetext``
   already says the value: one announcement per change, not two). Three of the theme's templates are
   overridden in ``book/_ext/templates/`` (colour-mode and search buttons named by what they show, the book's
   title in a landmark); ``assets/bp-site.js`` marks boxes that scroll sideways so the stylesheet can show it,
   keeps each slider's ``aria-valuetext`` equal to the value shown, and adds a "Skip to the first slider" link.
   (``_config.yml`` keeps formulas out of the tab order: MathJax's ``inTabOrder: false``.)
6. **No dead Thebe scripts.** jupyter-book always loads sphinx-thebe, which puts its inline configuration
   (naming a CDN URL) on every page twice, a JavaScript error ("THEBE_JS_URL has already been declared").
   Thebe is off here (``launch_buttons.thebe: false``), so its scripts are left out of the pages.
"""
import platform
import re
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


# Words for the TeX a formula-only link or table header holds (its accessible name; the formula itself is drawn
# by MathJax with CSS, which gives assistive technology no text).
_TEX_WORDS = {
    "alpha": "alpha", "beta": "beta", "gamma": "gamma", "delta": "delta", "epsilon": "epsilon",
    "varepsilon": "epsilon", "zeta": "zeta", "eta": "eta", "theta": "theta", "iota": "iota", "kappa": "kappa",
    "lambda": "lambda", "mu": "mu", "nu": "nu", "xi": "xi", "pi": "pi", "rho": "rho", "sigma": "sigma",
    "tau": "tau", "phi": "phi", "varphi": "phi", "chi": "chi", "psi": "psi", "omega": "omega",
    "Gamma": "capital gamma", "Delta": "capital delta", "Theta": "capital theta", "Lambda": "capital lambda",
    "Sigma": "capital sigma", "Phi": "capital phi", "Psi": "capital psi", "Omega": "capital omega",
    "ell": "ell", "nabla": "nabla", "partial": "partial", "odot": "circled dot", "otimes": "circled times",
    "cdot": "dot", "times": "times", "dots": "dots", "ldots": "dots", "cdots": "dots", "infty": "infinity",
    "top": "transpose", "intercal": "transpose", "sum": "sum", "prod": "product", "log": "log", "exp": "exp",
    "max": "max", "min": "min", "le": "less than or equal to", "leq": "less than or equal to",
    "ge": "greater than or equal to", "geq": "greater than or equal to", "ne": "not equal to",
    "neq": "not equal to", "approx": "approximately", "to": "to", "rightarrow": "to", "leftarrow": "gets",
    "in": "in", "mid": "given", "lVert": "norm of", "rVert": "end norm", "Vert": "norm", "lvert": "absolute value of",
    "rvert": "end absolute value", "sqrt": "square root of", "prime": "prime",
}
_SYMBOL_WORDS = {"=": "equals", "+": "plus", "-": "minus", "/": "over", "<": "less than", ">": "greater than",
                 ",": ",", "'": "prime", "|": "bar", "(": "(", ")": ")", "[": "[", "]": "]"}
_FONT_WORDS = {"mathcal": "script", "mathbb": "double-struck", "mathbf": "bold", "boldsymbol": "bold"}
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|(\s+)|(.)", re.S)


def _tokens(tex):
    return [m.group(1) and "\\" + m.group(1) or m.group(2) and "\\" + m.group(2) or m.group(4)
            for m in _TOKEN.finditer(tex) if not m.group(3)]


def _group(tokens, i):
    """The argument starting at tokens[i] (a {...} group or one token) as words, and the next index."""
    if i >= len(tokens):
        return [], i
    if tokens[i] == "{":
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            depth += {"{": 1, "}": -1}.get(tokens[j], 0)
            j += 1
        return _words(tokens[i + 1:j - 1]), j
    return _words([tokens[i]]), i + 1


def _words(tokens):
    out, i = [], 0
    while i < len(tokens):
        t = tokens[i]
        if t in ("^", "_"):
            arg, i = _group(tokens, i + 1)
            if arg == ["prime"]:
                out.append("prime")
            else:
                out += ["superscript" if t == "^" else "sub", *arg] + (
                    ["end superscript" if t == "^" else "end sub"] if len(arg) > 1 else [])
            continue
        if t == "{":
            arg, i = _group(tokens, i)
            out += arg
            continue
        if t.startswith("\\"):
            name = t[1:]
            if name in _FONT_WORDS:
                arg, i = _group(tokens, i + 1)
                out += [_FONT_WORDS[name], *arg]
                continue
            if name in ("mathrm", "text", "operatorname", "mathit", "textrm"):
                arg, i = _group(tokens, i + 1)
                out.append("".join(arg))
                continue
            if name == "frac":
                num, i = _group(tokens, i + 1)
                den, i = _group(tokens, i)
                out += [*num, "over", *den]
                continue
            if name in ("left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", ",", ";", "!", "quad", "qquad"):
                i += 1
                continue
            out.append(_TEX_WORDS.get(name, name))
            i += 1
            continue
        out.append(_SYMBOL_WORDS.get(t, t))
        i += 1
    return out


def tex_to_words(tex):
    """Readable words for a short TeX formula: ``\\nabla f`` -> "nabla f", ``W^\\ell`` -> "W superscript ell",
    ``\\delta^L = \\partial\\mathcal{L}/\\partial z^L`` -> "delta superscript L equals partial script L over
    partial z superscript L"."""
    tex = tex.strip()
    for left, right in (("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$"), ("$", "$")):
        if tex.startswith(left) and tex.endswith(right) and len(tex) >= len(left) + len(right):
            tex = tex[len(left):len(tex) - len(right)]
            break
    text = " ".join(w for w in _words(_tokens(tex)) if w)
    return re.sub(r"\s+([,)\]])", r"\1", re.sub(r"([(\[])\s+", r"\1", text)).strip()


def _only_math(el):
    """True when the element's visible content is formulas only (no text outside ``.math``)."""
    if not el.select(".math"):
        return False
    return not any(t.strip() and not t.find_parent(class_="math") for t in el.find_all(string=True))


def accessible_body(app, pagename, templatename, context, doctree):
    """Names for what has none or a wrong one, in the page body (see 5. above)."""
    body = context.get("body")
    if not body or app.builder.format != "html":
        return
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    changed = False
    for el in soup.select("a[href], th, button, summary"):
        if not el.get("aria-label") and _only_math(el):
            el["aria-label"] = " and ".join(tex_to_words(m.get_text()) for m in el.select(".math"))
            changed = True
    for summary in soup.select("summary[aria-label]"):
        if summary.get_text(strip=True):  # myst-nb's "Toggle hidden content" hides the visible "Show code ..."
            del summary["aria-label"]
            changed = True
    for slider in soup.select("div.bp-slider"):
        for output in slider.select("output"):
            output["aria-hidden"] = "true"
            changed = True
            field = output.find_previous_sibling("input")
            if field is not None and not field.get("aria-valuetext"):
                field["aria-valuetext"] = output.get_text()
    if changed:
        context["body"] = str(soup)


def built_with():
    """The "built and tested with" line: versions of the environment this build runs in."""
    import numpy
    import sympy

    import bplib
    return (f"Built and tested with Python {platform.python_version()}, numpy {numpy.__version__}, "
            f"sympy {sympy.__version__} and bplib {bplib.__version__}.")


def add_assets(app, config):
    """The site's small stylesheet and script (book/_ext/assets/) and its theme templates (book/_ext/templates/,
    searched before the theme's own)."""
    config.html_static_path = list(config.html_static_path) + [str(Path(__file__).parent / "assets")]
    config.templates_path = [str(Path(__file__).parent / "templates")] + list(config.templates_path)


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
    app.add_js_file("bp-site.js", loading_method="defer")
    app.connect("html-page-context", accessible_body)
    app.connect("builder-inited", check_vendor)
    app.connect("doctree-resolved", add_run_locally)
    app.connect("build-finished", copy_vendor)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
