"""Build the book strictly: an empty build directory, every cell executed, every warning fatal.

    python scripts/build_book.py [--source docs] [--build build] [--conf .] [--jobs auto]

Used by ``nox -s docs`` and by the tests (on throw-away books), so there is one definition of
"strict". Exit status: sphinx-build's (non-zero on any cell error, drift or warning).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def strict_command(source: Path, build: Path, conf: Path, jobs: str) -> list[str]:
    return [sys.executable, "-m", "sphinx", "-M", "html", str(source), str(build), "-c", str(conf),
            "-W", "--keep-going", "-n", "-E", "-T", "-j", jobs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "docs")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--conf", type=Path, default=ROOT)
    parser.add_argument("--jobs", default="auto")
    args = parser.parse_args(argv)
    shutil.rmtree(args.build, ignore_errors=True)
    env = dict(os.environ, PYCACHE_BOOK_PREVIEW="0")
    return subprocess.call(strict_command(args.source, args.build, args.conf, args.jobs), env=env)


if __name__ == "__main__":
    sys.exit(main())
