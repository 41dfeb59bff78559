"""What a run did outside its scenario directory, in the interpreter's own installation.

The standard library's cache files live in the installation: ``-v`` reports the ones read and
written there (``trace.reads_outside``, ``writes_outside``, ``failed_writes``) and audit hooks
see them opened. ``Installation`` reads those witnesses for a page and shows every path with
``<stdlib>`` for the standard library's directory, so that no page parses these paths itself and
no observed value names one machine's installation.
"""
from __future__ import annotations

from typing import Sequence

from .observation import Audit, Observation
from .paths import SANDBOX, show_dir

STDLIB = "<stdlib>"


def module_of(cache_file: str) -> str:
    """The module a cache file belongs to: ``json/__pycache__/__init__.cpython-312.pyc`` is
    ``json``'s, ``os.cpython-312.opt-1.pyc`` and 2.7's ``os.pyc`` are ``os``'s."""
    parts = cache_file.replace("/__pycache__", "").rsplit("/", 2)
    return parts[-2] if parts[-1].startswith("__init__.") and len(parts) > 1 else parts[-1].split(".")[0]


class Installation:
    """One interpreter's standard library directory (as a run of it reported it), and readers of
    what a run did there."""

    def __init__(self, stdlib: str):
        self.stdlib = stdlib

    def show(self, path: str) -> str:
        """A path as a page shows it: ``<stdlib>/os.py``."""
        return show_dir(path, self.stdlib, STDLIB)

    def cache_files_read(self, run: Observation, modules: Sequence[str]) -> list[str]:
        """The installation's cache files of these modules that ``-v`` says the run read, sorted."""
        return sorted(self.show(p) for p in run.trace.reads_outside if module_of(p) in modules)

    def writes_tried(self, run: Observation) -> list[str]:
        """Files the run wrote in its directory, and cache files ``-v`` says it wrote or tried to
        write anywhere else (the lab's own files left out), sorted."""
        tried = run.trace.writes_outside + [p for p in run.trace.failed_writes if not p.startswith(SANDBOX)]
        return sorted(set(run.written) | {self.show(p) for p in tried})

    def opened(self, audit: Audit, beyond: Audit | None = None) -> list[str]:
        """Files the audit hooks saw opened, outside the scenario directory and in it, leaving out
        those that ``beyond`` (the audit of a baseline run, ``python -c pass``) opened too."""
        skip = [] if beyond is None else beyond.opened_outside + beyond.opened
        return [self.show(path) for path, mode in audit.opened_outside + audit.opened if (path, mode) not in skip]
