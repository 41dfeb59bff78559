# Run me as `python race.py [ROUNDS]` beside mod.py: each round deletes mod's cache file, then
# starts two interpreters (this one's) that import mod at the same moment, and checks the result.
# Ends with rounds=N and bad_rounds=N (rounds where an import failed or the file held no code).
# Runs on Python 2.7 and 3.x.
import marshal
import os
import subprocess
import sys

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
if sys.version_info[0] >= 3:
    import importlib.util
    CACHED = importlib.util.cache_from_source("mod.py")
    HEADER = 16 if sys.version_info >= (3, 7) else 12
    MAGIC = importlib.util.MAGIC_NUMBER
else:
    import imp
    CACHED, HEADER, MAGIC = "mod.pyc", 8, imp.get_magic()

done = bad = 0
for number in range(ROUNDS):
    if os.path.exists(CACHED):
        os.remove(CACHED)
    both = [subprocess.Popen([sys.executable, "-c", "import mod"]) for _ in range(2)]
    codes = [process.wait() for process in both]
    with open(CACHED, "rb") as handle:
        data = handle.read()
    loads = type(marshal.loads(data[HEADER:])).__name__ if data[:4] == MAGIC else "wrong magic"
    print("round %d: exit codes %s, cache file holds a %s" % (number + 1, codes, loads))
    bad += codes != [0, 0] or loads != "code"
    done += 1
print("rounds=%d" % done)
print("bad_rounds=%d" % bad)
