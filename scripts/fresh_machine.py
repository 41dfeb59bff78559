"""Follow the README's install steps, word for word, on a fresh Debian or Ubuntu root (as root, then a user).

    sudo python3 scripts/fresh_machine.py --root /tmp/fresh-deb12 [--suite bookworm|trixie|noble]
        [--user reader] [--ca-bundle /etc/ssl/certs/ca-certificates.crt] [--skip-tests]
        [--keyring /usr/share/keyrings/ubuntu-archive-keyring.gpg]

Makes the root with ``debootstrap --variant=minbase`` unless it exists, clones this checkout's
HEAD into it (the README's clone address is replaced by that clone, the only substitution besides
``sudo`` and apt's ``-y``), and runs the ``$`` lines of the README's first console block: as root,
then (after ``useradd -m``) every line but apt's as the ordinary user. The root is entered the way a
container enters it (``pivot_root`` in a private mount namespace), not by ``chroot``: in a chroot the
kernel refuses user namespaces. Prints each step's status and duration; exit status 1 if one failed.
Mounts are undone on the way out; the root is never deleted. An Ubuntu suite (``noble``) gets what
a real Ubuntu has: its archive, the components main, restricted, universe and multiverse, and its
keyring (the ``ubuntu-keyring`` package's, which a Debian host lacks: ``--keyring``).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLONE = re.compile(r"^git clone (\S+)")
SCRIPTS = Path("/usr/share/debootstrap/scripts")
UBUNTU_SUITES = ("jammy", "noble")
UBUNTU_MIRROR = "http://archive.ubuntu.com/ubuntu"
UBUNTU_COMPONENTS = "main,restricted,universe,multiverse"
UBUNTU_KEYRING = "/usr/share/keyrings/ubuntu-archive-keyring.gpg"
ENTER = ('set -e; cd "$0"; mkdir -p .oldroot; pivot_root . .oldroot; cd /; umount -l /.oldroot; '
         'rmdir /.oldroot; exec "$@"')


def readme_steps(readme: Path = ROOT / "README.md") -> list[str]:
    """The ``$`` lines of the first console block after the install heading, comments dropped."""
    text = readme.read_text(encoding="utf-8")
    block = text[text.index("## Install"):].split("```console", 1)[1].split("```", 1)[0]
    steps = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append(line[2:].split("  #")[0].strip())
    return steps


def as_run(step: str, clone_from: str) -> str:
    """The README's line as the script runs it: no sudo, apt answers yes, the local clone."""
    step = re.sub(r"^sudo ", "", step)
    if step.startswith("apt-get install "):
        step = step.replace("apt-get install ", "apt-get install -y ", 1)
    return CLONE.sub("git clone " + clone_from, step)


def debootstrap_command(suite: str, root: Path, mirror: str | None = None, keyring: str | None = None,
                        scripts: Path = SCRIPTS) -> list[str]:
    """Debian as debootstrap makes it; Ubuntu as a user meets it (graphviz is in universe).

    A debootstrap older than the release has no script named after it: every Ubuntu since gutsy
    is made by gutsy's, so that one is named. The signature is always checked.
    """
    command = ["debootstrap", "--variant=minbase"]
    if suite not in UBUNTU_SUITES:
        return command + [suite, str(root), mirror or "http://deb.debian.org/debian"]
    command += ["--components=" + UBUNTU_COMPONENTS, "--keyring=" + (keyring or UBUNTU_KEYRING),
                suite, str(root), mirror or UBUNTU_MIRROR]
    if not (scripts / suite).exists():
        command.append(str(scripts / "gutsy"))
    return command


def mounted_below(root: Path) -> list[str]:
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        points = [line.split()[1] for line in mounts]
    return [p for p in points if p == str(root) or p.startswith(str(root) + "/")]


def mount_all(root: Path) -> None:
    if str(root) not in mounted_below(root):
        subprocess.run(["mount", "--bind", str(root), str(root)], check=True)  # a mount point to pivot to
    for fstype, where in (("proc", "proc"), ("sysfs", "sys")):
        if str(root / where) not in mounted_below(root):
            subprocess.run(["mount", "-t", fstype, fstype, str(root / where)], check=True)
    if str(root / "dev") not in mounted_below(root):
        subprocess.run(["mount", "--rbind", "/dev", str(root / "dev")], check=True)  # with /dev/pts


def unmount_all(root: Path) -> None:
    for point in sorted(mounted_below(root), key=len, reverse=True):
        subprocess.run(["umount", "-l", point])
    left = mounted_below(root)
    if left:
        print("still mounted (unmount by hand before removing %s): %s" % (root, ", ".join(left)))


def enter(root: Path, user: str | None, command: str, environ: dict) -> list[str]:
    inner = ["/usr/bin/env", "-i"] + ["%s=%s" % kv for kv in environ.items()]
    if user:
        inner = ["setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups"] + inner
    return (["unshare", "--mount", "--propagation", "private", "--fork", "/bin/sh", "-c", ENTER, str(root)]
            + inner + ["/bin/bash", "-c", command])


def run_steps(root: Path, user: str | None, steps: list[str], environ: dict) -> bool:
    home = "/home/%s" % user if user else "/root"
    env = dict(environ, HOME=home)
    script = ["cd ~"]
    ok = True
    for step in steps:
        start = time.monotonic()
        done = subprocess.run(enter(root, user, " && ".join(script + [step]), env))
        seconds = time.monotonic() - start
        print("%s %-5s %4.0f s  %s" % (user or "root", "ok" if done.returncode == 0 else "FAIL", seconds, step),
              flush=True)
        if done.returncode != 0:
            ok = False
            if not step.startswith("nox ") and "/nox " not in step:
                return False  # the set-up itself failed: later steps cannot run
        if step.startswith("cd "):
            script.append(step)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--suite", default="bookworm")
    parser.add_argument("--mirror", help="default: Debian's or Ubuntu's archive, after the suite")
    parser.add_argument("--keyring", help="an Ubuntu suite's keyring (default " + UBUNTU_KEYRING + ")")
    parser.add_argument("--user", default="reader")
    parser.add_argument("--ca-bundle", help="a CA bundle for pip (a proxy that intercepts TLS)")
    parser.add_argument("--skip-tests", action="store_true", help="stop after nox -s docs")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("run as root: debootstrap, mounts and pivot_root need it")
    root = args.root.resolve()
    if not (root / "usr" / "bin").is_dir():
        command = debootstrap_command(args.suite, root, args.mirror, args.keyring)
        keyring = next((c.split("=", 1)[1] for c in command if c.startswith("--keyring=")), None)
        if keyring and not os.path.isfile(keyring):
            parser.error("no keyring %s: take it from ubuntu-keyring's .deb in %spool/main/u/ubuntu-keyring/"
                         " (dpkg-deb -x) and pass --keyring" % (keyring, UBUNTU_MIRROR + "/"))
        subprocess.run(command, check=True)
    steps = [as_run(s, "/srv/pycache-book.git") for s in readme_steps()]
    if args.skip_tests:
        steps = [s for s in steps if not s.endswith("nox -s tests")]
    environ = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
               "TERM": "dumb", "DEBIAN_FRONTEND": "noninteractive"}
    bare = root / "srv" / "pycache-book.git"
    if bare.exists():
        shutil.rmtree(bare)  # only the clone this script made before, inside the root
    subprocess.run(["git", "clone", "-q", "--bare", str(ROOT), str(bare)], check=True)
    (root / "etc" / "gitconfig").write_text("[safe]\n\tdirectory = /srv/pycache-book.git\n")  # owned by root
    shutil.copy("/etc/resolv.conf", str(root / "etc" / "resolv.conf"))
    if args.ca_bundle:
        shutil.copy(args.ca_bundle, str(root / "etc" / "pip-ca.crt"))
        environ["PIP_CERT"] = "/etc/pip-ca.crt"
    mount_all(root)
    try:
        ok = run_steps(root, None, steps, environ)
        subprocess.run(enter(root, None, "id %s >/dev/null 2>&1 || useradd -m %s" % (args.user, args.user),
                             dict(environ, HOME="/root")), check=True)
        user_steps = [s for s in steps if not s.startswith("apt-get ")]
        ok = run_steps(root, args.user, user_steps, environ) and ok
    finally:
        unmount_all(root)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
