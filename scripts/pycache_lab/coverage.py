"""Which CPython versions the book is about, which of them a build had, and what it could not observe.

The book covers 2.7 and 3.6 to 3.15. A build proves claims only on the interpreters it found, so
every page, the ledger and the build's last lines say which versions the evidence covers, and a
claim that could not be observed says so ("not observed in this build", with the reason) instead
of reading as proven. CI demands everything: with ``PYCACHE_BOOK_REQUIRE_ALL=1`` (or ``CI=true``)
a claim that was not observed fails the build like a drift.
"""
from __future__ import annotations

import os
from typing import Iterable, Mapping

BOOK_VERSIONS = ("2.7",) + tuple("3.%d" % minor for minor in range(6, 16))
"""The minor versions the book's pages talk about (oldest first)."""

REQUIRE_ALL_VAR = "PYCACHE_BOOK_REQUIRE_ALL"
NOT_OBSERVED = "not observed"
"""The verdict of a claim the build could not observe on an interpreter (reason in ``observed``)."""


class NotObservable(Exception):
    """This system cannot observe what a scenario needs (no second user, say): a reason, not a finding."""


class Unobserved:
    """What ``Book.each`` keeps for an interpreter whose scenario was not observable.

    Reading anything from it (``runs[key]["swap"]``) raises ``NotObservable`` again, so every
    claim fed from that scenario gets the verdict "not observed" with the same reason.
    """

    def __init__(self, reason: str):
        self.reason = reason

    def __getitem__(self, _):
        raise NotObservable(self.reason)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotObservable(self.reason)

    def __repr__(self) -> str:
        return "Unobserved(%r)" % self.reason


def attempt(function, *args):
    """``function(*args)``, or an ``Unobserved`` with the reason where this system cannot observe it:
    one part of a scenario that needs what is missing, without losing the rest."""
    try:
        return function(*args)
    except NotObservable as why:
        return Unobserved(str(why))


def require_all(environ: Mapping[str, str] | None = None) -> bool:
    """True in CI (``CI=true``) or with ``PYCACHE_BOOK_REQUIRE_ALL=1``: "not observed" fails the build."""
    environ = os.environ if environ is None else environ
    value = environ.get(REQUIRE_ALL_VAR, "").strip().lower()
    if value:
        return value not in ("0", "false", "no")
    return environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def minor_of(version: str) -> str:
    """``'3.11.7#2'`` or ``'3.11.7'`` -> ``'3.11'``."""
    return ".".join(version.split("#")[0].split(".")[:2])


def missing_versions(versions: Iterable[str]) -> list[str]:
    """The book's minor versions that none of ``versions`` (full or minor) belongs to."""
    have = {minor_of(v) for v in versions}
    return [v for v in BOOK_VERSIONS if v not in have]


def covered_versions(versions: Iterable[str]) -> list[str]:
    have = {minor_of(v) for v in versions}
    return [v for v in BOOK_VERSIONS if v in have] + sorted(have - set(BOOK_VERSIONS))


def sentence(versions: Iterable[str]) -> str:
    """One line for a page or a summary: what the evidence covers and what it does not."""
    versions = list(versions)
    covered, missing = covered_versions(versions), missing_versions(versions)
    text = "The evidence of this build covers CPython %s (%d interpreter%s)." % (
        ", ".join(covered) or "nothing", len(versions), "" if len(versions) == 1 else "s")
    if missing:
        text += (" Not observed in this build: %s (no interpreter of %s was found; what this book "
                 "says about %s is not checked here)." % (", ".join(missing),
                                                           "that version" if len(missing) == 1 else "these versions",
                                                           "it" if len(missing) == 1 else "them"))
    return text


def unobserved_claims(data: dict) -> list[tuple[dict, str]]:
    """Claims of a ledger (``claims.json``) that no interpreter of the build observed, with why.

    Either some interpreter's verdict is "not observed" (the reason is its observed value), or
    the claim applies to none of the build's interpreters (every verdict is n/a).
    """
    found = []
    for claim in data.get("claims", []):
        verdicts = claim["results"]
        reasons = sorted({str(claim["observed"].get(key)) for key, verdict in verdicts.items()
                          if verdict == NOT_OBSERVED})
        if reasons:
            found.append((claim, "; ".join(reasons)))
        elif verdicts and all(v == "n/a" for v in verdicts.values()):
            found.append((claim, "it applies to none of this build's interpreters"))
    return found


def summary_lines(data: dict) -> list[str]:
    """The build's last lines: versions covered, versions missing, claims not observed and why."""
    versions = [record["version"] for record in data.get("interpreters", [])]
    lines = [sentence(versions)]
    unobserved = unobserved_claims(data)
    if unobserved:
        lines.append("%d of %d claims were not observed in this build:" % (len(unobserved), len(data["claims"])))
        for claim, why in unobserved[:12]:
            lines.append("  %s (%s): %s" % (claim["id"], claim["page"], why))
        if len(unobserved) > 12:
            lines.append("  ... and %d more (see the ledger page)" % (len(unobserved) - 12))
    return lines


def build_summary(claims_json) -> list[str]:
    """The last lines of a build, from its ``claims.json`` (nothing if the build wrote none)."""
    import json
    from pathlib import Path

    path = Path(claims_json)
    if not path.exists():
        return []
    return summary_lines(json.loads(path.read_text(encoding="utf-8")))
