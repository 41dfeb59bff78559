"""The ledger: every claim checked in a build, with its verdict per interpreter.

Each page writes its own fragment (``<dir>/<page>.json``), so pages executed in parallel never
write the same file; ``merge`` joins the fragments into the build's ``claims.json``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

ENV_VAR = "PYCACHE_BOOK_LEDGER_DIR"


def interpreter_records(interpreters) -> list[dict]:
    return [{"version": py.key, "path": py.path, "cache_tag": py.cache_tag, "magic": py.magic,
             "build": py.build} for py in interpreters]


def write_fragment(directory: str | os.PathLike, page: str, interpreters, records: Iterable[dict],
                   page_errors: Iterable[str] = ()) -> Path:
    """A page's claims so far; ``page_errors``: cells that failed after a scenario of the page failed."""
    path = Path(directory) / (page.replace("/", "__") + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"page": page, "interpreters": interpreter_records(interpreters), "claims": list(records)}
    if page_errors:
        data["page_errors"] = list(page_errors)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
    return path


class LedgerProblem(ValueError):
    """Fragments that cannot be merged honestly (a claim id used twice, interpreters differ)."""


def merge(directory: str | os.PathLike) -> tuple[dict, list[str]]:
    """Join every fragment; return the ledger and a list of problems found on the way."""
    problems: list[str] = []
    interpreters: dict[str, dict] = {}
    claims: list[dict] = []
    owner: dict[str, str] = {}
    page_errors: list[str] = []
    for path in sorted(Path(directory).glob("*.json")):
        fragment = json.loads(path.read_text(encoding="utf-8"))
        for record in fragment["interpreters"]:
            known = interpreters.setdefault(record["version"], record)
            if known["path"] != record["path"]:
                problems.append("page %s used %s at %s, another page used it at %s"
                                % (fragment["page"], record["version"], record["path"], known["path"]))
        for claim in fragment["claims"]:
            if claim["id"] in owner:
                problems.append("claim id %r is used on page %s and on page %s"
                                % (claim["id"], owner[claim["id"]], fragment["page"]))
                continue
            owner[claim["id"]] = fragment["page"]
            claims.append(claim)
        page_errors += ["%s, %s" % (fragment["page"], text) for text in fragment.get("page_errors", [])]
    ordered = sorted(interpreters.values(), key=lambda r: [int(x) for x in r["version"].split("#")[0].split(".")])
    data = {"interpreters": ordered, "claims": claims}
    if page_errors:
        data["page_errors"] = page_errors
    return data, problems


def neighbours_alike(items, render) -> list[tuple]:
    """``items`` in order, those next to each other that render alike merged: [(shown, [items])]."""
    runs: list[tuple] = []
    for item in items:
        shown = render(item)
        if runs and runs[-1][0] == shown:
            runs[-1][1].append(item)
        else:
            runs.append((shown, [item]))
    return runs


def runs_of(claim: dict, keys: list[str], render) -> str:
    """One claim's results in short: interpreters next to each other that show the same merged.

    ``render(key)`` gives the text for one interpreter; the result reads
    ``'2.7.18: x; 3.6.15–3.13.0: y'``, or just ``'x'`` when every interpreter showed the same.
    """
    runs = neighbours_alike([k for k in keys if k in claim["results"]], render)
    if len(runs) == 1:
        return runs[0][0]
    return "; ".join("%s: %s" % (ks[0] if len(ks) == 1 else "%s–%s" % (ks[0], ks[-1]), shown) for shown, ks in runs)
