# Writes a checked hash-based cache file for mod.py (3.7+), then prints the source hash that
# importlib computes for mod.py, to compare with bytes 8-16 of that file.
import importlib.util
import py_compile

py_compile.compile("mod.py", cfile="hashed.pyc", invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
with open("mod.py", "rb") as source:
    print("source_hash=0x%s" % importlib.util.source_hash(source.read()).hex())
