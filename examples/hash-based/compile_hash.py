# Write hash-based cache files with py_compile (Python 3.7+). A mode name applies to the
# sources that follow it:
#     python compile_hash.py checked-hash a.py b.py unchecked-hash c.py
import py_compile
import sys

mode = None
for word in sys.argv[1:]:
    if word.endswith("-hash"):
        mode = py_compile.PycInvalidationMode[word.replace("-", "_").upper()]
    else:
        py_compile.compile(word, invalidation_mode=mode, doraise=True)
