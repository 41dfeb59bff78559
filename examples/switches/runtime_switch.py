# Run me as `python runtime_switch.py`: `other` is imported before the switch is set, `late` after.
import sys

import other

sys.dont_write_bytecode = True
import late

print("sys.flags.dont_write_bytecode=%r" % sys.flags.dont_write_bytecode)
print("sys.dont_write_bytecode=%r" % sys.dont_write_bytecode)
