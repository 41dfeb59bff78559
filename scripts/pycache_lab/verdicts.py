"""Verdicts on other people's statements, computed from what the interpreters did.

A myth claim observes, on each interpreter, what CPython does, and compares it with what the
write-up predicts (``says``): ``judge`` gives ``right``, ``wrong`` or ``partly right`` (some cases
of a ``Cases`` prediction hold, others not). ``label`` turns those per-interpreter results into
the verdict a reader sees: ``true``, ``false``, ``partly true``, or per version ("true only on
2.7", "true from 3.7", "false on 2.7, partly true from 3.6"). Nobody types a verdict: it is whatever the interpreters showed.
"""
from __future__ import annotations

from typing import Any, Sequence

RIGHT, WRONG, PARTLY = "right", "wrong", "partly right"
WORDS = {RIGHT: "true", WRONG: "false", PARTLY: "partly true"}


class Cases(dict):
    """A prediction made of separate cases, each right or wrong on its own ({case: predicted value})."""


def _same(a: Any, b: Any) -> bool:
    from .claims import _normalise
    return _normalise(a) == _normalise(b)


def judge(observed: Any, says: Any) -> str:
    """Was the write-up right on this interpreter? ``says`` is what it predicts would be observed."""
    if isinstance(says, Cases):
        if not isinstance(observed, dict):
            return WRONG
        hits = [case in observed and _same(observed[case], predicted) for case, predicted in says.items()]
        return RIGHT if all(hits) else WRONG if not any(hits) else PARTLY
    return RIGHT if _same(observed, says) else WRONG


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def label(results: Sequence[tuple[str, str]]) -> str:
    """One verdict from ``[(version, right/wrong/partly right), ...]`` in version order.

    Runs of neighbouring versions with the same result merge; the last run reads "from X" since it
    reaches the newest interpreter. Where the write-up was right on one run of versions and wrong on
    all others: "true only on 2.7", "true from 3.7"; else each run in turn: "false on 2.7, partly
    true from 3.6".
    """
    runs: list[list] = []
    for version, result in results:
        if runs and runs[-1][0] == result:
            runs[-1][2] = version
        else:
            runs.append([result, version, version])
    if not runs:
        return "not decided (no interpreter)"
    if len(runs) == 1:
        return WORDS[runs[0][0]]
    right = [run for run in runs if run[0] == RIGHT]
    if len(right) == 1 and all(run[0] == WRONG for run in runs if run[0] != RIGHT):
        if right[0] is runs[-1]:
            return "true from %s" % _minor(right[0][1])
        return "true only on %s" % _span(right[0][1], right[0][2])
    parts = []
    for number, (result, first, last) in enumerate(runs):
        if number == len(runs) - 1:
            parts.append("%s from %s" % (WORDS[result], _minor(first)))
        else:
            parts.append("%s on %s" % (WORDS[result], _span(first, last)))
    return ", ".join(parts)


def _span(first: str, last: str) -> str:
    return _minor(first) if _minor(first) == _minor(last) else "%s – %s" % (_minor(first), _minor(last))


def label_of_record(record: dict, versions: Sequence[str], key: str = "write-up") -> str:
    """The verdict of a myth claim as ``claims.json`` records it (``observed[version][key]``)."""
    results = [(v, record["observed"][v][key]) for v in versions
               if record["results"].get(v) not in (None, "n/a") and isinstance(record["observed"].get(v), dict)]
    return label(results)


class WriteUps:
    """The claims of some write-ups, each decided by one verdict claim on a page (``docs/myths.md``).

    ``rows`` are dicts: ``slug``, ``made by`` (the write-ups, comma-separated), ``claim`` (as the
    write-ups make it), ``true`` (what is true: the verdict claim's statement) and ``see`` (claims
    of other chapters that prove the same point). They live in a JSON file beside the page, so the
    page holds prose and scenarios, and its verdict table is generated from the same rows.
    """

    def __init__(self, book, rows: Sequence[dict]):
        self.book = book
        self.rows = {row["slug"]: dict(row, number=number) for number, row in enumerate(rows, 1)}
        if len(self.rows) != len(rows):
            raise ValueError("a write-up claim's slug is used twice")
        self.decided: list[str] = []

    @classmethod
    def from_file(cls, book, name: str) -> "WriteUps":
        """Rows from ``docs/<name>`` (a JSON list)."""
        import json

        from .workdir import REPO

        return cls(book, json.loads((REPO / "docs" / name).read_text(encoding="utf-8")))

    def table(self):
        """The rule table: each row's claim, its computed ``{verdict}`` and what is true, with evidence."""
        from .markdown import Markdown

        lines = [":::{rule-table}", "| # | the claim (made by) | verdict | what is true (evidence) |", "|---|---|---|---|"]
        for slug, row in self.rows.items():
            evidence = ["{claim}`here <myth-%s>`" % slug] + ["{claim}`%s`" % other for other in row["see"]]
            lines.append("| %d | %s (*%s*) | {verdict}`myth-%s` | %s (%s) |" % (
                row["number"], row["claim"], row["made by"], slug, row["true"], ", ".join(evidence)))
        return Markdown("\n".join(lines + [":::"]))

    def per_source(self):
        """How many claims each write-up makes (a claim several make counts for each)."""
        from collections import Counter

        from .markdown import Markdown

        counted = Counter(s.strip() for row in self.rows.values() for s in row["made by"].split(","))
        rows = "\n".join("| %s | %d |" % kv for kv in sorted(counted.items()))
        return Markdown("| write-up | claims |\n|---|---|\n%s\n\n%d distinct claims; how their verdicts came out is "
                        "counted at the end of the page." % (rows, len(self.rows)))

    def decide(self, *checks):
        """State verdict claims ``(slug, observe, expect[, says])`` and show them, each with its anchor.

        ``says`` is what the write-up predicts would be observed (a value, a function of ``py``, or
        ``Cases``); left out, the write-up predicts exactly what CPython does. The claim records, per
        interpreter, whether the write-up was right (``write-up``) and what was seen (``observed``).
        """
        from .markdown import Markdown

        shown = []
        for slug, observe, expect, *says in checks:
            row = self.rows[slug]
            self.decided.append(slug)
            predicted = (lambda py, s=says[0]: _value(s, py)) if says else (lambda py, e=expect: _value(e, py))
            check = self.book.claim(
                "myth-" + slug, row["true"],
                observe=lambda py, o=observe, p=predicted: _verdict_record(o(py), p(py)),
                expect=lambda py, e=expect, p=predicted: _expected_record(_value(e, py), p(py)))
            shown.append("**Row %d** (%s)\n\n%s" % (row["number"], row["made by"], check._repr_markdown_()))
        return Markdown("\n\n".join(shown))

    def tally(self) -> str:
        """Every row decided exactly once (else ``ValueError``), and how the verdicts came out."""
        from collections import Counter

        missing = [slug for slug in self.rows if slug not in self.decided]
        if missing or len(self.decided) != len(set(self.decided)):
            raise ValueError("write-up claims without exactly one verdict claim: %s" % (missing or self.decided))
        counted = Counter(label([(r.interpreter.key, r.observed["write-up"]) for r in check.results
                                 if r.verdict != "n/a" and isinstance(r.observed, dict)])
                          for check in self.book.checks if check.claim.id[5:] in self.rows)
        lines = ["%d claims, each decided by one verdict claim on %d interpreters:"
                 % (len(self.rows), len(self.book.interpreters))]
        return "\n".join(lines + ["%3d %s" % (count, verdict) for verdict, count in counted.most_common()])


def _value(value: Any, py) -> Any:
    return value(py) if callable(value) else value


def _verdict_record(seen: Any, says: Any) -> dict:
    return {"write-up": judge(seen, says), "observed": seen}


def _expected_record(expected: Any, says: Any) -> Any:
    """What a verdict claim expects: ``NA`` where CPython's expectation is ``NA`` (the row does not
    apply to that interpreter), else the record the observation must match."""
    from .claims import NA

    return NA if expected is NA else _verdict_record(expected, says)
