"""The upstream proposals' tracing rules, on small texts."""
import pytest

import pycache_upstream as up

BODY = """@problem
Something is wrong.
@reproducer
PY=${PY:-python3}
$PY -c 'print(1)'
@related
Nothing found.
@replace the entry
.. option:: -B
   :noindex:

   First sentence with :option:`-B` and ``a.b.`` in it. [[one]]
   Second sentence starts a line
   :data:`sys.flags` and ends here. [[two, three]]
"""


def test_a_traced_proposal_parses_and_loses_its_markers():
    proposal = up.parse("using/cmdline#cmdoption-B", "Title", "Section", BODY)
    assert [s.claims for s in proposal.sentences] == [["one"], ["two", "three"]]
    assert proposal.claim_ids == ["one", "two", "three"]
    assert "[[" not in proposal.hunks[0].rst
    assert proposal.slug == "using-cmdline"
    assert proposal.url == "https://docs.python.org/3/using/cmdline.html#cmdoption-B"


@pytest.mark.parametrize("text, message", [
    ("A sentence. Another one. [[one]]\n", "found 2"),
    ("Traced. [[one]]\nThen an untraced sentence.\n", "without claims"),
    ("A sentence. [[ ]]\n", "empty claim list"),
    ("No end [[one]]\n", "found 0"),
])
def test_untraced_text_is_refused(text, message):
    body = BODY.split("@replace")[0] + "@replace it\n" + text
    with pytest.raises(up.ProposalError, match=message):
        up.parse("x", "T", "S", body)


def test_missing_sections_are_refused():
    with pytest.raises(up.ProposalError, match="@related"):
        up.parse("x", "T", "S", BODY.replace("@related\nNothing found.\n", ""))


def test_verdict_runs_group_versions():
    claim = {"results": {"2.7.18": "n/a", "3.6.15": "holds", "3.7.16": "holds"}}
    assert up.verdict_runs(claim, ["2.7.18", "3.6.15", "3.7.16"]) == "n/a on 2.7.18; holds on 3.6.15–3.7.16 (2)"


def test_merge_takes_only_the_pages_a_worker_read():
    """A parallel worker's environment also holds what was merged before it was forked."""
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
    pages = pytest.importorskip("pycache_upstream_pages")
    env = SimpleNamespace(pycache_upstream_targets={"library-sys": ["upstream/command-line"]})
    worker = SimpleNamespace(pycache_upstream_targets={"library-sys": ["upstream/command-line"],
                                                       "library-runpy": ["upstream/library", "upstream/library"]})
    pages.merge(None, env, {"upstream/library"}, worker)
    assert env.pycache_upstream_targets == {"library-sys": ["upstream/command-line"],
                                            "library-runpy": ["upstream/library", "upstream/library"]}
