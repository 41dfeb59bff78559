"""The strict build on throw-away books: drifts and silent opt-outs must fail it, by name."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="the build tests need the docs requirements (run them through nox)")

ROOT = Path(__file__).resolve().parents[1]
FRONT = "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"


def build(tmp_path: Path, pages: dict[str, str], env: dict | None = None) -> tuple[int, str, Path]:
    source = tmp_path / "docs"
    source.mkdir()
    names = "\n".join(pages)
    (source / "index.md").write_text("# Test book\n\n```{toctree}\n%s\n```\n" % names)
    for name, text in pages.items():
        (source / (name + ".md")).write_text(text)
    out = tmp_path / "build"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py"), "--source", str(source),
                           "--build", str(out), "--conf", str(ROOT), "--jobs", "1"],
                          capture_output=True, text=True, env=dict(os.environ, **(env or {})))
    return done.returncode, done.stdout + done.stderr, out


def claim_page(page: str, expect: str) -> str:
    return FRONT + "# Page\n\n```{code-cell} python3\n" + textwrap.dedent("""\
        from pycache_lab import Sandbox
        from pycache_lab.book import Book
        book = Book("%s")

        def written(py):
            with Sandbox() as box:
                box.write("mod.py", "X = 1\\n")
                return box.run(py, ["-c", "import mod"]).pycs_written

        book.claim("import-writes-a-pyc", "Importing a module writes its cache file.", observe=written,
                   expect=%s)
        ```
        """) % (page, expect)


def test_a_true_claim_builds_and_is_recorded(tmp_path, interpreters):
    status, output, out = build(tmp_path, {"good": claim_page("good", "lambda py: [py.cached_path('mod.py')]")})
    assert status == 0, output
    ledger = json.loads((out / "claims.json").read_text())
    assert [c["id"] for c in ledger["claims"]] == ["import-writes-a-pyc"]
    assert ledger["claims"][0]["results"] == {py.key: "holds" for py in interpreters}
    assert [i["path"] for i in ledger["interpreters"]] == [py.path for py in interpreters]


def test_a_false_claim_fails_the_build_naming_claim_interpreter_expected_observed(tmp_path, interpreters):
    status, output, _ = build(tmp_path, {"bad": claim_page("bad", "[]")})
    assert status != 0
    assert "claim 'import-writes-a-pyc' drifts" in output
    py = interpreters[-1]
    assert "on CPython %s (%s): expected [], observed [%r]" % (py.version, py.path, py.cached_path("mod.py")) in output


def test_named_interpreters_are_exactly_the_ones_used(tmp_path, interpreters):
    chosen = [interpreters[0], interpreters[-1]]
    status, output, out = build(tmp_path, {"good": claim_page("good", "lambda py: [py.cached_path('mod.py')]")},
                                env={"PYCACHE_BOOK_PYTHONS": os.pathsep.join(py.path for py in chosen)})
    assert status == 0, output
    ledger = json.loads((out / "claims.json").read_text())
    assert [i["path"] for i in ledger["interpreters"]] == [py.path for py in chosen]


def test_a_missing_named_interpreter_fails_the_build_by_name(tmp_path, newest):
    missing = str(tmp_path / "python3.99")
    status, output, _ = build(tmp_path, {"good": claim_page("good", "lambda py: [py.cached_path('mod.py')]")},
                              env={"PYCACHE_BOOK_PYTHONS": os.pathsep.join([newest.path, missing])})
    assert status != 0 and missing in output and "no such file" in output


OPT_OUTS = {
    "skip-execution": (FRONT + "# P\n\n```{code-cell} python3\n:tags: [skip-execution]\nraise SystemExit(1)\n```\n",
                       "tag 'skip-execution' refused"),
    "allow-errors": ("---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n"
                     "mystnb:\n  execution_allow_errors: true\n---\n\n# P\n\n```{code-cell} python3\n"
                     "raise ValueError('x')\n```\n", "overrides execution_allow_errors"),
    "raises-nothing": (FRONT + "# P\n\n```{code-cell} python3\n:tags: [raises-exception]\n1 + 1\n```\n",
                       "tagged raises-exception but raised nothing"),
    "not-a-notebook": ("# P\n\n```{code-cell} python3\nraise SystemExit(1)\n```\n",
                       "is not a notebook"),
    "cell-error": (FRONT + "# P\n\n```{code-cell} python3\nraise ValueError('a cell failed')\n```\n",
                   "a cell failed"),
    "stderr": (FRONT + "# P\n\n```{code-cell} python3\nimport sys; sys.stderr.write('unexpected')\n```\n",
               "stderr"),
}


@pytest.mark.parametrize("case", sorted(OPT_OUTS))
def test_silent_opt_outs_and_errors_fail_the_build(tmp_path, case):
    text, message = OPT_OUTS[case]
    status, output, _ = build(tmp_path, {"page": text})
    assert status != 0, output
    assert message in output, output


def test_ledger_matrix_and_diagram_show_the_same_results_as_claims_json(tmp_path, interpreters):
    pages = {
        "good": claim_page("good", "lambda py: [py.cached_path('mod.py')]"),
        "ledger": "# Ledger\n\n```{pycache-ledger}\n```\n",
        "matrix": "# Matrix\n\n```{pycache-matrix}\nimport-writes-a-pyc | importing writes\n```\n",
        "decision": "# Decision\n\n```{pycache-decision}\n:question: Q?\n\nimport | import-writes-a-pyc: writes\n```\n",
    }
    status, output, out = build(tmp_path, pages)
    assert status == 0, output
    ledger = json.loads((out / "claims.json").read_text())
    html = {name: (out / "html" / (name + ".html")).read_text() for name in ("ledger", "matrix", "decision")}
    claim = ledger["claims"][0]
    assert "import-writes-a-pyc" in html["ledger"] and 'href="good.html"' in html["ledger"]
    assert html["ledger"].count("<p>✓</p>") == list(claim["results"].values()).count("holds") == len(interpreters)
    for py in interpreters:
        assert py.key in html["matrix"] and py.path in html["matrix"]
    newest = interpreters[-1]
    assert newest.cached_path("mod.py").replace(newest.cache_tag or "\0", "&lt;tag&gt;") in html["matrix"]
    svg = next((out / "html" / "_images").glob("graphviz-*.svg")).read_text()
    assert "writes:" in svg and "&lt;tag&gt;" in svg


def test_a_matrix_row_for_an_unknown_claim_fails_the_build(tmp_path):
    status, output, _ = build(tmp_path, {"matrix": "# M\n\n```{pycache-matrix}\nno-such-claim | x\n```\n"})
    assert status != 0 and "no claim 'no-such-claim'" in output


def proposal_page(claim_id: str, sentence_end: str = "[[%s]]") -> str:
    marker = sentence_end % claim_id if "%s" in sentence_end else sentence_end
    return (claim_page("prop", "lambda py: [py.cached_path('mod.py')]") + textwrap.dedent("""
        ```{upstream-proposal} library/py_compile
        :title: "A title"
        :section: "py_compile"

        @problem
        The page is silent.
        @reproducer
        print("reproduced")
        @expected
        Something else.
        @related
        Nothing found.
        @replace paragraph Doc/library/py_compile.rst "first paragraph"
        Importing a module writes its cache file with :option:`-B` absent. MARKER
        ```
        """).replace("MARKER", marker))


def test_an_upstream_proposal_writes_rst_and_issue_draft_that_parse(tmp_path, newest):
    env = {"PYCACHE_BOOK_PYTHONS": newest.path}
    status, output, out = build(tmp_path, {"prop": proposal_page("import-writes-a-pyc")}, env=env)
    assert status == 0, output
    rst = (out / "upstream" / "library-py_compile.rst").read_text()
    assert "writes its cache file with :option:`-B` absent." in rst and "[[" not in rst
    draft = (out / "upstream" / "library-py_compile.md").read_text()
    assert "reproduced" in draft and newest.key in draft
    assert "import-writes-a-pyc" not in draft and "pycache-book" not in draft  # the evidence stays in the book
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_upstream.py"), str(out / "upstream")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("claim_id, marker, message", [
    ("no-such-claim", "[[%s]]", "no claim 'no-such-claim' in this build"),
    ("import-writes-a-pyc", "", "a sentence without claims"),
])
def test_an_untraced_or_unknown_sentence_fails_the_build(tmp_path, newest, claim_id, marker, message):
    status, output, _ = build(tmp_path, {"prop": proposal_page(claim_id, marker)},
                              env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0 and message in output, output


def test_check_upstream_refuses_unknown_markup(tmp_path):
    (tmp_path / "bad.rst").write_text("Uses :nosuchrole:`x` and :option:`--no-such-option`.\n")
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_upstream.py"), str(tmp_path)],
                           capture_output=True, text=True)
    assert check.returncode != 0 and "FAILED" in check.stdout


def test_claim_role_links_to_where_the_claim_is_shown(tmp_path):
    pages = {
        "good": claim_page("good", "lambda py: [py.cached_path('mod.py')]"),
        "links": "# Links\n\nSee {claim}`import-writes-a-pyc` and {claim}`this claim <import-writes-a-pyc>`.\n",
    }
    status, output, out = build(tmp_path, pages)
    assert status == 0, output
    good = (out / "html" / "good.html").read_text()
    links = (out / "html" / "links.html").read_text()
    assert 'id="claim-import-writes-a-pyc"' in good
    assert links.count('href="good.html#claim-import-writes-a-pyc"') == 2
    assert "<code class=\"docutils literal notranslate\"><span class=\"pre\">import-writes-a-pyc</span></code>" in links
    assert ">this claim</a>" in links


def test_claim_role_with_an_unknown_claim_fails_the_build(tmp_path):
    pages = {
        "good": claim_page("good", "lambda py: [py.cached_path('mod.py')]"),
        "links": "# Links\n\nSee {claim}`no-such-claim`.\n",
    }
    status, output, _ = build(tmp_path, pages)
    assert status != 0, output
    assert "{claim} role: no claim 'no-such-claim'" in output, output
