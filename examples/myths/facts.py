# What the write-ups say about compilation, printed as key=value lines (Python 2.7 and 3.x).
import marshal
import sys

# The running script is a code object too, and so is code given to exec as a string.
print("script_code=%s" % type(sys._getframe().f_code).__name__)
namespace = {}
exec("def f():\n    return 1\n", namespace)
print("exec_code=%s" % type(namespace["f"].__code__).__name__)


# Which names in a class body are mangled.
class MyClass(object):
    __private = 1
    public = 2
    __dunder__ = 3


print("class_names=%s" % " ".join(sorted(n for n in vars(MyClass) if n.strip("_") in
                                         ("MyClass__private", "private", "public", "dunder"))))

# The code object in mod's cache file is the one compile() makes from the source.
import mod

if sys.version_info[0] == 2:
    cache, header = "mod.pyc", 8
else:
    import importlib.util
    cache = importlib.util.cache_from_source(mod.__file__)
    header = 16 if sys.version_info >= (3, 7) else 12
with open(cache, "rb") as f:
    cached = marshal.loads(f.read()[header:])
with open("mod.py") as f:
    fresh = compile(f.read(), mod.__file__, "exec")
print("pyc_code_equals_compiled=%s" % (cached == fresh))
