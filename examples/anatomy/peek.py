# Reads a cache file the way a reader would by hand, on any Python from 2.7 on:
#   python peek.py __pycache__/mod.cpython-312.pyc   (or mod.pyc on Python 2.7)
# Prints what the interpreter reports as its magic number, the first words of the file, and then
# runs the code object stored after the header.
import marshal
import struct
import sys

try:
    from importlib.util import MAGIC_NUMBER as magic
except ImportError:  # Python 2.7
    import imp
    magic = imp.get_magic()

data = open(sys.argv[1], "rb").read()
version = struct.unpack("<H", magic[:2])[0]
header_len = 8 if version >= 20000 else (12 if version < 3392 else 16)

print("interpreter_magic=%s" % "".join("%02x" % b for b in bytearray(magic)))
print("file_starts_with=%s" % "".join("%02x" % b for b in bytearray(data[:4])))
print("unpack_bytes_4_8=%d" % struct.unpack("<I", data[4:8])[0])
if header_len > 8:
    print("unpack_bytes_8_12=%d" % struct.unpack("<I", data[8:12])[0])
code = marshal.loads(data[header_len:])
print("header_len=%d" % header_len)
print("code_object=%s" % code.co_name)
exec(code, {"__name__": "mod"})
