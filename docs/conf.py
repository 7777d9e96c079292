"""Sphinx configuration of convac's documentation site.

Build it (warnings are errors, as in .ci/run)::

    pip install '.[docs]' && sphinx-build -W -b html docs docs/_build/html

Three pages are generated at build time into docs/_generated/ (never committed) by docs/generate.py: the claim
catalog (from theorems.claims.catalog), the API reference (the package-level names of symbolic and theorems) and the
notebook gallery (copies of notebooks/*.ipynb, rendered with their committed outputs, never executed).
"""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the checkout's packages, also when convac is not installed
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from symbolic.versions import convac_version  # noqa: E402

generate.main(HERE / "_generated")

project = "convac"
author = "The convac authors"
copyright = "2026, The convac authors (MIT License)"
release = version = convac_version()

extensions = [
    "myst_nb",  # markdown pages (myst-parser) and the notebooks of the gallery
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]

# MyST: GitHub-style heading anchors (the spec format links to #errors, #numbers, ...), $...$ maths, tables.
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath", "colon_fence"]

# The gallery shows the notebooks as committed (with their outputs): never execute them while building.
nb_execution_mode = "off"
nb_merge_streams = True

# API reference: the signatures and docstrings as written; numpydoc renders their sections.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set = set()

html_theme = "alabaster"
html_title = f"convac {release}"
html_static_path = ["_static"]
html_theme_options = {"description": "Exact, certified proof-checking for convolutional arithmetic circuits",
                      "fixed_sidebar": True}

# docs/answers.md shows the envelope with placeholders ([RESULT, ...]) in a json block: Pygments retries it in
# relaxed mode, which is what we want, so that retry is not an error.
suppress_warnings = ["misc.highlighting_failure"]
