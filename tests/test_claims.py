import json

import pytest

from pycache_lab import ledger
from pycache_lab.claims import Claim, ClaimDrift, ClaimError, check, since
from pycache_lab.book import Book, matrix


def test_a_claim_that_holds_everywhere(interpreters):
    result = check(Claim("major-version", "It runs.", lambda py: py.version_info[0], lambda py: py.version_info[0]),
                   interpreters)
    assert result.holds and {r.verdict for r in result.results} == {"holds"}


def test_na_skips_the_observation(interpreters):
    observed = []
    claim = Claim("only-new", "Only on 3.8+.", lambda py: observed.append(py) or True, since((3, 8), True))
    result = check(claim, interpreters)
    assert all(py.at_least(3, 8) for py in observed)
    assert {r.verdict for r in result.results if not r.interpreter.at_least(3, 8)} <= {"n/a"}


def test_a_drift_names_claim_interpreter_expected_and_observed(interpreters, monkeypatch, tmp_path):
    monkeypatch.setenv(ledger.ENV_VAR, str(tmp_path))
    book = Book("a-page")
    with pytest.raises(ClaimDrift) as caught:
        book.claim("wrong-version", "Every interpreter is 2.6.", observe=lambda py: py.version, expect="2.6")
    message = str(caught.value)
    assert "wrong-version" in message
    for py in interpreters:
        assert "%s: expected '2.6', observed %r" % (py.label, py.version) in message
    fragment = json.loads((tmp_path / "a-page.json").read_text())
    assert fragment["claims"][0]["results"] == {py.key: "drifts" for py in interpreters}


def test_claim_ids_are_kebab_case_and_unique_on_a_page(interpreters):
    with pytest.raises(ClaimError):
        Claim("Not Kebab", "x", lambda py: 1, 1)
    book = Book("p")
    book.claim("once", "Once.", observe=lambda py: 1, expect=1)
    with pytest.raises(ClaimError):
        book.claim("once", "Twice.", observe=lambda py: 1, expect=1)


def test_the_ledger_merge_refuses_an_id_on_two_pages(interpreters, tmp_path):
    record = {"id": "same", "statement": "s", "page": "a", "results": {}}
    ledger.write_fragment(tmp_path, "a", interpreters, [record])
    ledger.write_fragment(tmp_path, "b", interpreters, [dict(record, page="b")])
    data, problems = ledger.merge(tmp_path)
    assert len(data["claims"]) == 1 and "used on page a and on page b" in problems[0]
    assert [i["version"] for i in data["interpreters"]] == [py.key for py in interpreters]


def test_the_display_groups_interpreters_that_saw_the_same(interpreters):
    book = Book("display")
    shown = book.claim("tagged-name", "Names carry the tag.", observe=lambda py: py.cached_path("m.py"),
                       expect=lambda py: py.cached_path("m.py"))
    text = shown._repr_markdown_()
    assert "`__pycache__/m.<tag>.pyc`" in text or "`m.pyc`" in text
    table = matrix(interpreters, {"row": {py.key: True for py in interpreters}})._repr_markdown_()
    assert table.count("yes") == len(interpreters)
