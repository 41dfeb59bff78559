"""Time one import, inside the process, so that the interpreter's start-up is not counted.

    python time_import.py small big      # with valid cache files, if they are there
    python -B time_import.py small big   # delete __pycache__/ first: compiles, writes nothing

Prints each import's duration in seconds.
"""
import sys
import time

clock = getattr(time, "perf_counter", time.time)  # time.time on Python 2.7
sys.path.insert(0, "")
for name in sys.argv[1:]:
    start = clock()
    __import__(name)
    elapsed = clock() - start
    print("IMPORT\t%s\t%.6f" % (name, elapsed))
