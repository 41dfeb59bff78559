"""A throw-away directory and a clean process to run one scenario in.

Every run gets an environment built from nothing (PATH, HOME, LANG, TMPDIR and what the scenario
sets), so the caller's ``PYTHONDONTWRITEBYTECODE``, ``PYTHONPYCACHEPREFIX``, ``PYTHONOPTIMIZE``,
``SOURCE_DATE_EPOCH``, ``PYTHONSAFEPATH`` or current directory change nothing. When the lab runs
as root it runs each scenario in a private mount namespace where the interpreter's installation is
read-only (a scenario must never write pycs into the standard library), and it can drop to an
unprivileged user, because root ignores directory permissions. The layout of a sandbox::

    <tmp>/work   the scenario's files; the only tree observed
    <tmp>/home   HOME
    <tmp>/tmp    TMPDIR
    <tmp>/lab    the lab's own files (planting, audit log), never observed
"""
from __future__ import annotations

import os
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from . import coverage, observation, reaper, userns
from .interpreters import HELPERS, Interpreter
from .planting import Planting
from .workdir import EXAMPLES, REPO, WorkFiles  # noqa: F401 (EXAMPLES, REPO: for old pages)

UNPRIVILEGED_UID = 65534  # "nobody" on Debian and most Linux systems
UNPRIVILEGED_GID = 65534
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
SANDBOX_PREFIX = "pycache-lab-"
LAB_UMASK = 0o022
"""The umask of the lab's process, its files and every scenario (unless a run asks for another):
a caller's umask 077 would otherwise change the modes scenarios observe, and lock the
unprivileged user out of the files and mount points the lab makes for it."""
_TOOL_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_TIMEOUT = 60


class LabError(RuntimeError):
    """The lab could not run a scenario as asked (not a finding about CPython)."""


class ScenarioTimeout(LabError):
    """A scenario ran longer than its time limit and was killed."""


class Unobservable(LabError, coverage.NotObservable):
    """This system cannot run what a scenario needs (a user namespace, a second user): the claims
    fed from it are "not observed in this build", with this reason."""


class SecondUserUnavailable(Unobservable):
    """No second user can be had here."""


def require_root_namespace() -> None:
    """For a scenario that runs as uid 0 of a user namespace of its own (root's permission checks
    without being root): ``Unobservable`` where this system refuses such a namespace."""
    problem = userns.root_user_namespace_problem()
    if problem:
        raise Unobservable("cannot run as uid 0 in a user namespace: " + problem)


class Interrupted(LabError):
    """The run is being interrupted (``stop()`` was called): no new scenario starts."""


_STOPPING = threading.Event()


def stop() -> None:
    """Refuse to start any further scenario in this process (used when a run is interrupted)."""
    _STOPPING.set()


def _tool(name: str) -> str | None:
    return shutil.which(name, path=_TOOL_PATH)


@lru_cache(maxsize=None)
def can_isolate() -> bool:
    """True when this process may create private mount namespaces (root with ``unshare``)."""
    return os.geteuid() == 0 and userns.mount_namespace_problem() is None


def _unprotected_allowed() -> bool:
    """``PYCACHE_BOOK_UNPROTECTED=1``: root runs scenarios without the read-only installation."""
    return os.environ.get("PYCACHE_BOOK_UNPROTECTED") == "1"


def _no_isolation_error() -> LabError:
    return LabError("running as root but cannot run scenarios in a private mount namespace: %s"
                    % userns.mount_namespace_problem())


def _userns_switch() -> bool:
    """An ordinary caller runs the second user in a user namespace (see ``userns``)."""
    return os.geteuid() != 0


def _outermost(dirs: Sequence[str]) -> list[str]:
    """Drop directories that lie inside another one of the list."""
    result = []
    for d in sorted(set(dirs), key=len):
        if not any(d == kept or d.startswith(kept.rstrip("/") + "/") for kept in result):
            result.append(d)
    return result


def _blocking_ancestors(path: str) -> list[str]:
    """Ancestors of ``path`` that other users cannot traverse (like /root, mode 0700)."""
    blocking, current = [], "/"
    for part in Path(path).parts[1:-1]:
        current = os.path.join(current, part)
        if not os.stat(current).st_mode & stat.S_IXOTH:
            blocking.append(current)
    return _outermost(blocking)


AS_USER = ("unprivileged", "other")
"""Values of ``Sandbox.run(..., as_user=...)``: see ``Sandbox.user_switch``."""


def is_witness_file(path: str) -> bool:
    """True for files of the lab's own witnesses (the audit hook and its pyc) rather than the scenario's."""
    return path.startswith(str(HELPERS) + os.sep) or ("/" + SANDBOX_PREFIX in path and "/lab/" in path)


class Sandbox(WorkFiles, Planting):
    """One scenario's directory; use as a context manager so it is always removed."""

    def __init__(self, unprivileged: bool = False, example: str | None = None):
        os.umask(LAB_UMASK)  # process-wide, on purpose: the caller's umask must not reach any scenario
        self.root = Path(tempfile.mkdtemp(prefix=SANDBOX_PREFIX))
        self.work = self.root / "work"
        self.lab = self.root / "lab"
        for sub in ("work", "home", "tmp", "lab"):
            (self.root / sub).mkdir()
        self.unprivileged = unprivileged
        self.switch_user = unprivileged and os.geteuid() == 0
        if self.switch_user:
            if not can_isolate() and not _unprotected_allowed():
                self.close()
                raise _no_isolation_error()
            os.chmod(self.root, 0o755)
            self._give_away(self.root)
        self._audit_runs = 0
        self._planted = 0
        if example:
            self.copy_example(example, ".")

    # -- files (workdir.WorkFiles) and planting (planting.Planting) live in their own modules --
    def _give_away(self, top: Path) -> None:
        """In an unprivileged sandbox run by root, the unprivileged user owns the files."""
        if not self.switch_user:
            return
        os.chown(top, UNPRIVILEGED_UID, UNPRIVILEGED_GID)
        for directory, dirs, files in os.walk(top):
            for name in dirs + files:
                os.chown(os.path.join(directory, name), UNPRIVILEGED_UID, UNPRIVILEGED_GID,
                         follow_symlinks=False)

    # -- running -----------------------------------------------------------------------------
    def environment(self, py: Interpreter | None, extra: Mapping[str, str | None] | None = None) -> dict:
        """The whole environment of a run: fixed values plus the scenario's own."""
        path = SYSTEM_PATH if py is None else os.path.dirname(py.path) + os.pathsep + SYSTEM_PATH
        env = {"PATH": path, "HOME": str(self.root / "home"), "LANG": "C.UTF-8",
               "TMPDIR": str(self.root / "tmp")}
        for name, value in (extra or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def run(self, py: Interpreter | None, args: Sequence[str], *, env: Mapping[str, str | None] | None = None,
            stdin: str | bytes | None = None, cwd: str = "", timeout: float = DEFAULT_TIMEOUT,
            trace: bool = False, audit: bool = False, raw: bool = False,
            umask: int | None = None, as_user: str | None = None) -> observation.Observation:
        """Run ``py args`` (or, with ``raw``, ``args`` itself) in the sandbox and observe it.

        ``trace`` adds ``-v`` (``PYTHONVERBOSE=1`` for raw commands); ``audit`` installs
        audit hooks through a ``sitecustomize`` outside the observed tree (CPython 3.8+, and
        not under ``-E``/``-I``, which ignore ``PYTHONPATH``). ``umask`` (for example ``0o022``)
        is the file mode creation mask the command starts with (default: ``LAB_UMASK``, never the caller's).
        ``as_user`` runs this one command as another user than the sandbox's own (see
        ``user_switch``).
        """
        switch = self.switch_user if as_user is None else self.user_switch(as_user)
        if switch and not self.switch_user:
            os.chmod(self.root, 0o755)  # the other user must reach work/; root/ itself is not observed
        extra = dict(env or {})
        if raw:
            argv = list(args)
            if trace:
                extra["PYTHONVERBOSE"] = "1"
        else:
            argv = [py.path] + (["-v"] if trace else []) + list(args)
        audit_log = None
        if audit and py is not None and py.at_least(3, 8):
            self._audit_runs += 1
            audit_log = self.lab / ("audit-%d.log" % self._audit_runs)
            audit_log.touch()
            if switch and _userns_switch():
                os.chmod(audit_log, 0o666)  # the namespace's nobody writes it; the caller cannot chown
            elif switch:
                os.chown(audit_log, UNPRIVILEGED_UID, UNPRIVILEGED_GID)
            extra["PYCACHE_LAB_AUDIT_LOG"] = str(audit_log)
            extra["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(self._audit_hook_dir()), extra.get("PYTHONPATH")) if p)
        full_env = self.environment(py, extra)
        workdir = str(self.path(cwd))
        protect = list(py.install_dirs) if py is not None else []

        before = observation.snapshot(str(self.work))
        command = self._wrap(argv, protect, workdir, umask, switch)
        if isinstance(stdin, str):
            stdin = stdin.encode("utf-8")
        returncode, out, err = _run_killable(command, full_env, workdir, stdin, timeout, argv)
        _count_run(py.path if py is not None else argv[0])
        after = observation.snapshot(str(self.work))

        stderr = err.decode("utf-8", "replace")
        obs = observation.Observation(
            command=[self._display(a) for a in argv],
            returncode=returncode,
            stdout=out.decode("utf-8", "replace"),
            stderr=stderr,
            tree=observation.diff(before, after),
            trace=observation.parse_trace(stderr, self.relative) if trace else None,
            user=_user_label(switch),
            installation_protected=bool(protect) and (can_isolate() or (switch and _userns_switch())),
        )
        if obs.trace is not None:
            obs.trace.lines = [self._display(line) for line in obs.trace.lines]
        if audit_log is not None and "-I" not in argv and "-E" not in argv:
            obs.audit = observation.parse_audit(audit_log.read_text(encoding="utf-8"), self.relative)
        return obs

    def _audit_hook_dir(self) -> Path:
        """A private copy of the audit ``sitecustomize``, so its own pyc lands in the sandbox, not the lab."""
        hook = self.lab / "audit-hook"
        if not hook.exists():
            hook.mkdir()
            shutil.copy(str(HELPERS / "audit" / "sitecustomize.py"), str(hook / "sitecustomize.py"))
            if self.switch_user:
                os.chown(hook, UNPRIVILEGED_UID, UNPRIVILEGED_GID)
        return hook

    def _display(self, arg: str) -> str:
        """Command words as a reader should see them: paths inside the sandbox made relative."""
        return arg.replace(str(self.work) + "/", "").replace(str(self.root), "<sandbox>")

    def user_switch(self, as_user: str) -> bool:
        """Whether a run ``as_user`` switches to the unprivileged uid (65534); LabError if it cannot.

        - ``"unprivileged"``: a user to whom file permissions apply. When the lab runs as root
          that is ``nobody`` (root ignores permissions); otherwise the caller itself, who is
          subject to them already. Use it where the scenario's outcome depends only on the
          permission bits that user has, so the observation is the same either way.
        - ``"other"``: a user who is neither the caller nor the owner of the sandbox's files.
          Root switches to ``nobody``; an ordinary caller gets ``nobody`` of an unprivileged user
          namespace made from its subordinate ids (``userns``), an unprivileged uid outside. Where
          neither is possible: ``SecondUserUnavailable`` (the claims are "not observed"), because
          a scenario that needs two distinct users (the sticky bit) would observe something else
          with one.
        """
        if as_user not in AS_USER:
            raise LabError("as_user must be one of %s, not %r" % (", ".join(AS_USER), as_user))
        if self.unprivileged and as_user == "other":
            raise LabError("as_user='other' needs a sandbox whose files the caller owns "
                           "(this one was created with unprivileged=True)")
        if os.geteuid() != 0:
            if as_user == "other":
                problem = userns.user_namespace_problem()
                if problem is not None:
                    raise SecondUserUnavailable(
                        "this scenario needs a second user, distinct from the owner of its files; the "
                        "caller (uid %d) is not root and has no user namespace to get one: %s"
                        % (os.geteuid(), problem))
                return True
            return False
        if not can_isolate() and not _unprotected_allowed():
            raise _no_isolation_error()
        return True

    def _wrap(self, argv: list[str], protect: list[str], workdir: str, umask: int | None = None,
              switch: bool | None = None) -> list[str]:
        """Wrap the command in a namespace with a read-only installation (and a user switch)."""
        set_umask = [] if umask is None else ["umask %04o" % umask]
        if switch is None:
            switch = self.switch_user
        if os.geteuid() == 0 and not can_isolate() and not _unprotected_allowed():
            raise _no_isolation_error()
        in_user_namespace = bool(switch) and _userns_switch()
        if not can_isolate() and not in_user_namespace:
            if switch:  # root without namespaces (PYCACHE_BOOK_UNPROTECTED=1): setpriv alone
                return self._switch_without_namespace(argv, protect, set_umask)
            if not set_umask:
                return argv
            return ["/bin/sh", "-c", "%s; unset PWD OLDPWD; exec \"$@\"" % set_umask[0], "sh"] + argv
        protect = _outermost([d for d in protect if os.path.isdir(d)])
        script = ["set -e"]
        if switch:
            needed = protect + [str(self.root)]
            blocking = _outermost([a for d in needed for a in _blocking_ancestors(d)])
            if any(str(self.root).startswith(b + "/") for b in blocking):
                raise LabError("the unprivileged user cannot reach the sandbox %s: a parent directory "
                               "is not searchable by others (set TMPDIR elsewhere)" % self.root)
            if not blocking:  # nothing to hide: bind each read-only in place
                script += ["mount --bind -o ro %s %s" % (shlex.quote(d), shlex.quote(d)) for d in protect]
                protect = []
            stash = self.lab / "stash"
            for i, directory in enumerate(protect):
                (stash / str(i)).mkdir(parents=True, exist_ok=True)
                script.append("mount --bind %s %s" % (shlex.quote(directory), shlex.quote(str(stash / str(i)))))
            for directory in blocking:
                script.append("mount -t tmpfs -o mode=0755 tmpfs %s" % shlex.quote(directory))
            for i, directory in enumerate(protect):
                q = shlex.quote(directory)
                # --bind, not --move: a user namespace refuses to move a mount
                script.append("mkdir -p %s && mount --bind %s %s" % (q, shlex.quote(str(stash / str(i))), q))
                script.append("mount -o remount,bind,ro %s" % q)
            script.append("cd %s" % shlex.quote(workdir))
            script.append("unset PWD OLDPWD")  # the shell's own; a scenario's environment is exact
            script.extend(set_umask)
            script.append('exec setpriv --reuid=%d --regid=%d --clear-groups -- "$@"'
                          % (UNPRIVILEGED_UID, UNPRIVILEGED_GID))
            if in_user_namespace:  # the same steps, as uid 0 of a user namespace of the caller's own
                self._userns_used = True
                return userns.wrap_in_user_namespace("\n".join(script), argv)
        else:
            for directory in protect:
                q = shlex.quote(directory)
                script.append("mount --bind -o ro %s %s" % (q, q))  # one call: libmount remounts it read-only
            script.append("unset PWD OLDPWD")
            script.extend(set_umask)
            script.append('exec "$@"')
        return [_tool("unshare"), "--mount", "--propagation", "private", "/bin/sh", "-c",
                "PATH=%s; %s" % (_TOOL_PATH, "\n".join(script)), "sh"] + argv

    def _switch_without_namespace(self, argv: list[str], protect: list[str], set_umask: list[str]) -> list[str]:
        """Root, no mount namespace: run as nobody directly, if nobody can reach what it needs."""
        blocking = _outermost([a for d in list(protect) + [str(self.root)] if os.path.isdir(d)
                               for a in _blocking_ancestors(d)])
        if blocking:
            raise SecondUserUnavailable(
                "without a mount namespace nobody (uid %d) cannot reach %s (not searchable by others), "
                "which this scenario needs: %s" % (UNPRIVILEGED_UID, ", ".join(blocking),
                                                   userns.mount_namespace_problem()))
        script = set_umask + ["unset PWD OLDPWD", 'exec %s --reuid=%d --regid=%d --clear-groups -- "$@"'
                              % (_tool("setpriv"), UNPRIVILEGED_UID, UNPRIVILEGED_GID)]
        return ["/bin/sh", "-c", "; ".join(script), "sh"] + argv

    # -- lifetime ----------------------------------------------------------------------------
    def close(self) -> None:
        if not self.root.exists():
            return
        try:
            reaper.remove(self.root)
        except PermissionError:
            # Files of a user namespace's second user: only uid 0 of such a namespace may remove them.
            if not (getattr(self, "_userns_used", False) and self.root.name.startswith(SANDBOX_PREFIX)):
                raise
            problem = userns.remove_as_namespace_root(str(self.root))
            if problem is not None or self.root.exists():
                raise LabError("cannot remove the sandbox %s: %s" % (self.root, problem))

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _user_label(switch: bool) -> str:
    """Who ran a command, for the observation."""
    if not switch:
        return "caller (uid %d)" % os.geteuid()
    if _userns_switch():
        return "nobody of a user namespace (uid %s outside)" % userns.outer_uid()
    return "nobody (uid %d)" % UNPRIVILEGED_UID


RUN_LOG_VAR = "PYCACHE_LAB_RUN_LOG"
"""When set (by scripts/bench.py), every command the lab starts is logged there, one line each."""


def _count_run(program: str) -> None:
    log = os.environ.get(RUN_LOG_VAR)
    if log:
        with open(log, "a", encoding="utf-8") as lines:  # one short append per line: safe across processes
            lines.write(program + "\n")


def _run_killable(command, env, cwd, stdin, timeout, shown):
    """Run in a new session so that a timeout (or Ctrl-C) kills the whole process group."""
    if _STOPPING.is_set():
        raise Interrupted("interrupted: scenario not started: %s" % " ".join(shown))
    process = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.PIPE if stdin is not None
                               else subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    try:
        out, err = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ScenarioTimeout("scenario killed after %s s: %s" % (timeout, " ".join(shown))) from None
    except BaseException:
        _kill_group(process)
        raise
    return process.returncode, out, err


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
