"""Check the proposed CPython doc texts, and turn them into patches for a CPython checkout.

    python scripts/check_upstream.py [build/upstream] [--cpython PATH]

Each ``.rst`` file written by the book build (one per proposal) becomes a page of a throw-away
Sphinx project that knows CPython's extra markup (``impl-detail``, ``:source:``, ``:gh:``) and
resolves references against CPython's own inventory (offline first: the newest one on disk, in
the search order of ``pycache_lab/inventory.py``). The project is built with ``-W -n``: any
warning, such as an unknown role or a reference to an option that does not exist, fails the check.

With ``--cpython PATH`` (a CPython checkout, any branch) the proposals of ``docs/upstream/`` are
also written as patches into ``build/upstream/patches/``: one per proposal, ``all.patch`` with all
of them, and ``cover.txt``. Each is checked the way CPython's CI checks documentation: ``git apply
--check`` on the checkout, ``sphinx-lint`` on every patched ``.rst`` file, no added line over 80
columns. A hunk whose anchor is gone or ambiguous is reported by name, and its proposal gets no
patch. ``--cpython-docs`` then builds the checkout's documentation with CPython's own toolchain,
before and after ``all.patch``, in a temporary copy (``cpython_docs_build.py``). Exit status: 0
when every check passed, 1 otherwise, 2 when there was nothing to check.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.dont_write_bytecode = True

from pycache_lab import inventory  # noqa: E402

PAGES = ROOT / "docs" / "upstream"
LINT = [sys.executable, "-m", "sphinxlint", "--enable", "default-role"]
"""What CPython's ``make check`` runs on its Doc/ tree (sphinx-lint pinned in requirements-docs.txt)."""

CONF = textwrap.dedent('''
    """A project with CPython's documentation markup, for checking proposed text."""
    import os
    from docutils import nodes
    from docutils.parsers.rst import Directive, directives

    project = "proposed CPython documentation"
    extensions = ["sphinx.ext.intersphinx", "sphinx.ext.extlinks"]
    nitpicky = True
    intersphinx_mapping = {{"python": {target!r}}}
    intersphinx_disabled_reftypes = []
    extlinks = {{"source": ("https://github.com/python/cpython/blob/main/%s", "%s"),
                 "gh": ("https://github.com/python/cpython/issues/%s", "gh-%s"),
                 "pypi": ("https://pypi.org/project/%s/", "%s")}}


    class ImplementationDetail(Directive):
        """CPython's ``impl-detail`` block (Doc/tools/extensions in CPython)."""

        has_content = True
        optional_arguments = 1
        final_argument_whitespace = True

        def run(self):
            box = nodes.compound(classes=["impl-detail"])
            label = nodes.paragraph()
            label += nodes.strong(text="CPython implementation detail: ")
            box += label
            self.state.nested_parse(self.content, self.content_offset, box)
            return [box]


    def setup(app):
        app.add_directive("impl-detail", ImplementationDetail)
''')


def conf_text() -> str:
    """The throw-away project's conf.py (one place for the inventory it resolves against)."""
    return CONF.format(target=inventory.intersphinx_target())


def make_project(upstream: Path, project: Path) -> list[str]:
    names = []
    for rst in sorted(upstream.glob("*.rst")):
        title = "Proposed text for %s" % rst.stem
        # a library page's text is read inside its module, as in CPython (``.. module::`` at its top)
        module = rst.stem.split("-")[1] if rst.stem.startswith("library-") else None
        context = ".. currentmodule:: %s\n\n" % module if module else ""
        (project / rst.name).write_text("%s\n%s\n\n%s%s" % (title, "=" * len(title), context,
                                                              rst.read_text("utf-8")), encoding="utf-8")
        names.append(rst.stem)
    index = ["Proposals", "=========", "", ".. toctree::", ""] + ["   " + n for n in names]
    (project / "index.rst").write_text("\n".join(index) + "\n", encoding="utf-8")
    (project / "conf.py").write_text(conf_text(), encoding="utf-8")
    return names


def sphinx_check(upstream: Path) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="pycache-upstream-"))
    try:
        project = scratch / "src"
        project.mkdir()
        names = make_project(upstream, project)
        status = subprocess.call([sys.executable, "-m", "sphinx", "-b", "dummy", "-W", "--keep-going", "-n",
                                  "-E", "-q", str(project), str(scratch / "out")])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    drafts = sorted(p.name for p in upstream.glob("*.md"))
    print("%s: %d proposed text(s) built as CPython's docs would (%s); %d issue draft(s)"
          % ("ok" if status == 0 else "FAILED", len(names), ", ".join(names), len(drafts)))
    return status


_OLD_INDEX_TYPES = {"module": "module", "keyword": "keyword", "operator": "operator", "object": "object",
                    "exception": "exception", "statement": "statement", "builtin": "built-in function"}
_OLD_INDEX_ENTRY = re.compile(r"^(\s*(?:\.\. index::\s+)?(?:!\s*)?)(%s): (.+)$" % "|".join(_OLD_INDEX_TYPES))


def modern_index_entries(text: str) -> str:
    """``module: x`` index entries (CPython 3.11 and older) as ``pair: module; x``, the form newer
    branches use: Sphinx 7.1 and later refuse the old one and stop, so an older branch's pages
    could not be built at all. Only lines of ``.. index::`` directives are rewritten, the same way
    before and after a patch."""
    out, depth = [], None
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped.startswith(".. index::"):
            depth = indent
        elif depth is not None and stripped.strip() and indent <= depth:
            depth = None
        if depth is not None:
            old = _OLD_INDEX_ENTRY.match(line.rstrip("\n"))
            if old:
                line = "%spair: %s; %s%s" % (old.group(1), _OLD_INDEX_TYPES[old.group(2)], old.group(3),
                                            "\n" if line.endswith("\n") else "")
        out.append(line)
    return "".join(out)


def build_warnings(files: dict[str, str]) -> list[str]:
    """Sphinx's warnings (nitpicky) on these whole pages, built with CPython's markup as above.

    Pages of a real checkout use directives this project does not know (``audit-event``, ...):
    those warnings are the same before and after a patch, so only new ones count."""
    rst = {name: text for name, text in files.items() if name.endswith(".rst")}
    if not rst:
        return []
    scratch = Path(tempfile.mkdtemp(prefix="pycache-upstream-pages-"))
    try:
        project = scratch / "src"
        for name, text in rst.items():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            (project / name).write_text(modern_index_entries(text), encoding="utf-8")
        pages = sorted(name[:-4] for name in rst)
        (project / "index.rst").write_text("Pages\n=====\n\n.. toctree::\n\n" + "".join(
            "   %s\n" % page for page in pages), encoding="utf-8")
        (project / "conf.py").write_text(conf_text(), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "dummy", "-n", "-E", "-q", "--keep-going",
                               "-w", str(scratch / "warnings.txt"), str(project), str(scratch / "out")],
                              capture_output=True, text=True)
        if done.returncode not in (0, 1):  # 2: Sphinx itself failed, so there is nothing to compare
            reason = [line for line in done.stderr.splitlines() if "Error" in line][-1:] or ["exit %d" % done.returncode]
            raise RuntimeError("Sphinx could not build these pages: %s" % reason[0].strip())
        text = (scratch / "warnings.txt").read_text(encoding="utf-8") if (scratch / "warnings.txt").exists() else ""
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return [line.replace(str(scratch / "src") + "/", "") for line in text.splitlines()
            if "WARNING" in line or "ERROR" in line]


def lint(patched: dict[str, str]) -> list[str]:
    """sphinx-lint's complaints about the patched ``.rst`` files (relative paths kept)."""
    rst = {name: text for name, text in patched.items() if name.endswith(".rst")}
    if not rst:
        return []
    scratch = Path(tempfile.mkdtemp(prefix="pycache-upstream-lint-"))
    try:
        for name, text in rst.items():
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            (scratch / name).write_text(text, encoding="utf-8")
        done = subprocess.run(LINT + sorted(rst), cwd=scratch, capture_output=True, text=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode == 0:
        return []
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()] or ["sphinx-lint failed"]


def new_complaints(before: list[str], after: list[str]) -> list[str]:
    """The complaints about the patched files that the files did not have before (line numbers
    aside): a branch may carry complaints of its own, which are not the patch's."""
    def key(line: str) -> str:
        return re.sub(r":\d+:", ":", line)

    left = [key(line) for line in before]
    new = []
    for line in after:
        if key(line) in left:
            left.remove(key(line))
        else:
            new.append(line)
    return new


def apply_check(checkout: Path, patch: Path) -> str:
    """``git apply --check`` on the checkout: '' when it applies, else git's complaint."""
    done = subprocess.run(["git", "apply", "--check", str(patch.resolve())], cwd=checkout,
                          capture_output=True, text=True)
    return "" if done.returncode == 0 else (done.stderr.strip() or "git apply failed")


def patched_files(diff: str, checkout: Path) -> dict[str, str]:
    """The text of each file the diff touches, once the diff is applied (in a scratch copy)."""
    names = sorted(set(line[6:] for line in diff.splitlines() if line.startswith("+++ b/")))
    scratch = Path(tempfile.mkdtemp(prefix="pycache-upstream-apply-"))
    try:
        for name in names:
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(checkout / name, scratch / name)
        (scratch / "all.diff").write_text(diff, encoding="utf-8")
        subprocess.run(["git", "apply", "all.diff"], cwd=scratch, check=True, capture_output=True)
        return {name: (scratch / name).read_text(encoding="utf-8") for name in names}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write_patches(checkout: Path, out: Path, pages: Path = PAGES) -> int:
    """The patches, checked; a summary on stdout and in ``cover.txt``. Returns the exit status."""
    import pycache_upstream as up
    from pycache_upstream_patch import WIDTH, AnchorError, added_lines

    proposals = up.proposals_in(pages)
    folder = out / "patches"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.patch"):
        old.unlink()
    rows, good, failures, widest, added = [], [], 0, 0, 0
    for number, proposal in enumerate(proposals, start=1):
        name = "%02d-%s.patch" % (number, proposal.slug)
        try:
            diff = up.patch([proposal], checkout)
        except AnchorError as error:
            rows.append("%s: NOT FOUND, no patch: %s" % (name, error))
            failures += 1
            continue
        (folder / name).write_text(diff, encoding="utf-8")
        problems = []
        complaint = apply_check(checkout, folder / name)
        if complaint:
            problems.append("git apply --check: " + complaint)
        else:
            after = patched_files(diff, checkout)
            before = {name: (checkout / name).read_text(encoding="utf-8") for name in after}
            problems += new_complaints(lint(before), lint(after))
        lines = added_lines(diff)
        long = [line for line in lines if len(line) > WIDTH]
        if long:
            problems.append("%d added line(s) over %d columns, e.g. %r" % (len(long), WIDTH, long[0]))
        widest, added = max([widest] + [len(line) for line in lines]), added + len(lines)
        rows.append("%s: %s (%s; %d line(s) added)" % (name, "; ".join(problems) or "applies, lints clean",
                                                        ", ".join(proposal.files), len(lines)))
        failures += bool(problems)
        if not complaint:
            good.append(proposal)
    try:
        series = up.patch(good, checkout)
        (folder / "all.patch").write_text(series, encoding="utf-8")
        complaint = apply_check(checkout, folder / "all.patch")
        rows.append("all.patch (%d proposal(s) together): %s" % (len(good), complaint or "applies"))
        failures += bool(complaint)
        if not complaint and series:
            after = patched_files(series, checkout)
            before = {name: (checkout / name).read_text(encoding="utf-8") for name in after}
            try:
                warnings = new_complaints(build_warnings(before), build_warnings(after))
                verdict = "no new warning" if not warnings else "NEW WARNINGS: " + "; ".join(warnings)
            except RuntimeError as error:  # unchecked is not passed: it fails, with Sphinx's reason
                warnings, verdict = [error], "NOT COMPARED (%s); build the checkout's docs to check" % error
            rows.append("all.patch built with Sphinx (nitpicky, CPython's markup), whole pages before and "
                        "after: %s" % verdict)
            failures += bool(warnings)
    except AnchorError as error:
        rows.append("all.patch: the proposals overlap: %s" % error)
        failures += 1
    summary = ["Proposed changes to CPython's documentation, checked against %s" % checkout, ""] + rows + [
        "", "%d line(s) added in all; the widest is %d columns (limit %d)." % (added, widest, WIDTH), "",
        "To use them: git -C CPYTHON apply %s, build the docs (make -C Doc venv check html" % (folder / "all.patch"),
        "SPHINXOPTS='-W --keep-going -n'), then open one pull request per issue draft (build/upstream/*.md).", ""]
    (folder / "cover.txt").write_text("\n".join(summary), encoding="utf-8")
    print("\n".join(summary))
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("upstream", type=Path, nargs="?", default=ROOT / "build" / "upstream")
    parser.add_argument("--cpython", type=Path, help="a CPython checkout to write patches against")
    parser.add_argument("--cpython-docs", action="store_true",
                        help="also build the checkout's docs (its Doc/Makefile, in a temporary copy) "
                             "before and after all.patch, and report new warnings")
    args = parser.parse_args(argv)
    if args.cpython_docs and args.cpython is None:
        parser.error("--cpython-docs needs --cpython PATH (the checkout whose docs are built)")
    if not args.upstream.is_dir() or not any(args.upstream.glob("*.rst")):
        print("no proposals in %s: build the book first (nox -s upstream does both)" % args.upstream,
              file=sys.stderr)
        return 2
    status = sphinx_check(args.upstream)
    if args.cpython is None:
        print("Patches need a CPython checkout: nox -s upstream -- --cpython PATH")
        return status
    if not (args.cpython / "Doc").is_dir():
        print("%s is not a CPython checkout (no Doc/ folder)" % args.cpython, file=sys.stderr)
        return 2
    status = write_patches(args.cpython.resolve(), args.upstream) or status
    if args.cpython_docs:
        status = docs_build(args.cpython.resolve(), args.upstream / "patches") or status
    return status


def docs_build(checkout: Path, folder: Path) -> int:
    """CPython's own docs build before and after ``all.patch``; the result joins ``cover.txt``."""
    import cpython_docs_build

    series = folder / "all.patch"
    if not series.exists() or not series.read_text(encoding="utf-8").strip():
        lines = ["CPython's docs build: not run, there is no patch to apply"]
        report = None
    else:
        log = folder / "cpython-docs.log"
        if log.exists():
            log.unlink()  # an earlier run's
        report = cpython_docs_build.build(checkout, series, keep_log=log)
        where = "; make's output in %s" % log if log.exists() else ""
        lines = ["CPython's docs build (its Doc/Makefile, in a temporary copy%s):" % where] + [
            "  " + line for line in report.lines()]
    with (folder / "cover.txt").open("a", encoding="utf-8") as cover:
        cover.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    if report is None:
        return 1
    return 2 if report.problem else (1 if report.regressions else 0)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.exit(main())
