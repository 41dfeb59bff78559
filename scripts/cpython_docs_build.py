"""Build a CPython checkout's documentation with its own toolchain, before and after a patch.

    python scripts/cpython_docs_build.py CHECKOUT PATCH [--report FILE]

The checkout is never changed: its files (``git ls-files``: tracked and untracked, not ignored;
every file but ``.git`` and build output when it is not a git checkout) are copied into a
temporary folder, which is removed at the end. There, CPython's own ``Doc/Makefile`` makes its
virtual environment from ``Doc/requirements.txt`` (``make venv``) and builds the HTML pages
nitpicky (``make html``), once as the checkout is and once more after ``git apply PATCH``, each
time writing Sphinx's warnings to a file. A warning of the second build that the first did not
have (line numbers aside) is a regression and is reported by file and line. Exit status: 0 with
no regression, 1 with one, 2 when a build could not run at all.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True
SKIP = (".git", "Doc/build", "Doc/venv")
"""Never copied: history and the outputs of an earlier build of the user's own."""
SPHINXOPTS = "-n --keep-going -q -w {warnings}"
"""Nitpicky, every page, and every warning written to a file: the comparison needs all of them,
so warnings do not fail the build here (``SPHINXERRORHANDLING`` emptied; CPython's CI turns them
into errors instead). Any failure of ``make`` is then a build that did not run."""


@dataclass
class Build:
    """One ``make html`` of the copy: how long it took and what Sphinx warned about."""

    seconds: float
    warnings: list[str]
    status: int


@dataclass
class Report:
    before: Build | None = None
    after: Build | None = None
    regressions: list[str] = field(default_factory=list)
    problem: str = ""

    def lines(self) -> list[str]:
        out = []
        for name, build in (("before the patch", self.before), ("after the patch", self.after)):
            if build:
                out.append("make html %s: %.0f s, %d warning(s), exit %d"
                           % (name, build.seconds, len(build.warnings), build.status))
        if self.problem:
            out.append("NOT BUILT: " + self.problem)
        elif self.after:
            out.append("no new warning" if not self.regressions else
                       "%d NEW WARNING(S):" % len(self.regressions))
            out += ["  " + line for line in self.regressions]
        return out


def files_of(checkout: Path) -> list[str]:
    """The checkout's files as its owner sees them (relative paths)."""
    done = subprocess.run(["git", "--no-optional-locks", "-C", str(checkout), "ls-files", "-z", "--cached", "--others",
                           "--exclude-standard"], capture_output=True)
    if done.returncode == 0 and done.stdout:
        names = [n for n in done.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    else:
        names = [str(p.relative_to(checkout)) for p in checkout.rglob("*") if not p.is_dir()]
    return [n for n in names if not any(n == s or n.startswith(s + "/") for s in SKIP)]


def copy_checkout(checkout: Path, into: Path) -> int:
    """Copy the files into ``into`` (symbolic links as links); returns how many were copied."""
    count = 0
    for name in files_of(checkout):
        source = checkout / name
        if not os.path.lexists(source):  # deleted in the working tree, still in the index
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
        count += 1
    return count


def make(doc: Path, *args: str, log: Path) -> int:
    """``make -C Doc ARGS`` with its output in ``log``; no pycs written into any interpreter."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with log.open("a", encoding="utf-8") as out:
        return subprocess.call(["make", "-C", str(doc), *args], stdout=out, stderr=subprocess.STDOUT,
                               env=env)


def html(doc: Path, warnings: Path, log: Path) -> Build:
    started = time.monotonic()
    status = make(doc, "html", "SPHINXOPTS=" + SPHINXOPTS.format(warnings=warnings),
                  "SPHINXERRORHANDLING=", log=log)
    seconds = time.monotonic() - started
    text = warnings.read_text(encoding="utf-8", errors="replace") if warnings.exists() else ""
    prefix = str(doc) + os.sep
    found = [line.replace(prefix, "Doc/") for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
    return Build(seconds, found, status)


def tail(log: Path, count: int = 3) -> str:
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no output"


def build(checkout: Path, patch: Path, keep_log: Path | None = None) -> Report:
    """The whole comparison, in a temporary copy of ``checkout``."""
    from check_upstream import new_complaints

    report = Report()
    if not (checkout / "Doc" / "Makefile").is_file():
        report.problem = "%s has no Doc/Makefile: not a CPython checkout" % checkout
        return report
    scratch = Path(tempfile.mkdtemp(prefix="pycache-cpython-docs-"))
    log = scratch / "make.log"
    try:
        copy = scratch / "cpython"
        copy_checkout(checkout, copy)
        doc = copy / "Doc"
        if make(doc, "venv", log=log) != 0:
            report.problem = "make venv failed: " + tail(log)
            return report
        report.before = html(doc, scratch / "before.txt", log)
        if report.before.status != 0:
            report.problem = "make html failed on the checkout as it is: " + tail(log)
            return report
        applied = subprocess.run(["git", "apply", str(patch.resolve())], cwd=copy, capture_output=True, text=True)
        if applied.returncode != 0:
            report.problem = "git apply: " + (applied.stderr.strip() or "failed")
            return report
        report.after = html(doc, scratch / "after.txt", log)
        if report.after.status != 0:
            report.problem = "make html failed after the patch: " + tail(log)
        report.regressions = new_complaints(report.before.warnings, report.after.warnings)
        return report
    finally:
        if keep_log and log.exists():
            shutil.copyfile(log, keep_log)
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("patch", type=Path)
    parser.add_argument("--report", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    report = build(args.checkout.resolve(), args.patch)
    text = "\n".join(["CPython's docs build (temporary copy of %s), %s:" % (args.checkout, args.patch.name)]
                     + report.lines()) + "\n"
    print(text, end="")
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    return 2 if report.problem else (1 if report.regressions else 0)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
