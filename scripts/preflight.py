"""Check that everything a build, a test run or a self-check needs is here, before anything runs.

    python scripts/preflight.py --for docs|tests|verify

See ``pycache_lab.preflight``. Used at the start of ``nox -s docs``, ``tests`` and ``verify``.
"""
import sys

sys.dont_write_bytecode = True  # the tooling never writes pycs into the checkout

from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pycache_lab import preflight  # noqa: E402

if __name__ == "__main__":
    sys.exit(preflight.main())
