"""Sphinx configuration of pycache-book. Sources live in docs/; build with scripts/build_book.py.

Everything that decides whether a failing cell fails the build is set here and re-checked by the
local extension ``pycache_book`` (docs/_ext), which refuses the silent opt-outs.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
sys.path.insert(0, str(ROOT / "scripts"))

project = "pycache-book"
author = "pycache-book contributors"
copyright = "2026, pycache-book contributors"
html_title = "When CPython reads and writes bytecode"

extensions = [
    "myst_nb",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx.ext.intersphinx",
    "sphinx.ext.graphviz",
    "pycache_book",
    "pycache_ledger_pages",
    "pycache_upstream_pages",
    "pycache_links",
]

root_doc = "index"
exclude_patterns = ["_ext", "_static", "_templates", "**/.ipynb_checkpoints"]
nitpicky = True

# -- MyST and MyST-NB --------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"  # every cell, every build; the preview session alone may use "cache"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_allow_errors = False
nb_execution_excludepatterns = []
nb_execution_timeout = 600  # per cell; a scenario has its own, shorter, time limit in the lab
nb_output_stderr = "warn"
nb_kernel_rgx_aliases = {".*": "python3"}
nb_render_markdown_format = "myst"
nb_merge_streams = True

if os.environ.get("PYCACHE_BOOK_PREVIEW") == "1":
    nb_execution_mode = "cache"
    # scripts/preview.py keeps the cache outside build/ (which the strict build wipes), so a restart
    # executes only the pages whose code cells changed.
    nb_execution_cache_path = os.environ.get("PYCACHE_BOOK_PREVIEW_CACHE", "")
elif os.environ.get("PYCACHE_BOOK_PREVIEW") == "off":  # scripts/bench.py: what Sphinx alone costs
    nb_execution_mode = "off"

# -- Links into CPython's documentation, offline first ------------------------------------------
# With the distribution's python3-doc (Debian 12: python3.11-doc), links point at the docs of the
# version the local inventory describes (its anchors, e.g. `-v`'s, differ from the newest docs');
# without it, at /3/ with the online inventory.
from pycache_lab.preflight import local_cpython_inventory  # noqa: E402

_LOCAL_INVENTORY = local_cpython_inventory()
if _LOCAL_INVENTORY:
    _DOCS_VERSION = _LOCAL_INVENTORY.split("/doc/python")[1].split("/")[0]  # "3.11"
    intersphinx_mapping = {"python": ("https://docs.python.org/%s" % _DOCS_VERSION, (_LOCAL_INVENTORY, None))}
else:
    intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}
intersphinx_timeout = 10

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "home_page_in_toc": True,  # the front page answers first: keep it one click away in the sidebar
    "show_prev_next": True,
    "navbar_persistent": [],  # the sidebar has the search field; no second one in a header bar
}
html_short_title = "pycache-book"
html_static_path = ["docs/_static"]  # relative to this file's folder
templates_path = ["docs/_templates"]
html_css_files = ["book.css"]
html_favicon = "docs/_static/favicon.svg"
html_copy_source = False  # the .md sources are in the repository; the site need not serve them twice
html_last_updated_fmt = ""
graphviz_output_format = "svg"
