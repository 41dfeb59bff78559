# Python 3.15+: writing is allowed at the statement, forbidden before the first use.
import sys

lazy import mod

sys.dont_write_bytecode = True
print("first use:", mod.answer)
