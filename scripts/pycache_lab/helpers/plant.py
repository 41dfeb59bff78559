# Runs inside the interpreter under test (2.7 and every 3.x). Writes a pyc whose header is valid
# for SOURCE (same magic, mtime and size) but whose code was compiled from FAKE_SOURCE_FILE.
# If the interpreter later runs that code, it read the pyc instead of the source.
# usage: plant.py SOURCE FAKE_SOURCE_FILE DEST|- OPTIMIZATION|-
import marshal
import os
import struct
import sys

source, fake_file, dest, optimization = sys.argv[1:5]
stat = os.stat(source)
with open(fake_file, "rb") as handle:
    fake_text = handle.read()

try:
    from importlib.util import MAGIC_NUMBER as magic, cache_from_source
except ImportError:  # Python 2.7
    import imp
    magic, cache_from_source = imp.get_magic(), None

if dest == "-":
    if cache_from_source is None:
        dest = source + ("o" if optimization not in ("-", "") else "c")
    elif optimization == "-":
        dest = cache_from_source(source)
    else:
        dest = cache_from_source(source, optimization=optimization)

code = compile(fake_text, source, "exec", dont_inherit=True)
mtime = struct.pack("<I", int(stat.st_mtime) & 0xFFFFFFFF)
size = struct.pack("<I", stat.st_size & 0xFFFFFFFF)
magic_value = struct.unpack("<H", magic[:2])[0]
if magic_value >= 20000 or magic_value < 3210:  # Python 2 and 3.0-3.2: magic, mtime
    header = magic + mtime
elif magic_value < 3392:  # 3.3-3.6: magic, mtime, size
    header = magic + mtime + size
else:  # 3.7+ (PEP 552): magic, flags=0 (timestamp-based), mtime, size
    header = magic + struct.pack("<I", 0) + mtime + size

directory = os.path.dirname(dest)
if directory and not os.path.isdir(directory):
    os.makedirs(directory)
with open(dest, "wb") as handle:
    handle.write(header + marshal.dumps(code))
sys.stdout.write(dest + "\n")
