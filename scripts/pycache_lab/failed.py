"""A scenario that raised is an observation: ``Failed`` stands for its result on that interpreter.

When a scenario raises on one interpreter (``FileNotFoundError`` because CPython no longer wrote a
file, ``IndexError`` because its output changed), the lab keeps the exception as that
interpreter's result. Every claim that reads it drifts there, by name, observing
``the scenario failed: <Type>: <message> (<page>, <where>)``; other interpreters and other
scenarios go on. ``Failed`` absorbs what a page does with a result (attributes, items, calls and
comparisons return the same ``Failed``, iteration is empty, ``str`` tells the failure) so cells
that display results do not crash, and ``claims.check`` notices every ``Failed`` an ``observe``
touched, even one that a comparison or a loop turned into an ordinary value.
"""
from __future__ import annotations

import contextlib
import os
import sysconfig
import threading
import traceback

from .paths import show_work

_watching = threading.local()
_LAB = os.path.dirname(os.path.abspath(__file__))
_STDLIB = sysconfig.get_paths()["stdlib"]


def _library(filename: str) -> bool:
    """A frame of the lab or of the standard library, not of the page (whose frame names the place)."""
    return filename.startswith((_LAB + os.sep, _STDLIB + os.sep, "<frozen"))


class Failed:
    """The result of a scenario that raised on one interpreter."""

    __slots__ = ("failure_type", "failure_message", "failure_page", "failure_where")
    _made = 0
    """How many were made in this process (the self-check tells a page's crash caused by one)."""

    def __init__(self, type_name: str, message: str, page: str, where: str):
        type(self)._made += 1
        for name, value in zip(self.__slots__, (type_name, show_work(message), page, where)):
            object.__setattr__(self, name, value)

    @classmethod
    def from_exception(cls, error: BaseException, page: str, where: str) -> "Failed":
        """From a caught exception; ``where`` gains the innermost function that raised."""
        frames = [f for f in traceback.extract_tb(error.__traceback__) if not _library(f.filename)]
        if frames and frames[-1].name not in ("<module>", "<lambda>", "one", where.split()[-1]):
            where = "%s, in %s()" % (where, frames[-1].name)
        return cls(type(error).__name__, str(error).split("\n")[0], page, where)

    @property
    def text(self) -> str:
        message = "%s: %s" % (self.failure_type, self.failure_message) if self.failure_message else self.failure_type
        return "the scenario failed: %s (%s, %s)" % (message, self.failure_page, self.failure_where)

    # -- absorbing: whatever a page does with it, it stays the failure ----------------------------
    def _touched(self) -> "Failed":
        seen = getattr(_watching, "seen", None)
        if seen is not None and not any(item is self for item in seen):
            seen.append(self)
        return self

    def __getattr__(self, name: str):
        if name.startswith("_"):  # IPython's display protocol, copy, pickle: not a result's attribute
            raise AttributeError(name)
        return self._touched()

    def __setattr__(self, name, value):
        self._touched()

    def __getitem__(self, key):
        return self._touched()

    def __call__(self, *args, **kwargs):
        return self._touched()

    def __iter__(self):
        self._touched()
        return iter(())

    def __len__(self) -> int:
        self._touched()
        return 0

    def __bool__(self) -> bool:
        self._touched()
        return False

    def __contains__(self, item) -> bool:
        self._touched()
        return False

    def __eq__(self, other):
        return self._touched()

    def __ne__(self, other):
        return self._touched()

    __lt__ = __le__ = __gt__ = __ge__ = __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __eq__
    __truediv__ = __floordiv__ = __mod__ = __and__ = __or__ = __rand__ = __ror__ = __eq__

    def __neg__(self):
        return self._touched()

    def __hash__(self) -> int:
        return id(self)

    def __str__(self) -> str:
        self._touched()
        return self.text

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return "`%s`" % self.text


def is_failed(value) -> bool:
    return type(value) is Failed


def first_failed(value) -> Failed | None:
    """The first ``Failed`` inside a value (lists, tuples, dicts, sets), or None."""
    if type(value) is Failed:
        return value
    if isinstance(value, dict):
        value = list(value.keys()) + list(value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            found = first_failed(item)
            if found is not None:
                return found
    return None


@contextlib.contextmanager
def watching():
    """Collect, in this thread, every ``Failed`` touched inside the block: ``with watching() as seen``."""
    previous = getattr(_watching, "seen", None)
    _watching.seen = []
    try:
        yield _watching.seen
    finally:
        _watching.seen = previous
