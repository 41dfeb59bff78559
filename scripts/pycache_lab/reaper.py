"""Leave nothing behind: one private temporary directory per run, and the processes started in it.

Every sandbox lies in the temporary directory, and every process the lab starts has a ``TMPDIR``
inside its sandbox. A tool that owns a whole run (``scripts/build_book.py``,
``scripts/verify_claims.py``) puts every sandbox in a private directory (``private_tmpdir``);
when the run ends, normally or interrupted, ``reap`` kills every process whose environment
names a ``TMPDIR`` inside that directory (page kernels, scenarios, whatever user they run as)
and removes the directory. Linux only (it reads ``/proc``), like the rest of the lab.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import Iterator


def _tmpdir_of(pid: int) -> str | None:
    try:
        with open("/proc/%d/environ" % pid, "rb") as handle:
            environ = handle.read()
    except OSError:  # gone, or another user's process and we are not root
        return None
    for entry in environ.split(b"\0"):
        if entry.startswith(b"TMPDIR="):
            return os.fsdecode(entry[len(b"TMPDIR="):])
    return None


def processes_in(directory: str | os.PathLike) -> list[int]:
    """Processes (other than this one) whose ``TMPDIR`` is ``directory`` or lies inside it."""
    top = os.path.realpath(str(directory))
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        tmpdir = _tmpdir_of(int(name))
        if tmpdir and (tmpdir == top or os.path.realpath(tmpdir).startswith(top + os.sep)
                       or tmpdir.startswith(top + os.sep)):
            found.append(int(name))
    return found


def reap(directory: str | os.PathLike, patience: float = 10.0) -> list[int]:
    """Kill (SIGKILL) every process started inside ``directory``; return their ids."""
    killed: list[int] = []
    deadline = time.monotonic() + patience
    while True:
        alive = processes_in(directory)
        if not alive or time.monotonic() > deadline:
            return killed
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                if pid not in killed:
                    killed.append(pid)
        time.sleep(0.05)


def remove(directory: str | os.PathLike) -> None:
    """Remove a tree even where a scenario left directories without permissions.

    ``shutil.rmtree`` reports a directory it cannot open or list through ``os.open`` or
    ``os.scandir``; once unlocked, that directory is removed by a nested ``rmtree`` rather than by
    calling ``func(path)`` again (``os.open`` needs flags). Root never takes this path: it ignores
    permissions.
    """
    def unlock(func, path, _):
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
        with contextlib.suppress(FileNotFoundError):
            if func in (os.open, os.scandir, os.listdir):
                shutil.rmtree(path, onerror=unlock)
            else:
                func(path)
    if os.path.lexists(directory):
        shutil.rmtree(directory, onerror=unlock)


@contextlib.contextmanager
def private_tmpdir(prefix: str = "pycache-run-") -> Iterator[Path]:
    """A fresh directory for a whole run; on the way out its processes are killed and it is removed."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(directory, 0o755)  # an unprivileged scenario must reach its sandbox inside
    try:
        yield directory
    finally:
        reap(directory)
        remove(directory)
