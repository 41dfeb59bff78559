"""What a run did, from witnesses that do not take the interpreter's word for it.

- the file tree of the scenario directory before and after (created, modified, removed);
- a planted pyc: valid header, different code; its marker in the output means it was read;
- the ``-v`` import trace (what the import system says it read and wrote);
- PEP 578 audit hooks (3.8+): every file opened and renamed.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field

PYC_SUFFIXES = (".pyc", ".pyo")


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
_TRACE_READ = re.compile(r"^(?:# code object from '?(?P<a>.+?)'?|import \S+ # precompiled from (?P<b>.+))$")


@dataclass
class Trace:
    """What ``-v`` said the import system read and wrote (paths relative to the scenario)."""

    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def parse_trace(stderr: str, relative) -> Trace:
    trace = Trace()
    for line in stderr.splitlines():
        write = _TRACE_WRITE.match(line)
        read = _TRACE_READ.match(line)
        if write:
            path = relative(write.group("path"))
            if path and path not in trace.writes:
                trace.writes.append(path)
        elif read:
            path = relative(read.group("a") or read.group("b"))
            if path and path.endswith(PYC_SUFFIXES) and path not in trace.reads:
                trace.reads.append(path)
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


def strace_strings(arguments: str) -> list[str]:
    """The quoted strings (paths) of one strace line's arguments, unescaped.

    strace prints bytes outside printable ASCII as octal escapes (``\\303\\244`` for "ä"), so a
    sandbox under a TMPDIR with such letters would not match its own paths without this.
    """
    import codecs
    import re

    return [codecs.escape_decode(raw.encode("ascii", "backslashreplace"))[0].decode("utf-8", "replace")
            for raw in re.findall(r'"((?:[^"\\]|\\.)*)"', arguments)]
