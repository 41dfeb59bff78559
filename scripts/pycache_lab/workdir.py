"""The scenario's files: write, copy from ``examples/``, read, date (to the nanosecond), chmod, mkdir, zip, list.

A mixin of ``Sandbox`` (which provides ``work``, the scenario directory, and ``_give_away``, which
hands new files to the unprivileged user when the sandbox has one). Paths are relative to the
scenario directory, '/'-separated.
"""
from __future__ import annotations

import os
import shutil
import time
import zipfile
from pathlib import Path
from typing import Mapping

from . import observation

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
ZIP_MTIME = 1_700_000_000
"""When members of a zip the lab builds are dated (an even second: zip stores two-second steps)."""


class WorkFiles:
    work: Path

    def _give_away(self, top: Path) -> None:  # pragma: no cover - Sandbox provides it
        raise NotImplementedError

    # -- files -------------------------------------------------------------------------------
    def path(self, rel: str = "") -> Path:
        return self.work / rel if rel else self.work

    def write(self, rel: str, content: str | bytes, mode: int | None = None,
              mtime: float | None = None) -> Path:
        """Write a file under the scenario directory (parents created)."""
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
        if mode is not None:
            os.chmod(target, mode)
        if mtime is not None:
            self.set_mtime(rel, mtime)
        self._give_away(self.work)
        return target

    def copy_example(self, name: str, rel: str | None = None) -> Path:
        """Copy a file or directory from ``examples/`` into the scenario directory (``rel="."``: its contents)."""
        source, target = EXAMPLES / name, self.path(rel or name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)
        self._give_away(self.work)
        return target

    def read(self, rel: str) -> bytes:
        return self.path(rel).read_bytes()

    def exists(self, rel: str) -> bool:
        return os.path.lexists(self.path(rel))

    def set_mtime(self, rel: str, seconds: float) -> None:
        """Set a file's modification (and access) time, in seconds since the epoch."""
        ns = int(round(seconds * 1e9))
        os.utime(self.path(rel), ns=(ns, ns), follow_symlinks=False)

    def set_mtime_ns(self, rel: str, ns: int) -> int:
        """Set a file's times to the nanosecond (no float holds ``T + 0.999999999`` exactly);
        return the time the file system kept, read back: it may keep less than nanoseconds."""
        os.utime(self.path(rel), ns=(ns, ns), follow_symlinks=False)
        return self.mtime_ns(rel)

    def mtime_ns(self, rel: str) -> int:
        """A file's modification time in nanoseconds, as the file system keeps it."""
        return os.lstat(self.path(rel)).st_mtime_ns

    def files(self) -> list[str]:
        return sorted(p for p, s in observation.snapshot(str(self.work)).items() if s.kind == "file")

    def relative(self, path: str) -> str | None:
        """A path the interpreter printed, relative to the scenario directory (None if outside)."""
        for base in (self.work, self.work.resolve()):
            full = os.path.normpath(os.path.join(str(base), path))
            if full == str(base):
                return "."
            if full.startswith(str(base) + os.sep):
                return os.path.relpath(full, str(base)).replace(os.sep, "/")
        return None

    def chmod(self, rel: str, mode: int) -> None:
        """Set a file's or directory's permission bits (``box.chmod("__pycache__", 0o555)``)."""
        os.chmod(self.path(rel), mode)

    def mkdir(self, rel: str, mode: int | None = None) -> Path:
        """Make a directory (and its parents) in the scenario directory, with ``mode`` if given."""
        target = self.path(rel)
        target.mkdir(parents=True, exist_ok=True)
        if mode is not None:
            os.chmod(target, mode)
        self._give_away(self.work)
        return target

    def zip(self, rel: str, members: Mapping[str, str | bytes | None] | list, mtime: float = ZIP_MTIME) -> Path:
        """Build a zip archive at ``rel``: each member a file of the scenario directory (a list of
        names, or a mapping to ``None``) or given content (a mapping to text or bytes). Every
        member is dated ``mtime``, so archives are the same on every build."""
        if not isinstance(members, Mapping):
            members = {name: None for name in members}
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(str(target), "w") as archive:
            for name, content in members.items():
                data = self.read(name) if content is None else content
                data = data.encode("utf-8") if isinstance(data, str) else data
                archive.writestr(zipfile.ZipInfo(name, time.gmtime(mtime)[:6]), data)
        self._give_away(self.work)
        return target

    def listing(self, rel: str = "") -> list[str]:
        """Every file and directory below ``rel`` (directories end with '/'), as ``ls -R`` would show."""
        states = observation.snapshot(str(self.path(rel)))
        return sorted(p + ("/" if s.kind == "dir" else "") for p, s in states.items())
