import os

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


@pytest.fixture
def audited(python3s):
    """The newest interpreter with audit hooks (3.8+)."""
    with_hooks = [py for py in python3s if py.at_least(3, 8)]
    if not with_hooks:
        pytest.skip("no interpreter with audit hooks")
    return with_hooks[-1]


def test_audit_hooks_see_the_pyc_opened_and_renamed_into_place(audited):
    py = audited
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


def test_a_run_can_choose_its_umask(newest):
    with Sandbox() as box:
        box.write("mod.py", "X = 1\n", mode=0o644)
        strict = box.run(newest, ["-c", "import os, mod; print('%04o' % os.umask(0))"], umask=0o077)
        assert strict.stdout.strip() == "0077"
        assert strict.tree.created["__pycache__"].mode == 0o700
        assert strict.tree.created[newest.cached_path("mod.py")].mode == 0o600
        loose = box.run(newest, ["-c", "import os; print('%04o' % os.umask(0))"], umask=0o002)
        assert loose.stdout.strip() == "0002"


def test_an_unprivileged_run_gets_the_umask_too(newest):
    with Sandbox(unprivileged=True) as box:
        seen = box.run(newest, ["-c", "import os; print('%04o %d' % (os.umask(0), os.geteuid()))"], umask=0o027)
    umask, uid = seen.stdout.split()
    assert umask == "0027" and seen.returncode == 0


@pytest.mark.skipif(not can_isolate(), reason="needs root and mount namespaces")
def test_one_run_can_switch_to_another_user_in_a_sandbox_root_owns(newest):
    with Sandbox() as box:
        box.write("shared/victim.txt", "mine\n", mode=0o444)
        os.chmod(box.path("shared"), 0o777)
        report = ("import os\ntry:\n open('shared/victim.txt', 'a')\nexcept OSError as e:\n print(os.geteuid(), e.errno)\n"
                  "open('shared/new.txt', 'w').close(); os.rename('shared/new.txt', 'shared/victim.txt')")
        default = box.run(newest, ["-c", "import os; print(os.geteuid())"])
        unprivileged = box.run(newest, ["-c", report], as_user="unprivileged")
        other = box.run(newest, ["-c", "import os; print(os.geteuid())"], as_user="other")
        assert box.read("shared/victim.txt") == b""  # the directory, not the file's mode, decided
    assert default.stdout.split() == ["0"] and default.user.startswith("caller")
    assert unprivileged.stdout.split() == ["65534", "13"], unprivileged.stderr  # EACCES on the file itself
    assert other.stdout.split() == ["65534"] and other.user.startswith("nobody")


def test_a_caller_that_is_not_root_gets_a_second_user_from_a_user_namespace_or_a_reason(monkeypatch):
    from pycache_lab import coverage, sandbox
    with Sandbox() as box:
        monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
        assert box.user_switch("unprivileged") is False  # the caller is unprivileged already
        monkeypatch.setattr(sandbox.userns, "user_namespace_problem", lambda: None)
        assert box.user_switch("other") is True
        monkeypatch.setattr(sandbox.userns, "user_namespace_problem", lambda: "newuidmap not found (...)")
        with pytest.raises(LabError, match="needs a second user.*newuidmap not found") as caught:
            box.user_switch("other")
        assert isinstance(caught.value, coverage.NotObservable)  # its claims become "not observed"
        with pytest.raises(LabError, match="as_user must be one of"):
            box.user_switch("mallory")


def test_audit_records_files_opened_outside_the_sandbox(audited):
    py = audited
    with Sandbox() as box:
        obs = box.run(py, ["-c", "import json"], audit=True)
    outside = [path for path, _ in obs.audit.opened_outside]
    assert any(path.endswith("json/__init__.py") or "/json/__pycache__/" in path for path in outside)
    assert all(not path.startswith(str(box.work)) for path in outside)


def test_the_audit_witness_keeps_its_own_pyc_out_of_the_checkout_and_is_told_apart(newest):
    from pycache_lab.interpreters import HELPERS
    from pycache_lab.sandbox import is_witness_file
    with Sandbox() as box:
        box.write("mod.py", "X = 1\n")
        obs = box.run(newest, ["-c", "import mod"], audit=True, trace=True)
        hook_files = [str(p) for p in box.lab.rglob("*") if p.is_file()]
    assert not (HELPERS / "audit" / "__pycache__").exists()
    assert obs.written == [newest.cached_path("mod.py")]
    assert hook_files and all(is_witness_file(p) for p in hook_files)
    assert not is_witness_file("/usr/lib/python3/json/__pycache__/x.pyc")


def test_the_run_log_counts_every_command_the_lab_starts(newest, tmp_path, monkeypatch):
    from pycache_lab.sandbox import RUN_LOG_VAR
    log = tmp_path / "runs.log"
    monkeypatch.setenv(RUN_LOG_VAR, str(log))
    with Sandbox() as box:
        box.write("mod.py", "X = 1\n")
        box.plant_pyc(newest, "mod.py", "PLANTED")
        box.run(newest, ["-c", "import mod"])
    assert log.read_text().splitlines() == [newest.path, newest.path]


def test_the_callers_umask_does_not_reach_a_scenario(newest):
    previous = os.umask(0o077)
    try:
        with Sandbox(unprivileged=True) as box:
            box.write("mod.py", "X = 1\n")
            seen = box.run(newest, ["-c", "import mod"])
    finally:
        os.umask(previous)
    assert seen.returncode == 0, seen.stderr
    assert seen.tree.created[newest.cached_path("mod.py")].mode == 0o644


def test_strace_strings_are_unescaped():
    from pycache_lab.observation import strace_strings
    line = r'AT_FDCWD, "/tmp/t \303\244/x.pyc", O_RDONLY|O_CLOEXEC'
    assert strace_strings(line) == ["/tmp/t ä/x.pyc"]


def test_times_to_the_nanosecond_are_set_and_read_back():
    with Sandbox() as box:
        box.write("mod.py", "x = 1\n")
        last = 1_600_000_000 * 10**9 + 999_999_999  # no float holds it
        kept = box.set_mtime_ns("mod.py", last)
        assert kept == box.mtime_ns("mod.py") == os.lstat(str(box.path("mod.py"))).st_mtime_ns
        assert kept // 10**9 == 1_600_000_000  # a file system may keep less, never more
