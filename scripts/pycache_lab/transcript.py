"""A scenario shown the way PyMOTW shows an example: the files, the command, its output, and what
appeared on disk, on the newest interpreter; the other versions only where they differ.

A scenario's result may be one ``Observation`` or several (a list, a tuple or a dict of them: one
command after the other); other values are shown as they print.
"""
from __future__ import annotations

from typing import Any, Sequence

from .claims import NA
from .coverage import Unobserved
from .failed import is_failed
from .ledger import neighbours_alike
from .markdown import Markdown, fenced
from .observation import Observation
from .paths import SANDBOX
from .workdir import EXAMPLES

MAX_FILES_SHOWN_BY_DEFAULT = 4


def runs_of(value: Any) -> list[Observation]:
    if isinstance(value, Observation):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, Observation)]
    return []


def example_files(example: str | None, runs: list[Observation], chosen: Sequence[str] | None) -> list[str]:
    """The files to show: ``chosen``, else a small example folder whole, else the files the commands name."""
    if not example or not (EXAMPLES / example).is_dir():
        return list(chosen or [])
    folder = EXAMPLES / example
    if chosen is not None:
        return list(chosen)
    every = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                   and "__pycache__" not in p.parts)
    if len(every) <= MAX_FILES_SHOWN_BY_DEFAULT:
        return every
    named = {word for run in runs for word in run.typed.split()}
    return [f for f in every if f in named]


def language(name: str) -> str:
    return "python" if name.endswith(".py") else "text"


def command_block(run: Observation, tag: str | None) -> str:
    """``$ command``, its output, the exception it ended with, and the ``-v`` lines about caches."""
    lines = ["$ " + (run.typed or " ".join(run.command))]
    lines += run.output.rstrip("\n").splitlines()
    if run.exception is not None:
        lines.append(str(run.exception))
    if run.trace is not None:
        lines += [line for line in run.trace.lines if not _outside(line)]
    return fenced("\n".join(lines), "console")


def _outside(line: str) -> bool:
    """A ``-v`` line about a file outside the scenario directory (the standard library's caches,
    or the lab's own witnesses in its sandbox, such as the audit hook)."""
    return "'/" in line or " /" in line or SANDBOX in line


def appeared(run: Observation) -> str:
    created = run.created
    if not created:
        return "Nothing appeared on disk."
    return "What appeared:\n\n" + fenced("\n".join(created), "text")


def code(text: str) -> str:
    """Inline code for a table cell, line by line (so ``__main__`` and ``<tag>`` stay literal)."""
    return "<br>".join("``%s``" % line.replace("|", "\\|") if line else "" for line in text.splitlines())


def summary(value: Any, py) -> tuple:
    """One interpreter's runs in short, with ``<tag>`` for its cache tag: (command, output, appeared) rows."""
    if value is NA:
        return (("", "does not apply", ""),)
    if is_failed(value):
        return (("", code(value.text), ""),)
    if isinstance(value, Unobserved):
        return (("", "not observed in this build: " + value.reason, ""),)
    runs = runs_of(value)
    if not runs:
        return (("", code(str(value)), ""),)
    rows = []
    for run in runs:
        said = run.output.rstrip("\n")
        if run.exception is not None:
            said += "\n" + str(run.exception)
        if py.cache_tag:
            said = said.replace(py.cache_tag, "<tag>")
        created = [p.replace(py.cache_tag, "<tag>") if py.cache_tag else p for p in run.created]
        rows.append((code(run.typed), code(said) or "(nothing)", ", ".join(code(p) for p in created) or "nothing"))
    return tuple(rows)


class Transcript(Markdown):
    def __init__(self, results, files: Sequence[str] | None = None, title: str | None = None):
        newest = results.interpreters[-1]
        value = results.raw(newest)
        runs = [] if isinstance(value, Unobserved) else runs_of(value)
        blocks = ["**%s**" % title] if title else []
        for name in example_files(results.example, runs, files):
            text = (EXAMPLES / results.example / name).read_text(encoding="utf-8")
            blocks.append(fenced(text, "{code-block} " + language(name), {"caption": name}))
        if is_failed(value):
            blocks.append("On CPython %s: %s" % (newest.version, code(value.text)))
        elif isinstance(value, Unobserved):
            blocks.append("On CPython %s: not observed in this build (%s)" % (newest.version, value.reason))
        elif not runs:
            blocks.append(fenced(str(value), "text"))
        for run in runs:
            if run.planted:
                blocks.append("Planted first (a valid header for the source, code that prints `PLANTED:<source>` "
                              "before the real code): %s" % ", ".join("`%s`" % p for p in run.planted))
            blocks += [command_block(run, newest.cache_tag), appeared(run)]
        blocks.append(self.other_versions(results))
        super().__init__("\n\n".join(b for b in blocks if b))

    @staticmethod
    def other_versions(results) -> str:
        groups = neighbours_alike(results.interpreters, lambda py: summary(results.raw(py), py))
        if len(groups) == 1:
            return "Every interpreter (%d, CPython %s to %s) did the same (cache tag aside)." % (
                len(results.interpreters), results.interpreters[0].version, results.interpreters[-1].version)
        rows = ["Where versions differ (`<tag>` is each one's cache tag):", "",
                "| interpreters | command | output | appeared |", "|---|---|---|---|"]
        for shown, group in groups:
            span = group[0].key if len(group) == 1 else "%s – %s" % (group[0].key, group[-1].key)
            for command, said, created in shown:
                rows.append("| %s | %s | %s | %s |" % (span, command, said, created))
                span = ""
        return "\n".join(rows)
