"""The sandbox a page's scenario gets: commands written as a reader types them.

``box.run(py, "app.py")`` runs ``python app.py`` (a leading ``python`` is optional); ``<work>`` in
a command or an environment value stands for the scenario directory. A command string that ends
with ``< file`` reads standard input from that file of the scenario (``"python - < app.py"``), and
one that starts with ``NAME=value`` words sets those environment variables for the command
(``"PYTHONDONTWRITEBYTECODE=1 python app.py"``); the transcript shows both as typed. ``syscalls=True`` runs the
command under ``strace`` and fills ``obs.syscalls`` (a witness that does not take the import
system's word for anything).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
from typing import Mapping, Sequence

from .interpreters import Interpreter
from .observation import Observation, parse_strace
from .paths import fill_work, show_work
from .sandbox import UNPRIVILEGED_GID, UNPRIVILEGED_UID, LabError, Sandbox

PYTHON_WORDS = ("python", "python3", "python2")
_STRACE_CALLS = "trace=%file"


def command_words(command: str | Sequence[str], work: str) -> list[str]:
    """The arguments after the interpreter: ``"python -c 'import mod'"`` -> ``["-c", "import mod"]``."""
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if words and words[0] in PYTHON_WORDS:
        words = words[1:]
    return [fill_work(word, work) for word in words]


def redirected(words: list[str]) -> tuple[list[str], str | None]:
    """``[..., "<", "app.py"]`` -> ``([...], "app.py")``: the words and the file standard input comes from."""
    if len(words) >= 2 and words[-2] == "<":
        return words[:-2], words[-1]
    return words, None


_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def assignments(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """``["A=1", "python", "app.py"]`` -> ``({"A": "1"}, ["python", "app.py"])``: a shell's leading assignments."""
    env = {}
    while words and _ASSIGNMENT.match(words[0]):
        name, _, value = words[0].partition("=")
        env[name], words = value, words[1:]
    return env, words


def shown_assignments(env: Mapping[str, str]) -> str:
    return "".join("%s=%s " % (name, shlex.quote(value) if value else "") for name, value in env.items())


def typed(py: Interpreter | None, words: Sequence[str]) -> str:
    """The command line as a reader would type it (``python3 -m mod``; 2.7: ``python2``)."""
    program = [] if py is None else ["python%d" % py.version_info[0]]
    return show_work(" ".join(shlex.quote(w) for w in program + list(words)))


class Box(Sandbox):
    """A ``Sandbox`` whose ``run`` takes the command as text, and can trace system calls."""

    _straced = 0
    _planted_paths: tuple = ()

    def plant(self, py: Interpreter, source: str, dest: str | None = None, optimization: str = "") -> str:
        """Plant a pyc for ``source`` (see ``planting``); the next runs' observations list it."""
        where = super().plant(py, source, dest, optimization)
        self._planted_paths += (where,)
        return where

    def run(self, py: Interpreter | None, command: str | Sequence[str], *,
            env: Mapping[str, str | None] | None = None, syscalls: bool = False, raw: bool = False,
            **options) -> Observation:
        typed_as_text = isinstance(command, str) and not raw
        assigned: dict[str, str] = {}
        if typed_as_text:
            assigned, command = assignments(shlex.split(command))
        words = shlex.split(command) if raw and isinstance(command, str) else (
            command_words(command, str(self.work)) if not raw else [fill_work(w, str(self.work)) for w in command])
        env = {k: (fill_work(v, str(self.work)) if v is not None else None) for k, v in {**assigned, **(env or {})}.items()}
        source = None
        if typed_as_text and "stdin" not in options:
            words, source = redirected(words)
            if source is not None:
                options["stdin"] = self.read(source)
        if syscalls:
            obs = self._straced_run(py, words, env, raw, options)
        else:
            obs = super().run(py, words, env=env, raw=raw, **options)
        obs.typed = show_work(shown_assignments(assigned)) + typed(None if raw else py, words) + (
            " < " + shlex.quote(source) if source else "")
        obs.planted = list(self._planted_paths)
        return obs

    def _straced_run(self, py, words, env, raw, options) -> Observation:
        strace = shutil.which("strace", path="/usr/bin:/bin:/usr/sbin:/sbin")
        if strace is None:
            raise LabError("this scenario traces system calls and needs strace (Debian: apt-get install strace)")
        self._straced += 1
        log = self.lab / ("strace-%d.log" % self._straced)
        log.touch()
        if self.switch_user:
            os.chown(log, UNPRIVILEGED_UID, UNPRIVILEGED_GID)
        program = list(words) if raw else [py.path] + list(words)  # trace=True: PYTHONVERBOSE, as for raw runs
        obs = super().run(py, [strace, "-f", "-qq", "-o", str(log), "-e", _STRACE_CALLS] + program,
                          env=env, raw=True, **options)
        obs.syscalls = parse_strace(log.read_text(encoding="utf-8", errors="replace"), self.relative)
        return obs
