"""The version tabs of the book: one tab per minor version, one sync group across every page."""
from __future__ import annotations

import pytest

from pycache_lab.book import SYNC_GROUP, by_minor, tabs, version_tabs
from pycache_lab.claims import NA
from pycache_lab.interpreters import Interpreter


def fake(version: str) -> Interpreter:
    info = tuple(int(part) for part in version.split("."))
    tag = "cpython-%d%d" % info[:2] if info[0] == 3 else None
    return Interpreter(path="/x/python" + version, version=version, version_info=info, implementation="cpython",
                       cache_tag=tag, magic="00", install_dirs=(), base_prefix="/x", in_venv=False, key=version)


def test_tabs_are_one_synchronised_tab_set_with_the_last_selected():
    text = tabs({"2.7": "old", "3.13": "new"})._repr_markdown_()
    assert text.startswith("::::{tab-set}\n:sync-group: %s\n" % SYNC_GROUP)
    assert ":::{tab-item} 2.7\n:sync: 2.7\n\nold" in text
    assert ":::{tab-item} 3.13\n:sync: 3.13\n:selected:\n\nnew" in text
    assert text.count(":selected:") == 1
    assert text.rstrip().endswith("::::")


def test_tabs_refuse_a_body_that_would_close_the_fence_and_an_unknown_selection():
    with pytest.raises(ValueError):
        tabs({"a": ":::{note}\nx\n:::"})
    with pytest.raises(ValueError):
        tabs({"a": "x"}, selected="b")


def test_interpreters_group_by_minor_version_oldest_first():
    groups = by_minor([fake("3.11.7"), fake("2.7.18"), fake("3.11.2"), fake("3.10.13")])
    assert list(groups) == ["2.7", "3.10", "3.11"]
    assert [py.version for py in groups["3.11"]] == ["3.11.2", "3.11.7"]


def test_version_tabs_show_the_real_tag_and_split_a_minor_version_that_disagrees():
    pys = [fake("2.7.18"), fake("3.11.2"), fake("3.11.7")]
    text = version_tabs(pys, {
        "writes": {py.key: [py.cached_path("mod.py")] for py in pys},
        "odd": {"2.7.18": NA, "3.11.2": True, "3.11.7": False},
    })._repr_markdown_()
    assert "| | CPython 3.11.2, 3.11.7 |" in text
    assert "| writes | `__pycache__/mod.cpython-311.pyc` |" in text
    assert "| writes | `mod.pyc` |" in text
    assert "| odd | 3.11.2: yes; 3.11.7: no |" in text
    assert "| odd | n/a |" in text
