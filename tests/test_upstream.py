"""The upstream proposals: tracing rules, anchors, and the patches against a fixture Doc tree.

``tests/upstream-fixture`` has the shape of a CPython checkout (same paths, same anchor lines,
placeholder prose), so every proposal of the book is patched, applied and linted here without a
CPython checkout and without committing CPython's text.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pycache_upstream as up
import pycache_upstream_patch as patching

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "upstream-fixture"
PAGES = ROOT / "docs" / "upstream"
PROPOSALS = up.proposals_in(PAGES)

BODY = """@problem
Something is wrong.
@reproducer
print(1)
@expected
Something else.
@related
Nothing found.
@replace block Doc/using/cmdline.rst ".. option:: -B"
.. option:: -B
   :noindex:

   First sentence with :option:`-B` and ``a.b.`` in it. [[one]]
   Second sentence starts a line
   :data:`sys.flags` and ends here. [[two, three]]
"""


def claim_ids() -> set:
    """Every claim id of the book's pages, as written in their cells."""
    ids = set()
    for page in (ROOT / "docs").rglob("*.md"):
        ids.update(re.findall(r'claim\(\s*"([a-z0-9-]+)"', page.read_text(encoding="utf-8")))
    return ids


# -- tracing --------------------------------------------------------------------------------------
def test_a_traced_proposal_parses_and_loses_its_markers():
    proposal = up.parse("using/cmdline#cmdoption-B", "Title", "Section", BODY)
    assert [s.claims for s in proposal.sentences] == [["one"], ["two", "three"]]
    assert proposal.claim_ids == ["one", "two", "three"]
    assert "[[" not in proposal.hunks[0].rst
    assert proposal.slug == "using-cmdline-cmdoption-B"
    assert proposal.files == ["Doc/using/cmdline.rst"]
    assert proposal.url == "https://docs.python.org/3/using/cmdline.html#cmdoption-B"


@pytest.mark.parametrize("text, message", [
    ("A sentence. Another one. [[one]]\n", "found 2"),
    ("Traced. [[one]]\nThen an untraced sentence.\n", "without claims"),
    ("A sentence. [[ ]]\n", "empty claim list"),
    ("No end [[one]]\n", "found 0"),
])
def test_untraced_text_is_refused(text, message):
    body = BODY.split("@replace")[0] + '@replace paragraph Doc/x.rst "anchor"\n' + text
    with pytest.raises(up.ProposalError, match=message):
        up.parse("x", "T", "S", body)


def test_a_signature_is_traced_by_the_marker_after_it():
    body = BODY.split("@replace")[0] + ('@replace line Doc/x.rst ".. function:: f("\n'
                                        '.. function:: f(a, \\\n               b=None) [[sig]]\n')
    proposal = up.parse("x", "T", "S", body)
    assert proposal.sentences[0].claims == ["sig"]


@pytest.mark.parametrize("header, message", [
    ("@replace Doc/x.rst", "needs a unit"),
    ('@replace chapter Doc/x.rst "a"', "needs a unit"),
    ('@append sentences Doc/x.rst "a" ... "b"', "from an anchor to an end"),
    ('@replace block Doc/x.rst ""', "empty anchor"),
])
def test_a_hunk_without_a_usable_place_is_refused(header, message):
    body = BODY.split("@replace")[0] + header + "\nA sentence. [[one]]\n"
    with pytest.raises(up.ProposalError, match=message):
        up.parse("x", "T", "S", body)


def test_missing_sections_are_refused():
    with pytest.raises(up.ProposalError, match="@expected"):
        up.parse("x", "T", "S", BODY.replace("@expected\nSomething else.\n", ""))


def test_verdict_runs_group_versions():
    claim = {"results": {"2.7.18": "n/a", "3.6.15": "holds", "3.7.16": "holds"}}
    assert up.verdict_runs(claim, ["2.7.18", "3.6.15", "3.7.16"]) == "n/a on 2.7.18; holds on 3.6.15–3.7.16 (2)"


# -- anchors --------------------------------------------------------------------------------------
DOC = """Title
=====

.. option:: -a

   About a.

.. option:: -B

   About B, first line
   and second line.

   .. versionadded:: 3.1

.. option:: -c

   About c.
"""


def place(spec, action="replace"):
    return patching.Place.parse(action, spec)


def test_a_block_is_replaced_at_its_indentation():
    new = patching.patched(DOC, [(place('block Doc/x.rst ".. option:: -B"'), ".. option:: -B\n\n   New.\n")])
    assert ".. option:: -B\n\n   New.\n\n.. option:: -c" in new
    assert "About B" not in new and "versionadded" not in new


def test_append_goes_to_the_end_of_the_block_at_the_body_indentation():
    new = patching.patched(DOC, [(place('block Doc/x.rst ".. option:: -B"', "append"), "Added.\n")])
    assert "   .. versionadded:: 3.1\n\n   Added.\n\n.. option:: -c" in new


def test_a_moved_section_is_found_by_its_anchor():
    moved = DOC.replace(".. option:: -a\n\n   About a.\n\n", "") + "\n.. option:: -a\n\n   About a.\n"
    new = patching.patched(moved, [(place('paragraph Doc/x.rst ".. option:: -a" > "About a."'), "Changed.\n")])
    assert new.endswith(".. option:: -a\n\n   Changed.\n")


@pytest.mark.parametrize("spec, message", [
    ('block Doc/x.rst ".. option:: -Z"', "no line has '.. option:: -Z'"),
    ('block Doc/x.rst "About"', "3 lines have 'About'"),
    ('paragraph Doc/x.rst ".. option:: -a" > "second line"', "in the block at '.. option:: -a'"),
])
def test_a_missing_or_ambiguous_anchor_is_reported_by_name(spec, message):
    with pytest.raises(patching.AnchorError, match=re.escape(message)):
        patching.patched(DOC, [(place(spec), "Text.\n")])


def test_sentences_are_replaced_and_only_their_lines_refilled():
    spec = 'sentences Doc/x.rst "About B" ... "first"'
    new = patching.patched(DOC, [(place(spec), "New words.\n")])
    assert "   New words. line\n   and second line.\n" in new


def test_two_hunks_on_the_same_lines_are_refused():
    hunk = (place('block Doc/x.rst ".. option:: -B"'), ".. option:: -B\n")
    with pytest.raises(patching.AnchorError, match="two hunks"):
        patching.patched(DOC, [hunk, (place('paragraph Doc/x.rst "About B"'), "X.\n")])


def test_refill_keeps_markup_and_fills_prose():
    text = ("A long sentence " * 8 + "\n\n.. versionchanged:: 3.7\n   " + "Inner words " * 10 + "\n\n"
            "* a bullet " + "with words " * 10 + "\n\nExample::\n\n   keep    this   line\n")
    filled = patching.refill(text, 40)
    assert all(len(line) <= 40 for line in filled.splitlines())
    assert ".. versionchanged:: 3.7\n   Inner" in filled
    assert "\n  with" in filled and "   keep    this   line" in filled


def test_a_git_diff_applies_with_git(tmp_path):
    (tmp_path / "Doc").mkdir()
    (tmp_path / "Doc" / "x.rst").write_text(DOC)
    new = patching.patched(DOC, [(place('block Doc/x.rst ".. option:: -B"', "append"), "Added.\n")])
    (tmp_path / "p.diff").write_text(patching.git_diff("Doc/x.rst", DOC, new))
    subprocess.run(["git", "apply", "p.diff"], cwd=tmp_path, check=True)
    assert (tmp_path / "Doc" / "x.rst").read_text() == new


# -- the book's proposals against the fixture tree --------------------------------------------------
@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    tree = tmp_path_factory.mktemp("cpython")
    shutil.copytree(FIXTURE / "Doc", tree / "Doc")
    shutil.copytree(FIXTURE / "Misc", tree / "Misc")
    return tree


def test_the_book_has_proposals():
    assert len(PROPOSALS) >= 10
    assert len({p.slug for p in PROPOSALS}) == len(PROPOSALS)


@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda p: p.slug)
def test_each_patch_applies_lints_and_fits(proposal, checkout, tmp_path):
    import check_upstream

    diff = up.patch([proposal], checkout)
    (tmp_path / "p.patch").write_text(diff)
    assert check_upstream.apply_check(checkout, tmp_path / "p.patch") == ""
    after = check_upstream.patched_files(diff, checkout)
    before = {name: (checkout / name).read_text() for name in after}
    assert check_upstream.new_complaints(check_upstream.lint(before), check_upstream.lint(after)) == []
    long = [line for line in patching.added_lines(diff) if len(line) > patching.WIDTH]
    assert long == []


def test_all_patches_together_apply(checkout, tmp_path):
    import check_upstream

    (tmp_path / "all.patch").write_text(up.patch(PROPOSALS, checkout))
    assert check_upstream.apply_check(checkout, tmp_path / "all.patch") == ""


FORBIDDEN = re.compile(r"pycache.book|\[\[|\bclaim|before filing|\bfiler\b|this proposal|the book", re.I)


@pytest.mark.parametrize("proposal", PROPOSALS, ids=lambda p: p.slug)
def test_what_goes_upstream_names_no_claim_and_not_this_project(proposal, checkout):
    ids = claim_ids()
    outputs = [(["3.14.0", "3.15.0"], "output\n")]
    for text in (up.render_rst(proposal), up.patch([proposal], checkout), up.render_issue(proposal, outputs)):
        assert not FORBIDDEN.search(text), FORBIDDEN.search(text).group(0)
        assert not [claim for claim in ids if re.search(r"\b%s\b" % re.escape(claim), text)]
    assert all(len(line) <= patching.WIDTH for line in up.render_rst(proposal).splitlines())


def test_the_draft_is_fileable():
    proposal = PROPOSALS[0]
    draft = up.render_issue(proposal, [(["2.7.18"], "old\n"), (["3.14.0", "3.15.0"], "new\n")])
    for heading in ("# Documentation", "## Reproducer", "## Expected", "## Actual", "## Versions",
                    "## Linked issues"):
        assert heading in draft
    assert "```python" in draft and "touch -d" not in draft
    assert "2.7.18" not in draft and "3.14.0, 3.15.0" in draft


def test_the_session_writes_patches_and_a_cover(checkout, tmp_path, capsys):
    import check_upstream

    assert check_upstream.write_patches(checkout, tmp_path) == 0
    names = sorted(p.name for p in (tmp_path / "patches").iterdir())
    assert "all.patch" in names and "cover.txt" in names
    assert len([n for n in names if re.match(r"\d\d-", n)]) == len(PROPOSALS)
    assert "NOT FOUND" not in capsys.readouterr().out


def test_a_section_that_is_gone_is_reported_not_patched(checkout, tmp_path, capsys):
    import check_upstream

    gone = tmp_path / "cpython"
    shutil.copytree(checkout, gone)
    runpy_page = gone / "Doc" / "library" / "runpy.rst"
    runpy_page.write_text(runpy_page.read_text().replace(".. function:: run_path(", ".. function:: run_file("))
    assert check_upstream.write_patches(gone, tmp_path / "out") == 1
    out = capsys.readouterr().out
    assert "library-runpy.patch: NOT FOUND" in out and "run_path(" in out
    assert not any("runpy" in p.name for p in (tmp_path / "out" / "patches").iterdir() if p.suffix == ".patch"
                   and p.name != "all.patch")


def test_complaints_the_branch_already_has_are_not_the_patchs(checkout):
    """Real CPython files carry complaints of their own (3.11's glossary: parentheses that
    sphinx-lint 1.x flags): only the ones a patch adds count, line numbers aside."""
    import check_upstream

    glossary = "Doc/glossary.rst"
    before = {glossary: (checkout / glossary).read_text()}
    assert any("unnecessary-parentheses" in line for line in check_upstream.lint(before))
    proposal = next(p for p in PROPOSALS if glossary in p.files)
    after = check_upstream.patched_files(up.patch([proposal], checkout), checkout)
    assert check_upstream.new_complaints(check_upstream.lint(before), check_upstream.lint(after)) == []
    worse = {glossary: after[glossary] + "\n   Added :meth:`flush()` here.\n"}
    assert len(check_upstream.new_complaints(check_upstream.lint(before), check_upstream.lint(worse))) == 1


def test_old_index_entries_are_rewritten_only_inside_index_directives():
    import check_upstream

    text = (".. index::\n   module: __main__\n   ! statement: assert\n   single: x\n\n"
            "module: not an entry\n\n.. index:: builtin: len\n")
    assert check_upstream.modern_index_entries(text) == (
        ".. index::\n   pair: module; __main__\n   ! pair: statement; assert\n   single: x\n\n"
        "module: not an entry\n\n.. index:: pair: built-in function; len\n")


def test_pages_of_an_older_branch_are_still_compared(checkout):
    """3.11's pages write ``module: __main__`` index entries (seen in the real runpy, tutorial and
    sys pages), which current Sphinx refuses outright: the comparison must still run."""
    import check_upstream

    name = "Doc/library/runpy.rst"
    page = (checkout / name).read_text().replace(
        "   Placeholder description.", "   .. index::\n      module: __main__\n\n   Placeholder description.", 1)
    assert "module: __main__" in page
    warnings = check_upstream.build_warnings({name: page})
    assert not [w for w in warnings if "index" in w.lower()], warnings


def test_pages_sphinx_cannot_build_fail_the_check(checkout, tmp_path, capsys, monkeypatch):
    import check_upstream

    def refuse(files):
        raise RuntimeError("Sphinx could not build these pages: ValueError: something new")

    monkeypatch.setattr(check_upstream, "build_warnings", refuse)
    assert check_upstream.write_patches(checkout, tmp_path) == 1
    assert "NOT COMPARED (Sphinx could not build these pages" in (tmp_path / "patches" / "cover.txt").read_text()


def test_a_branch_that_writes_cmdoption_takes_the_same_patches(checkout, tmp_path):
    """3.12 and older name options with ``.. cmdoption::`` (seen in the real 3.11 tree): the
    anchors ``option:: -B`` etc. find them there too, and every patch applies."""
    import check_upstream

    old = tmp_path / "cpython-3.12"
    shutil.copytree(checkout, old)
    for page in (old / "Doc").rglob("*.rst"):
        page.write_text(page.read_text().replace(".. option::", ".. cmdoption::"))
    assert ".. cmdoption:: -B" in (old / "Doc" / "using" / "cmdline.rst").read_text()
    diff = up.patch(PROPOSALS, old)
    (tmp_path / "all.patch").write_text(diff)
    assert check_upstream.apply_check(old, tmp_path / "all.patch") == ""
    assert "cmdoption:: -B" in diff or "option:: -B" not in up.patch(PROPOSALS, checkout)


def test_the_fixture_holds_no_cpython_prose():
    """Placeholder prose only: every fixture paragraph of more than one line says so."""
    for path in FIXTURE.rglob("*.rst"):
        for paragraph in re.split(r"\n\s*\n", path.read_text()):
            words = paragraph.split()
            if len(words) > 12 and not paragraph.lstrip().startswith((".. ", ":", "*", "=")):
                assert "placeholder" in paragraph.lower(), (path.name, paragraph)


def test_merge_takes_only_the_pages_a_worker_read():
    """A parallel worker's environment also holds what was merged before it was forked."""
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    pages = pytest.importorskip("pycache_upstream_pages")
    env = SimpleNamespace(pycache_upstream_targets={"library-sys": ["upstream/command-line"]})
    worker = SimpleNamespace(pycache_upstream_targets={"library-sys": ["upstream/command-line"],
                                                       "library-runpy": ["upstream/library", "upstream/library"]})
    pages.merge(None, env, {"upstream/library"}, worker)
    assert env.pycache_upstream_targets == {"library-sys": ["upstream/command-line"],
                                            "library-runpy": ["upstream/library", "upstream/library"]}
