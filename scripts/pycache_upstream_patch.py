"""Turn the proposals into patches for a CPython checkout, found by anchor text, never by line number.

A hunk names its place in CPython's tree by a file and a unique anchor string::

    @replace block Doc/using/cmdline.rst ".. option:: -B"
    @replace paragraph Doc/using/cmdline.rst ".. option:: --check-hash-based-pycs" > "Control the"
    @replace sentences Doc/tutorial/modules.rst "Python checks the" ... "automatic process."
    @append block Doc/library/sys.rst ".. data:: pycache_prefix"
    @before block Doc/reference/import.rst "Cached bytecode invalidation" > ".. versionchanged:: 3.7"
    @append man-entry Misc/python.man "COMMAND LINE OPTIONS" > ".B \\-B"

``a > b`` looks for ``b`` inside the block that starts at ``a``. Each anchor must occur exactly
once where it is looked for: a section that moved is found, one that is gone or ambiguous is
reported by name, and nothing is ever patched in the wrong place. The proposed reST is written
at column 0; it is indented here to the depth of the passage it replaces or joins.

The units: ``line`` (the anchor's line, with the lines it continues onto by a final backslash, as
in a long signature), ``block`` (the anchor's line and everything indented deeper below it), ``paragraph``
(the lines between blank lines around the anchor), ``sentences`` (the text from the first anchor
to the end of the second, inside one paragraph, which is then refilled), ``man-entry`` (a roff
entry of ``Misc/python.man``, up to the next ``.TP``/``.SH``/``.SS``/``.IP``/``.PP``).
"""
from __future__ import annotations

import difflib
import re
import shlex
import textwrap
from dataclasses import dataclass

ACTIONS = ("replace", "append", "before")
UNITS = ("line", "block", "paragraph", "sentences", "man-entry")
WIDTH = 80
"""The devguide's limit for a line of reST (the proposals aim at 79)."""
FILL_WIDTH = 79
_MAN_BREAK = re.compile(r"^\.(TP|SH|SS|IP|PP)\b")


class AnchorError(LookupError):
    """An anchor that is not in the file, or not once: the message names the file and the text."""


@dataclass(frozen=True)
class Place:
    """Where a hunk goes: what it does, to which unit of which file, found by which anchors."""

    action: str
    unit: str
    file: str
    anchors: tuple[str, ...]
    until: str = ""

    @classmethod
    def parse(cls, action: str, spec: str) -> "Place":
        """``block Doc/x.rst "anchor" > "inner anchor"`` (or ``"from" ... "to"`` for sentences)."""
        if action not in ACTIONS:
            raise ValueError("unknown action @%s (known: %s)" % (action, ", ".join(ACTIONS)))
        try:
            words = shlex.split(spec)
        except ValueError as error:
            raise ValueError("cannot read %r: %s" % (spec, error)) from None
        if len(words) < 3 or words[0] not in UNITS:
            raise ValueError("@%s needs a unit (%s), a file and an anchor: %r" % (action, ", ".join(UNITS), spec))
        unit, file, rest = words[0], words[1], words[2:]
        until = ""
        if "..." in rest:
            at = rest.index("...")
            rest, until = rest[:at], " ".join(rest[at + 1:])
        if unit == "sentences" and (not until or action != "replace"):
            raise ValueError("sentences are replaced from an anchor to an end: %r" % spec)
        anchors = tuple(word for word in rest if word != ">")
        if not anchors or any(not a.strip() for a in anchors):
            raise ValueError("an empty anchor in %r" % spec)
        return cls(action, unit, file, anchors, until)

    def describe(self) -> str:
        where = " inside ".join(reversed(["\u201c%s\u201d" % a for a in self.anchors]))
        if self.until:
            where += " to \u201c%s\u201d" % self.until
        what = {"replace": "replace the %s at", "append": "add to the end of the %s at",
                "before": "add before the %s at"}[self.action] % self.unit.replace("-", " ")
        return "%s: %s %s" % (self.file, what, where)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int) -> int:
    """One past the last line of the block that starts at ``start`` (trailing blank lines excluded).

    In a man page, the block of a ``.SH`` line is its section."""
    if lines[start].startswith(".SH"):
        return next((n for n in range(start + 1, len(lines)) if lines[n].startswith(".SH")), len(lines))
    depth, end = _indent(lines[start]), start + 1
    for number in range(start + 1, len(lines)):
        if lines[number].strip():
            if _indent(lines[number]) <= depth:
                break
            end = number + 1
    return end


def _paragraph(lines: list[str], at: int) -> tuple[int, int]:
    """The lines of the paragraph around ``at``: non-blank, at the same indentation (so a
    glossary term is not part of its definition), a bullet item with its continuation lines."""
    depth = _indent(lines[at])
    start, end = at, at + 1
    while start > 0 and lines[start - 1].strip() and _indent(lines[start - 1]) == depth \
            and not _BULLET.match(lines[start].lstrip()):
        start -= 1
    if start > 0 and lines[start - 1].strip() and _BULLET.match(lines[start - 1].lstrip()) \
            and _indent(lines[start - 1]) + len(_BULLET.match(lines[start - 1].lstrip()).group(1)) == depth:
        start -= 1
    bullet = _BULLET.match(lines[start].lstrip())
    inner = _indent(lines[start]) + (len(bullet.group(1)) if bullet else 0)
    while end < len(lines) and lines[end].strip() and _indent(lines[end]) in (depth, inner) \
            and not (bullet and _BULLET.match(lines[end].lstrip())):
        end += 1
    return start, end


def _find(lines: list[str], anchor: str, start: int, end: int, file: str, scope: str) -> int:
    hits = [n for n in range(start, end) if anchor in lines[n]]
    if len(hits) != 1:
        raise AnchorError("%s: %s %r %s" % (file, "no line has" if not hits else "%d lines have" % len(hits),
                                           anchor, scope))
    return hits[0]


def locate(lines: list[str], place: Place) -> int:
    """The line of the last anchor, each anchor looked for inside the block of the one before."""
    start, end, scope = 0, len(lines), "in the file"
    at = -1
    for anchor in place.anchors:
        at = _find(lines, anchor, start, end, place.file, scope)
        start, end, scope = at, _block_end(lines, at), "in the block at %r" % anchor
    return at


def _indented(text: str, depth: int) -> list[str]:
    return [" " * depth + line if line.strip() else "" for line in text.rstrip("\n").splitlines()]


_BULLET = re.compile(r"^([*-] |#\. |\d+\. )")


def refill(text: str, width: int = FILL_WIDTH) -> str:
    """reST prose filled to ``width`` columns, as CPython's sources are; markup lines kept.

    A paragraph (lines between blank lines) is refilled when its lines share one indentation; a
    bullet item keeps its bullet; a directive keeps its first line (with any continuation lines
    and ``:option:`` lines) and its content is filled at the content's indentation. Literal
    blocks (after ``::``) are left as they are."""
    out: list[str] = []
    lines = text.rstrip("\n").splitlines()
    literal_from = None  # the indentation of the paragraph that introduced a literal block
    number = 0
    while number < len(lines):
        if not lines[number].strip():
            out.append("")
            number += 1
            continue
        end = number
        while end < len(lines) and lines[end].strip():
            end += 1
        paragraph = lines[number:end]
        depth = _indent(paragraph[0])
        if literal_from is not None and depth > literal_from:
            out += paragraph
        else:
            literal_from = None
            out += _fill_paragraph(paragraph, depth, width)
            if paragraph[-1].rstrip().endswith("::") and not paragraph[0].lstrip().startswith(".. "):
                literal_from = depth
        number = end
    return "\n".join(out) + "\n"


def _fill_paragraph(paragraph: list[str], depth: int, width: int) -> list[str]:
    first = paragraph[0].lstrip()
    if first.startswith(".. "):
        head = 1
        while head < len(paragraph) and (paragraph[head - 1].endswith("\\")
                                          or paragraph[head].lstrip().startswith(":")):
            head += 1
        rest = paragraph[head:]
        if not rest:
            return paragraph
        return paragraph[:head] + _fill_paragraph(rest, _indent(rest[0]), width)
    if any(_indent(line) != depth for line in paragraph[1:]) and not _BULLET.match(first):
        return paragraph
    words = " ".join(line.strip() for line in paragraph)
    bullet = _BULLET.match(first)
    lead = " " * depth + (bullet.group(1) if bullet else "")
    if bullet:
        words = words[len(bullet.group(1)):]
    return textwrap.wrap(words, width, initial_indent=lead, subsequent_indent=" " * len(lead),
                         break_long_words=False, break_on_hyphens=False)


def _refill(words: str, depth: int) -> list[str]:
    return textwrap.wrap(words, FILL_WIDTH, initial_indent=" " * depth, subsequent_indent=" " * depth,
                         break_long_words=False, break_on_hyphens=False)


def edit(lines: list[str], place: Place, text: str) -> tuple[int, int, list[str]]:
    """The edit a hunk makes: replace ``lines[start:end]`` with the returned lines."""
    at = locate(lines, place)
    if place.unit == "line":
        start, end = at, at + 1
        while end < len(lines) and lines[end - 1].endswith("\\"):
            end += 1
        depth = body = _indent(lines[at])
    elif place.unit == "block":
        start, end = at, _block_end(lines, at)
        depth = _indent(lines[at])
        body = next((_indent(line) for line in lines[at + 1:end] if line.strip()), depth + 3)
    elif place.unit == "man-entry":
        start, end = at, next((n for n in range(at + 1, len(lines)) if _MAN_BREAK.match(lines[n])), len(lines))
        depth = body = 0
    else:
        start, end = _paragraph(lines, at)
        depth = body = _indent(lines[start])
    if place.unit == "sentences":
        return _sentences(lines, start, end, at, place, text, depth)
    at_depth = body if place.action == "append" and place.unit == "block" else depth
    if place.file.endswith(".rst") and place.unit != "line":
        text = refill(text, FILL_WIDTH - at_depth)
    new = _indented(text, at_depth)
    gap = [] if place.unit in ("man-entry", "line") else [""]  # in roff, a blank line is a blank line
    if place.action == "replace":
        return start, end, new
    if place.action == "append":
        return end, end, gap + new
    return start, start, new + gap


def _sentences(lines: list[str], start: int, end: int, at: int, place: Place, text: str,
               depth: int) -> tuple[int, int, list[str]]:
    """Replace the text from the anchor to the first ``until`` after it; refill only the lines
    that held it, so the rest of the paragraph is left as it is."""
    offsets, joined = [], ""
    for number in range(start, end):
        offsets.append(len(joined) + (1 if joined else 0))
        joined += (" " if joined else "") + lines[number].strip()
    first = offsets[at - start] + lines[at].strip().find(place.anchors[-1])
    last = joined.find(place.until, first + len(place.anchors[-1]))
    if last < 0:
        raise AnchorError("%s: no %r after %r in its paragraph" % (place.file, place.until, place.anchors[-1]))
    last += len(place.until)
    final = max(n for n in range(end - start) if offsets[n] <= last - 1)
    chunk_end = offsets[final] + len(lines[start + final].strip())
    chunk = joined[offsets[at - start]:first] + " ".join(text.split()) + joined[last:chunk_end]
    return at, start + final + 1, _refill(" ".join(chunk.split()), depth)


def patched(original: str, hunks: list[tuple[Place, str]]) -> str:
    """The file's text with every hunk applied; hunks that touch the same lines are refused."""
    lines = original.splitlines()
    edits = sorted((edit(lines, place, text) + (place,) for place, text in hunks), key=lambda e: (e[0], e[1]))
    for before, after in zip(edits, edits[1:]):
        if after[0] < before[1] or (after[0] == before[0] and after[1] == before[1]):
            raise AnchorError("%s: two hunks touch the same lines (%s; %s)"
                              % (after[3].file, before[3].describe(), after[3].describe()))
    for start, end, new, _ in reversed(edits):
        lines[start:end] = new
    return "\n".join(lines) + ("\n" if original.endswith("\n") else "")


def git_diff(path: str, old: str, new: str) -> str:
    """A ``git diff``-style unified diff of one file, which ``git apply`` accepts."""
    body = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     "a/" + path, "b/" + path, n=3))
    if not body:
        return ""
    return "diff --git a/%s b/%s\n" % (path, path) + "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in body)


def added_lines(diff: str) -> list[str]:
    return [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
