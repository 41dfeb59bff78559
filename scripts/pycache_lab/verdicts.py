"""Verdicts on other people's statements, computed from what the interpreters did.

A myth claim observes, on each interpreter, what CPython does, and compares it with what the
write-up predicts (``says``): ``judge`` gives ``right``, ``wrong`` or ``partly right`` (some cases
of a ``Cases`` prediction hold, others not). ``label`` turns those per-interpreter results into
the verdict a reader sees: ``true``, ``false``, ``partly true``, or per version ("false on 2.7,
true from 3.6"). Nobody types a verdict: it is whatever the interpreters showed.
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
    reaches the newest interpreter: "true", "false on 2.7, true from 3.6", "true on 2.7 – 3.6, false from 3.7".
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
    parts = []
    for number, (result, first, last) in enumerate(runs):
        if number == len(runs) - 1:
            parts.append("%s from %s" % (WORDS[result], _minor(first)))
        elif _minor(first) == _minor(last):
            parts.append("%s on %s" % (WORDS[result], _minor(first)))
        else:
            parts.append("%s on %s – %s" % (WORDS[result], _minor(first), _minor(last)))
    return ", ".join(parts)


def label_of_record(record: dict, versions: Sequence[str], key: str = "write-up") -> str:
    """The verdict of a myth claim as ``claims.json`` records it (``observed[version][key]``)."""
    results = [(v, record["observed"][v][key]) for v in versions
               if record["results"].get(v) not in (None, "n/a") and isinstance(record["observed"].get(v), dict)]
    return label(results)
