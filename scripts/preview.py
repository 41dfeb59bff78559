"""Live preview while writing (``nox -s preview``): quick to answer, clean to stop.

    python scripts/preview.py [--port 8000] [--all-interpreters]

Quick: cells run in MyST-NB's cache mode with the cache kept in ``.preview/`` (which ``nox -s
docs`` never wipes), so a page whose code cells did not change is not executed again, not even
after a restart; and, unless ``PYCACHE_BOOK_PYTHONS`` names some or ``--all-interpreters`` is
given, scenarios run on the oldest and the newest interpreter found only. What it shows is for
writing, never for checking: the strict build (``nox -s docs``) is the check.

Clean: sphinx-autobuild runs in a process group of its own; Ctrl-C, SIGTERM or SIGHUP stops the
group (the web server on the port included) and every kernel and scenario it started.
"""
import sys

sys.dont_write_bytecode = True

import argparse  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from build_book import TOOLING_UNSET, run_interruptibly  # noqa: E402
from pycache_lab import interpreters, reaper  # noqa: E402

PREVIEW_DIR = ROOT / ".preview"


def preview_pythons(environ) -> "str | None":
    """The oldest and the newest interpreter found, unless the caller named some."""
    if environ.get(interpreters.ENV_VAR, "").strip():
        return None
    found = interpreters.discover(environ).interpreters
    if len(found) <= 2:
        return None
    return os.pathsep.join(py.path for py in (found[0], found[-1]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--port", default="8000")
    parser.add_argument("--all-interpreters", action="store_true")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in TOOLING_UNSET}
    pythons = None if args.all_interpreters else preview_pythons(env)
    if pythons:
        env[interpreters.ENV_VAR] = pythons
        print("preview: scenarios run on %s only (--all-interpreters for every one)"
              % ", ".join(pythons.split(os.pathsep)), file=sys.stderr)
    PREVIEW_DIR.mkdir(exist_ok=True)
    env.update(PYCACHE_BOOK_PREVIEW="1", PYCACHE_BOOK_PREVIEW_CACHE=str(PREVIEW_DIR / "jupyter_cache"),
               PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "sphinx_autobuild", str(ROOT / "docs"), str(PREVIEW_DIR / "html"),
               "-c", str(ROOT), "--watch", str(ROOT / "scripts"), "--port", args.port,
               "-d", str(PREVIEW_DIR / "doctrees"), "-j", "auto"]
    with reaper.private_tmpdir("pycache-preview-") as private:
        env["TMPDIR"] = str(private)
        print("preview: http://127.0.0.1:%s (Ctrl-C stops it)" % args.port, file=sys.stderr)
        status = run_interruptibly(command, env)
    return 0 if status == 130 else status


if __name__ == "__main__":
    sys.exit(main())
