"""Which CPython inventory the build links against (pycache_lab.inventory), on fake folders."""
from __future__ import annotations

import pytest

from pycache_lab import debian, inventory


def fake_inventory(doc_dir, version):
    path = doc_dir / ("python" + version) / "html" / "objects.inv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"# Sphinx inventory version 2\n# Project: Python\n# Version: %s\n" % version.encode())
    return str(path)


def debian_root(cache, suite):
    root = debian.suite_root(cache, suite)
    (root / debian.HOST_BIN).mkdir(parents=True)
    return root / "usr" / "share" / "doc"


def test_the_newest_version_wins_wherever_it_is(tmp_path):
    system = tmp_path / "system"
    cache = tmp_path / "cache"
    fake_inventory(system, "3.11")
    newest = fake_inventory(debian_root(cache, "sid"), "3.15")
    fake_inventory(debian_root(cache, "forky"), "3.14")
    found = inventory.newest({debian.CACHE_VAR: str(cache)}, system_docs=system)
    assert found == inventory.Inventory("3.15", newest, "https://docs.python.org/3.15")


def test_the_system_docs_are_the_fallback(tmp_path):
    system = tmp_path / "system"
    fake_inventory(system, "3.9")
    only = fake_inventory(system, "3.11")
    found = inventory.newest({debian.CACHE_VAR: str(tmp_path / "none")}, system_docs=system)
    assert found.path == only and found.version == "3.11"
    assert inventory.intersphinx_target({debian.CACHE_VAR: str(tmp_path / "none")})[0].startswith("https://")


def test_among_equals_the_debian_root_comes_first(tmp_path):
    system = tmp_path / "system"
    cache = tmp_path / "cache"
    fake_inventory(system, "3.15")
    in_root = fake_inventory(debian_root(cache, "sid"), "3.15")
    assert inventory.newest({debian.CACHE_VAR: str(cache)}, system_docs=system).path == in_root


def test_a_named_inventory_is_the_only_one_and_must_exist(tmp_path):
    cache = tmp_path / "cache"
    fake_inventory(debian_root(cache, "sid"), "3.15")
    named = fake_inventory(tmp_path / "mine", "3.12")
    env = {debian.CACHE_VAR: str(cache), inventory.ENV_VAR: named}
    assert inventory.newest(env).version == "3.12"
    with pytest.raises(FileNotFoundError, match=inventory.ENV_VAR):
        inventory.newest({inventory.ENV_VAR: str(tmp_path / "missing.inv")})


def test_nothing_on_disk_means_the_online_inventory(tmp_path):
    env = {debian.CACHE_VAR: str(tmp_path / "none")}
    assert inventory.newest(env, system_docs=tmp_path / "empty") is None
