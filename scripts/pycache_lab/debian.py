"""Where Debian's newer CPython builds live on this machine, and how they are made to run on it.

``scripts/install_pythons.py`` unpacks a Debian suite (``sid`` by default) with ``debootstrap``
into a cache folder and copies each ``python3.X`` it holds to ``usr/local/bin`` of that root,
with its ELF interpreter and run path pointing into the root (``patchelf``): the copy runs on a
host whose C library is older, and because it sits inside the root, ``sys.prefix`` resolves to
the root's ``usr`` and the standard library found is Debian's. Discovery
(``pycache_lab.interpreters``) looks for those copies, like pyenv's versions. The layout::

    $PYCACHE_BOOK_CACHE (default: ~/.cache/pycache-book, ~ from the password database)
      debian/debs/                     downloaded packages, kept between runs
      debian/<suite>/                  the unpacked suite (a debootstrap root), untouched by us...
      debian/<suite>/usr/local/bin/python3.X      ...but for the patched copies
      debian/<suite>/usr/local/share/pycache-book/host-pythons.json   what was patched, from what

Everything here is pure (paths, file parsing, the patch command), so it is tested without root.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Mapping

CACHE_VAR = "PYCACHE_BOOK_CACHE"
DEFAULT_SUITE = "sid"
SUITES = ("sid", "forky")
DEFAULT_VERSIONS = ("3.14", "3.15")
MIRROR = "http://deb.debian.org/debian"
HOST_BIN = Path("usr/local/bin")
MANIFEST = Path("usr/local/share/pycache-book/host-pythons.json")
_VERSION = re.compile(r"^3\.\d+$")


def cache_dir(environ: Mapping[str, str]) -> Path:
    """The project's cache folder: ``$PYCACHE_BOOK_CACHE``, else ``.cache/pycache-book`` in the
    home folder that the password database gives the effective user. Not ``$HOME`` nor
    ``$XDG_CACHE_HOME``: the interpreters and the inventory a build uses must not change with
    what the caller exports (the hostile-caller suite runs the build with a fresh HOME)."""
    if environ.get(CACHE_VAR):
        return Path(environ[CACHE_VAR])
    try:
        import pwd
        home = pwd.getpwuid(os.geteuid()).pw_dir
    except (ImportError, KeyError):
        home = os.path.expanduser("~")
    return Path(home) / ".cache" / "pycache-book"


def suite_root(cache: Path, suite: str) -> Path:
    return cache / "debian" / suite


def debs_dir(cache: Path) -> Path:
    return cache / "debian" / "debs"


def roots(cache: Path) -> list[Path]:
    """Every unpacked suite in the cache (those with a ``usr/local/bin``), by name."""
    try:
        entries = list((cache / "debian").iterdir())
    except OSError:  # none yet, or another user's cache that this caller cannot read
        return []
    return sorted(p for p in entries if p.name != "debs" and (p / HOST_BIN).is_dir())


def host_interpreters(root: Path) -> list[Path]:
    """The patched copies in one root, ``python3.X`` only (the root's own binaries do not run here)."""
    try:
        entries = list((root / HOST_BIN).iterdir())
    except OSError:
        return []
    found = [p for p in entries if re.match(r"^python3\.\d+$", p.name) and p.is_file()]
    return sorted(found, key=lambda p: int(p.name.split(".")[1]))


def check_versions(versions: list[str]) -> list[str]:
    bad = [v for v in versions if not _VERSION.match(v)]
    if bad:
        raise ValueError("not a CPython 3.X version: %s" % ", ".join(bad))
    return sorted(set(versions), key=lambda v: int(v.split(".")[1]))


def packages(versions: list[str]) -> list[str]:
    """What debootstrap must add to a minimal root: each interpreter, and the newest one's docs
    (CPython's ``objects.inv``, for links into docs.python.org in an offline build)."""
    versions = check_versions(versions)
    return ["python%s" % v for v in versions] + ["python%s-doc" % versions[-1]]


DEBOOTSTRAP_SCRIPTS = Path("/usr/share/debootstrap/scripts")


def debootstrap_command(suite: str, target: Path, include: list[str], debs: Path,
                        mirror: str = MIRROR, scripts: Path = DEBOOTSTRAP_SCRIPTS) -> list[str]:
    """The debootstrap call. A debootstrap older than the suite (Debian 12's knows no ``forky``)
    is given sid's script, which newer debootstraps use for every later Debian suite."""
    command = ["debootstrap", "--variant=minbase", "--include=" + ",".join(include),
               "--cache-dir=" + str(debs), suite, str(target), mirror]
    if not (scripts / suite).exists() and (scripts / "sid").exists():
        command.append(str(scripts / "sid"))
    return command


def installed_packages(status_text: str) -> dict[str, str]:
    """Package -> version of what dpkg's status file (``var/lib/dpkg/status``) says is installed."""
    installed = {}
    for stanza in status_text.split("\n\n"):
        fields = dict(re.findall(r"^([\w-]+): (.*)$", stanza, re.MULTILINE))
        if fields.get("Status", "").endswith(" installed") and "Package" in fields:
            installed[fields["Package"]] = fields.get("Version", "")
    return installed


def missing_packages(root: Path, wanted: list[str]) -> list[str]:
    status = root / "var" / "lib" / "dpkg" / "status"
    have = installed_packages(status.read_text(encoding="utf-8")) if status.is_file() else {}
    return [name for name in wanted if name not in have]


def loader_of(root: Path, elf_interpreter: str) -> str:
    """The root's own dynamic loader for a binary whose PT_INTERP is ``elf_interpreter``, by its
    path under ``usr`` when the root's ``/lib64`` is a symlink (merged /usr): scenarios run by
    another user see only the installation (``usr``) inside folders closed to others."""
    given = str(root) + "/" + elf_interpreter.lstrip("/")
    real, inside = os.path.realpath(given), os.path.realpath(str(root)) + "/"
    return real if real.startswith(inside) else given


def library_dirs(root: Path) -> list[str]:
    """The root's multiarch library folders (those holding a C library), for the run path."""
    found = glob.glob(str(root / "usr" / "lib" / "*" / "libc.so.6"))
    return sorted(os.path.dirname(p) for p in found)


def patch_command(copy: Path, loader: str, rpath: list[str]) -> list[str]:
    """``patchelf`` making ``copy`` load the root's C library. ``--force-rpath`` writes DT_RPATH,
    which (unlike RUNPATH) also applies to the extension modules the interpreter loads later."""
    return ["patchelf", "--set-interpreter", loader, "--force-rpath",
            "--set-rpath", ":".join(rpath), str(copy)]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(root: Path, manifest: dict) -> None:
    path = root / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def patch_record(source_sha: str, loader: str, rpath: list[str]) -> dict:
    return {"source_sha256": source_sha, "interpreter": loader, "rpath": ":".join(rpath)}


def copy_is_current(root: Path, name: str, wanted: dict) -> bool:
    """Whether ``usr/local/bin/<name>`` was patched from the same binary with the same paths
    (a second run then does nothing; an upgraded root or a moved cache patches again)."""
    return (root / HOST_BIN / name).is_file() and read_manifest(root).get(name) == wanted
