"""Mutant interpreters for the mutation suite: shell scripts posing as a real CPython, and how a
run of the build or the self-check under them is judged.

A *breaking* mutant changes something the book observes (a flag, a variable, files tampered with
before or after each run); each must make claims drift by name. An *equivalent* mutant changes
nothing the book observes; it must make no claim drift (a drift is a false alarm).

Every wrapper that touches files does so only when its current directory is a lab scenario's own
directory (``IN_SCENARIO``): the probe, the planting helper and anything else run elsewhere are
left alone. Nothing here deletes outside a scenario.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# A guard so that tampering mutants only ever touch a lab scenario's own directory.
IN_SCENARIO = 'case "$(pwd)" in */pycache-lab-*/work*) %s ;; esac'

BREAKING = {
    "adds -B": {"exec": "-B"},
    "adds -O": {"exec": "-O"},
    "sets PYTHONPYCACHEPREFIX": {"pre": 'PYTHONPYCACHEPREFIX="$(pwd)/../tmp/prefix"; export PYTHONPYCACHEPREFIX'},
    "adds -X frozen_modules=off": {"exec": "-X frozen_modules=off", "since": (3, 11)},
    "deletes __pycache__ after the run": {"after": "find . -name __pycache__ -prune -exec rm -rf {} +"},
    "bumps source mtimes after the run": {"after": "find . -name '*.py' -exec touch -d @2000000000 {} +"},
    "sitecustomize sets sys.dont_write_bytecode": {"site": "import sys\nsys.dont_write_bytecode = True\n"},
    "sitecustomize sets sys.pycache_prefix": {"site": "import sys, tempfile\n"
                                              "sys.pycache_prefix = tempfile.gettempdir() + '/prefix'\n",
                                              "since": (3, 8)},
    "adds -I": {"exec": "-I"},
    "sets PYTHONSAFEPATH=1": {"pre": "PYTHONSAFEPATH=1; export PYTHONSAFEPATH", "since": (3, 11)},
    "sets PYTHONDONTWRITEBYTECODE=1": {"pre": "PYTHONDONTWRITEBYTECODE=1; export PYTHONDONTWRITEBYTECODE"},
    "adds -E (ignores the scenario's variables)": {"exec": "-E"},
    "adds -S": {"exec": "-S"},
    "adds -X pycache_prefix inside the scenario": {
        "pre": IN_SCENARIO % 'set -- -X pycache_prefix="$(pwd)/.prefix" "$@"', "since": (3, 8)},
    "adds --check-hash-based-pycs always": {"exec": "--check-hash-based-pycs always", "since": (3, 7)},
    "__pycache__ is a regular file": {"before": "[ -e __pycache__ ] || : > __pycache__"},
    "deletes cache files before the run": {"before": "find . -name '*.pyc' -type f -exec rm -f {} +"},
    "truncates every pyc after the run": {"after": "find . -name '*.pyc' -type f -exec truncate -s 0 {} +"},
    "prints an extra line on stdout": {"pre": "echo 'a word from the mutant'"},
    "writes noise on stderr": {"pre": "echo 'a word from the mutant' >&2"},
}
EQUIVALENT = {
    "adds -u": {"exec": "-u"},
    "adds -X utf8": {"exec": "-X utf8", "since": (3, 7)},
    "adds -s": {"exec": "-s"},
    "sets PYTHONHASHSEED=0": {"pre": "PYTHONHASHSEED=0; export PYTHONHASHSEED"},
    "adds -X faulthandler": {"exec": "-X faulthandler", "since": (3, 3)},
    "adds -W ignore": {"exec": "-W ignore"},
}
MUTANTS = {**BREAKING, **EQUIVALENT}

KNOWN_GAPS: dict[str, str] = {}
"""Breaking mutations no claim catches yet, each with the reason; empty: every one is caught."""


def applicable(names, py) -> list[str]:
    return [n for n in names if py.at_least(*MUTANTS[n].get("since", (0,)))]


def write(directory: Path, name: str, real: str) -> Path:
    """The wrapper script for mutant ``name`` around the interpreter at ``real``."""
    spec = MUTANTS[name]
    script = directory / ("python-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-"))
    lines = ["#!/bin/sh"]
    if "pre" in spec:
        lines.append(spec["pre"])
    if "site" in spec:
        site = directory / (script.name + "-site")
        site.mkdir()
        (site / "sitecustomize.py").write_text(spec["site"])
        site.chmod(0o755)
        (site / "sitecustomize.py").chmod(0o644)
        lines.append('PYTHONPATH="%s${PYTHONPATH:+:$PYTHONPATH}"; export PYTHONPATH' % site)
    if "before" in spec:
        lines.append(IN_SCENARIO % spec["before"])
    if "after" in spec:
        lines += ['%s "$@"' % real, "status=$?", IN_SCENARIO % spec["after"], "exit $status"]
    else:
        lines.append('exec %s %s "$@"' % (real, spec.get("exec", "")))
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)  # unprivileged scenarios run it too
    return script


# -- judging a run -----------------------------------------------------------------------------------
CAUGHT, CRASHED, SURVIVED, FALSE_ALARM, QUIET = "caught by name", "crashed", "survived", "false alarm", "no drift"
TRACEBACK_SIGNS = ("Traceback (most recent call last)", "Sphinx parallel build error", "Exception occurred",
                   "CellExecutionError", "please open an issue")


@dataclass
class Run:
    """One run of the build or the self-check: exit status, its output, the ledger it left."""

    tool: str  # "build" or "self-check"
    status: int
    output: str
    data: dict | None
    keys: dict[str, str] = field(default_factory=dict)  # mutant -> interpreter key
    seconds: float = 0.0

    def cell_failures(self) -> list[str]:
        """Cells that failed after a scenario failed (the page went on): the build's ``page_errors``,
        the self-check's ``<page>, cell N failed after a scenario failed`` lines."""
        listed = list((self.data or {}).get("page_errors", []))
        listed += [line for line in self.output.splitlines() if "failed after a scenario failed" in line
                   and line not in listed and not line.startswith("  ")]
        return listed

    def crash_signs(self) -> list[str]:
        """Why this run counts as crashed, whatever its drifts: exit 2 (lab or interpreter could not
        run), a traceback of Sphinx, Jupyter or a page, no ledger."""
        signs = []
        if self.status not in (0, 1):
            signs.append("exit %d" % self.status)
        if self.data is None:
            signs.append("no ledger")
        own = "\n".join(line for line in self.output.splitlines() if not line.startswith("claim '"))
        for sign in TRACEBACK_SIGNS:  # in the tool's own lines: an observed value may quote a traceback
            if sign in own and not (sign.startswith("Traceback") and self.tool == "self-check"
                                            and self._only_cell_failure_tracebacks()):
                signs.append(repr(sign))
        return signs

    def _only_cell_failure_tracebacks(self) -> bool:
        """The self-check prints a traceback with each cell that failed after a scenario failed."""
        own = [line for line in self.output.splitlines() if not line.startswith("claim '")]
        return sum("Traceback (most recent call last)" in line for line in own) <= len(self.cell_failures())

    def drifting(self, key: str) -> list[str]:
        return [c["id"] for c in (self.data or {"claims": []})["claims"] if c["results"].get(key) == "drifts"]


def missing_claims(run: Run, reference: dict[str, str]) -> list[str]:
    """Claims of the clean run (``{id: page}``) this run did not report (a page stopped before them)."""
    return sorted(set(reference) - {c["id"] for c in (run.data or {"claims": []})["claims"]})


def judge(name: str, run: Run, reference: dict[str, str], alone: bool) -> tuple[str, str]:
    """(outcome, detail) of mutant ``name`` in ``run``. ``alone``: the only mutant of the run, so a
    crash or a failed cell is its own (in a run of several it is nobody's in particular)."""
    drifting = run.drifting(run.keys.get(name, "?"))
    signs = run.crash_signs()
    missing = missing_claims(run, reference)
    if name in EQUIVALENT:
        if drifting:
            return FALSE_ALARM, "%d claim(s) drift, e.g. %s" % (len(drifting), ", ".join(drifting[:3]))
        return (CRASHED if alone and (signs or missing) else QUIET), "no claim drifts"
    if alone and (signs or missing or (drifting == [] and run.cell_failures())):
        detail = "; ".join(signs + ["%d claim(s) missing, e.g. %s" % (len(missing), missing[0])] * bool(missing))
        return CRASHED, detail or "cells failed but no claim drifts"
    if not drifting:
        return SURVIVED, "no claim drifts" + (": known gap, %s" % KNOWN_GAPS[name] if name in KNOWN_GAPS else "")
    failures = run.cell_failures() if alone else []
    return CAUGHT, "%d claim(s) drift, e.g. %s%s" % (
        len(drifting), ", ".join(drifting[:3]),
        "; %d cell(s) failed after a scenario failed (page went on)" % len(failures) if failures else "")


# -- running the tools under mutants -----------------------------------------------------------------
VERBOSE = False
"""Print each run as it ends (``python3 tests/mutants.py``)."""


def tool_run(tool: str, reals: list[str], scripts: dict[str, Path], pages: list[str], directory: Path) -> Run:
    """The self-check (``pages``: [] for every page) or the strict build (always every page), on the
    real interpreters (``controls``) and the given mutants together, as a caller with a fresh HOME
    and TMPDIR."""
    import shutil
    import time

    import trust

    spot = directory / ("run-%d" % len(list(directory.glob("run-*"))))
    for sub in ("home", "tmp"):
        (spot / sub).mkdir(parents=True)
    paths = list(reals) + [str(s) for s in scripts.values()]
    env = trust.caller_env(spot / "home", spot / "tmp")
    if tool == "build":
        out = spot / "build"
        command = [sys.executable, str(trust.BUILD), "--build", str(out)]
        env["PYCACHE_BOOK_PYTHONS"] = ":".join(paths)
        ledger = out / "claims.json"
    else:
        ledger = spot / "out.json"
        command = trust.verify_command(paths, pages, ledger)
    started = time.monotonic()
    done = trust.run(command, env, trust.ROOT)
    seconds = time.monotonic() - started
    if tool == "build":  # as the build itself reads it: claims.json, or the pages' fragments if Sphinx stopped
        from pycache_lab import drifts
        data = drifts.ledger_of_build(out)
    else:
        data = trust.load(ledger) if ledger.exists() else None
    keys = {}
    if data is not None:
        by_path = {i["path"]: i["version"] for i in data["interpreters"]}
        keys = {n: by_path.get(str(s), "?") for n, s in scripts.items()}
    run = Run(tool, done.returncode, done.stdout + done.stderr, data, keys, seconds)
    if VERBOSE:
        log = Path("/tmp/mutants-logs")
        log.mkdir(exist_ok=True)
        (log / ("%s-%d-%s.log" % (tool, len(scripts), re.sub(r"[^A-Za-z0-9]+", "-", ",".join(scripts))[:60]))).write_text(
            run.output)
        print("%s of %d mutant(s) (%s): exit %d, %.0f s, %s, cells failed: %s" % (
            tool, len(scripts), ", ".join(scripts)[:200], run.status, seconds, run.crash_signs(),
            run.cell_failures()[:6]), flush=True)
        if run.crash_signs():
            print("\n".join(line for line in run.output.splitlines() if "Error" in line or "rror:" in line)[-3000:],
                  flush=True)
    shutil.rmtree(spot, ignore_errors=True)
    return run


def outcomes(tool: str, reals: list[str], scripts: dict[str, Path], pages: list[str], directory: Path,
             reference: dict[str, str], each_alone: bool = True) -> tuple[dict[str, tuple[str, str]], list[Run]]:
    """Every mutant's (outcome, detail) under ``tool``: one run with all mutants together. A crash
    or a failed cell in that run cannot be pinned on one mutant: each mutant then runs again alone
    (the self-check only on the pages that failed) and is judged crashed if that run crashes."""
    together = tool_run(tool, reals, scripts, pages, directory)
    runs = [together]
    verdicts = {n: judge(n, together, reference, alone=len(scripts) == 1) for n in scripts}
    suspect = failed_pages(together)
    if len(scripts) == 1 or not each_alone or not (
            together.crash_signs() or suspect or missing_claims(together, reference)):
        return verdicts, runs
    if tool == "self-check" and suspect and not together.crash_signs():
        pages, reference = sorted(suspect), {i: p for i, p in reference.items() if p in suspect}
    for name, script in scripts.items():
        alone = tool_run(tool, reals, {name: script}, pages, directory)
        runs.append(alone)
        outcome, detail = judge(name, alone, reference, alone=True)
        if outcome == CRASHED:
            verdicts[name] = (CRASHED, detail)
        elif alone.cell_failures() and verdicts[name][0] == CAUGHT:
            verdicts[name] = (CAUGHT, verdicts[name][1] + "; %d cell(s) failed after a scenario failed"
                              " (the page went on)" % len(alone.cell_failures()))
    return verdicts, runs


def failed_pages(run: Run) -> set[str]:
    """Pages named by a failed cell or a lab error of the run (``<page>, cell N ...``)."""
    lines = run.cell_failures() + [line for line in run.output.splitlines() if "the lab could not run" in line]
    return {m.group(1) for m in (re.match(r"([A-Za-z0-9_/-]+), (cell \d+|a cell)", line) for line in lines) if m}


def controls(interpreters: list) -> list:
    """The real interpreters every run includes: the newest, which the mutants wrap, and a partner of
    another minor version (some claims compare two versions; the myths chapter needs one)."""
    newest = interpreters[-1]
    return [newest] + [py for py in interpreters if py.short != newest.short][:1]


def reference_claims(reals: list[str], pages: list[str], directory: Path) -> tuple[dict[str, str], Run]:
    """The claims (``{id: page}``) a clean self-check of ``pages`` reports on the real interpreters alone."""
    run = tool_run("self-check", reals, {}, pages, directory)
    assert run.status == 0 and run.data, "the real interpreters must pass the self-check:\n" + run.output[-3000:]
    return {c["id"]: c["page"] for c in run.data["claims"]}, run


def main(argv=None) -> int:
    """``python3 tests/mutants.py [--build] [--page NAME ...] [--real PATH] [--only NAME ...]``:
    print the matrix (mutant x tool -> outcome) without pytest."""
    import argparse
    import shutil
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from pycache_lab.interpreters import named

    parser = argparse.ArgumentParser()
    parser.add_argument("--real", action="append", help="the interpreter to wrap (the newest named) and its partner")
    parser.add_argument("--page", action="append", default=[])
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--tool", action="append", choices=["self-check", "build"])
    parser.add_argument("--together", action="store_true", help="never re-run a mutant alone")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = True
    from pycache_lab import discover
    reals = controls(named(args.real).interpreters if args.real else discover().interpreters)
    real = reals[0]
    directory = Path(tempfile.mkdtemp(prefix="pycache-mutants-", dir="/tmp"))
    directory.chmod(0o755)
    try:
        names = applicable(args.only or list(MUTANTS), real)
        scripts = {n: write(directory, n, real.path) for n in names}
        reference, control = reference_claims([py.path for py in reals], args.page, directory)
        print("control: %d claims on %s, %.0f s" % (len(reference), ", ".join(py.label for py in reals),
                                                   control.seconds), flush=True)
        tools = args.tool or ["self-check"]
        table = {}
        for tool in tools:
            table[tool], runs = outcomes(tool, [py.path for py in reals], scripts, args.page if tool == "self-check" else [],
                                         directory, reference, not args.together)
            print("%s: %d run(s), %s" % (tool, len(runs), ", ".join("%.0f s" % r.seconds for r in runs)), flush=True)
        for name in names:
            print("%-45s %s" % (name, "  |  ".join("%s: %s (%s)" % (t, *table[t][name]) for t in tools)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
