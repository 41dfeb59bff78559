"""The installer of Debian's interpreters (scripts/install_pythons.py) and their discovery, on
fake roots in a temporary folder: no root, no network, no debootstrap."""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

from pycache_lab import debian
from pycache_lab.interpreters import discover

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "install_pythons.py"
STATUS = """Package: python3.14
Status: install ok installed
Version: 3.14.10-1

Package: python3.15
Status: deinstall ok config-files
Version: 3.15.0-1

Package: python3.15-doc
Status: install ok installed
Version: 3.15.2-1
"""


def load_installer():
    spec = importlib.util.spec_from_file_location("install_pythons", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cache_folder_is_named_or_in_the_users_own_home_whatever_home_says(tmp_path):
    import pwd
    assert debian.cache_dir({debian.CACHE_VAR: str(tmp_path)}) == tmp_path
    own = Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".cache" / "pycache-book"
    assert debian.cache_dir({"XDG_CACHE_HOME": "/x", "HOME": "/h"}) == own
    assert debian.suite_root(Path("/c"), "sid") == Path("/c/debian/sid")


def test_the_packages_are_each_interpreter_and_the_newest_ones_docs():
    assert debian.packages(["3.15", "3.14", "3.15"]) == ["python3.14", "python3.15", "python3.15-doc"]
    with pytest.raises(ValueError, match="2.7"):
        debian.packages(["2.7"])


def test_the_debootstrap_command_keeps_the_packages_between_runs(tmp_path):
    (tmp_path / "sid").write_text("")
    command = debian.debootstrap_command("sid", Path("/c/debian/sid.new"), ["python3.15"], Path("/c/debian/debs"),
                                         scripts=tmp_path)
    assert command == ["debootstrap", "--variant=minbase", "--include=python3.15",
                       "--cache-dir=/c/debian/debs", "sid", "/c/debian/sid.new", debian.MIRROR]


def test_a_suite_newer_than_debootstrap_gets_sids_script(tmp_path):
    (tmp_path / "sid").write_text("")
    command = debian.debootstrap_command("forky", Path("/r"), ["python3.15"], Path("/d"), scripts=tmp_path)
    assert command[-4:] == ["forky", "/r", debian.MIRROR, str(tmp_path / "sid")]


def test_only_installed_packages_count(tmp_path):
    assert debian.installed_packages(STATUS) == {"python3.14": "3.14.10-1", "python3.15-doc": "3.15.2-1"}
    status = tmp_path / "var" / "lib" / "dpkg" / "status"
    status.parent.mkdir(parents=True)
    status.write_text(STATUS)
    assert debian.missing_packages(tmp_path, ["python3.14", "python3.15"]) == ["python3.15"]
    assert debian.missing_packages(tmp_path / "absent", ["python3.14"]) == ["python3.14"]


def test_the_patch_points_the_copy_into_the_root(tmp_path):
    libc = tmp_path / "usr" / "lib" / "x86_64-linux-gnu" / "libc.so.6"
    libc.parent.mkdir(parents=True)
    libc.write_bytes(b"")
    (tmp_path / "usr" / "lib" / "python3.15").mkdir()
    loader = debian.loader_of(tmp_path, "/lib64/ld-linux-x86-64.so.2")
    assert loader == str(tmp_path) + "/lib64/ld-linux-x86-64.so.2"   # no such file: taken as given
    (tmp_path / "usr" / "lib64").mkdir()
    (tmp_path / "usr" / "lib64" / "ld-linux-x86-64.so.2").write_bytes(b"")
    (tmp_path / "lib64").symlink_to("usr/lib64")                     # merged /usr
    loader = debian.loader_of(tmp_path, "/lib64/ld-linux-x86-64.so.2")
    assert loader == str(tmp_path / "usr" / "lib64" / "ld-linux-x86-64.so.2")
    (tmp_path / "lib64").unlink()
    (tmp_path / "lib64").symlink_to("/lib64")                        # leads out of the root: not followed
    assert debian.loader_of(tmp_path, "/lib64/ld-linux-x86-64.so.2") == str(tmp_path) + "/lib64/ld-linux-x86-64.so.2"
    assert debian.library_dirs(tmp_path) == [str(libc.parent)]
    assert debian.patch_command(Path("/r/usr/local/bin/python3.15"), loader, [str(libc.parent)]) == [
        "patchelf", "--set-interpreter", loader, "--force-rpath", "--set-rpath", str(libc.parent),
        "/r/usr/local/bin/python3.15"]


def test_a_copy_is_current_only_for_the_same_source_and_paths(tmp_path):
    record = debian.patch_record("abc", "/r/lib64/ld.so", ["/r/usr/lib/x"])
    assert not debian.copy_is_current(tmp_path, "python3.15", record)
    copy = tmp_path / debian.HOST_BIN / "python3.15"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"")
    debian.write_manifest(tmp_path, {"python3.15": record})
    assert debian.copy_is_current(tmp_path, "python3.15", record)
    assert not debian.copy_is_current(tmp_path, "python3.15", {**record, "source_sha256": "def"})
    assert not debian.copy_is_current(tmp_path, "python3.15", {**record, "interpreter": "/moved/ld.so"})


@pytest.mark.skipif(shutil.which("patchelf") is None, reason="needs patchelf")
def test_patching_twice_patches_once(tmp_path):
    """A fake root whose 'python3.99' is a copy of the running interpreter's binary."""
    root = tmp_path / "debian" / "sid"
    (root / "usr" / "bin").mkdir(parents=True)
    shutil.copyfile(os.path.realpath(sys.executable), root / "usr" / "bin" / "python3.99")
    libdir = root / "usr" / "lib" / "x86_64-linux-gnu"
    libdir.mkdir(parents=True)
    (libdir / "libc.so.6").write_bytes(b"")
    installer = load_installer()
    import subprocess
    elf_interpreter = subprocess.run(["patchelf", "--print-interpreter", sys.executable],
                                     capture_output=True, text=True).stdout.strip()
    if not elf_interpreter:
        pytest.skip("the running interpreter has no ELF interpreter")
    (root / elf_interpreter.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / elf_interpreter.lstrip("/")).write_bytes(b"")
    assert installer.patch(root, "3.99") is True
    copy = root / debian.HOST_BIN / "python3.99"
    shown = subprocess.run(["patchelf", "--print-interpreter", "--print-rpath", str(copy)],
                           capture_output=True, text=True, check=True).stdout.split()
    assert shown == [str(root / elf_interpreter.lstrip("/")), str(libdir)]
    assert installer.patch(root, "3.99") is False


def test_removal_is_refused_outside_the_root_and_its_siblings(tmp_path):
    installer = load_installer()
    root = tmp_path / "debian" / "sid"
    other = tmp_path / "debian" / "keep"
    other.mkdir(parents=True)
    with pytest.raises(installer.CannotInstall, match="refusing"):
        installer.remove_root(other, root)
    with pytest.raises(installer.CannotInstall, match="refusing"):
        installer.remove_root(tmp_path, root)
    assert other.is_dir()
    sibling = tmp_path / "debian" / "sid.old"
    (sibling / "usr").mkdir(parents=True)
    installer.remove_root(sibling, root)
    assert not sibling.exists()


def test_missing_tools_are_named_with_how_to_get_them(monkeypatch):
    installer = load_installer()
    monkeypatch.setattr(installer.shutil, "which", lambda tool: None)
    with pytest.raises(installer.CannotInstall) as caught:
        installer.require_tools(need_debootstrap=True)
    assert "apt-get install debootstrap patchelf" in str(caught.value)


def fake_root_python(root: Path, name: str, body: str) -> Path:
    exe = root / debian.HOST_BIN / name
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_text("#!/bin/sh\n" + body + "\n")
    exe.chmod(0o755)
    return exe


def test_discovery_finds_the_patched_copies_of_every_root(tmp_path):
    cache = tmp_path / "cache"
    sid = debian.suite_root(cache, "sid")
    works = fake_root_python(sid, "python3.15", 'exec %s "$@"' % sys.executable)
    broken = fake_root_python(debian.suite_root(cache, "forky"), "python3.14", "exit 1")
    fake_root_python(sid, "python3.15.tmp", "exit 1")        # a half-made copy: not a candidate
    (sid / "usr" / "bin").mkdir(parents=True)
    (sid / "usr" / "bin" / "python3.15").write_text("")     # the root's own binary: not a candidate
    found = discover({"PATH": "", "PYENV_ROOT": str(tmp_path / "no-pyenv"), debian.CACHE_VAR: str(cache)})
    assert [py.path for py in found.interpreters] == [str(works)]
    assert [path for path, _ in found.passed_over] == [str(broken)]
    assert "Debian roots" in found.describe()


def test_a_symlink_on_path_and_its_target_in_a_root_count_once(tmp_path):
    cache = tmp_path / "cache"
    target = fake_root_python(debian.suite_root(cache, "sid"), "python3.15", 'exec %s "$@"' % sys.executable)
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "python3").symlink_to(target)
    found = discover({"PATH": str(on_path), "PYENV_ROOT": str(tmp_path / "no-pyenv"),
                      debian.CACHE_VAR: str(cache)})
    assert len(found.interpreters) == 1
    assert [why for _, why in found.passed_over] == ["same installation as %s" % (on_path / "python3")]


def test_a_debian_build_says_so_in_its_label(interpreters):
    """Debian marks its builds with its own sysconfig scheme; upstream builds have none."""
    for py in interpreters:
        import subprocess
        scheme = subprocess.run([py.path, "-c", "import sysconfig; print('deb_system' in sysconfig.get_scheme_names())"],
                                capture_output=True, text=True).stdout.strip()
        assert (py.build != "") == (scheme == "True"), py.label
        assert ("'s build, " in py.label) == bool(py.build)


def test_a_check_of_a_missing_root_says_what_is_missing_and_changes_nothing(tmp_path, capsys):
    installer = load_installer()
    status = installer.main(["--check", "--cache", str(tmp_path)])
    said = capsys.readouterr().out
    assert status == 2
    assert "lacks python3.14, python3.15, python3.15-doc" in said
    assert list(tmp_path.iterdir()) == []


def test_a_cache_this_caller_cannot_read_is_passed_over(tmp_path, monkeypatch):
    """Another user's cache (mode 0700) raises PermissionError on listing; discovery goes on."""
    (debian.suite_root(tmp_path, "sid") / debian.HOST_BIN).mkdir(parents=True)
    assert debian.roots(tmp_path) == [debian.suite_root(tmp_path, "sid")]

    def refused(self):
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(Path, "iterdir", refused)
    assert debian.roots(tmp_path) == []
    assert debian.host_interpreters(debian.suite_root(tmp_path, "sid")) == []


def test_a_root_lacking_a_package_is_unpacked_anew_beside_it_then_swapped(tmp_path, monkeypatch):
    """debootstrap replaced by a stand-in that makes the new root; the old one is removed after."""
    installer = load_installer()
    cache = tmp_path / "cache"
    root = debian.suite_root(cache, "sid")
    (root / "old-marker").parent.mkdir(parents=True)
    (root / "old-marker").write_text("")
    seen = []

    def fake_debootstrap(command, **_):
        seen.append(command)
        target = Path(command[-2])
        (target / "new-marker").parent.mkdir(parents=True)
        (target / "new-marker").write_text("")
        return subprocess.CompletedProcess(command, 0, b"", b"")
    import subprocess
    monkeypatch.setattr(installer.subprocess, "run", fake_debootstrap)
    installer.unpack(root, cache, "sid", ["python3.15"], debian.MIRROR)
    assert seen[0][-2] == str(root) + ".new" and "--cache-dir=%s" % debian.debs_dir(cache) in seen[0]
    assert (root / "new-marker").exists() and not (root / "old-marker").exists()
    assert sorted(p.name for p in root.parent.iterdir()) == ["debs", "sid"]


def test_a_failed_debootstrap_leaves_the_old_root_and_says_where_the_unfinished_one_is(tmp_path, monkeypatch):
    import subprocess
    installer = load_installer()
    cache = tmp_path / "cache"
    root = debian.suite_root(cache, "sid")
    root.mkdir(parents=True)
    monkeypatch.setattr(installer.subprocess, "run", lambda command, **_: subprocess.CompletedProcess(
        command, 1, b"E: Couldn't download packages: python3.15\n", b""))
    with pytest.raises(installer.CannotInstall) as caught:
        installer.unpack(root, cache, "sid", ["python3.15"], debian.MIRROR)
    assert "Couldn't download packages" in str(caught.value) and str(root) + ".new" in str(caught.value)
    assert root.is_dir()
