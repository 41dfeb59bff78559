# Run me with a switch (`python -B imports.py`): I say where the switch is recorded, then import
# mod (the lab plants a cache file for it) and other (it has none). With `--off-first` I set
# sys.dont_write_bytecode myself before anything is imported.
import sys

sys.path.insert(0, "")  # -I leaves this directory out of sys.path: put it back
if "--off-first" in sys.argv:
    sys.dont_write_bytecode = True
print("sys.flags.dont_write_bytecode=%r" % sys.flags.dont_write_bytecode)
print("sys.dont_write_bytecode=%r" % sys.dont_write_bytecode)
import mod
import other
