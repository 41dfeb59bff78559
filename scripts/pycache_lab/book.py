"""What a page of the book uses: one ``Book`` per page, scenarios run on every interpreter, claims.

A guide to the page API (pages import only the lab's top level: ``from pycache_lab import ...``)::

    from pycache_lab import Book, since

    book = Book("scripts-and-imports")       # every sandbox starts as a copy of examples/<page>/

    by_path = book.run("python app.py", trace=True)     # one command on every interpreter
    by_path                                  # a cell ending with results shows the transcript

    @book.scenario                           # several steps: a function of (box, py), run everywhere
    def planted(box, py):
        box.plant(py, "mod.py")              # the lab chooses the marker: PLANTED:mod.py
        return box.run(py, "app.py")

    # In the page's Markdown, the statement, where the reader reads it:
    #     :::{claim} imported-module-reads-pyc
    #     A module imported by a script is loaded from its cache file.
    #     :::
    # and in the (folded) cell right below it, the check by id:
    book.check("imported-module-reads-pyc",
               observe=lambda py: planted[py].planted_ran,
               expect=["mod.py"])

Results (``scenario.Results``): ``results[py]`` (or ``results["3.12.1"]``), ``results.newest``,
``results.oldest``, ``results.each(lambda run: run.pycs_written)`` (a derived ``Results``: a
row of ``book.matrix``/``book.version_tabs``), ``results.show(files=[...], title=...)``.
Gates: ``@book.scenario(since=(3, 8))``, ``book.run(..., until=(3, 12))``: ``NA`` elsewhere; in
expectations ``since((3, 8), value)`` and ``until((3, 12), value)``. Other options of
``scenario``/``run``: ``example=`` (another folder of examples/, or ``None`` for an empty
sandbox), ``unprivileged=True``, ``files=`` (the files its transcript shows).

The box (``box.Box``, a ``Sandbox``): ``box.run(py, "-m mod", env={...}, trace=True,
audit=True, syscalls=True, stdin=..., cwd=..., umask=..., as_user=...)`` (``<work>`` in a
command or env value is the scenario directory); files: ``write``, ``read``, ``exists``,
``copy_example``, ``set_mtime``, ``chmod``, ``mkdir``, ``zip``, ``listing``, ``files``;
``plant(py, "mod.py")``.

A run (``observation.Observation``): ``pycs_written``, ``written``, ``created``, ``tree``,
``output``/``errors``/``error_lines`` (``<work>`` for the scenario directory), ``said`` (the one output
convention: example scripts print ``key=value`` lines, JSON values decoded), ``planted_ran``,
``exception`` (the exception that ended it, 2.7 to 3.x: ``.type``, ``.message``), ``traceback``
(the last one printed: ``.text``, ``.frames``, ``.frame("/mod.py").marked``), ``trace``
(``-v``: ``reads``, ``writes``, ``failed_writes``, ``failure_reasons``, ``lines``),
``audit`` (``opened``, ``renamed``), ``syscalls`` (strace: ``call``, ``paths``, ``flags``, ``error``;
``file_events("mod.")``: its opens, unlinks and renames of matching files, one line each).
``show_work(text)`` writes any temporary path as ``<work>``. ``Installation(stdlib)``: which of an
installation's cache files a run read or tried to write, shown as ``<stdlib>``. A cache file's
header: ``read_header(path)`` (``.kind``, ``.source_mtime``, ...). Partners for two-interpreter
scenarios: ``book.other_minor(py)``, ``book.same_minor(py)`` (None when the build has none).

A scenario that raises on one interpreter gives a ``Failed`` there: every claim that reads it
drifts on that interpreter with observed ``the scenario failed: <Type>: <message> (<page>,
<where>)``; an ``observe`` that raises drifts the same way. Display code keeps working (a
``Failed`` absorbs attributes, items and calls). ``LabError`` (the lab cannot run) still stops.

Writing a chapter on this API (``docs/scripts-and-imports.md`` is the model): the rule in one
sentence, then a full transcript (a cell ending with a scenario's results) before the first
claim, each claim right below the scenario it reads, exceptions last; cells of about 15 lines
(25 at most), setup cells ``:tags: [hide-input]``; example scripts in ``examples/<page>/`` print
``key=value`` lines for what claims read. ``tests/test_pages.py`` and ``nox -s lint`` guard it.

``book.check`` reads the statement from the page's ``{claim} <id>`` block (``Book.source()``:
``$PYCACHE_BOOK_DOCS/<page>.md``, set by the build and the self-check); ``book.claim(id,
statement, ...)`` takes it in code (the tests' throw-away books). Each claim is recorded in the
page's ledger fragment (when the build set ``PYCACHE_BOOK_LEDGER_DIR``). ``RAISE_ON_DRIFT``
(default true; false in the build, which lists every drift at its end, and in the self-check)
makes a drift raise ``ClaimDrift`` after it was recorded. The returned check displays itself
as a compact table: interpreters that observed the same thing share a row; a drift is marked
(a stated claim's sentence is in its block above).
"""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

from pathlib import Path

from . import claims, coverage, ledger, notebook, pages
from .box import Box
from .failed import is_failed
from .interpreters import Discovery, Interpreter, discover
from .markdown import Markdown
from .scenario import Results, run_everywhere
from .workdir import EXAMPLES, REPO

DOCS_ENV_VAR = "PYCACHE_BOOK_DOCS"
"""The folder of the pages, where ``book.check`` reads a claim's statement (the build and the
self-check set it; default: the repository's docs/)."""

_discovery: Discovery | None = None
RAISE_ENV_VAR = "PYCACHE_BOOK_RAISE_ON_DRIFT"
RAISE_ON_DRIFT = os.environ.get(RAISE_ENV_VAR, "1") != "0"
"""A drift raises (the cell fails); the build (which lists every drift at its end) and the
self-check set this False to see every drift."""


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


_DEFAULT = object()


class Book:
    def __init__(self, page: str):
        self.page = page
        self.discovery = interpreters_in_use()
        self.interpreters: list[Interpreter] = self.discovery.interpreters
        self.checks: list[claims.ClaimCheck] = []
        self.page_errors: list[str] = []
        self._statements: dict[str, str] | None = None
        self._ledger_dir = os.environ.get(ledger.ENV_VAR)
        if self._ledger_dir and not RAISE_ON_DRIFT:  # the build: a page runs to its end
            notebook.install(self._page_error)

    def _page_error(self, text: str) -> None:
        """A cell failed after a scenario failed: recorded (the build lists it), the page goes on."""
        self.page_errors.append(text)
        self._write_fragment()

    def _write_fragment(self) -> None:
        if self._ledger_dir:
            ledger.write_fragment(self._ledger_dir, self.page, self.interpreters,
                                  [c.record() for c in self.checks], self.page_errors)

    @property
    def newest(self) -> Interpreter:
        return self.interpreters[-1]

    @property
    def oldest(self) -> Interpreter:
        return self.interpreters[0]

    def other_minor(self, py: Interpreter) -> Interpreter | None:
        """py's partner of another minor version; see ``other_minor``."""
        return other_minor(self.interpreters, py)

    def same_minor(self, py: Interpreter) -> Interpreter | None:
        """Another build of py's minor version; see ``same_minor``."""
        return same_minor(self.interpreters, py)

    def _example(self, example) -> str | None:
        if example is _DEFAULT:
            return self.page if (EXAMPLES / self.page).is_dir() else None
        return example

    def scenario(self, function: Callable | None = None, *, since: Sequence[int] | None = None,
                 until: Sequence[int] | None = None, example: Any = _DEFAULT, unprivileged: bool = False,
                 files: Sequence[str] | None = None, name: str | None = None):
        """Decorate ``def name(box, py)``: run it on every interpreter, each in a fresh box that
        starts as a copy of ``examples/<page>/``; the name becomes its ``Results``."""
        def decorate(body: Callable) -> Results:
            folder = self._example(example)

            def one(py: Interpreter) -> Any:
                with Box(unprivileged=unprivileged, example=folder) as box:
                    return body(box, py)
            label = name or body.__name__
            values = run_everywhere(one, self.interpreters, self.page, label, since, until)
            return Results(label, self.interpreters, values, self.page, folder, files)
        return decorate(function) if function is not None else decorate

    def run(self, command: str, *, since: Sequence[int] | None = None, until: Sequence[int] | None = None,
            example: Any = _DEFAULT, unprivileged: bool = False, files: Sequence[str] | None = None,
            plant: Sequence[str] = (), **options) -> Results:
        """One command (``"python -m mod"``) on every interpreter, in a fresh box each; ``plant``
        names sources whose planted pyc is put in place first (``obs.planted_ran`` tells which ran)."""
        def one(box: Box, py: Interpreter) -> Any:
            for source in plant:
                box.plant(py, source)
            return box.run(py, command, **options)
        return self.scenario(one, since=since, until=until, example=example, unprivileged=unprivileged,
                             files=files, name=repr(command))

    def each(self, function: Callable[[Interpreter], Any]) -> dict[str, Any]:
        """Run ``function(py)`` on every interpreter in parallel: {interpreter key: result}.

        The older form of ``scenario``; an exception becomes a ``Failed`` result here too.
        """
        name = getattr(function, "__name__", "scenario")
        return run_everywhere(function, self.interpreters, self.page, name)

    def transcript(self, results: Results, files: Sequence[str] | None = None, title: str | None = None) -> Markdown:
        return results.show(files=files, title=title)

    def claim(self, id: str, statement: str, *, observe: Callable[[Interpreter], Any], expect: Any) -> "Shown":
        """Check a claim whose statement is given here; pages use ``check``, which reads it from the page."""
        return Shown(self._checked(id, statement, observe, expect))

    def _checked(self, id: str, statement: str, observe: Callable[[Interpreter], Any], expect: Any) -> claims.ClaimCheck:
        """Check a claim on every interpreter and record it in the page's ledger fragment."""
        if any(c.claim.id == id for c in self.checks):
            raise claims.ClaimError("claim id %r is used twice on page %s" % (id, self.page))
        result = claims.check(claims.Claim(id, statement, observe, expect, self.page), self.interpreters)
        self.checks.append(result)
        self._write_fragment()
        if not result.holds and RAISE_ON_DRIFT:
            raise claims.ClaimDrift(result)
        if not result.observed_everywhere and RAISE_ON_DRIFT and coverage.require_all():
            raise claims.ClaimNotObserved(result)
        return result

    def check(self, id: str, *, observe: Callable[[Interpreter], Any], expect: Any) -> "Shown":
        """Check the claim that the page states in prose, in a ``{claim} <id>`` block just above the
        cell: ``observe(py)`` on every interpreter against ``expect`` (a value, or a function of
        ``py``). Shown as its verdict table; the block shows the statement and the link target."""
        statement = self.statements().get(id)
        if statement is None:
            raise claims.ClaimError("page %s checks claim %r, but states it nowhere: put the sentence in a "
                                    "':::{claim} %s' block above the cell (%s)" % (self.page, id, id, self.source()))
        return Shown(self._checked(id, statement, observe, expect), stated_above=True)

    def source(self) -> Path:
        """The page's Markdown file, in the folder the build or the self-check named."""
        return Path(os.environ.get(DOCS_ENV_VAR) or REPO / "docs") / (self.page + ".md")

    def statements(self) -> dict[str, str]:
        """{claim id: statement} of this page's ``{claim}`` blocks (read once)."""
        if self._statements is None:
            try:
                text = self.source().read_text(encoding="utf-8")
            except OSError as error:
                raise claims.ClaimError("page %s: cannot read its statements: %s" % (self.page, error)) from None
            self._statements = pages.claim_statements(text)
        return self._statements

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
        """Which interpreters produced this page's evidence, in one line (the matrix page lists them),
        and which versions of the book the build lacks. ``about="2.7"``: the page is about that
        version, and says first when the build had none."""
        versions = [py.key for py in self.interpreters]
        span = versions[0] if len(versions) == 1 else "%s to %s" % (versions[0], versions[-1])
        lines = [self.about(about).text] if about and self.about(about).text else []
        lines.append("Evidence from %d interpreter%s (CPython %s), run as this page was built: "
                     "{doc}`the version matrix </matrix>` lists them, {doc}`the ledger </ledger>` gives every "
                     "verdict and {doc}`the method </method>` tells how the lab works."
                     % (len(versions), "" if len(versions) == 1 else "s", span))
        lines.append(coverage.sentence([py.version for py in self.interpreters]))
        return Markdown("\n\n".join(lines))

    def interpreter_table(self) -> "Markdown":
        """The long form: path, cache tag and magic number of every interpreter."""
        rows = ["| interpreter | cache tag | magic |", "|---|---|---|"]
        for py in self.interpreters:
            whose = " (%s's build)" % py.build if py.build else ""
            rows.append("| CPython %s%s `%s` | %s | `%s` |"
                        % (py.version, whose, py.path, "`%s`" % py.cache_tag if py.cache_tag else "none", py.magic))
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


def show_value(value: Any, py: Interpreter | None = None) -> str:
    """A short, build-independent rendering of an observed or expected value."""
    if value is claims.NA:
        return "n/a"
    if is_failed(value):
        return "`%s`" % value.text.replace("|", "\\|")
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
    """A claim check shown as: the sentence (unless the page states it above, in a ``{claim}``
    block), then one row per run of like observations."""

    def __init__(self, check: claims.ClaimCheck, stated_above: bool = False):
        self.check = check
        self.stated_above = stated_above
        rows = [] if stated_above else ["**`%s`**: %s" % (check.claim.id, check.claim.statement), ""]
        rows += ["| interpreters | observed | verdict |", "|---|---|---|"]
        groups = ledger.neighbours_alike(check.results, lambda result: (
            "does not apply" if result.verdict == claims.NOT_APPLICABLE else
            "not observed in this build: %s" % result.observed if result.verdict == claims.NOT_OBSERVED
            else show_value(result.observed, result.interpreter), result.verdict,
            show_value(result.expected, result.interpreter) if result.verdict == claims.DRIFTS else ""))
        for (observed, verdict, expected), results in groups:
            if verdict == claims.DRIFTS:
                verdict = "**drifts** (expected %s)" % expected
            rows.append("| %s | %s | %s |" % (_version_span([r.interpreter for r in results]), observed, verdict))
        if check.results and all(r.verdict == claims.NOT_APPLICABLE for r in check.results):
            rows += ["", "*Not observed in this build: the claim applies to none of its interpreters.*"]
        super().__init__("\n".join(rows))

    def _repr_markdown_(self) -> str:
        """In the book, a MyST target ``(claim-<id>)=`` first: the anchor the ``{claim}`` role links to
        (a stated claim's ``{claim}`` block carries it)."""
        if self.stated_above:
            return self.text
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


def other_minor(interpreters: Sequence[Interpreter], py: Interpreter) -> Interpreter | None:
    """The next interpreter after py of another minor version, round the list (the newest takes the
    oldest): each version meets a different one. None in a build of one minor version."""
    index = interpreters.index(py)
    after = list(interpreters[index + 1:]) + list(interpreters[:index])
    return next((other for other in after if other.short != py.short), None)


def same_minor(interpreters: Sequence[Interpreter], py: Interpreter) -> Interpreter | None:
    """The first other build of py's minor version (a distribution's beside one built from source), or None."""
    return next((other for other in interpreters if other is not py and other.short == py.short), None)


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
