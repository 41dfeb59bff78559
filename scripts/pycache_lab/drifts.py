"""Drifts, written one way for the build, the self-check and CI: a line per drift, and a report.

Input is a ledger (``claims.json``'s shape). ``lines`` gives the lines both tools end with;
``markdown`` gives ``build/drifts.md``, a table per interpreter for a CI job summary.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import coverage
from .markdown import cell


def ledger_of_build(build: Path) -> dict | None:
    """``build/claims.json``; if the build stopped before writing it, the pages' fragments merged."""
    from . import ledger

    written = build / "claims.json"
    if written.exists():
        return json.loads(written.read_text(encoding="utf-8"))
    if (build / "claims.d").is_dir():
        return ledger.merge(build / "claims.d")[0]
    return None


def found(data: dict) -> list[tuple[dict, str]]:
    """Every (claim, interpreter key) that drifts, in ledger order."""
    return [(claim, key) for claim in data["claims"] for key, verdict in claim["results"].items()
            if verdict == "drifts"]


def lines(data: dict) -> list[str]:
    paths = {i["version"]: i["path"] for i in data["interpreters"]}
    return ["claim %r drifts on CPython %s (%s): expected %r, observed %r"
            % (claim["id"], key, paths.get(key, "?"), claim["expected"][key], claim["observed"][key])
            for claim, key in found(data)]


def counts(data: dict) -> dict:
    return {v: sum(list(c["results"].values()).count(v) for c in data["claims"])
            for v in ("holds", "drifts", "n/a", coverage.NOT_OBSERVED)}


def summary(data: dict) -> str:
    c = counts(data)
    return ("%d claims on %d interpreter(s): %d holds, %d drifts, %d n/a, %d not observed"
            % (len(data["claims"]), len(data["interpreters"]), c["holds"], c["drifts"], c["n/a"],
               c[coverage.NOT_OBSERVED]))


def unobserved_but_required(data: dict) -> list[str]:
    """A line when claims were not observed and CI (or ``PYCACHE_BOOK_REQUIRE_ALL=1``) requires all."""
    missing = counts(data)[coverage.NOT_OBSERVED]
    if missing and coverage.require_all():
        return ["%d verdicts not observed, and PYCACHE_BOOK_REQUIRE_ALL=1 or CI=true requires every claim"
                % missing]
    return []


def failing(data: dict) -> bool:
    """Whether the build or the self-check must fail on this ledger."""
    return bool(found(data) or data.get("page_errors") or unobserved_but_required(data))


def report(data: dict) -> str:
    """What the build and the self-check end with: the versions covered and what was not observed,
    failures outside the claims, the summary, then one line per drift."""
    return "\n".join(coverage.summary_lines(data) + data.get("page_errors", []) + [summary(data)]
                     + lines(data) + unobserved_but_required(data))


def markdown(data: dict) -> str:
    """``drifts.md``: the summary, then per interpreter a table of its drifting claims."""
    out = ["# Drifts", "", summary(data) + "."]
    drifting = found(data)
    if data.get("page_errors"):
        out += ["", "Failures outside the claims (a cell after a scenario failed, a proposal's reproducer):", ""]
        out += ["- %s" % cell(text) for text in data["page_errors"]]
    if not drifting:
        return "\n".join(out + ["", "No claim drifts."]) + "\n"
    for record in data["interpreters"]:
        key = record["version"]
        mine = [claim for claim, k in drifting if k == key]
        if not mine:
            continue
        out += ["", "## CPython %s (`%s`): %d drift(s)" % (key, record["path"], len(mine)), "",
                "| claim | page | expected | observed |", "|---|---|---|---|"]
        for claim in mine:
            out.append("| `%s` | %s | %s | %s |" % (claim["id"], claim["page"],
                                                   cell("`%r`" % (claim["expected"][key],)),
                                                   cell("`%r`" % (claim["observed"][key],))))
    return "\n".join(out) + "\n"
