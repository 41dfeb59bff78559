"""Mutation tests: interpreters made to misbehave on purpose must make claims drift, by name.

Each mutant is a shell script that poses as the newest interpreter (the lab probes interpreters by
running them, so a script named in PYCACHE_BOOK_PYTHONS is one) but adds a flag, sets a variable,
injects a ``sitecustomize`` or tampers with the scenario's files after the run. All mutants and
the real interpreter run in ONE self-check of the whole book (the real one is the control: every
claim must hold on it); each mutant must make at least one claim drift. Whole book under
``PYCACHE_BOOK_TRUST=full``; three pages otherwise (they catch every mutant; see trust.QUICK_PAGES). The score is printed at
the end of the pytest run (tests/conftest.py).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

import trust

# A guard so that tampering mutants only ever touch a lab scenario's own directory.
IN_SCENARIO = 'case "$(pwd)" in */pycache-lab-*/work*) %s ;; esac'
MUTANTS = {
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
}
KNOWN_GAPS: dict[str, str] = {}
"""Mutations no claim catches yet, each with the reason; empty: every mutation is caught."""


def mutant(directory: Path, name: str, real: str) -> Path:
    spec = MUTANTS[name]
    script = directory / ("python-" + "".join(c if c.isalnum() else "-" for c in name))
    lines = ["#!/bin/sh"]
    if "pre" in spec:
        lines.append(spec["pre"])
    if "site" in spec:
        site = directory / (script.name + "-site")
        site.mkdir()
        (site / "sitecustomize.py").write_text(spec["site"])
        lines.append('PYTHONPATH="%s${PYTHONPATH:+:$PYTHONPATH}"; export PYTHONPATH' % site)
    if "after" in spec:
        lines += ['%s "$@"' % real, "status=$?", IN_SCENARIO % spec["after"], "exit $status"]
    else:
        lines.append('exec %s %s "$@"' % (real, spec.get("exec", "")))
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)  # unprivileged scenarios run it too
    for path in directory.rglob("sitecustomize.py"):
        path.parent.chmod(0o755)
        path.chmod(0o644)
    return script


@pytest.fixture(scope="module")
def mutation_run(newest):
    """One self-check of the whole book: the real newest interpreter, then every applicable mutant."""
    directory = Path(tempfile.mkdtemp(prefix="pycache-mutants-", dir="/tmp"))
    directory.chmod(0o755)
    try:
        names = [n for n in MUTANTS if newest.at_least(*MUTANTS[n].get("since", (0,)))]
        scripts = {n: mutant(directory, n, newest.path) for n in names}
        out = directory / "out.json"
        (directory / "home").mkdir()
        (directory / "tmp").mkdir()
        done = trust.run(trust.verify_command([newest.path] + [str(s) for s in scripts.values()], trust.pages(), out),
                         trust.caller_env(directory / "home", directory / "tmp"), trust.ROOT)
        data = trust.load(out)
        keys = {i["path"]: i["version"] for i in data["interpreters"]}
        yield {"done": done, "data": data, "real": keys[newest.path],
               "keys": {n: keys[str(s)] for n, s in scripts.items()}}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_every_claim_holds_on_the_real_interpreter(mutation_run):
    """The control: the drifts below come from the mutations, not from the book."""
    data, real = mutation_run["data"], mutation_run["real"]
    assert [c["id"] for c in data["claims"] if c["results"][real] == "drifts"] == []
    assert len(data["claims"]) > 0


@pytest.mark.parametrize("name", list(MUTANTS))
def test_a_mutant_interpreter_makes_claims_drift(name, mutation_run, newest):
    if name not in mutation_run["keys"]:
        pytest.skip("%s does not exist on CPython %s" % (name, newest.version))
    key = mutation_run["keys"][name]
    drifting = [c["id"] for c in mutation_run["data"]["claims"] if c["results"][key] == "drifts"]
    caught = bool(drifting)
    detail = ("%d claim(s) drift, e.g. %s" % (len(drifting), ", ".join(drifting[:3])) if caught
              else "no claim drifts" + (": known gap, %s" % KNOWN_GAPS[name] if name in KNOWN_GAPS else ""))
    trust.MUTATIONS.append((name, caught, detail))
    print("\nmutation %r: %s" % (name, detail))
    if not caught and name in KNOWN_GAPS:
        pytest.xfail(KNOWN_GAPS[name])
    assert caught, "mutation %r went unnoticed: no claim of the book drifts" % name
    assert name not in KNOWN_GAPS, "mutation %r is caught now: remove it from KNOWN_GAPS" % name
