"""Claims: a sentence about CPython, what it predicts per interpreter, and what was observed.

A claim is checked by calling ``observe(py)`` on every interpreter and comparing the value with
``expect(py)``. The verdict per interpreter is ``holds``, ``drifts``, ``n/a`` (the claim does
not apply to that version: ``expect`` returned ``NA``) or ``not observed`` (this system could not
run the scenario, e.g. no second user: ``coverage.NotObservable``; the reason is kept as
observed). Any drift raises ``ClaimDrift`` after every interpreter was checked, naming the claim,
each drifting interpreter, expected and observed.

An ``observe`` that raises, returns a ``Failed`` scenario result or touches one on the way is a
drift on that interpreter, whose observed value is the failure (``failed``): never an error.
"""
from __future__ import annotations

import concurrent.futures
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .coverage import NOT_OBSERVED, NotObservable, Unobserved
from .failed import Failed, first_failed, is_failed, watching
from .interpreters import Interpreter

HOLDS, DRIFTS, NOT_APPLICABLE = "holds", "drifts", "n/a"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class _NotApplicable:
    def __repr__(self) -> str:
        return "NA"


NA = _NotApplicable()
"""What ``expect`` returns where the claim does not apply (the feature does not exist there)."""


class ClaimDrift(AssertionError):
    """Observed behaviour differs from the claim on at least one interpreter."""

    def __init__(self, check: "ClaimCheck"):
        self.check = check
        lines = ["claim %r drifts (%s)" % (check.claim.id, check.claim.statement)]
        for result in check.results:
            if result.verdict == DRIFTS:
                lines.append("  on %s: expected %r, observed %r"
                             % (result.interpreter.label, result.expected, result.observed))
        super().__init__("\n".join(lines))


class ClaimNotObserved(AssertionError):
    """A claim could not be observed on some interpreter, and this build requires every claim (CI)."""

    def __init__(self, check: "ClaimCheck"):
        self.check = check
        lines = ["claim %r was not observed (%s), and PYCACHE_BOOK_REQUIRE_ALL=1 or CI=true requires it"
                 % (check.claim.id, check.claim.statement)]
        for result in check.results:
            if result.verdict == NOT_OBSERVED:
                lines.append("  on %s: %s" % (result.interpreter.label, result.observed))
        super().__init__("\n".join(lines))


class ClaimError(ValueError):
    """A claim is malformed (bad id, duplicate id, empty sentence)."""


def since(version: Sequence[int], value: Any, before: Any = NA) -> Callable[[Interpreter], Any]:
    """Expectation that changes at ``version``: ``value`` from it on, ``before`` until then."""
    version = tuple(version)
    return lambda py: value if py.at_least(*version) else before


def until(version: Sequence[int], value: Any, after: Any = NA) -> Callable[[Interpreter], Any]:
    """Expectation that changes at ``version``: ``value`` before it, ``after`` from it on."""
    version = tuple(version)
    return lambda py: after if py.at_least(*version) else value


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    observe: Callable[[Interpreter], Any]
    expect: Any  # a value, or a callable(py) -> value or NA
    page: str = ""

    def __post_init__(self):
        if not _ID.match(self.id):
            raise ClaimError("claim id %r is not kebab-case (a-z, 0-9, '-')" % self.id)
        if not self.statement.strip():
            raise ClaimError("claim %r has no sentence" % self.id)

    def expected_for(self, py: Interpreter) -> Any:
        return self.expect(py) if callable(self.expect) else self.expect


@dataclass
class Result:
    interpreter: Interpreter
    verdict: str
    expected: Any = None
    observed: Any = None


@dataclass
class ClaimCheck:
    claim: Claim
    results: list[Result] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return all(r.verdict != DRIFTS for r in self.results)

    @property
    def observed_everywhere(self) -> bool:
        return all(r.verdict != NOT_OBSERVED for r in self.results)

    def record(self) -> dict:
        """The claim as it goes into ``claims.json``."""
        return {
            "id": self.claim.id,
            "statement": self.claim.statement,
            "page": self.claim.page,
            "results": {r.interpreter.key: r.verdict for r in self.results},
            "observed": {r.interpreter.key: _jsonable(r.observed) for r in self.results},
            "expected": {r.interpreter.key: _jsonable(r.expected) for r in self.results},
        }


def _jsonable(value: Any) -> Any:
    if value is NA:
        return None
    if is_failed(value):
        return value.text
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _normalise(value: Any) -> Any:
    """Tuples and lists compare equal (JSON round trips turn one into the other)."""
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value


def observe_one(claim: Claim, py: Interpreter) -> Any:
    """``claim.observe(py)``, or the ``Failed`` it raised, returned or touched."""
    return _computed(lambda: claim.observe(py), claim, "claim %s" % claim.id)


def expect_one(claim: Claim, py: Interpreter) -> Any:
    """``claim.expected_for(py)``; an expectation computed from a failed scenario is that failure."""
    return _computed(lambda: claim.expected_for(py), claim, "claim %s, its expectation" % claim.id)


def _computed(compute: Callable[[], Any], claim: Claim, where: str) -> Any:
    """The value ``compute`` gives, or the first ``Failed`` it raised, returned or touched; the lab's
    own failures (``LabError``) are not observations and propagate."""
    from .sandbox import LabError

    with watching() as seen:
        try:
            value = compute()
        except (LabError, NotObservable):
            raise
        except Exception as error:
            return seen[0] if seen else Failed.from_exception(error, claim.page, where)
        found = first_failed(value)
        return found if found is not None else (seen[0] if seen else value)


def check(claim: Claim, interpreters: Sequence[Interpreter], workers: int | None = None) -> ClaimCheck:
    """Observe every interpreter (in parallel) and compare; never raises for a drift."""
    def one(py: Interpreter) -> Result:
        try:
            return compare(py)
        except NotObservable as why:  # this system cannot run what the claim reads (no second user, say)
            return Result(py, NOT_OBSERVED, None, str(why))

    def compare(py: Interpreter) -> Result:
        expected = expect_one(claim, py)
        if is_failed(expected):
            return Result(py, DRIFTS, expected, expected)
        if expected is NA:
            return Result(py, NOT_APPLICABLE, expected)
        observed = observe_one(claim, py)
        if isinstance(observed, Unobserved):
            return Result(py, NOT_OBSERVED, expected, observed.reason)
        if is_failed(observed):
            return Result(py, DRIFTS, expected, observed)
        verdict = HOLDS if _normalise(observed) == _normalise(expected) else DRIFTS
        return Result(py, verdict, expected, observed)

    workers = workers or max(2, os.cpu_count() or 2)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return ClaimCheck(claim, list(pool.map(one, interpreters)))
