"""pycache_lab: observe when CPython reads and writes bytecode caches.

Standard library only, so that it can be copied next to any Python 3.8+ and re-check the book.
The pieces, one job each: ``interpreters`` (find and describe CPythons), ``sandbox`` (a clean
directory and process), ``observation`` (witnesses of what a run did), ``pyc`` (decode cache
files of every era), ``claims`` (expected against observed, and the ledger).
"""
from .interpreters import Discovery, Interpreter, InterpreterError, discover
from .observation import Observation
from .sandbox import LabError, Sandbox, ScenarioTimeout

__all__ = ["Discovery", "Interpreter", "InterpreterError", "discover", "Observation",
           "LabError", "Sandbox", "ScenarioTimeout"]
