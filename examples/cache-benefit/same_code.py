"""Is code loaded from a cache file any faster than code compiled from source?

    python same_code.py        # run it twice: the second run imports bench from its cache file

It imports bench (through its cache file when one is valid), compiles bench.py again in the same
process, compares the two functions' code objects and times both.
"""
import sys
import time

clock = getattr(time, "perf_counter", time.time)  # time.time on Python 2.7
sys.path.insert(0, "")
import bench  # noqa: E402

path = bench.__file__[:-1] if bench.__file__.endswith((".pyc", ".pyo")) else bench.__file__
with open(path) as handle:
    namespace = {"__name__": "bench"}
    exec(compile(handle.read(), path, "exec"), namespace)
imported, compiled = bench.work, namespace["work"]

print("SAME\tco_code\t%s" % (imported.__code__.co_code == compiled.__code__.co_code))
print("SAME\tcode object\t%s" % (imported.__code__ == compiled.__code__))


def best_of(function, repeat=5, n=100000):
    times = []
    for _ in range(repeat):
        start = clock()
        function(n)
        times.append(clock() - start)
    return min(times)


print("TIME\timported\t%.6f" % best_of(imported))
print("TIME\tcompiled\t%.6f" % best_of(compiled))
