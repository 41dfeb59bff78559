import os
import sys

import pytest

from pycache_lab import LabError, Sandbox, ScenarioTimeout
from pycache_lab.sandbox import SYSTEM_PATH, can_isolate

HOSTILE = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONPYCACHEPREFIX": "/tmp/pycache-book-hostile-prefix",
    "PYTHONOPTIMIZE": "2",
    "SOURCE_DATE_EPOCH": "0",
    "PYTHONSAFEPATH": "1",
    "PYTHONPATH": "/nonexistent",
    "PYTHONWARNINGS": "error",
}


def test_the_callers_environment_and_directory_change_nothing(monkeypatch, tmp_path, python3s):
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    for py in python3s:
        with Sandbox() as box:
            box.write("mod.py", "X = 1\n")
            seen = box.run(py, ["-c", "import mod, os, sys; print(sorted(os.environ)); print(os.getcwd() == "
                                      "os.path.realpath(os.environ['HOME'] + '/../work'))"])
        assert seen.returncode == 0, seen.stderr
        assert seen.pycs_written == [py.cached_path("mod.py")], py.label
        names, same_dir = seen.stdout.splitlines()
        assert names == str(sorted(["HOME", "LANG", "PATH", "TMPDIR"])), py.label
        assert same_dir == "True"
    assert not os.path.exists(HOSTILE["PYTHONPYCACHEPREFIX"])


def test_the_environment_holds_only_what_the_scenario_sets(newest):
    with Sandbox() as box:
        env = box.environment(newest, {"PYTHONDONTWRITEBYTECODE": "1", "HOME": None})
    assert env["PATH"].endswith(SYSTEM_PATH) and "HOME" not in env
    assert set(env) == {"PATH", "LANG", "TMPDIR", "PYTHONDONTWRITEBYTECODE"}


def test_python_2_is_observed_too(interpreters):
    py2 = [py for py in interpreters if not py.at_least(3)]
    if not py2:
        pytest.skip("no Python 2 interpreter here")
    with Sandbox() as box:
        box.write("mod.py", "X = 1\n")
        seen = box.run(py2[0], ["-c", "import mod"], trace=True)
    assert seen.pycs_written == ["mod.pyc"] and seen.trace.writes == ["mod.pyc"]


def test_a_planted_pyc_is_read_and_the_trace_agrees(interpreters):
    for py in interpreters:
        with Sandbox() as box:
            box.write("mod.py", "print('source ran')\n")
            planted = box.plant_pyc(py, "mod.py", "PLANTED")
            seen = box.run(py, ["-c", "import mod"], trace=True)
        assert planted == py.cached_path("mod.py")
        assert seen.printed("PLANTED"), py.label
        assert seen.trace.reads == [planted], py.label
        assert seen.written == [], py.label


def test_audit_hooks_see_the_pyc_opened_and_renamed_into_place(python3s):
    audited = [py for py in python3s if py.at_least(3, 8)]
    if not audited:
        pytest.skip("no interpreter with audit hooks")
    py = audited[-1]
    with Sandbox() as box:
        box.write("mod.py", "X = 1\n")
        first = box.run(py, ["-c", "import mod"], audit=True)
        second = box.run(py, ["-c", "import mod"], audit=True)
    target = py.cached_path("mod.py")
    assert [t for _, t in first.audit.renamed] == [target]
    assert target in second.audit.opened_pycs()


def test_the_sandbox_is_removed_even_when_the_scenario_fails(newest):
    with pytest.raises(RuntimeError):
        with Sandbox() as box:
            root = box.root
            box.write("locked/mod.py", "X = 1\n")
            os.chmod(box.path("locked"), 0o500)
            raise RuntimeError("scenario failed")
    assert not root.exists()


def test_a_hanging_scenario_is_killed_with_a_clear_message(newest):
    with Sandbox() as box:
        with pytest.raises(ScenarioTimeout) as caught:
            box.run(newest, ["-c", "import time; time.sleep(60)"], timeout=1)
    assert "killed after 1 s" in str(caught.value) and "time.sleep(60)" in str(caught.value)


@pytest.mark.skipif(not can_isolate(), reason="needs root and mount namespaces")
def test_the_installation_is_read_only_for_scenarios(newest):
    with Sandbox() as box:
        seen = box.run(newest, ["-c", "import sys\ntry:\n open(sys.prefix + '/lab-probe', 'w')\n"
                                      "except OSError as e:\n print(e.errno)"])
    assert seen.stdout.strip() == "30"  # EROFS
    assert seen.installation_protected
    assert not os.path.exists(os.path.join(os.path.dirname(os.path.dirname(newest.path)), "lab-probe"))


def test_an_unprivileged_run_is_not_root_and_uses_the_same_interpreter(interpreters):
    for py in (interpreters[0], interpreters[-1]):
        with Sandbox(unprivileged=True) as box:
            box.write("mod.py", "X = 1\n")
            seen = box.run(py, ["-c", "import os, sys, mod; print(os.geteuid()); print(sys.version.split()[0])"])
            assert seen.returncode == 0, seen.stderr
            uid, version = seen.stdout.split()
            assert uid != "0" and version == py.version
            assert seen.pycs_written == [py.cached_path("mod.py")]


def test_an_unprivileged_user_cannot_write_a_root_owned_directory(newest):
    if os.geteuid() != 0:
        pytest.skip("the caller is not root: there is no other user to compare with")
    with Sandbox(unprivileged=True) as box:
        box.write("mod.py", "X = 1\n")
        os.chown(box.path(), 0, 0)
        os.chmod(box.path(), 0o755)
        as_nobody = box.run(newest, ["-c", "import mod"])
    with Sandbox() as box:
        box.write("mod.py", "X = 1\n")
        os.chmod(box.path(), 0o555)
        as_root = box.run(newest, ["-c", "import mod"])
    assert as_nobody.returncode == 0 and as_nobody.written == []
    assert as_root.pycs_written == [newest.cached_path("mod.py")]


def test_paths_printed_by_the_interpreter_become_relative(newest):
    with Sandbox() as box:
        assert box.relative(str(box.path("a/b.py"))) == "a/b.py"
        assert box.relative("/elsewhere/b.py") is None
        assert box.relative("b.py") == "b.py"


def test_a_sandbox_can_start_as_a_copy_of_an_example_folder():
    with Sandbox(example="scripts-and-imports") as box:
        assert box.files() == ["app.py", "mod.py"]


def test_audit_runs_write_nothing_into_the_lab_itself(python3s):
    """The audit sitecustomize is imported from a copy in the sandbox, so its pyc lands there."""
    from pycache_lab.interpreters import HELPERS
    audited = [py for py in python3s if py.at_least(3, 8)]
    if not audited:
        pytest.skip("no interpreter with audit hooks")
    before = sorted(p.name for p in (HELPERS / "audit").iterdir())
    with Sandbox() as box:
        box.write("mod.py", "X = 1\n")
        seen = box.run(audited[-1], ["-c", "import mod"], audit=True)
        assert seen.audit is not None and seen.audit.renamed
        assert list((box.lab / "audit" / "__pycache__").iterdir())
    assert sorted(p.name for p in (HELPERS / "audit").iterdir()) == before
