"""Time imports inside the process, so that the interpreter's start-up is not counted.

    python time_import.py small big      # with valid cache files, if they are there
    python -B time_import.py small big   # delete __pycache__/ first: compiles, writes nothing

Prints each import's duration in seconds, as ``<name>.wall=...`` (the wall-clock time) and
``<name>.cpu=...`` (the CPU time the process spent, which does not grow when a busy machine makes
the process wait).
"""
import sys
import time

clock = getattr(time, "perf_counter", time.time)  # time.time on Python 2.7
cpu = getattr(time, "process_time", None) or time.clock  # time.clock: CPU time on 2.7 (Unix)
sys.path.insert(0, "")
for name in sys.argv[1:]:
    start, start_cpu = clock(), cpu()
    __import__(name)
    elapsed, elapsed_cpu = clock() - start, cpu() - start_cpu
    print("%s.wall=%.6f" % (name, elapsed))
    print("%s.cpu=%.6f" % (name, elapsed_cpu))
