# Put on PYTHONPATH by the lab when a scenario asks for the audit witness (CPython 3.8+).
# Logs every file the interpreter opens or renames, as seen by PEP 578 audit hooks, without
# trusting the import system's own account (-v) of what it did.
import os
import sys

_log_path = os.environ.get("PYCACHE_LAB_AUDIT_LOG")
if _log_path and hasattr(sys, "addaudithook"):
    _fd = os.open(_log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def _hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes)):
            mode = args[1] if len(args) > 1 and args[1] else "r"
            line = "open\t%s\t%s\n" % (os.fsdecode(args[0]), mode)
        elif event in ("os.rename", "os.replace") and len(args) >= 2:
            line = "rename\t%s\t%s\n" % (os.fsdecode(args[0]), os.fsdecode(args[1]))
        else:
            return
        os.write(_fd, line.encode("utf-8", "surrogateescape"))

    sys.addaudithook(_hook)
