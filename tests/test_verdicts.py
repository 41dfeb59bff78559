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
