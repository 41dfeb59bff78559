# Finds a standard extension module that this build keeps as a file (not compiled into the
# interpreter) and copies it into the current directory under its own name:
#   python find_extension.py
import json
import shutil
import sys

CANDIDATES = ["_json", "array", "_bisect", "_lsprof", "_queue"]  # _queue: 3.7+
built_in = [name for name in CANDIDATES if name in sys.builtin_module_names]
found = None
for name in CANDIDATES:
    if name in built_in:
        continue
    try:
        import importlib.machinery
        import importlib.util
        spec = importlib.util.find_spec(name)
        origin, suffixes = spec and spec.origin, importlib.machinery.EXTENSION_SUFFIXES
    except ImportError:  # Python 2.7, or a module this build lacks
        try:
            import imp
            handle, origin, _ = imp.find_module(name)
        except ImportError:
            continue
        handle.close()
        suffixes = [suffix for suffix, _, kind in imp.get_suffixes() if kind == imp.C_EXTENSION]
    ends = [suffix for suffix in suffixes if origin and origin.endswith(suffix)]
    if ends:
        found = [name, ends[0]]
        shutil.copyfile(origin, name + ends[0])
        break
print("built_in=%s" % json.dumps(built_in))
print("extension=%s" % json.dumps(found))
