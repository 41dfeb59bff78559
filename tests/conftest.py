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
    """The mutation score of tests/test_mutations.py, per tool, when it ran."""
    import mutants
    import trust

    if not trust.MUTATIONS:
        return
    terminalreporter.section("mutation score")
    for tool, name, outcome, detail in trust.MUTATIONS:
        terminalreporter.write_line("%-10s %-16s %s: %s" % (tool, outcome, name, detail))
    for tool, runs, seconds in trust.MUTATION_RUNS:
        terminalreporter.write_line("%s: %d run(s), %.0f s" % (tool, runs, seconds))
    for tool in dict.fromkeys(t for t, _, _, _ in trust.MUTATIONS):
        mine = [(n, o) for t, n, o, _ in trust.MUTATIONS if t == tool]
        breaking = [o for n, o in mine if n in mutants.BREAKING]
        equivalent = [o for n, o in mine if n in mutants.EQUIVALENT]
        terminalreporter.write_line(
            "mutation score, %s: %d/%d breaking mutants caught by name (%d crashed, %d survived); "
            "%d false alarm(s) among %d equivalent mutants"
            % (tool, breaking.count(mutants.CAUGHT), len(breaking), breaking.count(mutants.CRASHED),
               breaking.count(mutants.SURVIVED), equivalent.count(mutants.FALSE_ALARM), len(equivalent)))
