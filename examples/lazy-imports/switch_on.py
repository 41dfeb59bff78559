# Python 3.15+: writing is forbidden at the statement, allowed again before the first use.
import sys

sys.dont_write_bytecode = True
lazy import mod

sys.dont_write_bytecode = False
print("first use:", mod.answer)
