"""Shared fixtures: the interpreters under test, discovered once per test session."""
from __future__ import annotations

import pytest

from pycache_lab import discover


@pytest.fixture(scope="session")
def discovery():
    return discover()


@pytest.fixture(scope="session")
def interpreters(discovery):
    assert discovery.interpreters, "no CPython interpreter found:\n" + discovery.describe()
    return discovery.interpreters


@pytest.fixture(scope="session")
def newest(interpreters):
    return interpreters[-1]


@pytest.fixture(scope="session")
def python3s(interpreters):
    return [py for py in interpreters if py.at_least(3)]


def pytest_terminal_summary(terminalreporter):
    """The mutation score of tests/test_mutations.py, when it ran."""
    import trust

    if not trust.MUTATIONS:
        return
    caught = sum(1 for _, ok, _ in trust.MUTATIONS if ok)
    tried = len(trust.MUTATIONS)
    terminalreporter.section("mutation score")
    for name, ok, detail in trust.MUTATIONS:
        terminalreporter.write_line("%-8s %s: %s" % ("caught" if ok else "MISSED", name, detail))
    terminalreporter.write_line("mutation score: %d/%d (%d%%)" % (caught, tried, round(100.0 * caught / tried)))
