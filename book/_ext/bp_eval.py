"""Sphinx extension: the ``{eval}`key:format` `` role pastes a glued value, exactly as ``{glue:text}`` (or
``{glue:md}`` for a value glued as Markdown) would.

The chapters quote computed numbers with MyST inline expressions, ``{eval}`ch1_grad_norm:.4f` ``, so that they
show in JupyterLab too: ``jupyterlab-myst`` renders an inline expression from the value stored in the markdown
cell's ``user_expressions`` metadata (written from the glued outputs by ``scripts/local_numbers.py``). myst-nb's
own ``eval`` role would ask a running kernel, which this build does not have (the notebooks are committed with
their outputs), so this role replaces it with a glue lookup: the website shows the glued value, formatted by
myst-nb itself, and a key the notebook does not glue is a build warning (an error under ``-W``).
"""
from docutils.utils import unescape
from myst_nb.core.variables import RetrievalError
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteTextRole
from myst_nb.ext.glue.utils import retrieve_glue_data


class GlueEvalRole:
    """``{eval}`key` `` or ``{eval}`key:format` ``: the glued value, as text (formatted) or as Markdown."""

    def __call__(self, name, rawtext, text, lineno, inliner, options=None, content=()):
        expression = unescape(text)
        key = expression.rsplit(":", 1)[0] if ":" in expression else expression
        try:
            markdown = "text/markdown" in retrieve_glue_data(inliner.document, key).data
        except RetrievalError:
            markdown = False  # PasteTextRole reports the missing key as a glue warning
        role = PasteMarkdownRole() if markdown else PasteTextRole()
        return role(name, rawtext, text, lineno, inliner, options, content)


def setup(app):
    app.add_role("eval", GlueEvalRole(), override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
