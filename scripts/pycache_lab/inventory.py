"""CPython's own ``objects.inv``, the newest one available offline, for links into docs.python.org.

The book and ``scripts/check_upstream.py`` link options, functions and modules into CPython's
documentation through intersphinx. An offline build needs the inventory on disk, and roles for
things only a recent CPython has (``-X lazy_imports``) resolve only against that CPython's
inventory. The search order, newest version first, ties in this order:

1. ``$PYCACHE_BOOK_INVENTORY``: one ``objects.inv`` named by the caller (it must exist); its
   version is read from the file's header. Nothing else is looked at.
2. The Debian roots of ``scripts/install_pythons.py``:
   ``<cache>/debian/<suite>/usr/share/doc/python3.X/html/objects.inv`` (``python3.X-doc``).
3. The machine's own ``python3.X-doc``: ``/usr/share/doc/python3.X/html/objects.inv``.

Without any, the build reads https://docs.python.org/3/objects.inv online.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Mapping, NamedTuple

from . import debian

ENV_VAR = "PYCACHE_BOOK_INVENTORY"
SYSTEM_DOCS = Path("/usr/share/doc")
ONLINE = "https://docs.python.org/3"
_DOC_DIR = re.compile(r"^python(3\.\d+)$")


class Inventory(NamedTuple):
    version: str          # "3.15"
    path: str             # the objects.inv file
    url: str              # where its targets live online


def _minor(version: str) -> tuple:
    return tuple(int(part) for part in version.split("."))


def read_version(path: str) -> str:
    """The ``# Version: 3.15`` line of an inventory's header, as ``3.15``."""
    with open(path, "rb") as handle:
        for _ in range(4):
            line = handle.readline().decode("utf-8", "replace")
            if line.startswith("# Version:"):
                match = re.match(r"(\d+\.\d+)", line.split(":", 1)[1].strip())
                if match:
                    return match.group(1)
    raise ValueError("%s: not a Sphinx inventory with a version" % path)


def in_doc_dir(doc_dir: Path) -> list[Inventory]:
    """Every ``python3.X/html/objects.inv`` under one ``share/doc`` folder."""
    if not doc_dir.is_dir():
        return []
    found = []
    for entry in doc_dir.iterdir():
        match = _DOC_DIR.match(entry.name)
        inventory = entry / "html" / "objects.inv"
        if match and inventory.is_file():
            found.append(Inventory(match.group(1), str(inventory), "https://docs.python.org/" + match.group(1)))
    return found


def candidates(environ: Mapping[str, str], system_docs: Path = SYSTEM_DOCS) -> list[Inventory]:
    """Every inventory on disk, in the documented search order (before sorting by version)."""
    named = environ.get(ENV_VAR)
    if named:
        if not os.path.isfile(named):
            raise FileNotFoundError("%s=%s: no such file" % (ENV_VAR, named))
        version = read_version(named)
        return [Inventory(version, named, "https://docs.python.org/" + version)]
    found = []
    for root in debian.roots(debian.cache_dir(environ)):
        found += sorted(in_doc_dir(root / "usr" / "share" / "doc"), key=lambda inv: _minor(inv.version))
    found += sorted(in_doc_dir(system_docs), key=lambda inv: _minor(inv.version))
    return found


def newest(environ: Mapping[str, str] | None = None, system_docs: Path = SYSTEM_DOCS) -> Inventory | None:
    """The newest CPython inventory on disk (the first found among equals), or None."""
    found = candidates(os.environ if environ is None else environ, system_docs)
    best = None
    for inventory in found:
        if best is None or _minor(inventory.version) > _minor(best.version):
            best = inventory
    return best


def intersphinx_target(environ: Mapping[str, str] | None = None) -> tuple:
    """``(url, (local path or None, None))`` for ``intersphinx_mapping["python"]``."""
    found = newest(environ)
    if found is None:
        return (ONLINE, None)
    return (found.url, (found.path, None))
