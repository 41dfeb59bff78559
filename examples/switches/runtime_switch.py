# Run me as `python runtime_switch.py`: `other` is imported before the switch is set, `late` after.
import sys

import other

sys.dont_write_bytecode = True
import late

print("FLAGS %r %r" % (sys.flags.dont_write_bytecode, sys.dont_write_bytecode))
