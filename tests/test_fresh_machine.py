"""A fresh machine and an ordinary user: the preflight, "not observed", the second user, clean-up.

The README's two commands must work on a Debian with nothing but what the README names, as root
or as an ordinary user; where something is missing the build says so at once, by name.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pycache_lab import claims, coverage, preflight, userns
from pycache_lab.book import Book, Shown
from pycache_lab.interpreters import Interpreter

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


def fake(version: str) -> Interpreter:
    info = tuple(int(x) for x in version.split("."))
    return Interpreter(path="/x/python" + version, version=version, version_info=info,
                       implementation="cpython", cache_tag="cpython-%d%d" % info[:2], magic="0", key=version)


# -- the preflight -----------------------------------------------------------------------------

def test_the_preflight_names_a_missing_strace_with_its_package_before_anything_runs(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "dot").symlink_to(shutil.which("dot") or "/bin/true")  # only strace is missing
    env = dict(os.environ, PATH=str(bare), PYCACHE_BOOK_PYTHONS=sys.executable)
    done = subprocess.run([sys.executable, str(SCRIPTS / "preflight.py"), "--for", "docs"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) < 25, "not one screen:\n" + done.stderr
    assert any(line.startswith("MISSING") and "strace" in line and "apt-get install strace" in line
               for line in lines), done.stderr
    assert "Traceback" not in done.stderr
    assert any(sys.executable in line for line in lines), "the interpreters found are listed"


def test_the_preflight_passes_and_lists_the_versions_it_lacks_when_all_is_here():
    status, text = preflight.report("verify", dict(os.environ, PYCACHE_BOOK_PYTHONS=sys.executable))
    missing = [line for line in text.splitlines() if line.startswith("MISSING")]
    if shutil.which("strace") and not missing:
        assert status == 0 and text.endswith("ok: everything required is here.")
    assert "versions of the book with no interpreter here: 2.7" in text


def test_a_named_interpreter_that_does_not_exist_is_a_required_finding():
    status, text = preflight.report("verify", dict(os.environ, PYCACHE_BOOK_PYTHONS="/nonexistent/python"))
    assert status == 1 and "/nonexistent/python: no such file" in text


# -- coverage and the "not observed" verdict ---------------------------------------------------

def test_require_all_follows_ci_unless_told_otherwise():
    assert coverage.require_all({"CI": "true"})
    assert coverage.require_all({"PYCACHE_BOOK_REQUIRE_ALL": "1"})
    assert not coverage.require_all({"CI": "true", "PYCACHE_BOOK_REQUIRE_ALL": "0"})
    assert not coverage.require_all({})


def test_the_coverage_sentence_names_what_the_build_did_not_have():
    text = coverage.sentence(["3.11.2", "3.11.7", "3.13.0"])
    assert "covers CPython 3.11, 3.13 (3 interpreters)" in text
    assert "Not observed in this build: 2.7, 3.6," in text and "3.12" in text and "3.15" in text


def test_a_scenario_that_cannot_be_observed_gives_the_verdict_not_observed_with_its_reason():
    def observe(py):
        if py.version == "3.12.1":
            raise coverage.NotObservable("no second user here")
        return 1
    check = claims.check(claims.Claim("x-y", "A sentence.", observe, 1), [fake("3.11.2"), fake("3.12.1")])
    assert [r.verdict for r in check.results] == ["holds", "not observed"]
    assert check.holds and not check.observed_everywhere
    assert check.record()["observed"]["3.12.1"] == "no second user here"
    assert "not observed in this build: no second user here" in Shown(check).text


def test_runs_of_a_scenario_keep_an_unobservable_result_for_the_claims_that_read_it(monkeypatch):
    from pycache_lab import book as book_module
    monkeypatch.setattr(book_module, "_discovery", type("D", (), {"interpreters": [fake("3.11.2")]})())
    monkeypatch.delenv(coverage.REQUIRE_ALL_VAR, raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PYCACHE_BOOK_LEDGER_DIR", raising=False)
    page = Book("some-page")

    def scenario(py):
        raise coverage.NotObservable("needs a second user")
    runs = page.each(scenario)
    shown = page.claim("p-q", "A sentence.", observe=lambda py: runs[py.key]["swap"], expect=True)
    assert shown.check.results[0].verdict == "not observed"
    monkeypatch.setenv(coverage.REQUIRE_ALL_VAR, "1")
    with pytest.raises(claims.ClaimNotObserved, match="needs a second user"):
        page.claim("p-r", "Another.", observe=lambda py: runs[py.key]["swap"], expect=True)


def test_the_build_summary_lists_claims_not_observed_and_claims_that_apply_nowhere(tmp_path):
    data = {"interpreters": [{"version": "3.11.2"}],
            "claims": [{"id": "a", "page": "p", "results": {"3.11.2": "not observed"},
                        "observed": {"3.11.2": "no user namespace"}},
                       {"id": "b", "page": "history", "results": {"3.11.2": "n/a"}, "observed": {"3.11.2": None}},
                       {"id": "c", "page": "p", "results": {"3.11.2": "holds"}, "observed": {"3.11.2": 1}}]}
    (tmp_path / "claims.json").write_text(json.dumps(data))
    lines = coverage.build_summary(tmp_path / "claims.json")
    assert lines[0].startswith("The evidence of this build covers CPython 3.11 (1 interpreter).")
    assert "2 of 3 claims were not observed in this build:" in lines
    assert "  a (p): no user namespace" in lines
    assert "  b (history): it applies to none of this build's interpreters" in lines


def test_a_page_about_a_version_the_build_lacks_says_so(monkeypatch):
    from pycache_lab import book as book_module
    monkeypatch.setattr(book_module, "_discovery", type("D", (), {"interpreters": [fake("3.11.2")]})())
    monkeypatch.delenv("PYCACHE_BOOK_LEDGER_DIR", raising=False)
    text = Book("history").evidence_from(about="2.7").text
    assert "Not observed in this build: it had no CPython 2.7" in text


# -- the second user of an ordinary caller ----------------------------------------------------

def readable_lab(spot: Path) -> str:
    """A copy of the lab another user can import (the checkout may lie under /root, mode 0700)."""
    shutil.copytree(SCRIPTS / "pycache_lab", spot / "lab" / "pycache_lab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for directory, _, files in os.walk(spot / "lab"):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)
    return str(spot / "lab")


def ordinary_user_with_subordinate_ids():
    """An existing ordinary user with at least 65536 subordinate uids and gids, or None."""
    for table in ("/etc/subuid",):
        try:
            names = [line.split(":")[0] for line in open(table, encoding="utf-8") if line.count(":") == 2]
        except OSError:
            return None
        for name in names:
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            if entry.pw_uid and all((userns.subordinate_range(name, t) or (0, 0))[1] > userns.INNER_OTHER_UID
                                    for t in ("/etc/subuid", "/etc/subgid")):
                return entry
    return None


SECOND_USER = r'''
import json, os, sys
sys.path.insert(0, sys.argv[1])
from pycache_lab import Sandbox
from pycache_lab.interpreters import probe
py = probe(sys.argv[2])
with Sandbox() as box:
    box.write("shared/victim.txt", "mine\n", mode=0o644)
    os.chmod(box.path("shared"), 0o1777)
    report = ("import os, sys\ntry:\n open('shared/victim.txt', 'a')\nexcept OSError as e:\n print('append', e.errno)\n"
              "open('shared/mine.txt', 'w').close()\nprint(os.getuid(), sys.prefix)")
    other = box.run(py, ["-c", report], as_user="other")
    print(json.dumps({"status": other.returncode, "said": other.stdout.split(), "user": other.user,
                      "stderr": other.stderr, "created": sorted(other.tree.created)}))
'''


def test_an_ordinary_caller_gets_a_second_user_from_its_subordinate_ids(tmp_path):
    """Run as an ordinary user with subordinate ids: 'other' is a distinct uid outside, and
    permissions apply to it. Skipped, saying why, where user namespaces or such a user are absent."""
    python = "/usr/bin/python3"
    if not os.access(python, os.X_OK):
        pytest.skip("no %s readable by every user" % python)
    if os.geteuid() == 0:
        user = ordinary_user_with_subordinate_ids()
        if user is None:
            pytest.skip("no ordinary user with subordinate ids in /etc/subuid to run as (useradd gives one)")
        prefix = ["setpriv", "--reuid=%d" % user.pw_uid, "--regid=%d" % user.pw_gid, "--init-groups", "--"]
        uid = user.pw_uid
    else:
        prefix, uid = [], os.getuid()
    spot = Path(tempfile.mkdtemp(prefix="pycache-fresh-", dir="/tmp"))
    try:
        os.chmod(spot, 0o777)
        probe = subprocess.run(prefix + [shutil.which("unshare") or "unshare", "--map-auto", "--map-root-user",
                                         "--mount", "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            pytest.skip("user namespaces are not available here: " + probe.stderr.strip())
        script = spot / "second_user.py"
        script.write_text(SECOND_USER)
        done = subprocess.run(prefix + [python, "-B", str(script), readable_lab(spot), python], capture_output=True,
                              text=True, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(spot),
                                              "TMPDIR": str(spot)}, timeout=120)
    finally:
        shutil.rmtree(spot, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["status"] == 0, seen["stderr"]
    assert seen["said"][:2] == ["append", "13"]  # EACCES: the caller's file is not the second user's
    assert seen["said"][2] == str(userns.INNER_OTHER_UID)  # nobody, as it sees itself
    assert seen["said"][3] == "/usr", "the interpreter that ran is not /usr/bin/python3"
    assert seen["created"] == ["shared/mine.txt"]  # the sticky directory let it create its own file
    assert seen["user"].startswith("nobody of a user namespace") and "(uid %d outside)" % uid not in seen["user"]


# -- clean-up -----------------------------------------------------------------------------------

def test_a_tree_with_locked_directories_is_removed_by_an_ordinary_caller():
    """reaper.remove as a caller to whom permissions apply (uid 65534 when run as root)."""
    code = ("import os, sys, tempfile\nsys.path.insert(0, sys.argv[1])\nfrom pycache_lab import reaper\n"
            "d = tempfile.mkdtemp(dir=sys.argv[2])\nos.makedirs(d + '/a/b/c')\nopen(d + '/a/b/c/f', 'w').close()\n"
            "os.chmod(d + '/a/b/c', 0)\nos.chmod(d + '/a/b', 0o500)\nos.chmod(d + '/a', 0)\n"
            "reaper.remove(d)\nprint(os.path.exists(d))\n")
    spot = Path(tempfile.mkdtemp(prefix="pycache-fresh-", dir="/tmp"))
    os.chmod(spot, 0o777)
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] if os.geteuid() == 0 else []
    try:
        done = subprocess.run(prefix + [sys.executable if not prefix else "/usr/bin/python3", "-B", "-c", code,
                                        readable_lab(spot), str(spot)], capture_output=True, text=True, timeout=60)
    finally:
        shutil.rmtree(spot, ignore_errors=True)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


# -- the README's install steps ----------------------------------------------------------------

def test_the_readme_install_steps_name_every_package_and_end_with_the_two_commands():
    sys.path.insert(0, str(SCRIPTS))
    import fresh_machine
    steps = fresh_machine.readme_steps()
    apt = next(s for s in steps if s.startswith("sudo apt-get install"))
    for package in ("python3-venv", "python3-doc", "graphviz", "strace", "util-linux", "mount", "uidmap", "make"):
        assert package in apt.split(), package
    assert steps[-2:] == ["~/.venvs/nox/bin/nox -s docs", "~/.venvs/nox/bin/nox -s tests"]
    clone = next(s for s in steps if s.startswith("git clone "))
    assert fresh_machine.as_run(clone, "/srv/x.git") == "git clone /srv/x.git"
    assert fresh_machine.as_run(apt, "-").startswith("apt-get install -y ")


def test_debian_suites_keep_debootstraps_defaults(tmp_path):
    sys.path.insert(0, str(SCRIPTS))
    import fresh_machine
    assert fresh_machine.debootstrap_command("trixie", tmp_path / "r") == [
        "debootstrap", "--variant=minbase", "trixie", str(tmp_path / "r"), "http://deb.debian.org/debian"]


def test_an_ubuntu_root_has_its_archive_four_components_keyring_and_gutsys_script(tmp_path):
    sys.path.insert(0, str(SCRIPTS))
    import fresh_machine
    (tmp_path / "gutsy").write_text("")
    command = fresh_machine.debootstrap_command("noble", tmp_path / "r", keyring="/k.gpg", scripts=tmp_path)
    assert "--components=main,restricted,universe,multiverse" in command
    assert "--keyring=/k.gpg" in command and "--no-check-gpg" not in command
    assert command[-3:] == [str(tmp_path / "r"), "http://archive.ubuntu.com/ubuntu", str(tmp_path / "gutsy")]
    (tmp_path / "noble").write_text("")  # a debootstrap that knows noble needs no script named
    assert fresh_machine.debootstrap_command("noble", tmp_path / "r", scripts=tmp_path)[-1] == (
        "http://archive.ubuntu.com/ubuntu")


def test_the_preflight_of_the_tests_names_a_missing_make(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    findings = preflight.tools("tests", dict(os.environ, PATH=str(bare)))
    assert any(f.required and "apt-get install make" in f.text for f in findings)
    assert not any("make" in f.text.split(":")[0] for f in preflight.tools("docs", dict(os.environ, PATH=str(bare))))
