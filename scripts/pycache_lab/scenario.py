"""One scenario run on every interpreter: its results, indexed by interpreter.

``Results`` maps each interpreter to what the scenario returned there (``results[py]``,
``results["3.12.1"]``, ``results.newest``), ``NA`` where a version gate excluded it, and a
``Failed`` where the scenario raised (see ``failed``). ``results.each(f)`` derives another
``Results`` (for a matrix row); showing a ``Results`` in a cell renders its transcript.
"""
from __future__ import annotations

import concurrent.futures
import os
from typing import Any, Callable, Iterator, Mapping, Sequence

from .claims import NA
from .coverage import NotObservable, Unobserved
from .failed import Failed, is_failed
from .interpreters import Interpreter
from .sandbox import LabError


def _workers() -> int:
    return max(2, os.cpu_count() or 2)


def applies(py: Interpreter, since: Sequence[int] | None = None, until: Sequence[int] | None = None) -> bool:
    """Version gate: ``since`` (inclusive) and ``until`` (exclusive), as ``(3, 8)``."""
    if since is not None and not py.at_least(*since):
        return False
    if until is not None and py.at_least(*until):
        return False
    return True


def run_everywhere(function: Callable[[Interpreter], Any], interpreters: Sequence[Interpreter], page: str,
                   name: str, since=None, until=None) -> dict:
    """``{py.key: function(py)}`` in parallel; an exception (not the lab's own) becomes ``Failed``."""
    def one(py: Interpreter) -> Any:
        if not applies(py, since, until):
            return NA
        try:
            return function(py)
        except NotObservable as why:  # this system lacks what the scenario needs: a reason, not a finding
            return Unobserved(str(why))
        except LabError:
            raise
        except Exception as error:  # an exception while observing is an observation
            return Failed.from_exception(error, page, "scenario %s" % name)

    with concurrent.futures.ThreadPoolExecutor(max_workers=_workers()) as pool:
        values = list(pool.map(one, interpreters))
    return {py.key: value for py, value in zip(interpreters, values)}


class Results(Mapping):
    """What one scenario gave on each interpreter, oldest first."""

    def __init__(self, name: str, interpreters: Sequence[Interpreter], values: dict, page: str,
                 example: str | None = None, files: Sequence[str] | None = None):
        self.name, self.page, self.example, self.files = name, page, example, files
        self.interpreters = list(interpreters)
        self._values = values

    def _key(self, py: Interpreter | str) -> str:
        return py.key if isinstance(py, Interpreter) else py

    def __getitem__(self, py: Interpreter | str) -> Any:
        value = self._values[self._key(py)]
        return value._touched() if is_failed(value) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def newest(self) -> Any:
        return self[self.interpreters[-1]]

    @property
    def oldest(self) -> Any:
        return self[self.interpreters[0]]

    def raw(self, py: Interpreter | str) -> Any:
        """The value without noting a read (for display code that must not make claims drift)."""
        return self._values[self._key(py)]

    def failures(self) -> dict:
        """``{key: Failed}`` for the interpreters on which the scenario raised."""
        return {k: v for k, v in self._values.items() if is_failed(v)}

    def each(self, function: Callable[[Any], Any]) -> "Results":
        """A derived result per interpreter (``NA`` and ``Failed`` pass through; a raise is a ``Failed``)."""
        def derive(key: str, value: Any) -> Any:
            if value is NA or is_failed(value) or isinstance(value, Unobserved):
                return value
            try:
                return function(value)
            except LabError:
                raise
            except Exception as error:
                return Failed.from_exception(error, self.page, "scenario %s" % self.name)
        return Results(self.name, self.interpreters, {k: derive(k, v) for k, v in self._values.items()},
                       self.page, self.example, self.files)

    def rows(self) -> "dict[str, Results]":
        """For a scenario whose value is a dict of named findings: one derived result per name, the
        rows of a ``matrix`` or ``version_tabs`` (names in the order the first dict gives them)."""
        names = next((list(value) for value in self._values.values() if isinstance(value, dict)), [])
        return {name: self.each(lambda found, name=name: found[name]) for name in names}

    def show(self, files: Sequence[str] | None = None, title: str | None = None):
        """The PyMOTW transcript: files, command, output, what appeared; other versions where they differ."""
        from . import transcript

        return transcript.Transcript(self, files=self.files if files is None else files, title=title)

    def _repr_markdown_(self) -> str:
        return self.show()._repr_markdown_()

    def __repr__(self) -> str:
        return "<results of scenario %s on %d interpreters>" % (self.name, len(self.interpreters))
