"""Before a build, a test run or a self-check: is everything it needs here? One screen, at once.

    python scripts/preflight.py --for docs|tests|verify

Names every missing system tool with the command that installs it, what the namespaces allow
(and the kernel's own message when they do not), the interpreters found and the versions of the
book none of them is. Exit status 1 when something required is missing (nothing has run yet),
0 otherwise; warnings (an offline inventory, missing versions) never stop anything.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass

from . import coverage, inventory, userns
from .interpreters import InterpreterError, discover

PURPOSES = ("docs", "tests", "verify")
UNPROTECTED_VAR = "PYCACHE_BOOK_UNPROTECTED"


@dataclass
class Finding:
    required: bool
    text: str


def _program(name: str, environ=os.environ) -> bool:
    """On the caller's PATH, where the pages (strace) and Sphinx (dot) look for it."""
    return shutil.which(name, path=environ.get("PATH", os.defpath)) is not None


def _pseudo_terminals() -> bool:
    try:
        for descriptor in os.openpty():
            os.close(descriptor)
    except OSError:
        return False
    return True


def tools(purpose: str, environ=os.environ) -> list[Finding]:
    """The system tools ``purpose`` needs, each missing one with its Debian package."""
    findings = []
    if not _program("strace", environ):
        findings.append(Finding(True, "strace is missing: the myths and write-failures pages trace "
                                      "system calls with it. Install: apt-get install strace"))
    if purpose in ("docs", "tests") and not _program("dot", environ):
        findings.append(Finding(True, "Graphviz's dot is missing: it draws the decision diagram. "
                                      "Install: apt-get install graphviz"))
    if purpose == "tests" and not _program("make", environ):
        findings.append(Finding(True, "make is missing: the tests of --cpython-docs run a Doc/Makefile "
                                      "as CPython's docs build does. Install: apt-get install make"))
    if not _pseudo_terminals():
        findings.append(Finding(True, "no pseudo-terminal can be opened (is /dev/pts mounted?): the "
                                      "entry-points page types into the interactive prompt on one. In a "
                                      "chroot or container: mount -t devpts devpts /dev/pts"))
    if purpose in ("docs", "tests") and inventory.newest(environ) is None:
        findings.append(Finding(False, "no offline objects.inv of CPython's docs: links into "
                                       "docs.python.org need the network. Install: apt-get install python3-doc"))
    findings += namespaces(environ)
    return findings


def namespaces(environ=os.environ) -> list[Finding]:
    """What the lab needs: the read-only installation (root), a second user (an ordinary caller)
    and uid 0 of a user namespace (the write-failures page, for everyone)."""
    findings = []
    needed = coverage.require_all(environ)
    consequence = ("Without it those claims are shown as 'not observed in this build'%s."
                   % (" and, because %s=1 or CI=true, that fails the build" % coverage.REQUIRE_ALL_VAR
                      if needed else ""))
    if os.geteuid() == 0:
        problem = userns.mount_namespace_problem()
        if problem is not None and environ.get(UNPROTECTED_VAR) == "1":
            findings.append(Finding(False, "no private mount namespace (%s); %s=1: scenarios run without "
                                           "the read-only installation" % (problem.split(". ")[0], UNPROTECTED_VAR)))
        elif problem is not None:
            findings.append(Finding(True, "no private mount namespace for the scenarios: " + problem))
    else:
        problem = userns.user_namespace_problem()
        if problem is not None:
            findings.append(Finding(needed, "no second user for the sticky-bit scenarios of the security "
                                            "page: %s. %s" % (problem, consequence)))
    problem = userns.root_user_namespace_problem()
    if problem is not None:
        findings.append(Finding(needed, "no user namespace for the write-failures page's 'root in an "
                                        "unwritable directory' scenario: %s. %s" % (problem, consequence)))
    return findings


def interpreters(environ=os.environ) -> tuple[list[str], list[Finding]]:
    """Lines naming the interpreters found, and a finding for a named one that cannot run."""
    try:
        found = discover(environ)
    except InterpreterError as error:
        return [], [Finding(True, str(error))]
    lines = ["  CPython %-8s %s" % (py.version, py.path) for py in found.interpreters]
    versions = [py.version for py in found.interpreters]
    findings = []
    if not found.interpreters:
        findings.append(Finding(True, "no CPython interpreter found on PATH or under pyenv"))
    missing = coverage.missing_versions(versions)
    if missing:
        findings.append(Finding(False, "versions of the book with no interpreter here: %s; their claims "
                                       "are 'not observed in this build'. Add them with pyenv "
                                       "(pyenv install %s) or name them in PYCACHE_BOOK_PYTHONS"
                                       % (", ".join(missing), missing[0])))
    return lines, findings


def report(purpose: str, environ=os.environ) -> tuple[int, str]:
    """The one-screen message and the exit status."""
    found_lines, found_findings = interpreters(environ)
    findings = tools(purpose, environ) + found_findings
    out = ["preflight for `nox -s %s` (as %s):" % (purpose, "root" if os.geteuid() == 0 else "uid %d" % os.geteuid())]
    out.append("interpreters (%d):" % len(found_lines))
    out += found_lines or ["  none"]
    for finding in findings:
        out.append(("MISSING  " if finding.required else "note     ") + finding.text)
    required = [f for f in findings if f.required]
    if required:
        out.append("%d required thing(s) missing: nothing was run. Install them and try again." % len(required))
    else:
        out.append("ok: everything required is here.")
    return (1 if required else 0), "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description="Is everything the build needs here?")
    parser.add_argument("--for", dest="purpose", choices=PURPOSES, default="docs")
    args = parser.parse_args(argv)
    status, text = report(args.purpose)
    print(text, file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
