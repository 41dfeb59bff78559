# Run me as `python -X pycache_prefix=pfx chdir_import.py`: I move into sub/, then import mod,
# so a relative prefix is resolved against sub/.
import os
import sys

sys.path.insert(0, os.getcwd())
os.chdir("sub")
import mod  # noqa: E402

print("sys.pycache_prefix=%s" % sys.pycache_prefix)
