# Imported by where.py, or run as `python -m mod`: prints what it was told about its cache file.
cached = globals().get("__cached__", "<absent>")
spec = globals().get("__spec__")
print("%s.__cached__=%s" % (__name__, cached))
print("%s.__spec__.cached=%s" % (__name__, "<no spec>" if spec is None else spec.cached))
