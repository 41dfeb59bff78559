"""The site around the evidence: what a search engine and the footer say, and the published ledger.

- ``<title>`` and ``<meta name="description">`` of each page carry the words people search for
  (``__pycache__``, ``.pyc``, stale, ``-B``): ``SEARCH_TITLES`` and ``DESCRIPTIONS`` below, kept
  here so that the chapters' sources stay about their subject.
- Every page's footer (``evidence-footer.html``) says when the evidence was built and on which
  interpreters, and links to ``claims.json`` and the repository (``pycache_repository_url``).
- ``claims.json`` is copied into the HTML output after the build wrote it, so a reader of the
  site can fetch exactly what the pages show.
"""
from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

BOOK = ".pyc and __pycache__, observed"
SEARCH_TITLES = {
    "index": "When CPython reads and writes bytecode: .pyc files and __pycache__ explained",
    "scripts-and-imports": "python app.py, python -m and import: which .pyc files are written and read",
    "entry-points": "Entry points: shebang scripts, runpy, zip files, exec and running a .pyc",
    "switches": "-B and PYTHONDONTWRITEBYTECODE: switches that stop writing .pyc files",
    "locations": "Where the .pyc goes: __pycache__, cache tags, -O and PYTHONPYCACHEPREFIX",
    "freshness": "Stale .pyc files: when a cache file counts as up to date",
    "hash-based": "Hash-based .pyc files and --check-hash-based-pycs",
    "anatomy": "Anatomy of a .pyc file: header, magic number and marshal",
    "write-failures": "When writing a .pyc fails: permissions, read-only __pycache__, corrupt files",
    "sourceless": "Sourceless .pyc files: legacy mod.pyc, compileall -b and zip imports",
    "stdlib": "The standard library's .pyc files: built-in, frozen and extension modules",
    "history": "Python 2.7 .pyc files, observed",
    "cache-benefit": "What a .pyc saves: import time with and without a cache file",
    "security": "Security of .pyc files: who can change the code you run",
    "myths": "Myths about .pyc and __pycache__, checked",
    "lazy-imports": "Lazy imports (3.15): when a lazily imported module's .pyc is written and read",
    "decision": "Will this command write or read a .pyc? python -m, -B, PYTHONDONTWRITEBYTECODE",
    "ledger": "The ledger: every claim about .pyc files, per CPython version",
    "matrix": "Version matrix: .pyc behaviour across CPython versions",
}
DESCRIPTIONS = {
    "index": "When Python writes .pyc files into __pycache__, when it reads them, why an edit is not "
             "picked up (stale .pyc), what -B and PYTHONDONTWRITEBYTECODE change, and python -m: "
             "every rule proven on real CPython interpreters.",
    "scripts-and-imports": "What python app.py, python -m mod and import write to __pycache__ and read "
                           "back: the script itself never gets a .pyc, imported modules do.",
    "entry-points": "Which .pyc files shebang scripts, packages, runpy, zip files, standard input, "
                    "exec and importlib write and read, and what running a .pyc directly does.",
    "switches": "-B, PYTHONDONTWRITEBYTECODE (by value) and sys.dont_write_bytecode stop writing .pyc "
                "files, not reading them; -E and -I ignore the variable.",
    "locations": "The .pyc file's name and place: __pycache__/mod.cpython-XY.pyc, .opt-1/.opt-2 for -O "
                 "and -OO, PYTHONPYCACHEPREFIX, cache_from_source and __cached__.",
    "freshness": "Why an edit is not picked up: a .pyc is stale or fresh by the source's mtime in "
                 "whole seconds and its size; the same-second trap, observed.",
    "hash-based": "Checked and unchecked hash-based .pyc files, --check-hash-based-pycs and "
                  "SOURCE_DATE_EPOCH, observed.",
    "anatomy": "The bytes of a .pyc: headers of every era, magic numbers, flags, marshal.",
    "write-failures": "What happens when a .pyc cannot be written: read-only directories and "
                      "__pycache__, file modes, atomic rename, concurrent imports, corrupt files.",
    "sourceless": "When a .pyc is used without its source: legacy mod.pyc, __pycache__ orphans, "
                  "compileall -b, finder order and zip archives.",
    "stdlib": "Which standard library modules have .pyc files: built-in, frozen and extension "
              "modules, and the installation's own __pycache__.",
    "history": "How Python 2.7 writes and reads mod.pyc and mod.pyo beside the source.",
    "cache-benefit": "What a .pyc saves: import time with and without a cache file, measured.",
    "security": "Who can replace the code you run through __pycache__: directory and file "
                "permissions, planted and forged .pyc files, what -B and -I do not protect.",
    "lazy-imports": "Python 3.15's lazy import, -X lazy_imports and __lazy_modules__: the .pyc in "
                    "__pycache__ is written and read at the first use of the name, not at the statement.",
    "myths": "Common statements about .pyc files and __pycache__, each checked by evidence.",
    "upstream/index": "Proposed replacement text for CPython's documentation of .pyc and __pycache__.",
    "decision": "Will python write or read a .pyc file? Diagrams for python app.py, python -m, -B, "
                "PYTHONDONTWRITEBYTECODE, -O and the pycache prefix, from observed results.",
    "ledger": "Every claim about .pyc and __pycache__ in the book, with its result on each CPython "
              "version of the build; what differs by version first.",
    "matrix": "Key .pyc behaviours across CPython versions: what each version writes and reads.",
    "self-check": "Re-check every claim about .pyc files on your own Python.",
    "method": "How the evidence about .pyc files is gathered: sandboxes, witnesses, claims.",
}


def _evidence(app) -> dict:
    """The build's date and interpreters, read once per process from the ledger fragments."""
    cached = getattr(app, "_pycache_evidence", None)
    if cached is None:
        from pycache_lab import ledger

        data, _ = ledger.merge(Path(app.outdir).parent / "claims.d")
        versions = [record["version"] for record in data["interpreters"]]
        cached = {"date": datetime.date.today().isoformat(),
                  "versions": ", ".join(versions) if versions else "no interpreter",
                  "repository": app.config.pycache_repository_url}
        app._pycache_evidence = cached
    return cached


def page_context(app, pagename, templatename, context, doctree) -> None:
    context["pycache_evidence"] = _evidence(app)
    context["pycache_title"] = SEARCH_TITLES.get(pagename, "")
    if pagename not in SEARCH_TITLES and context.get("title") and pagename not in ("search", "genindex"):
        context["pycache_title"] = "%s – %s" % (_plain(context["title"]), BOOK)
    description = DESCRIPTIONS.get(pagename) or DESCRIPTIONS.get(pagename.split("/")[0] + "/index")
    if description:
        from html import escape

        context["metatags"] = context.get("metatags", "") + '\n<meta name="description" content="%s" />' % (
            escape(description, quote=True))


def _plain(title: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", title).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


LONG_TOKEN = {"text": 40, "title": 16}  # characters: longer may not fit a phone's line (390 px)


def mark_long_tokens(app, doctree, docname) -> None:
    """Inline code holding a token too long for a phone's line gets the class ``pycache-long``.

    The stylesheet keeps every other token on one line (``python -m`` never breaks after the
    dash); a marked one may wrap inside itself, and only when it is wider than the whole line.
    Tables are left alone: a wide table scrolls in its own box.
    """
    from docutils import nodes

    for literal in doctree.findall(nodes.literal):
        if any(isinstance(parent, nodes.entry) for parent in _parents(literal)):
            continue
        limit = LONG_TOKEN["title"] if isinstance(literal.parent, nodes.title) else LONG_TOKEN["text"]
        if max((len(token) for token in literal.astext().split()), default=0) > limit:
            literal["classes"].append("pycache-long")


def _parents(node):
    while node.parent is not None:
        node = node.parent
        yield node


def publish_claims(app, exception) -> None:
    """After ``pycache_book`` wrote build/claims.json: serve it with the site."""
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.outdir).parent / "claims.json"
    if not source.is_file():
        logger.warning("site: %s was not written, so the site cannot publish it", source)
        return
    shutil.copyfile(source, Path(app.outdir) / "claims.json")


def setup(app):
    app.add_config_value("pycache_repository_url", "", "html")
    app.connect("html-page-context", page_context)
    app.connect("doctree-resolved", mark_long_tokens, priority=900)  # after the ledger pages are filled
    app.connect("build-finished", publish_claims, priority=900)  # after pycache_book's merge (500)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
