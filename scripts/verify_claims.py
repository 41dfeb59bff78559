"""Re-check every claim of the book against your interpreters, without Sphinx or Jupyter.

    python scripts/verify_claims.py [--python PATH ...] [--page NAME ...] [--json FILE]

It runs the code cells of the book's own pages (docs/*.md), so it checks exactly the claims the
book states. Default interpreter: the one running this script. Exit status: 0 when every claim
holds, 1 on any drift (each named with interpreter, expected and observed; a scenario that raised
is a drift of the claims that read it), 2 when an interpreter could not be used or the lab itself
could not run (a ``LabError``, or a page that failed with no scenario failure to explain it).
Needs only the standard library (Python 3.8+).
"""
import sys

sys.dont_write_bytecode = True  # first of all: the tooling never writes pycs (nor into a caller's prefix)

import argparse
import contextlib
import io
import json
import os
import signal
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from pycache_lab import book, drifts, failed, interpreters, ledger, pages, reaper, sandbox  # noqa: E402


def run_page(page: pages.Page) -> "tuple[str, bool] | None":
    """Execute a page's cells in a fresh namespace, every one of them even after a failure.

    Return None, or the first error's text and whether it is the lab's own (exit status 2): a
    ``LabError``, or a cell that failed while no scenario of the page had failed. A cell that fails
    after a scenario failed is a consequence of that drift (the claims reading it drift by name).
    """
    namespace = {"__name__": "__page__"}
    failures_before = failed.Failed._made
    first, later = None, 0
    for number, cell in enumerate(page.cells, start=1):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell, "%s, cell %d" % (page.path.name, number), "exec"), namespace)
        except sandbox.LabError:
            return "%s, cell %d: the lab could not run:\n%s" % (page.name, number, traceback.format_exc(limit=3)), True
        except Exception:
            if first is None:
                lab_own = failed.Failed._made == failures_before
                first = ("%s, cell %d failed%s:\n%s" % (page.name, number, "" if lab_own else " after a scenario failed",
                                                       traceback.format_exc(limit=3)), lab_own)
            else:
                later += 1
    if first is not None and later:
        return first[0] + "(and %d later cell(s) of the page)" % later, first[1]
    return first


def table(data: dict) -> str:
    keys = [i["version"] for i in data["interpreters"]]
    width = max([len(c["id"]) for c in data["claims"]] + [5])
    lines = ["%-*s  %s" % (width, "claim", "  ".join("%-7s" % k for k in keys))]
    for claim in data["claims"]:
        lines.append("%-*s  %s" % (width, claim["id"], "  ".join("%-7s" % claim["results"].get(k, "-") for k in keys)))
    return "\n".join(lines)


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])  # None under -OO
    parser.add_argument("--python", action="append", default=[], metavar="PATH",
                        help="an interpreter to check (repeatable; default: the one running this)")
    parser.add_argument("--page", action="append", default=[], help="only these pages (docnames)")
    parser.add_argument("--json", type=Path, help="also write the results, as in build/claims.json")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    chosen = args.python or [sys.executable]
    os.environ[interpreters.ENV_VAR] = os.pathsep.join(chosen)
    try:
        used = book.use(interpreters.named(chosen, named_by="with --python" if args.python else
                                           "(the Python running this script)"))
    except interpreters.InterpreterError as error:
        print(error, file=sys.stderr)
        return 2
    book.RAISE_ON_DRIFT = False

    selected = [p for p in pages.notebook_pages(args.docs) if not args.page or p.name in args.page]
    missing = set(args.page) - {p.name for p in selected}
    if missing:
        print("no such page: %s" % ", ".join(sorted(missing)), file=sys.stderr)
        return 2
    print(used.describe())
    errors, lab_errors = [], []
    # Every sandbox goes into one private directory; Ctrl-C (or SIGTERM) kills the running
    # scenarios at once, starts no new one, and the directory is removed on the way out.
    with reaper.private_tmpdir("pycache-verify-") as private:
        tempfile.tempdir = str(private)

        def interrupt(signum, frame):
            sandbox.stop()
            reaper.reap(private)
            raise KeyboardInterrupt

        previous_handlers = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
        fragments = private / "ledger"
        os.environ[ledger.ENV_VAR] = str(fragments)
        os.environ[book.DOCS_ENV_VAR] = str(args.docs.resolve())  # where book.check finds the statements
        previous = os.getcwd()
        os.chdir(args.docs)  # where the book's kernels run
        try:
            for page in selected:
                error = run_page(page)
                if error:
                    (lab_errors if error[1] else errors).append(error[0])
        except KeyboardInterrupt:
            print("interrupted: running scenarios killed, temporary files removed", file=sys.stderr)
            return 130
        finally:
            os.chdir(previous)
            tempfile.tempdir = None
            for number, handler in previous_handlers.items():
                signal.signal(number, handler)
        data, problems = ledger.merge(fragments)
    lab_errors += problems

    print()
    print(table(data))
    for error in errors + lab_errors:
        print(error, file=sys.stderr)
    sys.stderr.flush()
    print("\n" + drifts.report(data))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    return 2 if lab_errors else 1 if drifts.failing(data) or errors else 0


if __name__ == "__main__":
    sys.exit(main())
