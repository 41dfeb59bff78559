"""pycache_lab: observe when CPython reads and writes bytecode caches.

Standard library only, so that it can be copied next to any Python 3.8+ and re-check the book.
Pages import only from here (``from pycache_lab import Book, since``); ``book``'s docstring is
the guide to the page API. The modules, one job each: ``interpreters`` (find and describe
CPythons), ``sandbox`` (a clean process: environment, namespace, users, time limit), ``workdir``
(the scenario's files), ``planting`` (planted pycs), ``box`` (the page's sandbox: commands as
typed, strace), ``observation`` (witnesses of what a run did), ``tracebacks`` (the exception that
ended a run), ``paths`` (``<work>``), ``scenario`` (results per interpreter), ``failed`` (a
scenario that raised), ``transcript`` (a scenario shown as PyMOTW shows one), ``claims``
(expected against observed), ``ledger`` and ``drifts`` (the build's records and reports), ``pyc``
(decode cache files of every era), ``verdicts`` (verdicts on write-ups' claims), ``book`` (what a page uses).
``installation`` reads what a run did in the interpreter's own installation (paths shown as ``<stdlib>``).
``timing``: medians of timings, rounded for a reader.
"""
from .book import Book, Markdown, show_value
from .box import Box
from .claims import NA, since, until
from .failed import Failed
from .installation import Installation
from .interpreters import Discovery, Interpreter, InterpreterError, discover
from .observation import Observation, file_changes
from .paths import WORK, show_dir, show_work
from .pyc import PycError, decode_header, read_header, with_header_field
from .sandbox import LabError, Sandbox, ScenarioTimeout, Unobservable, require_root_namespace
from .scenario import Results
from .timing import median_said, shown_duration, shown_ratio
from .verdicts import Cases, WriteUps
from .workdir import EXAMPLES

__all__ = ["Book", "Markdown", "show_value", "Box", "NA", "since", "until", "Failed", "Discovery",
           "Interpreter", "InterpreterError", "discover", "Observation", "WORK", "show_dir", "show_work",
           "PycError", "decode_header", "read_header", "with_header_field", "LabError", "Sandbox", "Unobservable",
           "require_root_namespace", "Installation",
           "ScenarioTimeout", "Results", "EXAMPLES", "Cases", "WriteUps",
           "median_said", "shown_duration", "shown_ratio", "file_changes"]
