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
