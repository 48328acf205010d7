"""Sphinx configuration of the ppl documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (needs the ``docs`` extra).
Pages are MyST markdown; the API reference is generated from the numpydoc docstrings by
autosummary into ``docs/api/generated/`` (not committed). ``tests/test_docs.py`` builds the site
with ``-W`` and runs every ```` ```python ```` block of every page.
"""

import ppl

project = "ppl"
author = "the ppl developers"
copyright = "the ppl developers"  # noqa: A001 - Sphinx's name
release = ppl.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_scripts", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# MyST: $...$ maths (the distribution catalogue), ::: fences, heading anchors for links.
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# API reference: one page per public object, documented under its public name (ppl.Normal).
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc docstrings; the types live in the signatures
autodoc_default_options = {"member-order": "bysource"}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"ppl {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
# The guide's pages are listed in the top bar; only the API reference needs a left sidebar.
html_sidebars = {"*": [], "explanation/*": []}
html_show_sourcelink = False
html_copy_source = False
