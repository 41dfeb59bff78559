"""Guard rails for the pages: short cells, the lab's top level only, no page doing the lab's job.

They apply to every notebook page of the book.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pycache_lab import pages

ROOT = Path(__file__).resolve().parents[1]
ALL = pages.notebook_pages(ROOT / "docs")
MAX_CELL_LINES = 25
IMPORT_FROM_INSIDE_THE_LAB = re.compile(r"^\s*(from\s+pycache_lab\.\w+|import\s+pycache_lab\.)", re.M)
# The lab's jobs, heuristically: reading output, rewriting paths, tracing, building archives.
DOING_THE_LABS_JOB = {
    "parses with regular expressions": re.compile(r"\bre\.\w+\(|^\s*import re\b", re.M),
    "splits output into lines": re.compile(r"\.splitlines\("),
    "reads raw stdout/stderr (use .output, .said, .exception, .trace)": re.compile(r"\.(stdout|stderr)\b"),
    "rewrites temporary paths (use show_work / <work>)": re.compile(
        r"\.replace\((str\(|[^)]*\b(work|root|tmp|box|cache_tag)\b)"),
    "runs strace itself (use syscalls=True)": re.compile(r"\bstrace\b"),
    "builds zip files itself (use box.zip)": re.compile(r"\bzipfile\b"),
    "reaches into the lab's private parts": re.compile(r"\.\_[a-z]\w*\b(?<!__)"),
}


def problems(page: pages.Page) -> list[str]:
    found = []
    for number, cell in enumerate(page.cells, start=1):
        lines = cell.strip("\n").splitlines()
        if len(lines) > MAX_CELL_LINES:
            found.append("cell %d has %d lines (at most %d)" % (number, len(lines), MAX_CELL_LINES))
        if IMPORT_FROM_INSIDE_THE_LAB.search(cell):
            found.append("cell %d imports from inside the lab (import from pycache_lab only)" % number)
        for what, pattern in DOING_THE_LABS_JOB.items():
            if pattern.search(cell):
                found.append("cell %d %s" % (number, what))
    if not shows_a_transcript_before_its_first_claim(page):
        found.append("no transcript (a cell ending with a scenario's results) before the first claim")
    found += statement_problems(page)
    return found


CHECKED = re.compile(r"\bbook\.check\(\s*[\"']([^\"']+)[\"']")


def statement_problems(page: pages.Page) -> list[str]:
    """Claims are stated in the prose ({claim} blocks) and checked by id in a cell: the two agree."""
    found = []
    code = "\n".join(page.cells)
    if "book.claim(" in code:
        found.append("states a claim in code (book.claim): state it in a ':::{claim} <id>' block, check it with book.check")
    checked = CHECKED.findall(code)
    for claim_id in sorted(set(checked) - set(page.statements)):
        found.append("checks %s, which no {claim} block states" % claim_id)
    for claim_id in sorted(set(page.statements) - set(checked)):
        found.append("states %s, which no cell checks" % claim_id)
    return found


def shows_a_transcript_before_its_first_claim(page: pages.Page) -> bool:
    for cell in page.cells:
        if "book.claim(" in cell or "book.check(" in cell:
            return False
        last = (cell.strip().splitlines() or [""])[-1].strip()
        if re.match(r"^[A-Za-z_]\w*$", last) or ".show(" in last or "book.transcript(" in last:
            return True
    return True  # a page without claims


@pytest.mark.parametrize("page", ALL, ids=[p.name for p in ALL])
def test_every_page_keeps_the_guard_rails(page):
    assert problems(page) == []


def test_the_guards_catch_what_they_guard_against(tmp_path):
    bad = tmp_path / "bad.md"
    body = "\n".join("x%d = %d" % (i, i) for i in range(30))
    bad.write_text("---\nfile_format: mystnb\n---\n\n```{code-cell} python3\nfrom pycache_lab.book import Book\n"
                   "import re\nlines = run.stdout.splitlines()\n%s\n```\n\n```{code-cell} python3\n"
                   "book.claim('x', 'y', observe=None, expect=1)\n```\n\n:::{claim} z\nUnchecked.\n:::\n\n"
                   "```{code-cell} python3\nbook.check('w', observe=None, expect=1)\n```\n" % body)
    page = pages.read_page(bad, tmp_path)
    found = "\n".join(problems(page))
    for expected in ("has 33 lines", "imports from inside the lab", "regular expressions", "into lines",
                     "raw stdout", "no transcript", "states a claim in code", "checks w, which no {claim} block",
                     "states z, which no cell checks"):
        assert expected in found


def test_cell_code_is_at_most_a_third_of_the_pages():
    """Issue 16's measure (``scripts/page_cells.py --share``): the pages are mostly prose and evidence."""
    shares = [pages.code_share(path) for path in pages.markdown_pages(ROOT / "docs")]
    code, total = sum(c for c, _ in shares), sum(t for _, t in shares)
    assert code * 3 <= total, "cell code is %d of %d non-blank lines (%.1f%%): at most a third" % (
        code, total, 100 * code / total)
