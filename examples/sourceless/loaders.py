# Prints the kinds of module file the path finder knows, in the order it tries them in each
# directory (order=...), and the suffixes as the interpreter lists them.
import json

try:
    import importlib._bootstrap_external as external
    import importlib.machinery
    order = [loader.__name__ for loader, suffixes in external._get_supported_file_loaders()]
    print("all_suffixes=%s" % json.dumps(importlib.machinery.all_suffixes()))
except ImportError:  # Python 2.7: the import system in C, described by imp.get_suffixes()
    import imp
    kinds = {imp.C_EXTENSION: "C_EXTENSION", imp.PY_SOURCE: "PY_SOURCE", imp.PY_COMPILED: "PY_COMPILED"}
    order = []
    for suffix, mode, kind in imp.get_suffixes():
        if kinds[kind] not in order:
            order.append(kinds[kind])
    print("get_suffixes=%s" % json.dumps([suffix for suffix, mode, kind in imp.get_suffixes()]))
print("order=%s" % json.dumps(order))
