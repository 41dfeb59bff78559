# Run me as `python where.py` (add -O, -B, -X pycache_prefix=DIR ...): I import mod, then print
# what __main__ was told about a cache file and where importlib would put one for /src/pkg/mod.py.
import sys

import mod

cached = globals().get("__cached__", "<absent>")
spec = globals().get("__spec__")
print("CACHED\t%s\t%s\t%s" % (__name__, cached, "<no spec>" if spec is None else spec.cached))
print("PREFIX\t%s" % getattr(sys, "pycache_prefix", "<absent>"))
try:
    from importlib.util import cache_from_source, source_from_cache
except ImportError:  # Python 2.7
    print("FROM_SOURCE\t<absent>")
else:
    pyc = cache_from_source("/src/pkg/mod.py")
    print("FROM_SOURCE\t%s" % pyc)
    print("BACK_TO_SOURCE\t%s" % source_from_cache(pyc))
