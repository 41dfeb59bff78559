"""Build the book strictly: an empty build directory, every cell executed, every warning fatal.

    python scripts/build_book.py [--source docs] [--build build] [--conf .] [--jobs auto]

Used by ``nox -s docs`` and by the tests (on throw-away books), so there is one definition of
"strict". Every page runs to its end; the build ends with the complete list of drifts (claim,
interpreter, expected, observed: the self-check's format), also in ``build/claims.json`` and
``build/drifts.md``. Exit status: sphinx-build's (non-zero on any cell error or warning), or 1
when a claim drifts.
"""
import sys

sys.dont_write_bytecode = True  # first of all: the tooling never writes pycs (nor into a caller's prefix)

import argparse
import os
import shutil
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from pycache_lab import drifts, reaper  # noqa: E402

# Variables of the caller's shell that would change how the build's own tools run (not the
# scenarios: those get an environment built from nothing): Sphinx and the page kernels run
# without them, and never write pycs into the checkout.
TOOLING_UNSET = ("PYTHONOPTIMIZE", "PYTHONWARNINGS", "PYTHONPYCACHEPREFIX", "PYTHONSAFEPATH",
                 "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONDEVMODE", "PYTHONHOME", "PYTHONNOUSERSITE")


def strict_command(source: Path, build: Path, conf: Path, jobs: str) -> "list[str]":
    return [sys.executable, "-m", "sphinx", "-M", "html", str(source), str(build), "-c", str(conf),
            "-W", "--keep-going", "-n", "-E", "-T", "-j", jobs]


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])  # None under -OO
    parser.add_argument("--source", type=Path, default=ROOT / "docs")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--conf", type=Path, default=ROOT)
    parser.add_argument("--jobs", default="auto")
    args = parser.parse_args(argv)
    shutil.rmtree(args.build, ignore_errors=True)
    with reaper.private_tmpdir("pycache-build-") as private:
        env = {k: v for k, v in os.environ.items() if k not in TOOLING_UNSET}
        env.update(PYCACHE_BOOK_PREVIEW="0", PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(private))
        status = run_interruptibly(strict_command(args.source, args.build, args.conf, args.jobs), env)
        keep_crash_logs(private, args.build)
    if status == 130:
        return status
    return report_drifts(args.build, status)


def report_drifts(build: Path, status: int) -> int:
    """End with every drift, in the self-check's format (the last lines of the build's output)."""
    data = drifts.ledger_of_build(build)
    if data is None:
        return status
    if not (build / "drifts.md").exists():  # Sphinx stopped before its end: the pages' fragments
        (build / "drifts.md").write_text(drifts.markdown(data), encoding="utf-8")
    sys.stdout.flush()
    print("\n" + drifts.report(data), flush=True)
    return status or (1 if drifts.failing(data) else 0)


def keep_crash_logs(private: Path, build: Path) -> None:
    """Sphinx saves a crash's traceback in TMPDIR, which is about to be removed: keep it in the build."""
    for log in sorted(private.glob("sphinx-err-*.log")):
        build.mkdir(parents=True, exist_ok=True)
        shutil.move(str(log), str(build / log.name))
        print("Sphinx's full traceback is kept in %s" % (build / log.name), file=sys.stderr)


def run_interruptibly(command: "list[str]", env: dict) -> int:
    """Run Sphinx in its own process group; on SIGINT or SIGTERM stop it, and say so.

    Its kernels and their scenarios are killed afterwards by ``reaper`` (they run in sessions
    of their own, with a TMPDIR inside the run's private directory).
    """
    process = subprocess.Popen(command, env=env, start_new_session=True)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, interrupt)
    try:
        return process.wait()
    except KeyboardInterrupt:
        for number, patience in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(process.pid, number)
                process.wait(timeout=patience)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        print("build interrupted: Sphinx, its kernels and their scenarios stopped, temporary files "
              "removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
