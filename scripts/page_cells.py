"""Write each notebook page's code cells as one Python file, for linters: ``<out>/<page>.py``.

    python scripts/page_cells.py OUT_DIR

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


def main(argv: "list[str]") -> int:
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for page in pages.notebook_pages(ROOT / "docs"):
        parts = ["# %s, cell %d\n%s" % (page.path.name, n, cell) for n, cell in enumerate(page.cells, 1)]
        (out / (page.name.replace("/", "__") + ".py")).write_text("\n".join(parts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
