"""Planted cache files: a pyc whose header is valid for its source but whose code says so.

A mixin of ``Sandbox``. ``plant(py, "mod.py")`` writes, where ``py`` looks for mod's cache
file, a pyc that prints ``PLANTED:mod.py`` before running mod's real code; the observation of a
later run lists the planted files that ran (``obs.planted_ran``). The lab chooses the markers, so
every page uses one convention.
"""
from __future__ import annotations

import subprocess

from .interpreters import HELPERS, Interpreter
from .observation import PLANTED


class PlantingFailed(RuntimeError):
    """The interpreter under test could not plant a pyc: something CPython did (an observation, so
    the scenario fails on that interpreter and its claims drift), not the lab's own failure."""


class Planting:
    _planted = 0

    def plant(self, py: Interpreter, source: str, dest: str | None = None, optimization: str = "") -> str:
        """Plant a pyc for ``source``; return where it went. Its marker is ``PLANTED:<source>``."""
        return self.plant_pyc(py, source, PLANTED + source, dest, optimization)

    def plant_pyc(self, py: Interpreter, source: str, marker: str, dest: str | None = None,
                  optimization: str = "") -> str:
        """Plant a pyc for ``source`` that is valid by its header but prints ``marker`` first.

        The pyc goes where ``py`` looks for it (or at ``dest``). If a later run prints the
        marker, that run executed the planted code: it read the pyc, not the source.
        """
        real = self.path(source).read_text(encoding="utf-8")
        self._planted += 1
        fake = self.lab / ("fake-%d.py" % self._planted)
        fake.write_text("import sys; sys.stdout.write(%r)\n%s" % (marker + "\n", real), encoding="utf-8")
        command = [py.path, "-E", "-s", "-B", str(HELPERS / "plant.py"), str(self.path(source)), str(fake),
                   str(self.path(dest)) if dest else "-", optimization or "-"]
        from .sandbox import _count_run

        done = subprocess.run(command, capture_output=True, env=self.environment(py), cwd=str(self.work))
        _count_run(py.path)
        if done.returncode != 0:
            error = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["status %d" % done.returncode]
            raise PlantingFailed("planting a pyc for %s with %s failed: %s" % (source, py.label, error[0]))
        self._give_away(self.work)
        return self.relative(done.stdout.decode("utf-8").strip())
