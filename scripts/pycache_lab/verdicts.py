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
