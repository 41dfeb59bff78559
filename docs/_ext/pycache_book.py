"""Local Sphinx extension: keep the book strict and collect the ledger.

- refuses configurations under which a failing cell would not fail the build;
- per page, refuses the silent opt-outs (``skip-execution``, ``execution_allow_errors``, a
  ``raises-exception`` cell that did not raise, code cells that never ran, a page with code cells
  that is not declared a notebook);
- tells page kernels where to write ledger fragments and merges them into ``claims.json`` and
  ``drifts.md``; pages record drifts instead of raising, so every page runs to its end.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
PREVIEW = os.environ.get("PYCACHE_BOOK_PREVIEW") in ("1", "off")
"""Live preview (cached cells) or the benchmark's Sphinx-only build: never a check; build_book.py clears it."""
OPT_OUT_TAGS = {"skip-execution"}
JUPYTER_DIRS = {"JUPYTER_RUNTIME_DIR": "runtime", "JUPYTER_DATA_DIR": "data",
                "JUPYTER_CONFIG_DIR": "config", "IPYTHONDIR": "ipython"}
PAGE_OPT_OUTS = ("execution_allow_errors", "execution_excludepatterns", "execution_mode",
                 "execution_raise_on_error", "execution_timeout")


def check_config(app, config) -> None:
    """Fail at once on settings that let a failing cell pass."""
    problems = []
    if config.nb_execution_mode != "force" and not PREVIEW:
        problems.append("nb_execution_mode must be 'force' (got %r)" % config.nb_execution_mode)
    if not config.nb_execution_raise_on_error:
        problems.append("nb_execution_raise_on_error must be True")
    if config.nb_execution_allow_errors:
        problems.append("nb_execution_allow_errors must be False")
    if config.nb_execution_excludepatterns:
        problems.append("nb_execution_excludepatterns must be empty (got %r)" % config.nb_execution_excludepatterns)
    if problems:
        raise ConfigError("pycache-book refuses a build that could pass failing cells: " + "; ".join(problems))


def ledger_dir(app) -> Path:
    return Path(app.outdir).parent / "claims.d"


def prepare(app) -> None:
    """Before any page runs: a fresh ledger directory, and the lab importable by page kernels."""
    directory = ledger_dir(app)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PYCACHE_BOOK_LEDGER_DIR"] = str(directory)
    # Every page runs to its end: a drift is recorded (and marked in its claim's table), never
    # raised; build_book.py ends with the complete list (also in build/drifts.md).
    os.environ["PYCACHE_BOOK_RAISE_ON_DRIFT"] = "0"
    # book.check reads each claim's statement from the page's {claim} block, in these sources.
    os.environ["PYCACHE_BOOK_DOCS"] = str(app.srcdir)
    # Jupyter and IPython keep state in HOME by default (connection files, profiles, history):
    # the book's kernels keep theirs in the build directory, and never read the caller's.
    jupyter = Path(app.outdir).parent / "jupyter"
    for variable, sub in JUPYTER_DIRS.items():
        (jupyter / sub).mkdir(parents=True, exist_ok=True)
        os.environ[variable] = str(jupyter / sub)
    quiet_kernel_transport_notice(jupyter / JUPYTER_DIRS["IPYTHONDIR"])
    scripts = str(ROOT / "scripts")
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if scripts not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([scripts] + parts)


KERNEL_CONFIG = """\
# Written by docs/_ext/pycache_book.py. ipykernel 7 warns on every start that its TCP sockets are
# not encrypted. The book's kernels listen on 127.0.0.1 only, with an HMAC-signed connection made
# for this build, and run the book's own public code: the notice is one line of noise per page.
import logging


class _NoTransportNotice(logging.Filter):
    def filter(self, record):
        return "running over TCP without encryption" not in record.getMessage()


logging.getLogger("IPKernelApp").addFilter(_NoTransportNotice())
"""


def quiet_kernel_transport_notice(ipython_dir: Path) -> None:
    """The kernels' profile drops exactly ipykernel's TCP-encryption notice (14 lines a build)."""
    profile = ipython_dir / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG, encoding="utf-8")


def executed_notebook(app, docname: str) -> dict | None:
    path = Path(app.env.mystnb_config.output_folder) / (docname + ".ipynb")
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def check_page(app, doctree) -> None:
    """Refuse the per-page ways of not running, or not failing, a cell."""
    docname = app.env.docname
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".md":
        return
    text = source.read_text(encoding="utf-8")
    notebook = executed_notebook(app, docname)
    where = (docname, 1)
    if notebook is None:
        if "{code-cell}" in text:
            logger.warning("%s has code cells but is not a notebook (add 'file_format: mystnb' to its "
                           "front matter): its cells never run", docname, location=where)
        return
    settings = notebook.get("metadata", {}).get("mystnb", {}) or {}
    for key in PAGE_OPT_OUTS:
        if key in settings and not (PREVIEW and key == "execution_mode"):
            logger.warning("%s overrides %s in its front matter: refused (the book's execution rules "
                           "apply to every page)", docname, key, location=where)
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        for tag in sorted(tags & OPT_OUT_TAGS):
            logger.warning("%s, code cell %d: tag %r refused (every cell runs on every build)",
                           docname, number, tag, location=where)
        if "raises-exception" in tags and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            logger.warning("%s, code cell %d is tagged raises-exception but raised nothing",
                           docname, number, location=where)
        code = cell.get("source", "")
        code = "".join(code) if isinstance(code, list) else code  # unexecuted notebooks keep lines
        if cell.get("execution_count") is None and code.strip() and not PREVIEW:
            logger.warning("%s, code cell %d did not run", docname, number, location=where)


def merge_ledger(app, exception) -> None:
    """After the build: join the pages' fragments into claims.json, refusing conflicts."""
    if exception is not None:
        return
    from pycache_lab import drifts, ledger

    data, problems = ledger.merge(ledger_dir(app))
    for problem in problems:
        logger.warning("ledger: %s", problem)
    known = set(app.env.found_docs)
    for claim in data["claims"]:
        if claim["page"] not in known:
            logger.warning("ledger: claim %r names page %r, which is not in the book", claim["id"], claim["page"])
    target = Path(app.outdir).parent / "claims.json"
    target.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    (target.parent / "drifts.md").write_text(drifts.markdown(data), encoding="utf-8")
    logger.info("ledger: %d claims on %d interpreters written to %s",
                len(data["claims"]), len(data["interpreters"]), target)
    found = drifts.found(data)
    if found:
        logger.warning("%d claim result(s) drift: listed at the end of the build and in %s",
                       len(found), target.parent / "drifts.md")


def setup(app):
    app.connect("config-inited", check_config)
    app.connect("builder-inited", prepare)
    app.connect("doctree-read", check_page)
    app.connect("build-finished", merge_ledger)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
