# Type lines into this same interpreter's interactive prompt, on a pseudo-terminal.
#
#   python pty_repl.py 'import helper' 'print(helper.GREETING)'
#
# Starts `sys.executable` (no arguments) on a new pseudo-terminal, waits for each ">>> " prompt,
# types the next line, then leaves with `raise SystemExit`. What the terminal showed from the
# first prompt on is copied to stdout, without terminal control sequences, each prompt followed
# by the line typed there (the 3.13+ prompt redraws the line at each key). Gives up (exit status
# 3) after LIMIT seconds.
# Runs on Python 2.7 and 3.x, on Linux and macOS.
import os
import pty
import re
import select
import signal
import sys
import time

LIMIT = 20
PROMPT = b">>> "
CONTROL = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z@]|[=>])|\r")


def main(lines):
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive interpreter on the terminal
        os.execv(sys.executable, [sys.executable])
    deadline = time.time() + LIMIT
    shown = b""
    waiting = list(lines) + ["raise SystemExit"]
    since = 0  # a prompt counts once it follows a newline written after this offset
    while True:
        left = deadline - time.time()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.write("pty_repl: gave up after %d seconds\n" % LIMIT)
            return 3
        ready = select.select([fd], [], [], min(left, 0.5))[0]
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:  # Linux: the child closed the terminal
            data = b""
        if not data:
            break
        shown += data
        newline = shown.find(b"\n", since)
        if waiting and newline >= 0 and shown.find(PROMPT, newline) >= 0:
            since = len(shown)
            os.write(fd, (waiting.pop(0) + "\n").encode("ascii"))
    os.close(fd)
    status = os.waitpid(pid, 0)[1]
    sys.stdout.write(as_seen(shown.decode("utf-8", "replace"), list(lines) + ["raise SystemExit"]))
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 2


def as_seen(text, typed):
    """The session from the first prompt on: each prompt with the line typed there, then the output."""
    lines = CONTROL.sub("", text).split("\n")
    first = next((i for i, line in enumerate(lines) if line.startswith(">>> ")), len(lines))
    seen = []
    for line in lines[first:]:
        if line.startswith(">>> ") and typed:
            line = ">>> " + typed.pop(0)
        seen.append(line)
    return "\n".join(seen)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
