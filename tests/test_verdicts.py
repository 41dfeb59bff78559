"""Verdicts on write-ups are computed from per-interpreter results, never typed."""
from __future__ import annotations

import pytest

from pycache_lab.verdicts import PARTLY, RIGHT, WRONG, Cases, judge, label, label_of_record


@pytest.mark.parametrize("observed, says, result", [
    ([], [], RIGHT),
    (["__pycache__/m.pyc"], [], WRONG),
    ((1, 2), [1, 2], RIGHT),  # a JSON round trip turns tuples into lists
    ({"a": True, "b": False}, Cases(a=True, b=True), PARTLY),
    ({"a": True, "b": True}, Cases(a=True, b=True), RIGHT),
    ({"a": False, "b": False}, Cases(a=True, b=True), WRONG),
    ({"a": True, "b": False}, {"a": True, "b": True}, WRONG),  # a plain dict is one prediction
    ("text", Cases(a=True), WRONG),
])
def test_judge_compares_the_prediction_with_the_observation(observed, says, result):
    assert judge(observed, says) == result


@pytest.mark.parametrize("results, text", [
    ([("2.7.18", RIGHT), ("3.6.15", RIGHT), ("3.13.0", RIGHT)], "true"),
    ([("2.7.18", WRONG), ("3.13.0", WRONG)], "false"),
    ([("3.12.1", PARTLY)], "partly true"),
    ([("2.7.18", WRONG), ("3.6.15", RIGHT), ("3.13.0", RIGHT)], "true from 3.6"),
    ([("2.7.18", RIGHT), ("3.6.15", WRONG), ("3.13.0", WRONG)], "true only on 2.7"),
    ([("2.7.18", RIGHT), ("3.6.15", RIGHT), ("3.7.16", WRONG), ("3.13.0", WRONG)], "true only on 2.7 – 3.6"),
    ([("2.7.18", WRONG), ("3.6.15", RIGHT), ("3.13.0", WRONG)], "true only on 3.6"),
    ([("2.7.18", WRONG), ("3.6.15", PARTLY), ("3.13.0", PARTLY)], "false on 2.7, partly true from 3.6"),
    ([("3.11.2", RIGHT), ("3.11.7", WRONG), ("3.12.1", RIGHT)], "true on 3.11, false on 3.11, true from 3.12"),
    ([], "not decided (no interpreter)"),
])
def test_label_merges_neighbouring_versions(results, text):
    assert label(results) == text


def test_label_of_record_skips_interpreters_where_the_claim_does_not_apply():
    record = {"results": {"2.7.18": "n/a", "3.6.15": "holds", "3.13.0": "drifts"},
              "observed": {"2.7.18": None, "3.6.15": {"write-up": WRONG}, "3.13.0": {"write-up": RIGHT}}}
    assert label_of_record(record, ["2.7.18", "3.6.15", "3.13.0"]) == "true from 3.13"


class _Book:
    """Just enough of a page's Book: claims checked on the given interpreters."""

    def __init__(self, interpreters):
        self.interpreters, self.checks = interpreters, []

    def claim(self, id, statement, *, observe, expect):
        from pycache_lab import claims
        from pycache_lab.book import Shown

        self.checks.append(claims.check(claims.Claim(id, statement, observe, expect, "myths"), self.interpreters))
        return Shown(self.checks[-1])


def test_write_ups_decide_each_row_once_and_the_table_cites_the_verdict(interpreters):
    from pycache_lab import WriteUps

    rows = [{"slug": "one", "made by": "blog, Q&A", "claim": "It is one.", "true": "It is one.", "see": ["x"]},
            {"slug": "two", "made by": "blog", "claim": "It is two.", "true": "It is three.", "see": []}]
    book = _Book(interpreters[-1:])
    write_ups = WriteUps(book, rows)
    assert "{verdict}`myth-two`" in write_ups.table().text and "{claim}`x`" in write_ups.table().text
    assert "| blog | 2 |" in write_ups.per_source().text
    with pytest.raises(ValueError, match="two"):
        write_ups.decide(("one", lambda py: 1, 1))
        write_ups.tally()
    shown = write_ups.decide(("two", lambda py: 3, 3, 2))
    assert "Row 2" in shown.text and book.checks[-1].results[0].observed == {"write-up": WRONG, "observed": 3}
    assert "1 true" in write_ups.tally() and "1 false" in write_ups.tally()
    with pytest.raises(ValueError, match="used twice"):
        WriteUps(book, rows + rows[:1])


def test_a_verdict_claim_does_not_apply_where_cpythons_expectation_does_not():
    from pycache_lab.claims import NA
    from pycache_lab.verdicts import _expected_record

    assert _expected_record(NA, True) is NA
    assert _expected_record(["x"], ["x"]) == {"write-up": "right", "observed": ["x"]}
