"""The site's small rules: version ranges, merged columns, exceptions of the ledger, diagram lines,
long tokens (no Sphinx build needed)."""
from __future__ import annotations

import sys
from pathlib import Path

from docutils import nodes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))

import pycache_ledger_pages as pages  # noqa: E402
import pycache_site as site  # noqa: E402

KEYS = ["2.7.18", "3.6.15", "3.11.2", "3.11.7", "3.12.1"]
TAGS = {"2.7.18": None, "3.6.15": "cpython-36", "3.11.2": "cpython-311", "3.11.7": "cpython-311",
        "3.12.1": "cpython-312"}


def claim(observed: dict, results: dict | None = None) -> dict:
    return {"id": "c", "observed": observed, "results": results or {k: "holds" for k in observed}}


def test_ranges_use_minor_versions_unless_two_interpreters_share_one():
    assert pages.span_label(["3.6.15", "3.12.1"], KEYS) == "3.6–3.12"
    assert pages.span_label(["2.7.18"], KEYS) == "2.7"
    assert pages.span_label(["3.6.15", "3.11.2"], KEYS) == "3.6–3.11.2"


def test_neighbouring_columns_alike_in_every_row_merge():
    rows = [claim({k: "x" for k in KEYS}), claim({**{k: "x" for k in KEYS}, "2.7.18": "y"})]
    groups = pages._column_runs(rows, KEYS, lambda c, k: c["observed"][k])
    assert groups == [["2.7.18"], ["3.6.15", "3.11.2", "3.11.7", "3.12.1"]]


def test_exceptions_are_sorted_by_why_they_differ():
    same = {k: "__pycache__/m.%s.pyc" % TAGS[k] for k in KEYS if TAGS[k]}
    assert pages.exception_kind(claim({**same, "2.7.18": "m.pyc"}), KEYS, TAGS) == "python 2"
    assert pages.exception_kind(claim({**same, "2.7.18": "m.pyc", "3.6.15": "other"}), KEYS, TAGS) == "python 3"
    assert pages.exception_kind(claim({**same, "2.7.18": None}, {**{k: "holds" for k in same}, "2.7.18": "n/a"}),
                                KEYS, TAGS) == "n/a"
    assert pages.exception_kind(claim({k: True for k in KEYS}), KEYS, TAGS) is None


def test_diagram_lines_stay_short_and_keep_what_they_say():
    text = "read: nothing; written: __pycache__/mod.<tag>.opt-1.pyc, __pycache__/other.<tag>.opt-1.pyc"
    lines = pages._label_lines(text)
    assert all(len(line) <= 36 for line in lines)
    assert " ".join(line.strip() for line in lines).replace("; ", ";") == text.replace("; ", ";")


def test_only_tokens_too_long_for_a_phone_line_may_wrap():
    document = nodes.document(None, None)
    short, long = nodes.literal(text="python -m mod"), nodes.literal(text="importlib._bootstrap_external._get_supported")
    in_table = nodes.entry("", nodes.literal(text="x" * 60))
    document += [nodes.paragraph("", "", short, long), nodes.table("", in_table)]
    site.mark_long_tokens(None, document, "page")
    assert "pycache-long" in long["classes"] and "pycache-long" not in short["classes"]
    assert "pycache-long" not in in_table.children[0]["classes"]


def test_only_a_rule_tables_claims_column_is_marked_for_breaking_ids():
    from docutils.core import publish_doctree

    import pycache_rule_tables as rule_tables

    def marked(source):
        tree = publish_doctree(source)
        rule_tables.mark_claims_column(tree)
        return [entry["classes"] for entry in tree.findall(nodes.entry)]

    assert marked("===== ======\nYou   Claims\n===== ======\na     b-c\n===== ======\n") == [
        [], [rule_tables.CLAIMS_COLUMN], [], [rule_tables.CLAIMS_COLUMN]]
    # a table that cites ids inside its sentences (myths, security) keeps them whole
    assert marked("====== ====\nThreat What\n====== ====\na      b-c\n====== ====\n") == [[], [], [], []]


def test_site_descriptions_cover_every_chapter():
    chapters = [p.stem for p in (Path(__file__).resolve().parents[1] / "docs").glob("*.md")]
    assert [c for c in chapters if c not in site.DESCRIPTIONS] == []
