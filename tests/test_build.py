"""The strict build on throw-away books: drifts and silent opt-outs must fail it, by name."""
from __future__ import annotations

import json
import os
import re
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
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,  # in the order printed
                          env=dict(os.environ, **(env or {})))
    return done.returncode, done.stdout, out


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
    assert list(claim["results"].values()).count("holds") == len(interpreters)
    # every reference lands on the claim itself, in the ledger and in the matrix's row
    assert 'href="good.html#claim-import-writes-a-pyc"' in html["ledger"]
    assert 'href="good.html#claim-import-writes-a-pyc"' in html["matrix"]
    assert "<p>✓</p>" in html["ledger"] and "✗ drifts" not in html["ledger"]
    for py in interpreters:
        assert py.key in html["matrix"] and py.path in html["matrix"]
    newest = interpreters[-1]
    name = newest.cached_path("mod.py").replace(newest.cache_tag or "\0", "&lt;tag&gt;").rsplit("/", 1)[-1]
    assert name in html["matrix"]
    svg = html["decision"][html["decision"].index("<svg"):]  # drawn inline, from the same results
    assert "writes" in svg and ("&lt;tag&gt;" in svg or not newest.cache_tag)


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


def test_a_reproducer_that_fails_fails_the_build_by_name_without_a_traceback(tmp_path, newest):
    page = proposal_page("import-writes-a-pyc").replace('print("reproduced")', 'raise SystemExit("gone")')
    status, output, out = build(tmp_path, {"prop": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0, output
    last = output.strip().splitlines()[-4:]
    line = "prop#reproducer-library-py_compile, proposal library-py_compile: the reproducer failed on CPython %s (exit 1): gone"
    assert line % newest.key in "\n".join(output.strip().splitlines()[-8:]), last
    assert "Traceback" not in output and "Sphinx parallel build error" not in output, output


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


def stated_page(page: str, stated: str, checked: str | None) -> str:
    """A page that states a claim in a {claim} block and checks one (the same, another, or none)."""
    check = '\n```{code-cell} python3\nbook.check("%s", observe=lambda py: [], expect=[])\n```\n' % checked
    return FRONT + "# Page\n\n```{code-cell} python3\n" + textwrap.dedent("""\
        from pycache_lab import Book
        book = Book("%s")
        written = book.run("python -c 'import mod'", example=None, files=[])
        ```

        :::{claim} %s
        Importing a module writes *its* cache file.
        :::
        """) % (page, stated) + (check if checked else "")


def test_a_claim_stated_in_prose_is_checked_by_id_and_linked_to(tmp_path, newest):
    pages = {"good": stated_page("good", "import-writes-a-pyc", "import-writes-a-pyc"),
             "links": "# Links\n\nSee {claim}`import-writes-a-pyc`.\n"}
    status, output, out = build(tmp_path, pages, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status == 0, output
    claim = json.loads((out / "claims.json").read_text())["claims"][0]
    assert claim["statement"] == "Importing a module writes *its* cache file."
    good = (out / "html" / "good.html").read_text()
    assert good.count('id="claim-import-writes-a-pyc"') == 1 and "<em>its</em>" in good
    assert 'href="good.html#claim-import-writes-a-pyc"' in (out / "html" / "links.html").read_text()


@pytest.mark.parametrize("checked, message", [
    ("checked-only", "checks claim 'checked-only', but states it nowhere"),
    (None, "{claim} stated-only is stated on this page but no cell checks it"),
], ids=["checked-but-not-stated", "stated-but-not-checked"])
def test_a_claim_checked_but_not_stated_or_stated_but_not_checked_fails_the_build(tmp_path, newest, checked, message):
    status, output, _ = build(tmp_path, {"bad": stated_page("bad", "stated-only", checked)},
                              env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0, output
    assert message in output, output


def test_claim_role_with_an_unknown_claim_fails_the_build(tmp_path):
    pages = {
        "good": claim_page("good", "lambda py: [py.cached_path('mod.py')]"),
        "links": "# Links\n\nSee {claim}`no-such-claim`.\n",
    }
    status, output, _ = build(tmp_path, pages)
    assert status != 0, output
    assert "{claim} role: no claim 'no-such-claim'" in output, output


def rule_table_page(rows: str) -> str:
    return (claim_page("good", "lambda py: [py.cached_path('mod.py')]")
            + "\n:::{rule-table}\n| You run | Written | Claims |\n|---|---|---|\n" + rows + ":::\n")


def test_a_rule_table_whose_rows_cite_claims_builds(tmp_path, newest):
    page = rule_table_page("| `import mod` | its cache file | {claim}`import-writes-a-pyc` |\n")
    status, output, out = build(tmp_path, {"good": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status == 0, output
    assert 'href="#claim-import-writes-a-pyc"' in (out / "html" / "good.html").read_text()


def test_a_rule_table_row_without_a_claim_fails_the_build_naming_page_and_row(tmp_path, newest):
    page = rule_table_page("| `import mod` | its cache file | {claim}`import-writes-a-pyc` |\n"
                           "| `python app.py` | nothing for app | |\n")
    status, output, _ = build(tmp_path, {"good": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0, output
    assert "good: rule table row 2 ('python app.py') cites no claim" in output, output


def test_a_rule_table_row_with_an_unknown_claim_fails_the_build(tmp_path, newest):
    page = rule_table_page("| `import mod` | its cache file | {claim}`no-such-claim` |\n")
    status, output, _ = build(tmp_path, {"good": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0 and "{claim} role: no claim 'no-such-claim'" in output, output


def test_an_opening_table_outside_a_rule_table_fails_the_build(tmp_path, newest):
    page = FRONT + "# Page\n\n| You run | Written |\n|---|---|\n| `import mod` | its cache file |\n\n## Later\n"
    status, output, _ = build(tmp_path, {"page": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0, output
    assert "page: the opening table with 1 rows is not a rule-table" in output, output


def verdict_page(says: str) -> str:
    """A myth-like claim: does the write-up's prediction (``says``) match what the import wrote?"""
    return FRONT + "# Myths\n\n```{code-cell} python3\n" + textwrap.dedent("""\
        from pycache_lab import Sandbox
        from pycache_lab.book import Book, Markdown
        from pycache_lab.verdicts import judge
        book = Book("myths")

        def written(py):
            with Sandbox() as box:
                box.write("mod.py", "X = 1\\n")
                return box.run(py, ["-c", "import mod"]).pycs_written

        says = %s
        book.claim("myth-import-writes-nothing", "Importing a module writes its cache file.",
                   observe=lambda py: {"write-up": judge(written(py), says(py))},
                   expect=lambda py: {"write-up": judge([py.cached_path("mod.py")], says(py))})
        Markdown(":::{rule-table}\\n| claim | verdict |\\n|---|---|\\n"
                 "| importing writes nothing | {verdict}`myth-import-writes-nothing` "
                 "{claim}`here <myth-import-writes-nothing>` |\\n:::")
        ```
        """) % says


@pytest.mark.parametrize("says, verdict", [("lambda py: []", "false"),
                                           ("lambda py: [py.cached_path('mod.py')]", "true")])
def test_a_myth_verdict_is_computed_from_the_claims_results(tmp_path, newest, says, verdict):
    status, output, out = build(tmp_path, {"myths": verdict_page(says)}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status == 0, output
    assert '<strong class="pycache-verdict">%s</strong>' % verdict in (out / "html" / "myths.html").read_text()


def test_a_verdict_of_an_unknown_claim_fails_the_build(tmp_path, newest):
    page = claim_page("good", "lambda py: [py.cached_path('mod.py')]") + "\nVerdict: {verdict}`myth-nothing`\n"
    status, output, _ = build(tmp_path, {"good": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0 and "{verdict} role: no claim 'myth-nothing'" in output, output

BROKEN_SCENARIO = FRONT + "# Page\n\n```{code-cell} python3\n" + textwrap.dedent("""\
    from pycache_lab import Book
    book = Book("broken")

    @book.scenario
    def breaks(box, py):
        box.write("mod.py", "X = 1\\n")
        run = box.run(py, "-c 'import mod'")
        if py is book.newest:  # as if CPython had changed enough to break the scenario's own code
            box.read("no-such-file")
        return run
    breaks
    ```

    ```{code-cell} python3
    book.claim("import-writes-its-pyc", "Importing a module writes its cache file.",
               observe=lambda py: breaks[py].pycs_written, expect=lambda py: [py.cached_path("mod.py")])
    ```

    ```{code-cell} python3
    book.claim("import-returns-zero", "The import succeeds.", observe=lambda py: breaks[py].returncode, expect=0)
    ```
    """)


def test_a_scenario_failure_drifts_by_name_and_the_build_ends_with_every_drift(tmp_path, interpreters):
    if len(interpreters) < 2:
        pytest.skip("needs two interpreters (the scenario fails on the newest only); found one")
    chosen = [interpreters[0], interpreters[-1]]
    env = {"PYCACHE_BOOK_PYTHONS": os.pathsep.join(py.path for py in chosen)}
    status, output, out = build(tmp_path, {"broken": BROKEN_SCENARIO, "good": claim_page("good", "[]")}, env=env)
    assert status == 1, output
    assert "Traceback" not in output and "Sphinx parallel build error" not in output, output
    newest, oldest = chosen[-1], chosen[0]
    ledger = json.loads((out / "claims.json").read_text())
    # the build's own keys: two builds of one version are told apart (3.11.2, 3.11.2#2) in the
    # order of that build's discovery, which need not be this process's
    key = {record["path"]: record["version"] for record in ledger["interpreters"]}
    failure = ("the scenario failed: FileNotFoundError: [Errno 2] No such file or directory: "
               "'<work>/no-such-file' (broken, scenario breaks)")
    assert output.strip().splitlines()[-5:] == [
        "3 claims on 2 interpreter(s): 2 holds, 4 drifts, 0 n/a, 0 not observed",
        "claim 'import-writes-its-pyc' drifts on CPython %s (%s): expected %r, observed %r"
        % (key[newest.path], newest.path, [newest.cached_path("mod.py")], failure),
        "claim 'import-returns-zero' drifts on CPython %s (%s): expected 0, observed %r"
        % (key[newest.path], newest.path, failure),
    ] + ["claim 'import-writes-a-pyc' drifts on CPython %s (%s): expected [], observed %r"
         % (key[py.path], py.path, [py.cached_path("mod.py")]) for py in chosen]
    by_id = {c["id"]: c for c in ledger["claims"]}
    assert by_id["import-returns-zero"]["results"] == {key[oldest.path]: "holds", key[newest.path]: "drifts"}
    assert by_id["import-returns-zero"]["observed"][key[newest.path]] == failure
    report = (out / "drifts.md").read_text()
    assert "## CPython %s (`%s`): 3 drift(s)" % (key[newest.path], newest.path) in report
    assert "## CPython %s (`%s`): 1 drift(s)" % (key[oldest.path], oldest.path) in report
    assert "| `import-returns-zero` | broken |" in report
    shown = re.sub(r"<[^>]+>", "", (out / "html" / "broken.html").read_text())  # the page as text
    assert "drifts (expected 0)" in shown and "the scenario failed: FileNotFoundError" in shown

    # The self-check on the same pages sees exactly the build's claims: ids, verdicts, observed values.
    verify = subprocess.run([sys.executable, str(ROOT / "scripts" / "verify_claims.py"), "--docs",
                             str(tmp_path / "docs"), "--json", str(tmp_path / "verify.json")]
                            + [a for py in chosen for a in ("--python", py.path)],
                            capture_output=True, text=True, timeout=600)
    assert verify.returncode == 1, verify.stdout + verify.stderr
    checked = json.loads((tmp_path / "verify.json").read_text())
    assert [(c["id"], c["results"], c["observed"]) for c in checked["claims"]] == \
           [(c["id"], c["results"], c["observed"]) for c in ledger["claims"]]
    assert verify.stdout.strip().splitlines()[-5:] == output.strip().splitlines()[-5:]


def test_a_cell_that_fails_after_a_scenario_failed_is_reported_and_the_page_goes_on(tmp_path, newest):
    page = BROKEN_SCENARIO + textwrap.dedent("""
        ```{code-cell} python3
        print("%d bytes" % breaks.newest.tree.created["mod.py"].size)  # display code that cannot cope
        ```

        ```{code-cell} python3
        book.claim("after-the-failed-cell", "The page went on.", observe=lambda py: 1, expect=1)
        ```
        """)
    status, output, out = build(tmp_path, {"broken": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status == 1, output
    assert "Traceback" not in output, output
    ledger = json.loads((out / "claims.json").read_text())
    assert [c["id"] for c in ledger["claims"]][-1] == "after-the-failed-cell"
    assert ledger["page_errors"] == ["broken, a cell failed after a scenario failed at `print(\"%d bytes\" % "
                                     "breaks.newest.tree.created[\"mod.py\"].size)  # display code that cannot cope`: "
                                     "TypeError: %d format: a real number is required, not Failed"]
    assert ledger["page_errors"][0] in output.strip().splitlines()[-4]


def test_a_cell_that_fails_with_no_scenario_failure_still_fails_the_build_with_its_traceback(tmp_path, newest):
    page = FRONT + "# P\n\n```{code-cell} python3\nfrom pycache_lab import Book\nbook = Book('p')\n{}['x']\n```\n"
    status, output, _ = build(tmp_path, {"p": page}, env={"PYCACHE_BOOK_PYTHONS": newest.path})
    assert status != 0 and "KeyError" in output
