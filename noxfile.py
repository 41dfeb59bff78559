"""Sessions of pycache-book. `nox -s docs` builds the book; `nox -s tests` runs every check."""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile

import nox

nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.download_python = "never"  # a missing interpreter is named, never fetched behind your back
os.environ.setdefault("NOX_ENABLE_STALENESS_CHECK", "1")  # a reused venv of another Python is remade

BUILD_PYTHONS = ("3.11", "3.12", "3.13")
"""Pythons the build runs on (requirements-docs.txt installs on each, from Debian 12's 3.11.2 up)."""
BUILD_PYTHON_VAR = "PYCACHE_BOOK_BUILD_PYTHON"


def _build_python() -> str:
    """``$PYCACHE_BOOK_BUILD_PYTHON`` (a version or a path), else the oldest of BUILD_PYTHONS on PATH.

    Debian 12 has python3.11, Ubuntu 24.04 python3.12, Debian 13 python3.13. A chosen path gets
    virtual environments of its own (``.nox/<path>/``), so it never reuses another Python's.
    """
    chosen = os.environ.get(BUILD_PYTHON_VAR, "").strip()
    if chosen:
        if os.sep in chosen:
            nox.options.envdir = os.path.join(".nox", re.sub(r"[^A-Za-z0-9.]+", "-", chosen).strip("-"))
        return chosen
    return next((v for v in BUILD_PYTHONS if shutil.which("python" + v)), BUILD_PYTHONS[0])


BUILD_PYTHON = _build_python()
REQUIREMENTS = "requirements-docs.txt"


def _install(session: nox.Session) -> None:
    session.install("-r", REQUIREMENTS)


def _preflight(session: nox.Session, purpose: str) -> None:
    """Every missing tool named at once, with the command that installs it, before anything runs."""
    session.run("python", "scripts/preflight.py", "--for", purpose)


@nox.session(python=BUILD_PYTHON)
def docs(session: nox.Session) -> None:
    """Strict build into build/html: every cell runs, any error or warning fails."""
    _preflight(session, "docs")
    _install(session)
    session.run("python", "scripts/build_book.py", *session.posargs)


@nox.session(python=BUILD_PYTHON)
def tests(session: nox.Session) -> None:
    """The lab's unit tests and the trust suites (reduced scale), the pages' >>> examples, then the
    strict build (the drift check)."""
    _preflight(session, "tests")
    _install(session)
    session.run("python", "-m", "pytest", *session.posargs)
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "--doctest-plus",
                "--doctest-glob=*.md", "docs", "-o", "testpaths=", "-o", "python_files=")
    session.run("python", "scripts/build_book.py")


@nox.session(python=BUILD_PYTHON, default=False)
def hostile(session: nox.Session) -> None:
    """The trust suites at full scale (slow): hostile callers on every page and five interpreters,
    mutation tests, the whole claim set five times on every interpreter, clean failure.
    ``nox -s tests`` (CI) runs the same suites at a reduced scale."""
    _install(session)
    session.run("python", "-m", "pytest", "-rA", "tests/test_hostile.py", "tests/test_mutations.py",
                "tests/test_flaky.py", "tests/test_failures.py", *session.posargs,
                env={"PYCACHE_BOOK_TRUST": "full"})


@nox.session(python=BUILD_PYTHON, default=False)
def lint(session: nox.Session) -> None:
    """ruff over the lab, the tools, the extensions, the tests and the code cells of the pages."""
    session.install("-r", "requirements-lint.txt")
    session.run("ruff", "check", "scripts", "docs/_ext", "tests", "noxfile.py", "conf.py")
    with tempfile.TemporaryDirectory(prefix="page-cells-") as cells:  # outside .nox/, which ruff excludes
        session.run("python", "scripts/page_cells.py", cells)
        # a notebook imports where it needs to, and ends a cell with an expression to show it
        session.run("ruff", "check", "--config", "pyproject.toml", "--extend-ignore", "E402", cells)


@nox.session(python=BUILD_PYTHON, default=False)
def preview(session: nox.Session) -> None:
    """Live rebuild while editing (cached execution, oldest and newest interpreter: for writing,
    never for checking). `nox -s preview -- --all-interpreters` runs scenarios on every one."""
    _install(session)
    session.run("python", "scripts/preview.py", *session.posargs)


@nox.session(python=BUILD_PYTHON, default=False)
def verify(session: nox.Session) -> None:
    """Re-check every claim of the book without Sphinx: `nox -s verify -- --python PATH ...`."""
    _preflight(session, "verify")
    session.run("python", "scripts/verify_claims.py", *session.posargs)


@nox.session(python=BUILD_PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmark the build and the lab into build/bench.json: `nox -s bench -- [--runs N] [--quick]`."""
    _install(session)
    session.run("python", "scripts/bench.py", *session.posargs)


@nox.session(python=False, default=False)
def pythons(session: nox.Session) -> None:
    """Install Debian's CPython 3.14 and 3.15 where the book finds them (needs root, debootstrap
    and patchelf; about 3 minutes the first time, seconds after): `nox -s pythons -- [--check]`."""
    session.run(sys.executable, "scripts/install_pythons.py", *session.posargs, external=True)


@nox.session(python=BUILD_PYTHON, default=False)
def upstream(session: nox.Session) -> None:
    """Build the book, write build/upstream/*.rst and *.md, and check the .rst as CPython's docs would.

    ``nox -s upstream -- --cpython PATH`` also writes, for the CPython checkout at PATH, one patch
    per proposal, all.patch and cover.txt into build/upstream/patches/, each checked with
    ``git apply --check``, sphinx-lint and the 80-column limit; ``--cpython-docs`` then builds the
    checkout's docs with its own Doc/Makefile, before and after all.patch, in a temporary copy."""
    _install(session)
    session.run("python", "scripts/build_book.py")
    session.run("python", "scripts/check_upstream.py", "build/upstream", *session.posargs)


# -- The hosted site: the browser check ------------------------------------------------------------

@nox.session(python=BUILD_PYTHON, default=False)
def browser(session: nox.Session) -> None:
    """Build the site, check its internal links, then read it in headless Chromium (screenshots in
    build/screenshots). `nox -s browser -- --no-build` reuses build/html. Needs Debian's chromium
    and chromium-driver; see scripts/browser_check.py for the options."""
    _install(session)
    session.install("-r", "requirements-browser.txt")
    session.run("python", "scripts/browser_check.py", *session.posargs)
