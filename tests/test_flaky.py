"""No flakiness: the whole claim set, run five times in a row, gives identical results.

Every page on every interpreter found under ``PYCACHE_BOOK_TRUST=full`` (``nox -s hostile``); on
the oldest and the newest interpreter otherwise (``nox -s tests``, CI). Compared: each claim's
verdict and observed value per interpreter.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import trust

RUNS = 5


def test_five_runs_in_a_row_give_identical_results(interpreters):
    chosen = interpreters if trust.FULL else trust._unique([interpreters[0], interpreters[-1]])
    directory = Path(tempfile.mkdtemp(prefix="pycache-trust-flaky-", dir="/tmp"))
    directory.chmod(0o755)  # the unprivileged user of some scenarios must reach the sandboxes below
    try:
        (directory / "home").mkdir()
        (directory / "tmp").mkdir(mode=0o755)
        runs, seconds = [], []
        for number in range(RUNS):
            out = directory / ("run-%d.json" % number)
            started = time.monotonic()
            done = trust.run(trust.verify_command(chosen, [], out),
                             trust.caller_env(directory / "home", directory / "tmp"), trust.ROOT)
            seconds.append(time.monotonic() - started)
            assert done.returncode == 0, done.stdout + done.stderr
            runs.append(trust.load(out))
        for number, data in enumerate(runs[1:], start=2):
            assert trust.differences(runs[0], data) == [], "run %d differs from run 1" % number
        print("\n%d runs of %d claims on %d interpreter(s): identical; %s s each"
              % (RUNS, len(runs[0]["claims"]), len(chosen), ", ".join("%.0f" % s for s in seconds)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
