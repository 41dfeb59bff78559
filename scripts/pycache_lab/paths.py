"""Temporary paths written the way a reader sees them: ``<work>`` for the scenario directory.

One function for the whole book, so that every output, trace, exception and observed value shows
the same placeholder whatever the machine's temporary directory (spaces, non-ASCII letters and
symlinked ``/tmp`` included), and the build and the self-check record the same values.
"""
from __future__ import annotations

import os
import re
import tempfile

WORK = "<work>"
SANDBOX = "<sandbox>"
_SANDBOX_DIR = r"/pycache-lab-[A-Za-z0-9_]+"


def _temporary_roots() -> list[str]:
    roots = {tempfile.gettempdir(), os.environ.get("TMPDIR") or "/tmp", "/tmp"}
    roots |= {os.path.realpath(r) for r in list(roots)}
    return sorted((r.rstrip("/") for r in roots), key=len, reverse=True)


def show_work(text: str) -> str:
    """``text`` with every sandbox's scenario directory written ``<work>`` (the rest: ``<sandbox>``)."""
    if "pycache-lab-" not in text:
        return text
    text = _show_repeated(text)
    roots = "|".join(re.escape(r) for r in _temporary_roots())
    anywhere = r"(?:(?:%s)|[^\s'\"=:,;()\[\]]*)%s" % (roots, _SANDBOX_DIR)
    text = re.sub(anywhere + r"/work(?![^/\s'\"])", WORK, text)
    return re.sub(anywhere, SANDBOX, text)


def fill_work(text: str, work: str) -> str:
    """The other way round, for commands and environments a page writes with ``<work>``."""
    return text.replace(WORK, str(work))


def _show_repeated(text: str) -> str:
    """A scenario directory repeated inside a longer path, as a cache prefix repeats the source
    directory's absolute path (``pfx/tmp/pycache-lab-x/work/mod.pyc``), written ``pfx/<work>/...``:
    the generic rule of ``show_work`` would take ``pfx/tmp`` for an unknown temporary root."""
    roots = _temporary_roots()
    pattern = r"(?<=[^\s'\"=:,;()\[\]/])(?P<root>%s)%s/work(?![^/\s'\"])" % (
        "|".join(re.escape(r) for r in roots), _SANDBOX_DIR)

    def one(match: re.Match) -> str:
        before = text[:match.start("root")]
        if any(len(r) > len(match.group("root")) and (before + match.group("root")).endswith(r) for r in roots):
            return match.group(0)  # a longer root (/private/tmp), not a repeated path
        return "/" + WORK
    return re.sub(pattern, one, text)


def show_dir(text: str, directory: str, name: str) -> str:
    """``text`` with ``directory`` written as ``name`` (``<stdlib>`` for an installation's standard
    library), so that observed values never name one machine's installation paths."""
    return text.replace(directory, name) if directory else text
