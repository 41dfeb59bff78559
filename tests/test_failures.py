"""Clean failure: a hanging scenario is killed with a clear message, an interrupted run leaves no
temporary directory and no process behind, a broken interpreter is reported by name."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest

import trust
from pycache_lab import reaper, sandbox
from pycache_lab.sandbox import Interrupted, Sandbox

FRONT = "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"


def hanging_page(marker: str, timeout: int) -> str:
    return FRONT + "# Hang\n\n```{code-cell} python3\n" + textwrap.dedent("""\
        from pycache_lab import Sandbox
        from pycache_lab.book import Book
        book = Book("hang")

        def hang(py):
            with Sandbox() as box:
                return box.run(py, ["-c", "import time; time.sleep(900)  # %s"], timeout=%d).returncode

        book.claim("hanging-scenario", "A scenario that never ends.", observe=hang, expect=0)
        ```
        """) % (marker, timeout)


@pytest.fixture
def spot():
    directory = Path(tempfile.mkdtemp(prefix="pycache-trust-", dir="/tmp"))
    os.chmod(directory, 0o755)
    for sub in ("home", "tmp", "docs"):
        (directory / sub).mkdir()
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def book_with(spot: Path, text: str) -> Path:
    (spot / "docs" / "index.md").write_text("# Test book\n\n```{toctree}\nhang\n```\n")
    (spot / "docs" / "hang.md").write_text(text)
    return spot / "docs"


def verify_args(spot, newest):
    return [sys.executable, str(trust.VERIFY), "--docs", str(spot / "docs"), "--python", newest.path]


def build_args(spot):
    return [sys.executable, str(trust.BUILD), "--source", str(spot / "docs"), "--build", str(spot / "build"),
            "--conf", str(trust.ROOT), "--jobs", "1"]


def env_for(spot, newest):
    return trust.caller_env(spot / "home", spot / "tmp", PYCACHE_BOOK_PYTHONS=newest.path)


# -- a hanging scenario ---------------------------------------------------------------------------
def test_a_hanging_scenario_fails_the_self_check_naming_the_timeout(spot, newest):
    marker = "hang-" + uuid.uuid4().hex
    book_with(spot, hanging_page(marker, 2))
    done = trust.run(verify_args(spot, newest), env_for(spot, newest), spot, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "ScenarioTimeout: scenario killed after 2 s" in done.stderr and marker in done.stderr
    assert trust.listing(spot / "tmp") == [] and trust.processes_with(marker) == []


def test_a_hanging_scenario_fails_the_build_naming_the_timeout(spot, newest):
    pytest.importorskip("myst_nb", reason="the build needs the docs requirements (run it through nox)")
    marker = "hang-" + uuid.uuid4().hex
    book_with(spot, hanging_page(marker, 2))
    done = trust.run(build_args(spot), env_for(spot, newest), spot, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "scenario killed after 2 s" in output and "ScenarioTimeout" in output
    assert trust.listing(spot / "tmp") == [] and trust.processes_with(marker) == []


# -- an interrupted run ---------------------------------------------------------------------------
def interrupt_while_a_scenario_runs(command, spot, newest, marker):
    """Start, wait until the hanging scenario runs, send SIGINT; return (status, stderr, seconds)."""
    process = subprocess.Popen(command, env=env_for(spot, newest), cwd=str(spot), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not trust.processes_with(marker):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the scenario never started"
            time.sleep(0.2)
        assert [p for p in os.listdir(spot / "tmp")], "no private temporary directory while running"
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        return process.returncode, out + err, time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_an_interrupted_self_check_leaves_nothing_behind(spot, newest):
    marker = "hang-" + uuid.uuid4().hex
    book_with(spot, hanging_page(marker, 600))
    status, output, seconds = interrupt_while_a_scenario_runs(verify_args(spot, newest), spot, newest, marker)
    assert status == 130, output
    assert "interrupted" in output and "Traceback" not in output
    assert seconds < 30, "it waited for the scenario instead of killing it"
    assert trust.processes_with(marker) == [], "a scenario survived the interruption"
    assert trust.listing(spot / "tmp") == [], "temporary files survived the interruption"


def test_an_interrupted_build_leaves_nothing_behind(spot, newest):
    pytest.importorskip("myst_nb", reason="the build needs the docs requirements (run it through nox)")
    marker = "hang-" + uuid.uuid4().hex
    book_with(spot, hanging_page(marker, 600))
    status, output, seconds = interrupt_while_a_scenario_runs(build_args(spot), spot, newest, marker)
    assert status == 130, output
    assert "build interrupted" in output
    assert seconds < 30
    time.sleep(0.5)
    assert trust.processes_with(marker) == [], "a scenario survived the interruption"
    assert trust.processes_with(str(spot / "docs")) == [], "Sphinx or a kernel survived the interruption"
    assert trust.listing(spot / "tmp") == [], "temporary files survived the interruption"


# -- broken interpreters, at the level of the self-check and the build ----------------------------
BROKEN = {
    "crashes": ("echo 'Segmentation fault' >&2; kill -SEGV $$", "exited with status -11"),
    "is not Python": ("echo hello", "did not describe itself"),
    "is not CPython": ("echo '{\"implementation\": \"pypy\"}'", "is pypy, not CPython"),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_interpreter_is_named_by_the_self_check(kind, spot, newest):
    body, reason = BROKEN[kind]
    fake = spot / "python3"
    fake.write_text("#!/bin/sh\n%s\n" % body)
    fake.chmod(0o755)
    done = trust.run([sys.executable, str(trust.VERIFY), "--python", newest.path, "--python", str(fake),
                      "--page", "scripts-and-imports"], env_for(spot, newest), spot)
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(fake) in done.stderr and reason in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_a_broken_interpreter_is_named_by_the_build(spot, newest):
    pytest.importorskip("myst_nb", reason="the build needs the docs requirements (run it through nox)")
    fake = spot / "python3"
    fake.write_text("#!/bin/sh\necho hello\n")
    fake.chmod(0o755)
    book_with(spot, hanging_page("never-runs", 1))
    env = dict(env_for(spot, newest), PYCACHE_BOOK_PYTHONS=os.pathsep.join([newest.path, str(fake)]))
    done = trust.run(build_args(spot), env, spot, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "%s: did not describe itself" % fake in output


# -- the lab's additions ----------------------------------------------------------------------------
def test_reap_kills_what_runs_inside_a_directory_and_nothing_else(tmp_path):
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    for d in (inside / "box" / "tmp", outside):
        d.mkdir(parents=True)
    sleepers = [subprocess.Popen(["sleep", "60"], env={"TMPDIR": str(d), "PATH": "/usr/bin:/bin"})
                for d in (inside / "box" / "tmp", outside)]
    try:
        assert reaper.processes_in(inside) == [sleepers[0].pid]
        assert reaper.reap(inside) == [sleepers[0].pid]
        assert sleepers[0].wait(timeout=10) == -signal.SIGKILL
        assert sleepers[1].poll() is None
    finally:
        for s in sleepers:
            s.kill()
            s.wait()


def test_a_private_tmpdir_is_removed_with_its_processes_even_unwritable_dirs(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with reaper.private_tmpdir() as private:
        (private / "locked" / "inner").mkdir(parents=True)
        (private / "locked").chmod(0o000)
        sleeper = subprocess.Popen(["sleep", "60"], env={"TMPDIR": str(private / "x"), "PATH": "/usr/bin:/bin"})
    assert sleeper.wait(timeout=10) == -signal.SIGKILL
    assert not private.exists()


def test_after_stop_no_scenario_starts(newest):
    try:
        sandbox.stop()
        with Sandbox() as box:
            with pytest.raises(Interrupted) as caught:
                box.run(newest, ["-c", "pass"])
        assert "interrupted" in str(caught.value)
    finally:
        sandbox._STOPPING.clear()


def test_sphinx_crash_logs_are_kept_in_the_build_directory(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_book_under_test", str(trust.BUILD))
    build_book = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_book)
    private, build = tmp_path / "private", tmp_path / "build"
    private.mkdir()
    (private / "sphinx-err-abc.log").write_text("traceback")
    build_book.keep_crash_logs(private, build)
    assert (build / "sphinx-err-abc.log").read_text() == "traceback" and not list(private.iterdir())
