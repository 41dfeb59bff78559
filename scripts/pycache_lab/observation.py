"""What a run did, from witnesses that do not take the interpreter's word for it.

- the file tree of the scenario directory before and after (created, modified, removed);
- a planted pyc: valid header, different code; its marker in the output means it was read;
- the ``-v`` import trace (what the import system says it read and wrote);
- PEP 578 audit hooks (3.8+): every file opened and renamed;
- ``strace`` (Linux): the system calls on files, a witness of the lab's own (``parse_strace``).

What example scripts print is read one way: ``key=value`` lines (``obs.said``). Markers of planted
pycs (``PLANTED:<source>``) say which planted files ran (``obs.planted_ran``), and the exception
that ended a run is read by ``tracebacks`` (``obs.exception``). Paths are shown with ``<work>``.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

from .paths import SANDBOX, show_work
from .tracebacks import Raised, Traceback, exception_that_ended, last_traceback

PYC_SUFFIXES = (".pyc", ".pyo")
PLANTED = "PLANTED:"
"""What a planted pyc prints first, followed by its source's path: ``PLANTED:mod.py``."""
_SAID = re.compile(r"^(?P<key>[A-Za-z_][\w.\-]*)=(?P<value>.*)$")


@dataclass(frozen=True)
class FileState:
    kind: str  # "file", "dir" or "link"
    size: int
    mode: int  # permission bits only
    mtime_ns: int
    digest: str  # sha256 of the content ("" for directories)

    def describe(self) -> str:
        return "%s %04o %d bytes" % (self.kind, self.mode, self.size)


def snapshot(root: str) -> dict[str, FileState]:
    """Every path below ``root`` (relative, '/'-separated) with its state."""
    states: dict[str, FileState] = {}
    for directory, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(directory, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                kind, digest = "link", os.readlink(full)
            elif stat.S_ISDIR(info.st_mode):
                kind, digest = "dir", ""
            else:
                kind = "file"
                with open(full, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            states[rel] = FileState(kind, info.st_size if kind == "file" else 0,
                                    stat.S_IMODE(info.st_mode), info.st_mtime_ns, digest)
    return states


@dataclass
class TreeDiff:
    created: dict[str, FileState] = field(default_factory=dict)
    modified: dict[str, FileState] = field(default_factory=dict)
    removed: dict[str, FileState] = field(default_factory=dict)


def diff(before: dict[str, FileState], after: dict[str, FileState]) -> TreeDiff:
    result = TreeDiff()
    for path, state in after.items():
        old = before.get(path)
        if old is None:
            result.created[path] = state
        elif state.kind != "dir" and (
            (old.kind, old.size, old.digest, old.mode) != (state.kind, state.size, state.digest, state.mode)
            or old.mtime_ns != state.mtime_ns
        ):
            result.modified[path] = state
    for path, state in before.items():
        if path not in after:
            result.removed[path] = state
    return result


# -v trace lines. 3.x: "# created '/p/__pycache__/m.cpython-312.pyc'", "# wrote '...'",
# "# code object from '/p/__pycache__/m.cpython-312.pyc'"; 2.7: "# wrote m.pyc",
# "import m # precompiled from m.pyc".
_TRACE_WRITE = re.compile(r"^# (?:wrote|created) '?(?P<path>.+?)'?$")
_TRACE_FAILED = re.compile(r"^# (?:could not create '(?P<a>[^']+)': (?P<why>.*)|can't create (?P<b>\S+))$")
_TRACE_READ = re.compile(r"^(?:# code object from '?(?P<a>.+?)'?|import \S+ # precompiled from (?P<b>.+))$")


@dataclass
class Trace:
    """What ``-v`` said the import system read and wrote (paths relative to the scenario)."""

    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    failed_writes: list[str] = field(default_factory=list)
    """Cache files (or ``__pycache__``) the import system tried and failed to create."""
    failure_reasons: list[str] = field(default_factory=list)
    """Why, as ``-v`` said (3.x: ``PermissionError(13, 'Permission denied')``; 2.7 says nothing)."""
    lines: list[str] = field(default_factory=list)
    reads_outside: list[str] = field(default_factory=list)
    """Cache files read outside the scenario directory (the installation's), absolute paths."""
    writes_outside: list[str] = field(default_factory=list)
    """Cache files written outside it, absolute paths (the sandbox's own lab folder left out)."""


def _outside(path: str, found: list[str]) -> None:
    """Note a path outside the scenario directory, unless it is the lab's own (in its sandbox)."""
    if not show_work(path).startswith(SANDBOX) and path not in found:
        found.append(path)


def parse_trace(stderr: str, relative) -> Trace:
    trace = Trace()
    for line in stderr.splitlines():
        write = _TRACE_WRITE.match(line)
        read = _TRACE_READ.match(line)
        failed = _TRACE_FAILED.match(line)
        if failed:
            raw = failed.group("a") or failed.group("b")
            trace.failed_writes.append(relative(raw) or show_work(raw))
            trace.failure_reasons.append(failed.group("why") or "")
        elif write:
            path = relative(write.group("path"))
            if path and path not in trace.writes:
                trace.writes.append(path)
            elif path is None:
                _outside(write.group("path"), trace.writes_outside)
        elif read:
            path = relative(read.group("a") or read.group("b"))
            if path and path.endswith(PYC_SUFFIXES) and path not in trace.reads:
                trace.reads.append(path)
            elif path is None and (read.group("a") or read.group("b")).endswith(PYC_SUFFIXES):
                _outside(read.group("a") or read.group("b"), trace.reads_outside)
        else:
            continue
        trace.lines.append(line)
    return trace


@dataclass
class Audit:
    """Files the interpreter opened and renamed, from audit hooks (None where unavailable)."""

    opened: list[tuple[str, str]] = field(default_factory=list)  # (path, mode)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    opened_outside: list[tuple[str, str]] = field(default_factory=list)  # absolute paths outside the sandbox

    def opened_pycs(self) -> list[str]:
        seen = []
        for path, mode in self.opened:
            if path.endswith(PYC_SUFFIXES) and "w" not in mode and path not in seen:
                seen.append(path)
        return seen


def parse_audit(text: str, relative) -> Audit:
    audit = Audit()
    for line in text.splitlines():
        parts = line.split("\t")
        if parts[0] == "open" and len(parts) == 3:
            path = relative(parts[1])
            if path:
                audit.opened.append((path, parts[2]))
            else:
                audit.opened_outside.append((parts[1], parts[2]))
        elif parts[0] == "rename" and len(parts) == 3:
            source, target = relative(parts[1]), relative(parts[2])
            if source or target:
                audit.renamed.append((source or parts[1], target or parts[2]))
    return audit


@dataclass
class Observation:
    """Everything one run showed. Paths are relative to the scenario directory, '/'-separated."""

    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    tree: TreeDiff
    trace: Trace | None = None
    audit: Audit | None = None
    user: str = "caller"
    installation_protected: bool = False
    syscalls: "list[Syscall] | None" = None
    typed: str = ""
    planted: list = field(default_factory=list)
    """Planted pycs in place when the run started (paths), set by the page's ``Box``."""
    """The command as a reader types it (``python3 app.py``), set by the page's ``Box``."""

    @property
    def output(self) -> str:
        """Standard output as a reader should see it (``<work>`` for the scenario directory)."""
        return show_work(self.stdout)

    @property
    def errors(self) -> str:
        """Standard error, the same way."""
        return show_work(self.stderr)

    @property
    def error_lines(self) -> list[str]:
        """Standard error line by line, the same way (``[]`` when the run said nothing there)."""
        return self.errors.splitlines()

    @property
    def lines(self) -> list[str]:
        """The output line by line, for scripts whose claim is the order of what they printed."""
        return self.output.splitlines()

    @property
    def said(self) -> dict:
        """What the script printed as ``key=value`` lines; a value that is JSON is decoded.

        The book's one output convention for example scripts: print ``name=value`` (one per
        line); the last line with a key wins. Other lines (and planted markers) are ignored.
        """
        found = {}
        for line in self.output.splitlines():
            match = _SAID.match(line.strip())
            if match:
                found[match.group("key")] = _decoded(match.group("value"))
        return found

    @property
    def planted_ran(self) -> list[str]:
        """Sources whose planted pyc ran (their marker was printed), in the order they ran."""
        ran = []
        for word in self.stdout.split():
            if word.startswith(PLANTED) and word[len(PLANTED):] not in ran:
                ran.append(word[len(PLANTED):])
        return ran

    @property
    def exception(self) -> "Raised | None":
        """The exception that ended the run (type and message), or None."""
        return exception_that_ended(self.stderr)

    @property
    def traceback(self) -> "Traceback | None":
        """The last traceback it printed (text and frames, ``frame("/mod.py").marked``), or None."""
        return last_traceback(self.stderr)

    @property
    def created(self) -> list[str]:
        """Files and directories that appeared (directories end with '/')."""
        return sorted(p + ("/" if s.kind == "dir" else "") for p, s in self.tree.created.items())

    @property
    def written(self) -> list[str]:
        """Files created or changed by the run."""
        return sorted(p for p, s in {**self.tree.created, **self.tree.modified}.items() if s.kind != "dir")

    @property
    def pycs_written(self) -> list[str]:
        return [p for p in self.written if p.endswith(PYC_SUFFIXES)]

    def printed(self, marker: str) -> bool:
        """Did the run print this marker (for example a planted pyc's)?"""
        return marker in self.stdout.split()

    def file_events(self, name: str) -> list[str]:
        """The opens, unlinks and renames of the scenario's files whose name starts with ``name``
        (``"test."``), in order, as a ``dtruss`` listing shows them: ``create X`` (an open with
        ``O_CREAT``), ``open X``, ``unlink X``, ``rename X -> Y``, with ``: ENOENT`` where the file
        was missing. Needs a run with ``syscalls=True``."""
        events = []
        for call in self.syscalls or []:
            paths = [path for path in call.paths if not path.startswith(("/", "<"))]
            if call.call in ("open", "unlink", "rename") and any(p.rsplit("/", 1)[-1].startswith(name) for p in paths):
                verb = "create" if "O_CREAT" in call.flags else call.call
                events.append("%s %s%s" % (verb, " -> ".join(paths), ": ENOENT" if call.error == "ENOENT" else ""))
        return events


def _decoded(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Syscall:
    """One system call on a file, as ``strace`` saw it: paths relative to the scenario when inside."""

    call: str  # open, stat, mkdir, rename, unlink, ... (openat is open, renameat2 is rename)
    paths: tuple
    flags: tuple = ()  # O_WRONLY, O_CREAT, O_EXCL, O_TRUNC, ...
    error: str = ""  # ENOENT, EACCES, ... ("" when it succeeded)

    @property
    def writes(self) -> bool:
        return bool({"O_WRONLY", "O_RDWR", "O_CREAT"} & set(self.flags))

    def __str__(self) -> str:
        text = "%s %s" % (self.call, " -> ".join(self.paths))
        if self.flags:
            text += " " + "|".join(self.flags)
        return text + (" (%s)" % self.error if self.error else "")


_STRACE_LINE = re.compile(r"^(?:\[pid +\d+\] |\d+ +)?(?P<call>\w+)\((?P<args>.*)\) += (?P<result>-?\d+)"
                          r"(?: (?P<errno>E[A-Z]+))?")
_CALL_NAMES = {"openat": "open", "open": "open", "creat": "open", "unlinkat": "unlink", "renameat": "rename",
               "renameat2": "rename", "mkdirat": "mkdir", "newfstatat": "stat", "statx": "stat", "lstat": "stat",
               "fstatat64": "stat", "stat64": "stat", "lstat64": "stat", "faccessat": "access",
               "faccessat2": "access", "readlinkat": "readlink", "fchmodat": "chmod"}
_FLAGS = ("O_RDONLY", "O_WRONLY", "O_RDWR", "O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND")


def parse_strace(text: str, relative) -> list[Syscall]:
    """The book's one reader of ``strace -f -o FILE`` output: every call that names a path."""
    calls = []
    for line in text.splitlines():
        match = _STRACE_LINE.match(line)
        if not match:
            continue
        arguments = match.group("args")
        name = _CALL_NAMES.get(match.group("call"), match.group("call"))
        strings = strace_strings(arguments)[:1 if name.startswith("exec") else None]  # not argv, environ
        paths = tuple(relative(p) or show_work(p) for p in strings)
        if not paths:
            continue
        flags = tuple(f for f in _FLAGS if re.search(r"\b%s\b" % f, arguments)) if name == "open" else ()
        calls.append(Syscall(name, paths, flags, match.group("errno") or ""))
    return calls


def file_changes(calls: list[Syscall], name=lambda path: path) -> list[str]:
    """The calls that create, rename or delete files, in order and in words: ``open X for writing,
    O_CREAT|O_EXCL``, ``rename X to Y``, ``unlink X (ENOENT)``. ``name(path)`` gives the path as
    shown, or None to leave out a call that touches that path."""
    changes = []
    for call in calls:
        paths = [name(path) for path in call.paths]
        failed = " (%s)" % call.error if call.error else ""
        if None in paths:
            continue
        if call.call == "open" and call.writes:
            flags = "|".join(f for f in call.flags if f in ("O_CREAT", "O_EXCL", "O_TRUNC"))
            changes.append("open %s for writing, %s%s" % (paths[0], flags, failed))
        elif call.call in ("rename", "unlink"):
            changes.append("%s %s%s" % (call.call, " to ".join(paths), failed))
    return changes


def strace_strings(arguments: str) -> list[str]:
    """The quoted strings (paths) of one strace line's arguments, unescaped.

    strace prints bytes outside printable ASCII as octal escapes (``\\303\\244`` for "ä"), so a
    sandbox under a TMPDIR with such letters would not match its own paths without this.
    """
    return [codecs.escape_decode(raw.encode("ascii", "backslashreplace"))[0].decode("utf-8", "replace")
            for raw in re.findall(r'"((?:[^"\\]|\\.)*)"', arguments)]
