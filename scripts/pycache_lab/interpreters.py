"""Find the CPython interpreters the book's evidence comes from, and describe each one.

``PYCACHE_BOOK_PYTHONS`` (paths separated by ``os.pathsep``) names exactly the interpreters to
use; every one of them must exist and run, or discovery fails naming each that did not. Without
it, discovery looks at every ``python*`` on PATH, under pyenv's ``versions`` folder and in the
Debian roots that ``scripts/install_pythons.py`` unpacked (``pycache_lab.debian``). Nothing is
dropped silently: candidates that were passed over are listed with the reason.
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from . import debian

ENV_VAR = "PYCACHE_BOOK_PYTHONS"
HELPERS = Path(__file__).resolve().parent / "helpers"
_CANDIDATE_NAME = re.compile(r"^python(\d+(\.\d+)?)?$")
PROBE_TIMEOUT = 30


class InterpreterError(RuntimeError):
    """A named interpreter is missing, does not run, or is not CPython."""


@dataclass(frozen=True)
class Interpreter:
    """One CPython interpreter, as it described itself when probed."""

    path: str
    version: str
    version_info: tuple
    implementation: str
    cache_tag: str | None
    magic: str
    install_dirs: tuple = ()
    base_prefix: str = ""
    in_venv: bool = False
    key: str = ""
    build: str = ""

    @property
    def label(self) -> str:
        """``CPython 3.14.10 (Debian's build, /path/python3.14)``: whose build, where."""
        whose = "%s's build, " % self.build if self.build else ""
        return "CPython %s (%s%s)" % (self.version, whose, self.path)

    @property
    def short(self) -> str:
        """``3.12`` style name (``major.minor``)."""
        return "%d.%d" % tuple(self.version_info[:2])

    @property
    def magic_number(self) -> int:
        """The two-byte version number that starts this interpreter's cache files (3495 for 3.13)."""
        return int.from_bytes(bytes.fromhex(self.magic)[:2], "little")

    def at_least(self, *version: int) -> bool:
        return tuple(self.version_info[: len(version)]) >= tuple(version)

    def pyc_name(self, module: str, optimization: str = "") -> str:
        """The file name this interpreter gives a module's pyc (``mod.cpython-312.pyc``)."""
        if self.cache_tag is None:
            return module + (".pyo" if optimization else ".pyc")
        opt = ".opt-%s" % optimization if optimization else ""
        if not self.at_least(3, 5) and optimization:
            return "%s.%s.pyo" % (module, self.cache_tag)
        return "%s.%s%s.pyc" % (module, self.cache_tag, opt)

    def cached_path(self, source: str, optimization: str = "") -> str:
        """Relative path of the pyc that importing ``source`` (``pkg/mod.py``) writes."""
        directory, _, filename = source.rpartition("/")
        module = filename[:-3] if filename.endswith(".py") else filename
        name = self.pyc_name(module, optimization)
        parts = [directory] if directory else []
        if self.cache_tag is not None:
            parts.append("__pycache__")
        return "/".join(parts + [name])


@dataclass
class Discovery:
    """What discovery found, and what it passed over and why."""

    interpreters: list[Interpreter]
    passed_over: list[tuple[str, str]] = field(default_factory=list)
    named: bool = False
    named_by: str = "in " + ENV_VAR

    def describe(self) -> str:
        how = ("named %s" % self.named_by if self.named
               else "discovered on PATH, under pyenv and in the Debian roots")
        lines = ["%d interpreter(s), %s:" % (len(self.interpreters), how)]
        lines += ["  %s" % py.label for py in self.interpreters]
        for path, why in self.passed_over:
            lines.append("  passed over %s: %s" % (path, why))
        return "\n".join(lines)


def probe_environment() -> dict[str, str]:
    """The environment a probe runs in: nothing inherited from the caller."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent"}


def probe(path: str) -> Interpreter:
    """Ask the interpreter at ``path`` to describe itself; raise InterpreterError if it cannot."""
    if not os.path.exists(path):
        raise InterpreterError("%s: no such file" % path)
    if not os.access(path, os.X_OK):
        raise InterpreterError("%s: not executable" % path)
    command = [path, "-E", "-s", "-B", str(HELPERS / "probe.py")]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=PROBE_TIMEOUT, env=probe_environment(), cwd="/"
        )
    except subprocess.TimeoutExpired:
        raise InterpreterError("%s: did not answer within %d s" % (path, PROBE_TIMEOUT)) from None
    except OSError as error:
        raise InterpreterError("%s: does not run (%s)" % (path, error)) from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise InterpreterError("%s: exited with status %d (%s)" % (path, done.returncode, tail[0]))
    try:
        info = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise InterpreterError("%s: did not describe itself (is it Python?)" % path) from None
    if info["implementation"] != "cpython":
        raise InterpreterError("%s: is %s, not CPython" % (path, info["implementation"]))
    return Interpreter(
        path=path,
        version=info["version"],
        version_info=tuple(info["version_info"]),
        implementation=info["implementation"],
        cache_tag=info["cache_tag"],
        magic=info["magic"],
        install_dirs=tuple(info["install_dirs"]),
        base_prefix=info["base_prefix"],
        in_venv=info["in_venv"],
        key=info["version"],
        build=info.get("build", ""),
    )


def _candidates_on_path(path_var: str) -> list[str]:
    found = []
    for directory in path_var.split(os.pathsep):
        if not directory or not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            full = os.path.join(directory, name)
            if _CANDIDATE_NAME.match(name) and os.path.isfile(full) and os.access(full, os.X_OK):
                found.append(full)
    return found


def pyenv_root(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def _candidates_in_pyenv(root: Path) -> list[str]:
    found = []
    versions = root / "versions"
    try:
        version_dirs = sorted(versions.iterdir())
    except OSError:  # none, or another user's (/root/.pyenv, mode 0700, for an ordinary user)
        version_dirs = []
    for version_dir in version_dirs:
        for name in ("python", "python3", "python2"):
            exe = version_dir / "bin" / name
            if exe.is_file():
                found.append(str(exe))
                break
    return found


def _candidates_in_debian_roots(cache: Path) -> list[str]:
    """The patched copies of scripts/install_pythons.py, in every suite it unpacked."""
    return [str(exe) for root in debian.roots(cache) for exe in debian.host_interpreters(root)]


def _probe_all(paths: Sequence[str]) -> list[tuple[str, object]]:
    """Probe in parallel; each result is an Interpreter or an InterpreterError."""
    def attempt(path):
        try:
            return probe(path)
        except InterpreterError as error:
            return error

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(zip(paths, pool.map(attempt, paths)))


def _sort_and_key(interpreters: list[Interpreter]) -> list[Interpreter]:
    """Oldest first; give two interpreters of one version distinct keys (``3.11.7``, ``3.11.7#2``)."""
    ordered = sorted(interpreters, key=lambda py: (py.version_info, py.path))
    seen: dict[str, int] = {}
    result = []
    for py in ordered:
        seen[py.version] = seen.get(py.version, 0) + 1
        key = py.version if seen[py.version] == 1 else "%s#%d" % (py.version, seen[py.version])
        result.append(Interpreter(**{**py.__dict__, "key": key}))
    return result


def named(paths: Sequence[str], named_by: str = "in " + ENV_VAR) -> Discovery:
    """Exactly these interpreters, in this order of version; any that fails is an error.

    ``named_by`` says where the caller named them (``"with --python"`` for the self-check)."""
    results = _probe_all([os.path.abspath(p) for p in paths])
    errors = [str(r) for _, r in results if isinstance(r, InterpreterError)]
    if errors:
        raise InterpreterError(
            "interpreter(s) named %s cannot be used:\n  %s" % (named_by, "\n  ".join(errors))
        )
    return Discovery(_sort_and_key([r for _, r in results]), named=True, named_by=named_by)


def discover(environ: Mapping[str, str] | None = None) -> Discovery:
    """The interpreters the book uses: the named ones, or every CPython that can be found."""
    environ = os.environ if environ is None else environ
    listed = environ.get(ENV_VAR, "").strip()
    if listed:
        return named([p for p in listed.split(os.pathsep) if p])

    root = pyenv_root(environ)
    shims = str(root / "shims")
    passed_over: list[tuple[str, str]] = []
    candidates = []
    found = (_candidates_on_path(environ.get("PATH", "")) + _candidates_in_pyenv(root)
             + _candidates_in_debian_roots(debian.cache_dir(environ)))
    for path in found:
        if path.startswith(shims + os.sep):
            passed_over.append((path, "a pyenv shim; the versions it dispatches to are probed directly"))
        elif path not in candidates:
            candidates.append(path)

    by_identity: dict[tuple, Interpreter] = {}
    for path, result in _probe_all(candidates):
        if isinstance(result, InterpreterError):
            passed_over.append((path, str(result).split(": ", 1)[-1]))
            continue
        # A venv or a symlink runs the same installation: keep one, preferring the plain one.
        identity = (result.version, result.base_prefix)
        kept = by_identity.get(identity)
        if kept is None or (kept.in_venv and not result.in_venv):
            if kept is not None:
                passed_over.append((kept.path, "same installation as %s" % path))
            by_identity[identity] = result
        else:
            passed_over.append((path, "same installation as %s" % kept.path))
    return Discovery(_sort_and_key(list(by_identity.values())), passed_over)


def main() -> int:
    """``python -m pycache_lab.interpreters``: list the interpreters the book would use."""
    try:
        print(discover().describe())
    except InterpreterError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
