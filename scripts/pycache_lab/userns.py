"""Namespaces the lab can make here, and the real reason when it cannot.

Two things need the kernel's help:

- **the read-only installation**: as root, each run happens in a private mount namespace in which
  the interpreter's installation is bind-mounted read-only (``unshare --mount``);
- **a second user**: scenarios such as the sticky bit need a user who is neither the caller nor
  the owner of the sandbox's files. Root switches to ``nobody``. An ordinary user gets one from an
  unprivileged user namespace built from its subordinate ids (``/etc/subuid``, ``/etc/subgid``,
  mapped by ``newuidmap``/``newgidmap`` of the ``uidmap`` package): ``unshare --map-auto
  --map-root-user`` maps the caller to uid 0 inside and the subordinate range to 1..65535, and
  the scenario runs as ``nobody`` (65534) *of that namespace*, which is an unprivileged uid
  outside (subordinate start + 65533) that owns nothing of the caller's.

In a container or a chroot either may be refused; the probes keep the kernel's own message
(``cannot change root filesystem propagation: Invalid argument``, ``unshare failed: Operation
not permitted``) and say what it means, instead of guessing.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from functools import lru_cache

TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
INNER_OTHER_UID = 65534
"""The second user inside the user namespace (its ``nobody``); outside it is a subordinate uid."""
APT = "apt-get install"


def tool(name: str) -> str | None:
    return shutil.which(name, path=TOOL_PATH)


def _probe(command: list[str]) -> str | None:
    """Run a tiny namespace command; None if it worked, else its own error message."""
    try:
        done = subprocess.run(command, capture_output=True, env={"PATH": TOOL_PATH}, timeout=20, cwd="/")
    except subprocess.TimeoutExpired:
        return "no answer within 20 s (%s)" % " ".join(command[:3])
    except OSError as error:
        return str(error)
    if done.returncode == 0:
        return None
    return done.stderr.decode("utf-8", "replace").strip() or "exit status %d" % done.returncode


def _missing(names: tuple[str, ...]) -> list[str]:
    return [name for name in names if tool(name) is None]


@lru_cache(maxsize=None)
def mount_namespace_problem() -> str | None:
    """Why root cannot give scenarios a private mount namespace here (None: it can)."""
    missing = _missing(("unshare", "mount", "setpriv"))
    if missing:
        return "%s not found (Debian: %s util-linux mount)" % (", ".join(missing), APT)
    error = _probe([tool("unshare"), "--mount", "--propagation", "private", "true"])
    if error is None:
        return None
    where = ("In a chroot whose root is not a mount point, make it one (mount --bind DIR DIR) before "
             "chroot DIR; in a container" if in_chroot() is not False else "In a container")
    return ("`unshare --mount --propagation private` fails here: %s. %s, run it with --privileged (or "
            "--cap-add SYS_ADMIN and an unconfined seccomp/AppArmor profile), or set "
            "PYCACHE_BOOK_UNPROTECTED=1 to run scenarios without the read-only installation, which "
            "is safe only if no scenario can write into the interpreters' directories (an "
            "installation owned by another user, or a throw-away copy)" % (error, where))


def in_chroot() -> bool | None:
    """True when this process's root is not its mount namespace's root (``chroot DIR``); None when
    that cannot be told (``/proc/1/root`` is closed to us, as in many containers).

    The kernel refuses user namespaces there (EPERM), whoever asks, and root's mount namespaces
    fail with EINVAL unless DIR is a mount point."""
    try:
        here, init = os.stat("/"), os.stat("/proc/1/root/.")
    except OSError:
        return None
    return (here.st_dev, here.st_ino) != (init.st_dev, init.st_ino)


CHROOT_ADVICE = ("in a chroot the kernel refuses user namespaces to everyone: run the build in a container "
                 "(docker, podman, systemd-nspawn) or in a root entered with pivot_root instead of chroot")
FILTER_ADVICE = ("unprivileged user namespaces may be off (sysctl kernel.unprivileged_userns_clone=1, "
                 "user.max_user_namespaces > 0) or filtered (a container's seccomp profile: docker run "
                 "--security-opt seccomp=unconfined)")


def explain(error: str) -> str:
    """The kernel's message, plus what it means where the cause is known (or what it may mean)."""
    chroot = in_chroot()
    if chroot:
        return "%s. This process runs in a chroot: %s" % (error, CHROOT_ADVICE)
    if chroot is None and "Operation not permitted" in error:
        return "%s. Either %s, or %s" % (error, CHROOT_ADVICE, FILTER_ADVICE)
    return "%s. %s%s" % (error, FILTER_ADVICE[0].upper(), FILTER_ADVICE[1:])


@lru_cache(maxsize=None)
def root_user_namespace_problem() -> str | None:
    """Why uid 0 of a user namespace of one's own cannot be had here (None: it can)."""
    if tool("unshare") is None:
        return "unshare not found (Debian: %s util-linux)" % APT
    error = _probe([tool("unshare"), "--user", "--map-root-user", "true"])
    return None if error is None else "`unshare --user --map-root-user` fails: " + explain(error)


def subordinate_range(user: str, table: str = "/etc/subuid") -> tuple[int, int] | None:
    """The first subordinate id and how many the user has (``/etc/subuid``), or None."""
    try:
        with open(table, encoding="utf-8") as lines:
            for line in lines:
                fields = line.strip().split(":")
                if len(fields) == 3 and fields[0] in (user, str(os.getuid())):
                    return int(fields[1]), int(fields[2])
    except (OSError, ValueError):
        return None
    return None


@lru_cache(maxsize=None)
def user_namespace_problem() -> str | None:
    """Why an ordinary caller cannot get a second user from a user namespace here (None: it can)."""
    missing = _missing(("unshare", "setpriv", "newuidmap", "newgidmap"))
    if missing:
        return "%s not found (Debian: %s uidmap util-linux)" % (", ".join(missing), APT)
    try:
        user = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        user = str(os.getuid())
    for table in ("/etc/subuid", "/etc/subgid"):
        ids = subordinate_range(user, table)
        if ids is None or ids[1] <= INNER_OTHER_UID:
            return ("%s gives %s no range of at least %d subordinate ids (add one as root: "
                    "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s)"
                    % (table, user, INNER_OTHER_UID + 1, user))
    plain = root_user_namespace_problem()  # fails fast where --map-auto would wait for newuidmap
    if plain is not None:
        return plain
    error = _probe([tool("unshare"), "--map-auto", "--map-root-user", "--mount", "--propagation",
                    "private", tool("setpriv"), "--reuid=%d" % INNER_OTHER_UID,
                    "--regid=%d" % INNER_OTHER_UID, "--clear-groups", "true"])
    if error is None:
        return None
    return "`unshare --map-auto --map-root-user --mount` fails here: " + explain(error)


def wrap_in_user_namespace(script: str, argv: list[str]) -> list[str]:
    """``argv`` run by ``/bin/sh -c script`` as uid 0 of a fresh user and mount namespace."""
    return [tool("unshare"), "--map-auto", "--map-root-user", "--mount", "--propagation", "private",
            "/bin/sh", "-c", "PATH=%s; %s" % (TOOL_PATH, script), "sh"] + argv


def outer_uid(inner: int = INNER_OTHER_UID) -> int | None:
    """The uid the system sees for ``inner`` of the lab's user namespaces (for messages)."""
    try:
        user = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        user = str(os.getuid())
    ids = subordinate_range(user)
    return None if ids is None else ids[0] + inner - 1


def remove_as_namespace_root(path: str) -> str | None:
    """Remove a sandbox that holds files of the namespace's second user (the caller cannot).

    Uid 0 of a user namespace may override permissions on files owned by uids mapped into it:
    the caller's and its subordinate ids. Only a lab sandbox is ever passed here.
    """
    return _probe([tool("unshare"), "--map-auto", "--map-root-user", "rm", "-rf", "--", path])
