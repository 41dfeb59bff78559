# Run me as `python where.py` (add -O, -B, -X pycache_prefix=DIR ...): I import mod, then print
# what __main__ was told about a cache file and where importlib would put one for /src/pkg/mod.py.
import sys

import mod

cached = globals().get("__cached__", "<absent>")
spec = globals().get("__spec__")
print("__main__.__cached__=%s" % cached)
print("__main__.__spec__.cached=%s" % ("<no spec>" if spec is None else spec.cached))
print("sys.pycache_prefix=%s" % getattr(sys, "pycache_prefix", "<absent>"))
try:
    from importlib.util import cache_from_source, source_from_cache
except ImportError:  # Python 2.7
    print("cache_from_source=<absent>")
else:
    pyc = cache_from_source("/src/pkg/mod.py")
    print("cache_from_source=%s" % pyc)
    print("source_from_cache=%s" % source_from_cache(pyc))
