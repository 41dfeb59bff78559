"""The exception that ended a run, read from its standard error (2.7 and every 3.x).

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
