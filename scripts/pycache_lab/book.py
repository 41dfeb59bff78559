"""What a page of the book uses: one ``Book`` per page, claims checked on every interpreter.

    book = Book("scripts-and-imports")
    book.claim("some-id", "One plain sentence.", observe=function_of_py, expect=value_or_function)

Each claim is recorded in the page's ledger fragment (when the build set ``PYCACHE_BOOK_LEDGER_DIR``)
before a drift is raised, so ``claims.json`` shows drifts too. The returned check displays itself
in a notebook as a compact table: interpreters that observed the same thing share a row.
"""
from __future__ import annotations

import concurrent.futures
import os
from typing import Any, Callable

from . import claims, coverage, ledger
from .interpreters import Discovery, Interpreter, discover

_discovery: Discovery | None = None
RAISE_ON_DRIFT = True
"""The book stops at a drift (the cell fails); the self-check sets this False to see every drift."""


def interpreters_in_use() -> Discovery:
    """Discover once per process (a page's kernel), so every cell uses the same interpreters."""
    global _discovery
    if _discovery is None:
        _discovery = discover()
    return _discovery


def use(discovery: Discovery) -> Discovery:
    """Make these the interpreters of every page of this process (the self-check's ``--python``)."""
    global _discovery
    _discovery = discovery
    return discovery


class Book:
    def __init__(self, page: str):
        self.page = page
        self.discovery = interpreters_in_use()
        self.interpreters: list[Interpreter] = self.discovery.interpreters
        self.checks: list[claims.ClaimCheck] = []
        self._ledger_dir = os.environ.get(ledger.ENV_VAR)

    def each(self, function: Callable[[Interpreter], Any]) -> dict[str, Any]:
        """Run ``function(py)`` on every interpreter in parallel: {interpreter key: result}.

        Use it to run a scenario once and feed several claims from its observations. A scenario
        this system cannot observe (``coverage.NotObservable``) leaves a ``coverage.Unobserved``:
        the claims fed from it get the verdict "not observed" with the reason.
        """
        def run(py):
            try:
                return function(py)
            except coverage.NotObservable as why:
                return coverage.Unobserved(str(why))

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            values = list(pool.map(run, self.interpreters))
        return {py.key: value for py, value in zip(self.interpreters, values)}

    def claim(self, id: str, statement: str, *, observe: Callable[[Interpreter], Any], expect: Any) -> "Shown":
        if any(c.claim.id == id for c in self.checks):
            raise claims.ClaimError("claim id %r is used twice on page %s" % (id, self.page))
        result = claims.check(claims.Claim(id, statement, observe, expect, self.page), self.interpreters)
        self.checks.append(result)
        if self._ledger_dir:
            ledger.write_fragment(self._ledger_dir, self.page, self.interpreters,
                                  [c.record() for c in self.checks])
        if not result.holds and RAISE_ON_DRIFT:
            raise claims.ClaimDrift(result)
        if not result.observed_everywhere and RAISE_ON_DRIFT and coverage.require_all():
            raise claims.ClaimNotObserved(result)
        return Shown(result)

    def row(self, pick: Callable[[Interpreter], Any]) -> dict[str, Any]:
        """{interpreter key: pick(py)} for a matrix row; where the scenario was not observable the
        cell reads "not observed" instead of failing the page."""
        def one(py):
            try:
                return pick(py)
            except coverage.NotObservable as why:
                return coverage.Unobserved(str(why))
        return {py.key: one(py) for py in self.interpreters}

    def matrix(self, rows: dict[str, dict[str, Any]]) -> "Markdown":
        """One column per interpreter of this page; see ``matrix``."""
        return matrix(self.interpreters, rows)

    def version_tabs(self, rows: dict[str, dict[str, Any]]) -> "Markdown":
        """The same rows as one tab per minor version, synchronised across pages; see ``version_tabs``."""
        return version_tabs(self.interpreters, rows)

    def evidence_from(self, about: str = "") -> "Markdown":
        """Which interpreters produced this page's evidence, and which versions of the book it lacks.

        ``about="2.7"``: the page is about that version; without one, it says so first."""
        rows = [self.about(about).text, ""] if about and self.about(about).text else []
        rows += ["| interpreter | cache tag | magic |", "|---|---|---|"]
        for py in self.interpreters:
            rows.append("| CPython %s `%s` | %s | `%s` |"
                        % (py.version, py.path, "`%s`" % py.cache_tag if py.cache_tag else "none", py.magic))
        rows += ["", coverage.sentence([py.version for py in self.interpreters])]
        return Markdown("\n".join(rows))

    def about(self, *versions: str) -> "Markdown":
        """For a page about some versions only (``book.about("2.7")``): says so when the build had none."""
        have = {py.short for py in self.interpreters}
        lacking = [v for v in versions if v not in have]
        if not lacking:
            return Markdown("")
        return Markdown(":::{important}\nNot observed in this build: it had no CPython %s, so what this "
                        "page says about %s (its tables and claims) is not proven here; those claims are "
                        "shown as not applying.\n:::"
                        % (" or ".join(lacking), "it" if len(lacking) == 1 else "them"))


class Markdown:
    """Displays as Markdown in a notebook, as plain text elsewhere."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def show_value(value: Any, py: Interpreter | None = None) -> str:
    """A short, build-independent rendering of an observed or expected value."""
    if value is claims.NA:
        return "n/a"
    if isinstance(value, coverage.Unobserved):
        return "not observed"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(show_value(v, py) for v in value) if value else "nothing"
    if isinstance(value, dict):
        return "; ".join("%s: %s" % (k, show_value(v, py)) for k, v in value.items())
    text = str(value)
    if py is not None and py.cache_tag:
        text = text.replace(py.cache_tag, "<tag>")
    return "`%s`" % text.replace("|", "\\|")


def _version_span(group: list[Interpreter]) -> str:
    if len(group) == 1:
        return group[0].key
    return "%s – %s (%d)" % (group[0].key, group[-1].key, len(group))


class Shown(Markdown):
    """A claim check shown as: the sentence, then one row per run of like observations."""

    def __init__(self, check: claims.ClaimCheck):
        self.check = check
        rows = ["**`%s`**: %s" % (check.claim.id, check.claim.statement), "",
                "| interpreters | observed | verdict |", "|---|---|---|"]
        groups = ledger.neighbours_alike(check.results, lambda result: (
            "does not apply" if result.verdict == claims.NOT_APPLICABLE else
            "not observed in this build: %s" % result.observed if result.verdict == claims.NOT_OBSERVED
            else show_value(result.observed, result.interpreter), result.verdict))
        for (observed, verdict), results in groups:
            rows.append("| %s | %s | %s |" % (_version_span([r.interpreter for r in results]), observed, verdict))
        if check.results and all(r.verdict == claims.NOT_APPLICABLE for r in check.results):
            rows += ["", "*Not observed in this build: the claim applies to none of its interpreters.*"]
        super().__init__("\n".join(rows))

    def _repr_markdown_(self) -> str:
        """In the book, a MyST target ``(claim-<id>)=`` first: the anchor the ``{claim}`` role links to."""
        return "(%s)=\n\n%s" % (anchor(self.check.claim.id), self.text)


def anchor(claim_id: str) -> str:
    """The label (and HTML anchor) of the place where a claim is shown: ``claim-<id>``."""
    return "claim-" + claim_id


def matrix(interpreters: list[Interpreter], rows: dict[str, dict[str, Any]]) -> Markdown:
    """A table with one column per interpreter: ``rows`` maps a label to {interpreter key: value}."""
    header = "| | " + " | ".join(py.key for py in interpreters) + " |"
    lines = [header, "|---" * (len(interpreters) + 1) + "|"]
    for label, values in rows.items():
        cells = [show_value(values.get(py.key, claims.NA), py) for py in interpreters]
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    return Markdown("\n".join(lines))


# -- Version tabs: one tab per minor version, synchronised across the whole book ------------------

SYNC_GROUP = "python"
"""The sphinx-design sync group of every version tab-set: choosing a version on one page selects
it on every page (sphinx-design keeps the choice in the browser's localStorage)."""


def tabs(items: dict[str, str], *, sync_group: str = SYNC_GROUP, selected: str | None = None) -> Markdown:
    """A sphinx-design tab-set in MyST Markdown: ``items`` maps a tab label to its Markdown body.

    A cell whose output is this Markdown is parsed as MyST by the book (``nb_render_markdown_format =
    "myst"``), so the directive is built; the label is also the tab's sync key, so keep labels stable
    ("2.7", "3.13"). ``selected`` names the tab open by default (the last one when not given).
    """
    if not items:
        return Markdown("")
    chosen = selected if selected is not None else list(items)[-1]
    if chosen not in items:
        raise ValueError("selected tab %r is not one of %s" % (chosen, list(items)))
    lines = ["::::{tab-set}", ":sync-group: %s" % sync_group, ""]
    for label, body in items.items():
        if ":::" in body:
            raise ValueError("a tab body must not contain a colon fence (tab %r)" % label)
        lines += [":::{tab-item} %s" % label, ":sync: %s" % label]
        if label == chosen:
            lines.append(":selected:")
        lines += ["", body.strip(), ":::", ""]
    lines.append("::::")
    return Markdown("\n".join(lines))


def by_minor(interpreters: list[Interpreter]) -> dict[str, list[Interpreter]]:
    """Interpreters grouped by minor version ("3.11": [3.11.2, 3.11.7]), oldest first."""
    groups: dict[str, list[Interpreter]] = {}
    for py in sorted(interpreters, key=lambda p: tuple(p.version_info)):
        groups.setdefault(py.short, []).append(py)
    return groups


def version_tabs(interpreters: list[Interpreter], rows: dict[str, dict[str, Any]]) -> Markdown:
    """The rows of a ``matrix`` as one tab per minor version, each a two-column table.

    Values are shown as ``matrix`` shows them, but with the real cache tag (one version per tab).
    Where two interpreters of one minor version disagree, both values are shown with their versions.
    """
    items = {}
    for minor, group in by_minor(interpreters).items():
        names = ", ".join(py.version for py in group)
        lines = ["| | CPython %s |" % names, "|---|---|"]
        for label, values in rows.items():
            shown = [(py, show_value(values.get(py.key, claims.NA))) for py in group]
            if len({text for _, text in shown}) == 1:
                cell = shown[0][1]
            else:
                cell = "; ".join("%s: %s" % (py.version, text) for py, text in shown)
            lines.append("| %s | %s |" % (label, cell))
        items[minor] = "\n".join(lines)
    return tabs(items)
