#!/usr/bin/env python3
"""Install Debian's builds of the newest CPython releases where the book finds them.

    python3 scripts/install_pythons.py [--suite sid|forky] [--versions 3.14 3.15] [--cache DIR]

Unpacks the suite with ``debootstrap --variant=minbase`` (needs root, ``debootstrap`` and
``patchelf``), copies each interpreter to the root's ``usr/local/bin`` with its loader and run
path pointing into the root, then runs each copy and prints what it says about itself. A second
run only checks (seconds); a root that lacks a requested package is unpacked anew beside the old
one, from the kept packages. The layout is described in ``pycache_lab/debian.py``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pycache_lab import debian  # noqa: E402

CHECK = ("import json, sys, importlib.util, sysconfig; print(json.dumps({'version': sys.version.split()[0], "
         "'prefix': sys.prefix, 'cache_tag': sys.implementation.cache_tag, "
         "'magic': importlib.util.MAGIC_NUMBER.hex(), 'debian': 'deb_system' in sysconfig.get_scheme_names()}))")


class CannotInstall(RuntimeError):
    """A requirement of the installer is missing; the message says which and how to get it."""


def say(message: str) -> None:
    print("install_pythons: " + message, flush=True)


def require_tools(need_debootstrap: bool) -> None:
    missing = [tool for tool in (["debootstrap"] if need_debootstrap else []) + ["patchelf"]
               if shutil.which(tool) is None]
    problems = []
    if missing:
        problems.append("missing program(s): %s (Debian: apt-get install %s)"
                        % (", ".join(missing), " ".join(missing)))
    if need_debootstrap and os.geteuid() != 0:
        problems.append("debootstrap must run as root (run this script as root, or with sudo)")
    if problems:
        raise CannotInstall("; ".join(problems))


def mounts_under(path: Path) -> list[str]:
    """Mount points inside ``path`` (a failed debootstrap can leave its proc or sys mounted)."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    prefix = str(path.resolve()) + "/"
    points = [line.split()[1].replace("\\040", " ") for line in lines if len(line.split()) > 1]
    return [p for p in points if p.startswith(prefix)]


def remove_root(path: Path, root: Path) -> None:
    """Remove an unpacked root, only if it is ours: ``root`` itself or its ``.new``/``.old``
    sibling, with nothing mounted in it."""
    resolved, root = path.resolve(), root.resolve()
    allowed = {root.name, root.name + ".new", root.name + ".old"}
    if resolved.parent != root.parent or resolved.name not in allowed or resolved == Path("/"):
        raise CannotInstall("refusing to remove %s: not %s or its .new/.old sibling" % (path, root))
    mounted = mounts_under(resolved)
    if mounted:
        raise CannotInstall("refusing to remove %s: still mounted inside it: %s (umount them first)"
                            % (path, ", ".join(mounted)))
    shutil.rmtree(resolved)


def unpack(root: Path, cache: Path, suite: str, include: list[str], mirror: str) -> None:
    """debootstrap into a fresh folder beside the root, then put it in the root's place."""
    fresh = root.with_name(root.name + ".new")
    if fresh.exists():
        remove_root(fresh, root)
    debs = debian.debs_dir(cache)
    debs.mkdir(parents=True, exist_ok=True)
    command = debian.debootstrap_command(suite, fresh, include, debs, mirror)
    say("unpacking %s with %s (about 3 minutes the first time)" % (suite, ", ".join(include)))
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = done.stdout.decode("utf-8", "replace").strip().splitlines()[-15:]
        raise CannotInstall("debootstrap failed (status %d); its last lines:\n  %s\n(the unfinished "
                            "root is left in %s)" % (done.returncode, "\n  ".join(tail), fresh))
    say("unpacked in %.0f s" % (time.monotonic() - started))
    if root.exists():
        old = root.with_name(root.name + ".old")
        if old.exists():
            remove_root(old, root)
        os.rename(root, old)
        os.rename(fresh, root)
        remove_root(old, root)
    else:
        os.rename(fresh, root)


def patch(root: Path, version: str) -> bool:
    """Copy ``usr/bin/python<version>`` to ``usr/local/bin`` and point it into the root; False if
    the copy was already current."""
    name = "python" + version
    source = root / "usr" / "bin" / name
    elf_interpreter = subprocess.run(["patchelf", "--print-interpreter", str(source)], check=True,
                                     capture_output=True, text=True).stdout.strip()
    loader = debian.loader_of(root, elf_interpreter)
    rpath = debian.library_dirs(root)
    if not rpath or not os.path.exists(loader):
        raise CannotInstall("%s has no C library of its own (loader %s, libraries %s)" % (root, loader, rpath))
    record = debian.patch_record(debian.sha256(source), loader, rpath)
    if debian.copy_is_current(root, name, record):
        return False
    target = root / debian.HOST_BIN / name
    temporary = target.with_name(name + ".tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, temporary)
    os.chmod(temporary, 0o755)
    subprocess.run(debian.patch_command(temporary, loader, rpath), check=True)
    os.replace(temporary, target)
    manifest = debian.read_manifest(root)
    manifest[name] = record
    debian.write_manifest(root, manifest)
    return True


def check(root: Path, version: str) -> dict:
    """Run the patched copy; it must start and find its standard library inside the root."""
    import json
    target = root / debian.HOST_BIN / ("python" + version)
    done = subprocess.run([str(target), "-E", "-s", "-B", "-c", CHECK], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, cwd="/")
    if done.returncode != 0:
        raise CannotInstall("%s does not run: %s" % (target, (done.stderr.strip().splitlines() or ["?"])[-1]))
    info = json.loads(done.stdout)
    if not (info["prefix"] + "/").startswith(str(root) + "/"):
        raise CannotInstall("%s runs but its prefix is %s, outside %s" % (target, info["prefix"], root))
    return info


def install(suite: str, versions: list[str], cache: Path, mirror: str, root: Path | None = None,
            check_only: bool = False) -> list[dict]:
    versions = debian.check_versions(versions)
    root = root or debian.suite_root(cache, suite)
    include = debian.packages(versions)
    missing = debian.missing_packages(root, include)
    if missing and check_only:
        raise CannotInstall("%s lacks %s" % (root, ", ".join(missing)))
    require_tools(need_debootstrap=bool(missing))
    if missing:
        unpack(root, cache, suite, include, mirror)
    else:
        say("%s already holds %s" % (root, ", ".join(include)))
    results = []
    for version in versions:
        changed = patch(root, version) if not check_only else False
        info = check(root, version)
        say("python%s -> CPython %s%s, prefix %s, cache tag %s, magic %s%s" % (
            version, info["version"], " (Debian's build)" if info["debian"] else "", info["prefix"],
            info["cache_tag"], info["magic"], " (patched now)" if changed else ""))
        results.append(info)
    inventory = root / "usr" / "share" / "doc" / ("python%s" % versions[-1]) / "html" / "objects.inv"
    say("CPython's inventory: %s" % (inventory if inventory.is_file() else "none (no -doc package)"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", default=debian.DEFAULT_SUITE,
                        help="Debian suite to take the interpreters from (sid or forky; default sid)")
    parser.add_argument("--versions", nargs="+", default=list(debian.DEFAULT_VERSIONS),
                        help="CPython versions (default: %s)" % " ".join(debian.DEFAULT_VERSIONS))
    parser.add_argument("--cache", type=Path, default=None,
                        help="cache folder (default: $%s, else ~/.cache/pycache-book)" % debian.CACHE_VAR)
    parser.add_argument("--root", type=Path, default=None,
                        help="unpack here instead of <cache>/debian/<suite> (the book does not look there)")
    parser.add_argument("--mirror", default=debian.MIRROR)
    parser.add_argument("--check", action="store_true", help="only check what is installed; change nothing")
    args = parser.parse_args(argv)
    if args.suite not in debian.SUITES:
        say("note: suite %r is neither of %s; trying it anyway" % (args.suite, ", ".join(debian.SUITES)))
    cache = (args.cache or debian.cache_dir(os.environ)).absolute()
    root = args.root.absolute() if args.root else None
    if root is not None and root.parent != cache / "debian":
        say("note: %s is outside %s/debian, so discovery will not find it" % (root, cache))
    started = time.monotonic()
    try:
        install(args.suite, args.versions, cache, args.mirror, root, args.check)
    except (CannotInstall, ValueError) as error:
        say("cannot install: %s" % error)
        return 2
    say("done in %.1f s" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
