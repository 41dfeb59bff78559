"""The exception that ended a run, and its traceback, read from its standard error (2.7 and every 3.x).

One reader for the whole book: ``-v`` lines are skipped, the last traceback wins (a chained
exception prints the cause first), and an error printed without a traceback (a ``SyntaxError`` of
the script itself, 2.7's ``RuntimeError: Bad magic number``) is found by its shape.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .paths import show_work

_EXCEPTION_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Iteration)"
                             r"|KeyboardInterrupt|SystemExit)(?:: (?P<message>.*))?$")
_ANY_EXCEPTION_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?:: (?P<message>.*))?$")
_TRACE_LINE = re.compile(r"^(#|import |Python \d|\[GCC|Type \"help\")")


@dataclass(frozen=True)
class Raised:
    """An exception as a run reported it: its type name and its message (paths as ``<work>``)."""

    type: str
    message: str = ""

    def __str__(self) -> str:
        return "%s: %s" % (self.type, self.message) if self.message else self.type

    @property
    def without_bytes(self) -> str:
        """``str(self)`` with the bytes Python 3 quotes at the end left out, so that one text fits
        every version: ``ImportError: bad magic number in 'mod': ...``."""
        head, quoted, _ = str(self).partition(": b'")
        return head + (": ..." if quoted else "")


def exception_that_ended(stderr: str) -> Raised | None:
    """The exception the run ended with, or None when it printed none."""
    lines = [line for line in show_work(stderr).splitlines() if line.strip() and not _TRACE_LINE.match(line)]
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if starts:
        for line in lines[starts[-1] + 1:]:
            found = _ANY_EXCEPTION_LINE.match(line)
            if found and not line[:1].isspace():
                return Raised(found.group("type"), found.group("message") or "")
    for line in reversed(lines):
        if line[:1].isspace():
            continue
        found = _EXCEPTION_LINE.match(line)
        if found:
            return Raised(found.group("type"), found.group("message") or "")
    return None


_FRAME_LINE = re.compile(r'^  File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<name>.*))?$')


@dataclass(frozen=True)
class Frame:
    """One frame of a traceback: where, the source line shown, and whether ``~~~^^^`` markers
    (3.11+, from the code object's column table) point into that line."""

    file: str
    line: int
    name: str = ""
    source: str = ""
    marked: bool = False


@dataclass(frozen=True)
class Traceback:
    """The last traceback a run printed: its text (``-v`` lines left out, ``<work>`` paths) and frames."""

    text: str
    frames: tuple = ()

    def frame(self, file_ending: str) -> Frame | None:
        """The innermost frame whose file name ends with ``file_ending`` (``"/mod.py"``)."""
        return next((f for f in reversed(self.frames) if f.file.endswith(file_ending)), None)


def _markers(line: str) -> bool:
    text = line.strip()
    return bool(text) and set(text) <= set("~^") and "^" in text


def last_traceback(stderr: str) -> Traceback | None:
    """The last ``Traceback (most recent call last):`` block of a run's standard error, or None."""
    lines = [line for line in show_work(stderr).splitlines() if not _TRACE_LINE.match(line)]
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if not starts:
        return None
    block = lines[starts[-1]:]
    frames = []
    for i, line in enumerate(block):
        found = _FRAME_LINE.match(line)
        if found:
            source = block[i + 1].strip() if i + 1 < len(block) and block[i + 1].startswith("    ") else ""
            marked = bool(source) and i + 2 < len(block) and _markers(block[i + 2])
            frames.append(Frame(found.group("file"), int(found.group("line")), found.group("name") or "",
                                source, marked))
    return Traceback("\n".join(block), tuple(frames))
