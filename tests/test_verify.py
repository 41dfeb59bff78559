"""The self-check: same claims as the book, readable drifts, honest exit status."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = "scripts-and-imports"


def verify(*args):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "verify_claims.py"), "--page", PAGE] + list(args),
                          capture_output=True, text=True, timeout=600)


def test_every_claim_holds_on_every_interpreter_here(interpreters, tmp_path):
    args = [a for py in interpreters for a in ("--python", py.path)]
    done = verify(*args, "--json", str(tmp_path / "claims.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 drifts" in done.stdout
    assert "script-by-path-writes-no-own-pyc" in done.stdout
    assert (tmp_path / "claims.json").exists()


def test_an_interpreter_that_always_adds_dash_b_drifts_by_name(newest, tmp_path):
    wrapper = tmp_path / "python-with-B"
    wrapper.write_text('#!/bin/sh\nexec %s -B "$@"\n' % newest.path)
    wrapper.chmod(0o755)
    done = verify("--python", str(wrapper))
    assert done.returncode == 1, done.stdout + done.stderr
    expected = newest.cached_path("mod.py")
    assert ("claim 'dash-c-import-writes-pyc' drifts on CPython %s (%s): expected [%r], observed []"
            % (newest.version, wrapper, expected)) in done.stdout


def test_a_missing_interpreter_is_an_error(tmp_path):
    done = verify("--python", str(tmp_path / "python-nowhere"))
    assert done.returncode == 2 and "python-nowhere" in done.stderr


def test_every_page_runs_on_the_oldest_interpreter_alone(interpreters):
    """A self-check on one old interpreter: pages must not assume another version or a newer one."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "verify_claims.py"),
                           "--python", interpreters[0].path], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
