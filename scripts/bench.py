"""Benchmark the book's build and the lab on this machine; write the figures to build/bench.json.

    python scripts/bench.py [--runs 3] [--output build/bench.json] [--quick] [--only self-check|build]

Every figure is a median of ``--runs`` runs (``--quick``: one run each). Reported:

- ``build``: the clean strict build of the whole book (scripts/build_book.py, all interpreters
  found), and the same Sphinx build with execution switched off (the cost of Sphinx alone);
- ``processes``: how many interpreter processes one strict build starts (the lab's run log:
  every scenario run and planted pyc; a scenario's own children are not counted, so this is a
  lower bound), each interpreter's bare start-up (``python -c pass``), and the floor: the sum of
  count x start-up, divided by the cores the build may use;
- ``lab_overhead``: per interpreter, one scenario through the lab (a fresh sandbox, the isolating
  wrapper, the tree snapshots, the clean-up) against the same bare command, in the same run;
- ``self_check``: scripts/verify_claims.py on 1, 5 and all interpreters, and on growing sets of
  pages on one interpreter (seconds against the number of claims); ``side_by_side``: in one run,
  the self-check on every interpreter and on all but the newest minor versions (3.14 and later),
  each as wall time and as CPU time (the children's user + system time, which a loaded machine
  changes far less than wall time), per claim and interpreter. ``--only self-check`` measures
  these alone; ``--only build``, the strict build against its floor alone.

Speed is reported here and never asserted in a test: a loaded machine would make such a test flaky.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from pycache_lab import interpreters, pages  # noqa: E402
from pycache_lab.sandbox import RUN_LOG_VAR, SYSTEM_PATH, Sandbox  # noqa: E402

BUILD_SCRIPT = ROOT / "scripts" / "build_book.py"
VERIFY_SCRIPT = ROOT / "scripts" / "verify_claims.py"


def timed(command: list[str], env: dict | None = None) -> float:
    """Wall time of a command that must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0,):
        tail = done.stdout.decode("utf-8", "replace")[-3000:]
        raise SystemExit("benchmark command failed (%d): %s\n%s" % (done.returncode, " ".join(command), tail))
    return elapsed


def children_cpu() -> float:
    """User + system seconds of every finished child process so far (and of their children)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def median_of(runs: int, measure) -> dict:
    values = [measure() for _ in range(runs)]
    return {"median_s": round(statistics.median(values), 3), "runs_s": [round(v, 3) for v in values]}


def bare_env() -> dict:
    return {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "HOME": tempfile.gettempdir()}


# -- interpreter start-up and the lab's overhead --------------------------------------------------
def startup_times(found: list[interpreters.Interpreter], repeat: int) -> dict:
    """Median wall time of ``python -c pass`` per interpreter, started directly."""
    result = {}
    for py in found:
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([py.path, "-c", "pass"], env=bare_env(), check=True)
            samples.append(time.perf_counter() - start)
        result[py.key] = round(statistics.median(samples), 4)
    return result


def lab_overhead(found: list[interpreters.Interpreter], repeat: int) -> dict:
    """One scenario through the lab versus the bare command, interleaved so load affects both alike."""
    result = {}
    for py in found:
        bare, scenario, run_only = [], [], []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([py.path, "-c", "import sys"], env=bare_env(), check=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            with Sandbox() as box:
                box.write("mod.py", "X = 1\n")
                started = time.perf_counter()
                box.run(py, ["-c", "import sys"])
                run_only.append(time.perf_counter() - started)
            scenario.append(time.perf_counter() - start)
        b, s, r = (statistics.median(v) for v in (bare, scenario, run_only))
        result[py.key] = {"bare_s": round(b, 4), "scenario_s": round(s, 4), "run_only_s": round(r, 4),
                          "ratio": round(s / b, 2), "run_only_ratio": round(r / b, 2)}
    return result


# -- the build ------------------------------------------------------------------------------------
def strict_build(build_dir: Path) -> float:
    return timed([sys.executable, str(BUILD_SCRIPT), "--build", str(build_dir)])


def sphinx_only_build(build_dir: Path) -> float:
    """The same Sphinx build with notebook execution off: what Sphinx itself costs."""
    shutil.rmtree(build_dir, ignore_errors=True)
    env = dict(os.environ, PYCACHE_BOOK_PREVIEW="off")
    return timed([sys.executable, "-m", "sphinx", "-M", "html", "docs", str(build_dir), "-c", ".",
                  "-E", "-T", "-q", "-j", "auto"], env=env)


def count_runs(build_dir: Path, found: list[interpreters.Interpreter]) -> tuple[float, dict]:
    """One strict build with the lab's run log on: its time and the interpreter runs per interpreter.

    The lab logs each command it starts (scenario runs and planted pycs); processes a scenario
    starts by itself (a driver's children) are not in the log, so the count is a lower bound.
    """
    log = build_dir.parent / (build_dir.name + "-runs.log")
    log.write_text("", encoding="utf-8")
    env = dict(os.environ, **{RUN_LOG_VAR: str(log)})
    seconds = timed([sys.executable, str(BUILD_SCRIPT), "--build", str(build_dir)], env=env)
    keys = {py.path: py.key for py in found}
    counts = {py.key: 0 for py in found}
    other = 0
    for line in log.read_text(encoding="utf-8").splitlines():
        if line in keys:
            counts[keys[line]] += 1
        else:
            other += 1
    log.unlink()
    return seconds, {"per_interpreter": counts, "other_commands": other}


def build_against_floor(report: dict, build_dir: Path, found: list[interpreters.Interpreter], cores: int) -> dict:
    """One counted strict build: its time, and the floor its interpreter processes set."""
    seconds, counted = count_runs(build_dir, found)
    total = sum(counted["per_interpreter"].values())
    floor = sum(n * report["startup_s"][k] for k, n in counted["per_interpreter"].items()) / cores
    report["processes"] = dict(counted, total=total, floor_s=round(floor, 2), cores=cores,
                               strict_build_over_floor=round(seconds / floor, 2) if floor else None)
    return {"median_s": round(seconds, 3), "runs_s": [round(seconds, 3)], "claims": claims_in(build_dir / "claims.json"),
            "pages": len(pages.notebook_pages(ROOT / "docs"))}


def claims_in(claims_json: Path) -> int:
    return len(json.loads(claims_json.read_text(encoding="utf-8"))["claims"])


# -- the self-check -------------------------------------------------------------------------------
def verify(pythons: list[str], page_names: list[str] | None = None) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="pycache-bench-") as tmp:
        out = Path(tmp) / "claims.json"
        command = [sys.executable, str(VERIFY_SCRIPT), "--json", str(out)]
        for path in pythons:
            command += ["--python", path]
        for name in page_names or []:
            command += ["--page", name]
        seconds = timed(command)
        return seconds, claims_in(out)


def side_by_side(found: list[interpreters.Interpreter], runs: int, newer_than=(3, 13)) -> dict:
    """The self-check with and without the newest minor versions, in one run: does adding them add
    work in proportion (the same cost per claim and interpreter) or overhead?"""
    older = [py for py in found if tuple(py.version_info[:2]) <= newer_than]
    if not older or len(older) == len(found):
        return {}
    sets = {"all": found, "without %s" % ", ".join(sorted({py.short for py in found if py not in older})): older}
    report = {}
    for label, chosen in sets.items():
        walls, cpus, claims = [], [], 0
        for _ in range(runs):
            before = children_cpu()
            seconds, claims = verify([py.path for py in chosen])
            walls.append(seconds)
            cpus.append(children_cpu() - before)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        report[label] = {"interpreters": len(chosen), "claims": claims, "wall_s": round(wall, 2),
                         "cpu_s": round(cpu, 2),
                         "wall_ms_per_claim_and_interpreter": round(1000 * wall / (claims * len(chosen)), 2),
                         "cpu_ms_per_claim_and_interpreter": round(1000 * cpu / (claims * len(chosen)), 2)}
    return report


def self_check(found: list[interpreters.Interpreter], runs: int) -> dict:
    newest = found[-1:] if found else []
    sizes = sorted({1, min(5, len(found)), len(found)})
    by_interpreters = {}
    for size in sizes:
        chosen = [py.path for py in spread(found, size)]
        samples, claims = [], 0
        for _ in range(runs):
            seconds, claims = verify(chosen)
            samples.append(seconds)
        by_interpreters[str(size)] = {"interpreters": [py.key for py in spread(found, size)],
                                      "claims": claims, "median_s": round(statistics.median(samples), 2)}
    # Growth with the number of claims: growing prefixes of the pages, on one interpreter.
    names = [p.name for p in pages.notebook_pages(ROOT / "docs")]
    by_claims = []
    for fraction in (0.25, 0.5, 1.0):
        subset = names[: max(1, round(len(names) * fraction))]
        seconds, claims = verify([py.path for py in newest], subset)
        by_claims.append({"pages": len(subset), "claims": claims, "seconds": round(seconds, 2)})
    return {"by_interpreters": by_interpreters, "by_claims_on_one_interpreter": by_claims}


def spread(found: list, size: int) -> list:
    """``size`` interpreters spread over the versions found (oldest and newest always in)."""
    if size >= len(found):
        return list(found)
    if size == 1:
        return found[-1:]
    step = (len(found) - 1) / (size - 1)
    return [found[round(i * step)] for i in range(size)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "bench.json")
    parser.add_argument("--quick", action="store_true", help="one run of each figure")
    parser.add_argument("--only", choices=["self-check", "build"], help="measure only these figures")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs

    found = interpreters.discover().interpreters
    cores = os.cpu_count() or 1
    scratch = Path(tempfile.mkdtemp(prefix="pycache-bench-"))
    report: dict = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cores": cores, "python": sys.version.split()[0]},
        "interpreters": [{"version": py.key, "path": py.path} for py in found],
    }
    try:
        if args.only == "self-check":
            print("self-check ...", flush=True)
            report["self_check"] = self_check(found, runs)
            report["side_by_side"] = side_by_side(found, runs)
            return finish(report, args.output)
        print("start-up and lab overhead ...", flush=True)
        report["startup_s"] = startup_times(found, 9 if not args.quick else 3)
        if args.only == "build":
            print("strict build ...", flush=True)
            report["build"] = {"strict": build_against_floor(report, scratch / "build", found, cores)}
            return finish(report, args.output)
        report["lab_overhead"] = lab_overhead(found, 9 if not args.quick else 3)
        ratios = [v["ratio"] for v in report["lab_overhead"].values()]
        report["lab_overhead_median_ratio"] = round(statistics.median(ratios), 2) if ratios else None

        print("strict builds ...", flush=True)
        build_dir = scratch / "build"
        strict = build_against_floor(report, build_dir, found, cores)  # the first strict build also counts
        if runs > 1:
            strict["runs_s"] += median_of(runs - 1, lambda: strict_build(build_dir))["runs_s"]
            strict["median_s"] = round(statistics.median(strict["runs_s"]), 3)
            floor = report["processes"]["floor_s"]
            report["processes"]["strict_build_over_floor"] = round(strict["median_s"] / floor, 2) if floor else None
        report["build"] = {"strict": strict,
                           "sphinx_only": median_of(runs, lambda: sphinx_only_build(scratch / "plain"))}

        print("self-check ...", flush=True)
        report["self_check"] = self_check(found, runs)
        report["side_by_side"] = side_by_side(found, runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return finish(report, args.output)


def finish(report: dict, output: Path) -> int:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(summary(report))
    print("written to %s" % output)
    return 0


def summary(report: dict) -> str:
    lines = ["%d interpreters, %d cores" % (len(report["interpreters"]), report["machine"]["cores"])]
    build = report.get("build")
    if build:
        lines.append("strict build: %.1f s (%d claims, %d pages)%s"
                     % (build["strict"]["median_s"], build["strict"]["claims"], build["strict"]["pages"],
                        "; Sphinx alone: %.1f s" % build["sphinx_only"]["median_s"] if "sphinx_only" in build else ""))
    processes = report.get("processes", {})
    if "total" in processes:
        lines.append("interpreter processes per build: %d; floor %.1f s on %d cores (build = %.1f x floor)"
                     % (processes["total"], processes["floor_s"], processes["cores"],
                        processes["strict_build_over_floor"]))
    if "lab_overhead_median_ratio" in report:
        lines.append("lab overhead per scenario (median over interpreters): %.2f x the bare command"
                     % report["lab_overhead_median_ratio"])
    for size, row in report.get("self_check", {}).get("by_interpreters", {}).items():
        lines.append("self-check on %s interpreter(s): %.1f s (%d claims)" % (size, row["median_s"], row["claims"]))
    for label, row in report.get("side_by_side", {}).items():
        lines.append("self-check, %s (%d interpreters): %.1f s wall, %.1f s CPU; per claim and interpreter "
                     "%.1f ms wall, %.1f ms CPU" % (label, row["interpreters"], row["wall_s"], row["cpu_s"],
                                                    row["wall_ms_per_claim_and_interpreter"],
                                                    row["cpu_ms_per_claim_and_interpreter"]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
