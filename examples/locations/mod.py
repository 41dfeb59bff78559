# Imported by where.py, or run as `python -m mod`: prints what it was told about its cache file.
cached = globals().get("__cached__", "<absent>")
spec = globals().get("__spec__")
spec_cached = "<no spec>" if spec is None else spec.cached
print("CACHED\t%s\t%s\t%s" % (__name__, cached, spec_cached))
