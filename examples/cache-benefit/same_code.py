"""Is code loaded from a cache file any faster than code compiled from source?

    python same_code.py        # run it twice: the second run imports bench from its cache file

It imports bench (through its cache file when one is valid), compiles bench.py again in the same
process, compares the two functions' code objects and times both.
"""
import sys
import time

clock = getattr(time, "process_time", None) or time.clock  # CPU time (time.clock on 2.7)
sys.path.insert(0, "")
import bench  # noqa: E402

path = bench.__file__[:-1] if bench.__file__.endswith((".pyc", ".pyo")) else bench.__file__
with open(path) as handle:
    namespace = {"__name__": "bench"}
    exec(compile(handle.read(), path, "exec"), namespace)
imported, compiled = bench.work, namespace["work"]

print("same_co_code=%s" % (imported.__code__.co_code == compiled.__code__.co_code))
print("same_code_object=%s" % (imported.__code__ == compiled.__code__))


def timed(function, n=100000):
    start = clock()
    function(n)
    return clock() - start


times = {"imported": [], "compiled": []}
for _ in range(7):  # taking turns, so that a busy moment of the machine hits both alike
    times["imported"].append(timed(imported))
    times["compiled"].append(timed(compiled))
for label in ["imported", "compiled"]:
    print("time_%s=%.6f" % (label, min(times[label])))
