"""Write each notebook page's code cells as one Python file, for linters: ``<out>/<page>.py``.

    python scripts/page_cells.py OUT_DIR
    python scripts/page_cells.py --share      # how much of each page is cell code

Cells are joined in page order, each preceded by a ``# <page>.md, cell N`` comment, so a finding's
line leads back to its cell.
Used by ``nox -s lint``.
"""
import sys

sys.dont_write_bytecode = True

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from pycache_lab import pages  # noqa: E402


def share() -> str:
    """One line per page with cells, then the whole book: cell code against non-blank lines."""
    lines, code, total = [], 0, 0
    for path in pages.markdown_pages(ROOT / "docs"):
        page_code, page_total = pages.code_share(path)
        code, total = code + page_code, total + page_total
        if page_code:
            lines.append("%-28s %4d of %4d lines are cell code (%2.0f%%)" % (
                path.relative_to(ROOT / "docs").as_posix(), page_code, page_total, 100 * page_code / page_total))
    lines.append("%-28s %4d of %4d lines are cell code (%.1f%%)" % ("the book's pages", code, total, 100 * code / total))
    return "\n".join(lines)


def main(argv: "list[str]") -> int:
    if argv == ["--share"]:
        print(share())
        return 0
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for page in pages.notebook_pages(ROOT / "docs"):
        parts = ["# %s, cell %d\n%s" % (page.path.name, n, cell) for n, cell in enumerate(page.cells, 1)]
        (out / (page.name.replace("/", "__") + ".py")).write_text("\n".join(parts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
