"""Read the book's pages as plain Python: the code cells of each MyST notebook, in order.

The self-check runs these cells, so it checks the very claims the book states, never a copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\{code-cell\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                    re.MULTILINE | re.DOTALL)
_STATEMENT = re.compile(r"^(?P<fence>:{3,}|`{3,})\{claim\}[ \t]+(?P<id>\S+)[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                        re.MULTILINE | re.DOTALL)
_NOTEBOOK = re.compile(r"^---\n.*?^(file_format: *mystnb|\s*format_name: *myst)\b.*?^---\n",
                       re.MULTILINE | re.DOTALL)


@dataclass
class Page:
    name: str  # the docname, e.g. "scripts-and-imports"
    path: Path
    cells: list[str]
    statements: dict[str, str]  # claim id: the sentence its ``{claim}`` block states


def claim_statements(text: str) -> dict[str, str]:
    """The ``{claim} <id>`` blocks of a page's Markdown: {id: the statement, its lines joined}.

    A page states each claim in prose, where the reader reads it; the code cell that checks it
    names only the id (``book.check``). One id stated twice on a page is an error.
    """
    found: dict[str, str] = {}
    for match in _STATEMENT.finditer(text):
        claim_id = match.group("id")
        if claim_id in found:
            raise ValueError("claim %r is stated twice" % claim_id)
        found[claim_id] = " ".join(match.group("body").split())
    return found


def strip_options(body: str) -> str:
    """Drop the cell's ``:key: value`` option lines (or a ``---`` option block) before the code."""
    lines = body.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        return "".join(lines[end + 1:])
    while lines and lines[0].startswith(":"):
        lines.pop(0)
    return "".join(lines)


def read_page(path: Path, docs: Path) -> Page | None:
    text = path.read_text(encoding="utf-8")
    if not _NOTEBOOK.match(text):
        return None
    cells = [strip_options(m.group("body")) for m in _FENCE.finditer(text)]
    name = path.relative_to(docs).with_suffix("").as_posix()
    return Page(name, path, cells, claim_statements(text))


def notebook_pages(docs: Path) -> list[Page]:
    pages = [read_page(p, docs) for p in sorted(docs.rglob("*.md")) if "_ext" not in p.parts]
    return [p for p in pages if p is not None and p.cells]


def code_share(path: Path) -> tuple[int, int]:
    """(lines of cell code, non-blank lines of the page): how much of a page is code.

    Every non-blank line of the Markdown counts, fences included; cell code is what lies between a
    ``{code-cell}`` fence and its end, without the cell's option lines (``:tags:``).
    """
    text = path.read_text(encoding="utf-8")
    code = sum(1 for match in _FENCE.finditer(text)
               for line in strip_options(match.group("body")).splitlines() if line.strip())
    return code, sum(1 for line in text.splitlines() if line.strip())


def markdown_pages(docs: Path) -> list[Path]:
    """Every page of the book (notebook or not), in name order."""
    return [path for path in sorted(docs.rglob("*.md")) if "_ext" not in path.parts]
