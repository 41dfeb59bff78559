# from the blog: its timestamp reader. The printed version does not run (its "with" line is cut
# short, f-strings and pathlib do not exist on 2.7); this keeps its logic: bytes 4 to 8 of the
# file, unpacked as a little-endian unsigned 32-bit number. The path comes from the command line.
import struct
import sys


def read_pyc_timestamp(pyc_file_path):
    with open(pyc_file_path, "rb") as f:
        magic_and_timestamp = f.read(8)
    # Unpack the timestamp from the binary data
    timestamp = struct.unpack("<I", magic_and_timestamp[4:8])[0]
    return timestamp


if __name__ == "__main__":
    print("Timestamp: %d" % read_pyc_timestamp(sys.argv[1]))
