"""Shared by the trust suites (hostile callers, mutations, flakiness, clean failure).

Scale: ``PYCACHE_BOOK_TRUST=full`` (set by ``nox -s hostile``) runs every page on a
representative set of interpreters (2.7, 3.6, 3.8, the oldest distribution's build such as Debian's
3.11, the newest) and the whole claim set on every interpreter for the flakiness check; without it (``nox -s tests``,
CI) the suites
run on the oldest and the newest interpreter only, and the hostile variants on two pages.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERIFY = ROOT / "scripts" / "verify_claims.py"
BUILD = ROOT / "scripts" / "build_book.py"
FULL = os.environ.get("PYCACHE_BOOK_TRUST") == "full"
QUICK_PAGES = ["scripts-and-imports", "switches", "stdlib"]
MUTATION_PAGES = QUICK_PAGES + ["freshness", "hash-based"]
"""The mutation suite's reduced scale: the quick pages miss two mutants, which these two small
chapters catch (an extra line on stdout, ``--check-hash-based-pycs always``)."""
SKIP_IN_SNAPSHOT = {".git", ".nox", "build", ".venv-nox"}

MUTATIONS: list[tuple[str, str, str, str]] = []
"""(tool, mutation, outcome, detail) recorded by test_mutations; conftest prints the score."""
MUTATION_RUNS: list[tuple[str, int, float]] = []
"""(tool, runs, seconds) of the mutation suite; conftest prints them with the score."""


def representative(interpreters: list) -> list:
    """The interpreters a hostile variant runs on (see the module's docstring)."""
    if not FULL:
        return _unique([interpreters[0], interpreters[-1]])
    chosen = [interpreters[0], interpreters[-1]]
    for short in ("3.6", "3.8"):
        chosen += [py for py in interpreters if py.short == short][:1]
    chosen += [py for py in interpreters if py.build and py not in chosen][:1]  # a distribution's build
    return sorted(_unique(chosen), key=lambda py: py.version_info)


def _unique(pys):
    seen, result = set(), []
    for py in pys:
        if py.path not in seen:
            seen.add(py.path)
            result.append(py)
    return result


def pages(quick: list[str] = QUICK_PAGES) -> list[str]:
    return [] if FULL else quick


def caller_env(home: Path, tmpdir: Path, **extra: str) -> dict:
    """The test runner's environment without anything that would change Python, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTHON") and not k.startswith("JUPYTER") and k not in
           ("SOURCE_DATE_EPOCH", "TMPDIR", "HOME", "IPYTHONDIR", "PYCACHE_BOOK_PYTHONS", "PYCACHE_BOOK_TRUST")}
    env.update(HOME=str(home), TMPDIR=str(tmpdir))
    env.update(extra)
    return env


def verify_command(interpreters, page_names, out: Path, script: Path = VERIFY, python: str = sys.executable):
    command = [python, str(script), "--json", str(out)]
    for py in interpreters:
        command += ["--python", py if isinstance(py, str) else py.path]
    for page in page_names:
        command += ["--page", page]
    return command


def run(command, env, cwd, umask=None, timeout=3600):
    def preexec():
        if umask is not None:
            os.umask(umask)
    return subprocess.run(command, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec if umask is not None else None)


def results(data: dict) -> dict:
    """What must not change: per claim, its verdict and observed value per interpreter."""
    return {"interpreters": [i["path"] for i in data["interpreters"]],
            "claims": {c["id"]: {"results": c["results"], "observed": c["observed"]} for c in data["claims"]}}


def differences(clean: dict, other: dict) -> list[str]:
    a, b = results(clean), results(other)
    found = []
    if a["interpreters"] != b["interpreters"]:
        found.append("interpreters: %s != %s" % (a["interpreters"], b["interpreters"]))
    for cid in sorted(set(a["claims"]) | set(b["claims"])):
        if a["claims"].get(cid) != b["claims"].get(cid):
            found.append("%s: clean %s, here %s" % (cid, a["claims"].get(cid), b["claims"].get(cid)))
    return found


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def snapshot(top: Path, skip=SKIP_IN_SNAPSHOT) -> dict:
    """Every path under ``top`` with its kind, size, mode and mtime (``skip``: top-level names)."""
    found = {}
    for directory, dirs, files in os.walk(top):
        rel_dir = os.path.relpath(directory, top)
        if rel_dir == ".":
            dirs[:] = [d for d in dirs if d not in skip]
        for name in dirs + files:
            full = os.path.join(directory, name)
            st = os.lstat(full)
            found[os.path.normpath(os.path.join(rel_dir, name))] = (stat.S_IFMT(st.st_mode), st.st_size,
                                                                    st.st_mode, st.st_mtime_ns)
    return found


def changed(before: dict, after: dict) -> list[str]:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


def listing(top: Path) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, n), top) for d, ds, fs in os.walk(top) for n in ds + fs)


def copy_checkout(target: Path) -> Path:
    """A copy of the checkout without VCS, nox or build state."""
    shutil.copytree(ROOT, target, symlinks=True,
                    ignore=lambda d, names: [n for n in names if Path(d) == ROOT and n in SKIP_IN_SNAPSHOT]
                    + [n for n in names if n in ("__pycache__", ".pytest_cache")])
    return target


def processes_with(marker: str) -> list[int]:
    """Processes whose command line contains ``marker``."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            try:
                with open("/proc/%s/cmdline" % name, "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(int(name))
            except OSError:
                pass
    return found
