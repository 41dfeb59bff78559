# Write a hash-based cache file for each source named (Python 3.7+):
#     python compile_hash.py checked-hash mod.py [...]
#     python compile_hash.py unchecked-hash mod.py [...]
import py_compile
import sys

mode = py_compile.PycInvalidationMode[sys.argv[1].replace("-", "_").upper()]
for source in sys.argv[2:]:
    print(py_compile.compile(source, invalidation_mode=mode, doraise=True))
