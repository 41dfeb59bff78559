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
    except (OSError, subprocess.TimeoutExpired) as error:
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
    return ("`unshare --mount --propagation private` fails here: %s. This is usual in a container or "
            "a chroot without its own mount namespace: run the container with --privileged (or "
            "--cap-add SYS_ADMIN and an unconfined seccomp/AppArmor profile), or set "
            "PYCACHE_BOOK_UNPROTECTED=1 to run scenarios without the read-only installation, which "
            "is safe only if no scenario can write into the interpreters' directories (an "
            "installation owned by another user, or a throw-away copy)" % error)


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
    error = _probe([tool("unshare"), "--map-auto", "--map-root-user", "--mount", "--propagation",
                    "private", tool("setpriv"), "--reuid=%d" % INNER_OTHER_UID,
                    "--regid=%d" % INNER_OTHER_UID, "--clear-groups", "true"])
    if error is None:
        return None
    return ("`unshare --map-auto --map-root-user --mount` fails here: %s. Unprivileged user "
            "namespaces are off or filtered (sysctl kernel.unprivileged_userns_clone=1 or "
            "user.max_user_namespaces > 0; in a container, a seccomp profile that allows unshare)" % error)


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
