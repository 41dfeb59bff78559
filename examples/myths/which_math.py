# Where math comes from: built into the interpreter, an extension module (a shared library) or,
# were it ever so, a .py file. One key=value line (Python 2.7 and 3.x).
import math

where = getattr(math, "__file__", None)
if where is None:
    print("math=built-in")
elif where.endswith(".so"):
    print("math=extension module")
else:
    print("math=%s" % where)
