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
    "pycache_rule_tables",
    "pycache_verdicts",
    "pycache_upstream_pages",
    "pycache_site",
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
# The newest CPython inventory on disk (search order in scripts/pycache_lab/inventory.py: the file
# named by $PYCACHE_BOOK_INVENTORY, the python3.X-doc of the Debian roots that
# scripts/install_pythons.py unpacked, then this machine's /usr/share/doc/python3.X), so roles for
# options only the newest CPython has resolve; links then point at that version's docs. Without
# any, the online inventory of docs.python.org/3.
from pycache_lab import inventory as _inventory  # noqa: E402

intersphinx_mapping = {"python": _inventory.intersphinx_target()}
intersphinx_timeout = 10

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "home_page_in_toc": True,  # the front page answers first: keep it one click away in the sidebar
    "show_prev_next": True,
    "navbar_persistent": [],  # the sidebar has the search field; no second one in a header bar
    # every page's footer: the build's date and interpreters, claims.json, the repository (pycache_site)
    "footer_content_items": ["copyright.html", "evidence-footer.html"],
}
pycache_repository_url = "https://github.com/pycache-book/pycache-book"
html_short_title = "pycache-book"
html_static_path = ["docs/_static"]  # relative to this file's folder
templates_path = ["docs/_templates"]
html_css_files = ["book.css"]
html_favicon = "docs/_static/favicon.svg"
html_copy_source = False  # the .md sources are in the repository; the site need not serve them twice
html_last_updated_fmt = ""
graphviz_output_format = "svg"
