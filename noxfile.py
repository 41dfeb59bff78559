"""Sessions of pycache-book. `nox -s docs` builds the book; `nox -s tests` runs every check."""
from __future__ import annotations

import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

BUILD_PYTHON = "3.11"
REQUIREMENTS = "requirements-docs.txt"


def _install(session: nox.Session) -> None:
    session.install("-r", REQUIREMENTS)


@nox.session(python=BUILD_PYTHON)
def docs(session: nox.Session) -> None:
    """Strict build into build/html: every cell runs, any error or warning fails."""
    _install(session)
    session.run("python", "scripts/build_book.py", *session.posargs)


@nox.session(python=BUILD_PYTHON)
def tests(session: nox.Session) -> None:
    """The lab's unit tests and the trust suites (reduced scale), the pages' >>> examples, then the
    strict build (the drift check)."""
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
def preview(session: nox.Session) -> None:
    """Live rebuild while editing (cached execution: for writing, never for checking)."""
    _install(session)
    session.run("sphinx-autobuild", "docs", "build/preview", "-c", ".", "--watch", "scripts",
                env={"PYCACHE_BOOK_PREVIEW": "1"})


@nox.session(python=BUILD_PYTHON, default=False)
def verify(session: nox.Session) -> None:
    """Re-check every claim of the book without Sphinx: `nox -s verify -- --python PATH ...`."""
    session.run("python", "scripts/verify_claims.py", *session.posargs)


@nox.session(python=BUILD_PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmark the build and the lab into build/bench.json: `nox -s bench -- [--runs N] [--quick]`."""
    _install(session)
    session.run("python", "scripts/bench.py", *session.posargs)


@nox.session(python=BUILD_PYTHON, default=False)
def upstream(session: nox.Session) -> None:
    """Build the book, write build/upstream/*.rst and *.md, and check the .rst as CPython's docs would.

    ``nox -s upstream -- --cpython PATH`` also writes, for the CPython checkout at PATH, one patch
    per proposal, all.patch and cover.txt into build/upstream/patches/, each checked with
    ``git apply --check``, sphinx-lint and the 80-column limit."""
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
