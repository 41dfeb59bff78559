import os

import pytest

from pycache_lab import Interpreter, InterpreterError, discover
from pycache_lab.interpreters import ENV_VAR, named


def test_discovered_interpreters_are_cpython_and_described(interpreters):
    for py in interpreters:
        assert py.implementation == "cpython"
        assert len(bytes.fromhex(py.magic)) == 4 and py.magic.endswith("0d0a")
        assert (py.cache_tag is None) == (not py.at_least(3, 2))
        assert py.version.startswith("%d.%d" % py.version_info[:2])


def test_keys_are_unique_and_versions_sorted(interpreters):
    keys = [py.key for py in interpreters]
    assert len(keys) == len(set(keys))
    assert [py.version_info for py in interpreters] == sorted(py.version_info for py in interpreters)


def test_named_interpreters_replace_discovery(interpreters):
    chosen = [interpreters[0].path, interpreters[-1].path]
    found = discover({ENV_VAR: os.pathsep.join(chosen), "PATH": os.environ.get("PATH", "")})
    assert found.named
    assert sorted(py.path for py in found.interpreters) == sorted(chosen)


def test_a_missing_named_interpreter_is_an_error_naming_it(newest, tmp_path):
    missing = str(tmp_path / "python9.9")
    with pytest.raises(InterpreterError) as caught:
        discover({ENV_VAR: os.pathsep.join([newest.path, missing])})
    assert missing in str(caught.value) and "no such file" in str(caught.value)


def fake_python(directory, name, body):
    """A shell script posing as an interpreter."""
    fake = directory / name
    fake.write_text("#!/bin/sh\n" + body + "\n")
    fake.chmod(0o755)
    return fake


@pytest.mark.parametrize("body, reason", [
    ("echo not python", "did not describe itself"),
    ("echo 'Segmentation fault' >&2; exit 139", "status 139"),
])
def test_a_named_program_that_is_not_a_working_cpython_is_reported_by_name(tmp_path, body, reason):
    fake = fake_python(tmp_path, "python3", body)
    with pytest.raises(InterpreterError) as caught:
        named([str(fake)])
    assert str(fake) in str(caught.value) and reason in str(caught.value)


def test_discovery_says_what_it_passed_over(tmp_path):
    fake = fake_python(tmp_path, "python3", "exit 1")
    found = discover({"PATH": str(tmp_path), "PYENV_ROOT": str(tmp_path / "no-pyenv"),
                      "PYCACHE_BOOK_CACHE": str(tmp_path / "no-cache")})
    assert found.interpreters == []
    assert [path for path, _ in found.passed_over] == [str(fake)]
    assert "passed over" in found.describe()


def test_a_venv_is_the_same_installation_as_its_base(tmp_path, newest):
    import subprocess
    subprocess.run([newest.path, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True)
    path = os.pathsep.join([str(tmp_path / "venv" / "bin"), os.path.dirname(newest.path)])
    found = discover({"PATH": path, "PYENV_ROOT": str(tmp_path / "no-pyenv"),
                      "PYCACHE_BOOK_CACHE": str(tmp_path / "no-cache")})
    same = [py for py in found.interpreters if py.version == newest.version]
    assert len(same) == 1 and not same[0].in_venv


def test_the_magic_number_is_the_first_two_bytes_of_the_magic():
    py = Interpreter(path="/x/python3.13", version="3.13.0", version_info=(3, 13, 0), implementation="cpython",
                     cache_tag="cpython-313", magic="a70d0d0a")
    assert py.magic_number == 3495
