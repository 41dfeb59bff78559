# Runs inside the interpreter being probed (Python 2.7 and every 3.x): prints one JSON line
# describing it. Kept free of anything newer than 2.7's syntax on purpose.
import json
import os
import platform
import sys


def magic_number():
    try:
        from importlib.util import MAGIC_NUMBER
        return MAGIC_NUMBER
    except ImportError:
        import imp
        return imp.get_magic()


def install_dirs():
    dirs = set()
    for name in ("prefix", "exec_prefix", "base_prefix", "base_exec_prefix"):
        value = getattr(sys, name, None)
        if value:
            dirs.add(os.path.realpath(value))
    try:
        import site
        for path in site.getsitepackages():
            dirs.add(os.path.realpath(path))
    except Exception:
        pass
    return sorted(d for d in dirs if os.path.isdir(d))


def build():
    """Whose build this is: a distribution that patched CPython (Debian adds its own install
    scheme, ``deb_system``, to sysconfig), named by the os-release file of the tree the
    installation lies in; "" for an upstream build (pyenv, python.org, setup-python)."""
    try:
        import sysconfig
        if "deb_system" not in sysconfig.get_scheme_names():
            return ""
    except Exception:
        return ""
    prefix = os.path.realpath(getattr(sys, "base_prefix", sys.prefix))
    top = os.path.dirname(prefix) if os.path.basename(prefix) == "usr" else prefix
    for name in ("usr/lib/os-release", "etc/os-release"):
        try:
            with open(os.path.join(top, name)) as handle:
                for line in handle:
                    if line.startswith("ID="):
                        return line[3:].strip().strip("\"'").capitalize()
        except (IOError, OSError):
            continue
    return "Debian"


info = {
    "executable": os.path.realpath(sys.executable),
    "version": platform.python_version(),
    "version_info": list(sys.version_info[:3]),
    "implementation": platform.python_implementation().lower(),
    "cache_tag": getattr(getattr(sys, "implementation", None), "cache_tag", None),
    "magic": "".join("%02x" % c for c in bytearray(magic_number())),
    "base_prefix": os.path.realpath(getattr(sys, "base_prefix", sys.prefix)),
    "in_venv": getattr(sys, "base_prefix", sys.prefix) != sys.prefix,
    "install_dirs": install_dirs(),
    "build": build(),
}
sys.stdout.write(json.dumps(info) + "\n")
