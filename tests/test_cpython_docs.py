"""``--cpython-docs``: CPython's own docs build before and after the patches, in a temporary copy.

No CPython text here: the checkout is a tiny git tree whose ``Doc/Makefile`` stands in for
CPython's (``make venv``, ``make html SPHINXOPTS=...``) and warns about every line that says BROKEN.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import check_upstream
import cpython_docs_build as docs

MAKEFILE = """\
venv:
\t@mkdir -p venv && touch venv/ready

html:
\t@{python} fake_sphinx.py $(SPHINXOPTS)
"""

FAKE_SPHINX = '''\
"""Warn, as Sphinx without -W would (exit 0), about each line that says BROKEN or OLD; write one page per file."""
import pathlib, sys
args = sys.argv[1:]
out = pathlib.Path(args[args.index("-w") + 1])
here = pathlib.Path.cwd()
lines = []
for page in sorted(here.rglob("*.rst")):
    for number, text in enumerate(page.read_text().splitlines(), start=1):
        if "BROKEN" in text or "OLD" in text:
            lines.append("%s:%d: WARNING: %s" % (page, number, text.strip()))
    target = here / "build" / "html" / page.relative_to(here).with_suffix(".html")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page.read_text())
out.write_text("".join(line + "\\n" for line in lines))
'''


def git(tree: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def checkout(tmp_path):
    tree = tmp_path / "cpython"
    (tree / "Doc" / "library").mkdir(parents=True)
    (tree / "Doc" / "Makefile").write_text(MAKEFILE.format(python=sys.executable))
    (tree / "Doc" / "fake_sphinx.py").write_text(FAKE_SPHINX)
    (tree / "Doc" / "library" / "sys.rst").write_text("Title\n=====\n\nAn OLD complaint.\n\nText.\n")
    (tree / ".gitignore").write_text("ignored.txt\n")
    (tree / "ignored.txt").write_text("not copied\n")
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "fixture")
    (tree / "Doc" / "untracked.rst").write_text("Untracked\n=========\n")
    return tree


def patch_file(tmp_path: Path, added: str) -> Path:
    patch = tmp_path / "all.patch"
    patch.write_text("diff --git a/Doc/library/sys.rst b/Doc/library/sys.rst\n--- a/Doc/library/sys.rst\n"
                     "+++ b/Doc/library/sys.rst\n@@ -4,3 +4,5 @@\n An OLD complaint.\n \n Text.\n"
                     "+\n+%s\n" % added)
    return patch


def snapshot(tree: Path) -> dict:
    return {str(p.relative_to(tree)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(tree.rglob("*")) if p.is_file()}


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Temporary folders of the build go here, so the test sees that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_new_warning_is_reported_by_file_and_line(checkout, tmp_path, scratch):
    report = docs.build(checkout, patch_file(tmp_path, "A BROKEN reference."))
    assert report.problem == ""
    assert report.before.warnings == ["Doc/library/sys.rst:4: WARNING: An OLD complaint."]
    assert report.regressions == ["Doc/library/sys.rst:8: WARNING: A BROKEN reference."]
    assert "1 NEW WARNING(S):" in report.lines()


def test_a_clean_patch_adds_no_warning_and_exits_0(checkout, tmp_path, scratch, capsys):
    assert docs.main([str(checkout), str(patch_file(tmp_path, "Fine text.")), "--report",
                      str(tmp_path / "r.txt")]) == 0
    assert "no new warning" in capsys.readouterr().out
    assert "no new warning" in (tmp_path / "r.txt").read_text()


def test_the_users_tree_is_untouched_and_the_copy_is_removed(checkout, tmp_path, scratch):
    status = git(checkout, "status", "--porcelain", "--ignored")  # git status refreshes .git/index
    before = snapshot(checkout)
    docs.build(checkout, patch_file(tmp_path, "A BROKEN reference."))
    assert snapshot(checkout) == before
    assert git(checkout, "status", "--porcelain", "--ignored") == status
    assert not (checkout / "Doc" / "build").exists() and not (checkout / "Doc" / "venv").exists()
    assert list(scratch.iterdir()) == []


def test_the_copy_holds_tracked_and_untracked_files_not_ignored_ones(checkout, tmp_path):
    (checkout / "Doc" / "build").mkdir()
    (checkout / "Doc" / "build" / "old.html").write_text("an earlier build\n")
    names = docs.files_of(checkout)
    assert "Doc/untracked.rst" in names and "Doc/library/sys.rst" in names
    assert "ignored.txt" not in names and not [n for n in names if n.startswith((".git/", "Doc/build"))]
    assert docs.copy_checkout(checkout, tmp_path / "copy") == len(names)


def test_a_tree_without_doc_makefile_is_refused(tmp_path):
    (tmp_path / "Doc").mkdir()
    report = docs.build(tmp_path, tmp_path / "all.patch")
    assert "no Doc/Makefile" in report.problem


def test_a_failed_venv_is_reported_with_makes_words(checkout, tmp_path, scratch):
    makefile = checkout / "Doc" / "Makefile"
    makefile.write_text(makefile.read_text().replace("@mkdir -p venv", "@echo no network for pip; false"))
    report = docs.build(checkout, patch_file(tmp_path, "Fine text."))
    assert report.problem.startswith("make venv failed") and "no network for pip" in report.problem
    assert list(scratch.iterdir()) == []


def test_cpython_docs_needs_a_checkout(tmp_path, capsys):
    (tmp_path / "x.rst").write_text("x\n")
    with pytest.raises(SystemExit) as stop:
        check_upstream.main([str(tmp_path), "--cpython-docs"])
    assert stop.value.code == 2
    assert "--cpython-docs needs --cpython" in capsys.readouterr().err


def test_the_build_does_not_write_pycs(checkout, tmp_path, scratch, monkeypatch):
    seen = {}
    real_call = subprocess.call

    def spy(command, **kwargs):
        seen.setdefault("env", kwargs.get("env"))
        return real_call(command, **kwargs)

    monkeypatch.setattr(docs.subprocess, "call", spy)
    docs.build(checkout, patch_file(tmp_path, "Fine text."))
    assert seen["env"]["PYTHONDONTWRITEBYTECODE"] == "1"


def test_a_build_that_fails_is_reported_not_compared(checkout, tmp_path, scratch):
    makefile = checkout / "Doc" / "Makefile"
    makefile.write_text(makefile.read_text().replace("\t@%s fake_sphinx.py" % sys.executable,
                                                     "\t@echo Extension error: no module; false #"))
    report = docs.build(checkout, patch_file(tmp_path, "Fine text."))
    assert report.problem.startswith("make html failed on the checkout as it is")
    assert "Extension error" in report.problem and report.after is None


def test_the_session_appends_the_result_to_the_cover(checkout, tmp_path, scratch, capsys):
    folder = tmp_path / "patches"
    folder.mkdir()
    (folder / "cover.txt").write_text("patches\n")
    assert check_upstream.docs_build(checkout, folder) == 1  # no all.patch: nothing was built
    patch_file(tmp_path, "A BROKEN reference.").rename(folder / "all.patch")
    assert check_upstream.docs_build(checkout, folder) == 1
    cover = (folder / "cover.txt").read_text()
    assert "not run, there is no patch" in cover
    assert "Doc/library/sys.rst:8: WARNING: A BROKEN reference." in cover
    assert (folder / "cpython-docs.log").exists()
