"""The readers of what a run did in the interpreter's own installation, shown with <stdlib>."""
from __future__ import annotations

from pycache_lab import Installation, Observation
from pycache_lab.installation import module_of
from pycache_lab.observation import TreeDiff, parse_audit, parse_trace

STDLIB = "/opt/py/lib/python3.12"


def run_with(stderr: str, audit: str = "") -> Observation:
    inside = lambda p: p[len("/w/"):] if p.startswith("/w/") else None  # noqa: E731
    return Observation(["python3"], 0, "", stderr, TreeDiff(), trace=parse_trace(stderr, inside),
                       audit=parse_audit(audit, inside))


def test_a_cache_file_names_its_module_in_every_era():
    assert module_of(STDLIB + "/json/__pycache__/__init__.cpython-312.pyc") == "json"
    assert module_of(STDLIB + "/__pycache__/os.cpython-312.opt-1.pyc") == "os"
    assert module_of("/usr/lib/python2.7/os.pyc") == "os"
    assert module_of("/usr/lib/python2.7/json/__init__.pyo") == "json"


def test_the_cache_files_read_for_some_modules_only():
    run = run_with("# code object from '%s/__pycache__/site.cpython-312.pyc'\n"
                   "# code object from '%s/json/__pycache__/__init__.cpython-312.pyc'\n"
                   "# code object from '/w/__pycache__/mod.cpython-312.pyc'\n" % (STDLIB, STDLIB))
    assert Installation(STDLIB).cache_files_read(run, ["json", "os"]) == ["<stdlib>/json/__pycache__/__init__.cpython-312.pyc"]


def test_writes_tried_anywhere_but_not_the_labs_own():
    run = run_with("# could not create '%s/json/__pycache__/__init__.cpython-312.opt-1.pyc': "
                   "PermissionError(13, 'Permission denied')\n"
                   "# could not create '<sandbox>/lab/__pycache__/sitecustomize.cpython-312.pyc': x\n"
                   "# wrote '%s/__pycache__/os.cpython-312.pyc'\n" % (STDLIB, STDLIB))
    assert Installation(STDLIB).writes_tried(run) == ["<stdlib>/__pycache__/os.cpython-312.pyc",
                                                      "<stdlib>/json/__pycache__/__init__.cpython-312.opt-1.pyc"]
    assert Installation(STDLIB).writes_tried(run_with("")) == []


def test_files_opened_beyond_a_baseline_run():
    both = "open\t%s/linecache.py\tr\n" % STDLIB
    run = run_with("", both + "open\t%s/lib-dynload/math.so\trb\nopen\t/w/data.txt\tr\n" % STDLIB)
    baseline = run_with("", both)
    assert Installation(STDLIB).opened(run.audit, beyond=baseline.audit) == ["<stdlib>/lib-dynload/math.so", "data.txt"]
    assert Installation(STDLIB).opened(baseline.audit) == ["<stdlib>/linecache.py"]
