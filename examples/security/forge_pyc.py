"""The attacker's side: write a cache file for SOURCE from scratch, with code that prints MARKER.

    python forge_pyc.py SOURCE MARKER KIND [CHANGE]

KIND is the header's kind: timestamp, checked-hash or unchecked-hash (the last two 3.7+, PEP 552).
The header is made valid for SOURCE: its mtime and size, or the hash of its bytes. CHANGE spoils
one field on purpose: mtime+1, size+1 or wrong-hash. The file goes where the import system
looks for it. Prints that path. Runs on Python 2.7 and 3.x.
"""
import marshal
import os
import struct
import sys

source, marker, kind = sys.argv[1:4]
change = sys.argv[4] if len(sys.argv) > 4 else ""

try:
    from importlib.util import MAGIC_NUMBER as magic, cache_from_source
except ImportError:  # Python 2.7: the cache file sits beside the source
    import imp
    magic, cache_from_source = imp.get_magic(), lambda path: path + "c"

info = os.stat(source)
mtime = (int(info.st_mtime) + (change == "mtime+1")) & 0xFFFFFFFF
size = (info.st_size + (change == "size+1")) & 0xFFFFFFFF
timestamp_fields = struct.pack("<II", mtime, size)

if kind == "timestamp":
    if sys.version_info < (3, 3):
        header = magic + timestamp_fields[:4]          # no size field
    elif sys.version_info < (3, 7):
        header = magic + timestamp_fields
    else:
        header = magic + struct.pack("<I", 0) + timestamp_fields
else:
    from importlib.util import source_hash
    with open(source, "rb") as handle:
        digest = source_hash(handle.read())
    if change == "wrong-hash":
        digest = bytes(b ^ 0xFF for b in digest)
    flags = 0b11 if kind == "checked-hash" else 0b01    # bit 0: hash-based; bit 1: check the source
    header = magic + struct.pack("<I", flags) + digest

code = compile("print(%r)\n" % marker, source, "exec")
target = cache_from_source(source)
if not os.path.isdir(os.path.dirname(target) or "."):
    os.makedirs(os.path.dirname(target))
with open(target, "wb") as handle:
    handle.write(header + marshal.dumps(code))
print(target)
