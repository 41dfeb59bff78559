"""Mutation tests: interpreters made to misbehave on purpose must make claims drift, by name.

Each mutant (``tests/mutants.py``) is a shell script that poses as the newest interpreter (the
lab probes interpreters by running them, so a script named in PYCACHE_BOOK_PYTHONS is one) but
adds a flag, sets a variable, injects a ``sitecustomize``, tampers with the scenario's files
before or after each run, or writes an extra line. Breaking mutants must be *caught by name*
(claims drift on them, no traceback, every claim reported); equivalent ones (``-u``, ``-X utf8``,
...) must make no claim drift. All mutants and the real interpreter run in ONE self-check (the
real one is the control); when that run shows a crash, each mutant runs again alone so the crash
is pinned on one. Five pages (trust.MUTATION_PAGES) in ``nox -s tests``; under
``PYCACHE_BOOK_TRUST=full`` the whole book, and the strict build under every mutant as well.
The score (caught by name, crashed, survived, false alarms, per tool) is printed at the end of
the pytest run (tests/conftest.py).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

import mutants
import trust


@pytest.fixture(scope="module")
def lab(interpreters, newest):
    """The real newest interpreter (and a partner of another minor version), every applicable mutant
    of the newest, and the claims of the control run."""
    directory = Path(tempfile.mkdtemp(prefix="pycache-mutants-", dir="/tmp"))
    directory.chmod(0o755)
    try:
        names = mutants.applicable(list(mutants.MUTANTS), newest)
        scripts = {n: mutants.write(directory, n, newest.path) for n in names}
        reals = [py.path for py in mutants.controls(interpreters)]
        reference, control = mutants.reference_claims(reals, trust.pages(trust.MUTATION_PAGES), directory)
        yield {"directory": directory, "scripts": scripts, "reference": reference, "control": control,
               "reals": reals}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def judged(lab, newest):
    """{tool: {mutant: (outcome, detail)}}: the self-check always, the strict build at full scale."""
    tools = {"self-check": trust.pages(trust.MUTATION_PAGES)}
    if trust.FULL:
        tools["build"] = []
    result = {}
    for tool, pages in tools.items():
        result[tool], runs = mutants.outcomes(tool, lab["reals"], lab["scripts"], pages, lab["directory"],
                                              lab["reference"])
        trust.MUTATION_RUNS.append((tool, len(runs), sum(r.seconds for r in runs)))
        keys = {i["path"]: i["version"] for i in (runs[0].data or {"interpreters": []})["interpreters"]}
        result[tool]["(control)"] = ([c for path in lab["reals"] for c in runs[0].drifting(keys.get(path, "?"))]
                                     if runs[0].data else ["no ledger: %s" % runs[0].output[-2000:]])
    return result


def test_every_claim_holds_on_the_real_interpreter(lab, judged):
    """The control: the drifts below come from the mutations, not from the book."""
    assert lab["control"].status == 0 and len(lab["reference"]) > 0
    for tool, table in judged.items():
        assert table["(control)"] == [], "%s: claims drift on the real interpreter" % tool


@pytest.mark.parametrize("tool", ["self-check", "build"])
@pytest.mark.parametrize("name", list(mutants.MUTANTS))
def test_a_mutant_is_caught_by_name_or_changes_nothing(name, tool, judged, newest):
    if tool not in judged:
        pytest.skip("the strict build under every mutant runs at full scale (nox -s hostile)")
    if name not in judged[tool]:
        pytest.skip("%s does not exist on CPython %s" % (name, newest.version))
    outcome, detail = judged[tool][name]
    trust.MUTATIONS.append((tool, name, outcome, detail))
    print("\n%s, mutation %r: %s (%s)" % (tool, name, outcome, detail))
    if name in mutants.EQUIVALENT:
        assert outcome == mutants.QUIET, "equivalent mutation %r: %s, %s" % (name, outcome, detail)
        return
    if outcome == mutants.SURVIVED and name in mutants.KNOWN_GAPS:
        pytest.xfail(mutants.KNOWN_GAPS[name])
    assert outcome == mutants.CAUGHT, "mutation %r: %s, %s" % (name, outcome, detail)
    assert name not in mutants.KNOWN_GAPS, "mutation %r is caught now: remove it from KNOWN_GAPS" % name
