"""Where standard library modules come from, as the interpreter itself reports it.

Run it with any Python (2.7 included): python where_from.py
Add -v to see what the import system read, or -X frozen_modules=off on 3.11+.
Each line is tab-separated: a tag, then values.
"""
import sys

AT_START = set(sys.modules)  # what start-up imported, before this script imports anything

import os

try:
    import _imp as imp_api  # Python 3
except ImportError:
    import imp as imp_api  # Python 2.7

import json
import math

CANDIDATES = ["_frozen_importlib", "_frozen_importlib_external", "zipimport", "abc", "codecs", "io",
              "_collections_abc", "_sitebuiltins", "genericpath", "ntpath", "posixpath", "os",
              "os.path", "site", "stat", "importlib.machinery", "importlib.util", "runpy", "json"]


def loader_name(module):
    loader = getattr(module, "__loader__", None)
    if loader is None:
        return "<none>"
    return loader.__name__ if isinstance(loader, type) else type(loader).__name__


def describe(name):
    module = sys.modules.get(name) or __import__(name)
    spec = getattr(module, "__spec__", "<absent>")
    origin = "<no spec>" if spec in (None, "<absent>") else str(spec.origin)
    spec_cached = "<no spec>" if spec in (None, "<absent>") else str(spec.cached)
    print("MODULE\t%s\t%s\t%s\t%s\t%s\t%s" % (
        name, origin, loader_name(module), getattr(module, "__file__", "<absent>"),
        getattr(module, "__cached__", "<absent>"), spec_cached))


print("STDLIB\t%s" % os.path.dirname(os.path.abspath(json.__path__[0])))
for name in ["sys", "math", "os", "codecs", "site", "json"]:
    describe(name)
print("BUILTIN\t%s" % "\t".join(n for n in ["sys", "math", "os", "json"] if n in sys.builtin_module_names))
print("FROZEN\t%s" % "\t".join(n for n in CANDIDATES if imp_api.is_frozen(n)))
print("STARTUP\t%s" % "\t".join(sorted(n for n in CANDIDATES if n in AT_START)))

# The cache files the installation holds for two of its modules, per optimization level.
for name, source in [("os", os.__file__), ("json", json.__file__)]:
    source = source[:-1] if source.endswith((".pyc", ".pyo")) else source
    try:
        from importlib.util import cache_from_source
        files = [(level and "opt-" + level or "plain", cache_from_source(source, optimization=level))
                 for level in ["", "1", "2"]]
    except ImportError:  # Python 2.7: beside the source
        files = [("plain", source + "c"), ("optimized", source + "o")]
    print("SHIPPED\t%s\t%s" % (name, "\t".join(level for level, path in files if os.path.exists(path))))
