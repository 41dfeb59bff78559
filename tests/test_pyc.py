import pytest

from pycache_lab import Sandbox
from pycache_lab.pyc import PycError, decode_header, with_header_field


def test_headers_written_by_every_interpreter_decode_in_their_era(interpreters):
    for py in interpreters:
        with Sandbox() as box:
            box.write("mod.py", "X = 1\n", mtime=1_000_000_000)
            box.run(py, ["-c", "import mod"])
            header = decode_header(box.read(py.cached_path("mod.py")))
        expected_era = "2.x" if not py.at_least(3) else "3.3-3.6" if not py.at_least(3, 7) else "3.7+"
        assert header.era == expected_era, py.label
        assert header.magic_number == int.from_bytes(bytes.fromhex(py.magic)[:2], "little")
        assert header.invalidation == "timestamp"
        assert header.source_mtime == 1_000_000_000
        assert header.source_size in (None, 6) and (header.source_size is None) == (not py.at_least(3, 3))


def test_hash_based_headers(python3s):
    hashed = [py for py in python3s if py.at_least(3, 7)]
    if not hashed:
        pytest.skip("no interpreter with hash-based pycs")
    py = hashed[-1]
    for mode, kind in (("CHECKED_HASH", "checked-hash"), ("UNCHECKED_HASH", "unchecked-hash")):
        with Sandbox() as box:
            box.write("mod.py", "X = 1\n")
            box.run(py, ["-c", "import py_compile as p; p.compile('mod.py', invalidation_mode="
                               "p.PycInvalidationMode.%s)" % mode])
            header = decode_header(box.read(py.cached_path("mod.py")))
        assert header.invalidation == kind and len(header.source_hash) == 16
        assert header.source_mtime is None


@pytest.mark.parametrize("data", [b"", b"abcd", b"\x03\xf3\r\n\x00"])
def test_bad_or_truncated_headers_are_refused(data):
    with pytest.raises(PycError):
        decode_header(data)


@pytest.mark.parametrize("magic, header_size, has_size", [
    (b"\x03\xf3\r\n", 8, False),   # 2.7
    (b"\x33\x0d\r\n", 12, True),   # 3.6
    (b"\x55\x0d\r\n", 16, True),   # 3.8 (with a flags word)
])
def test_one_header_field_is_set_in_every_era(magic, header_size, has_size):
    data = magic + bytes(header_size - 4) + b"code"
    changed = with_header_field(data, "source_mtime", 1_700_000_002)
    assert decode_header(changed).source_mtime == 1_700_000_002
    assert len(changed) == len(data) and changed.endswith(b"code") and changed[:4] == magic
    if has_size:
        sized = with_header_field(changed, "source_size", 2**32 + 7)
        assert (decode_header(sized).source_size, decode_header(sized).source_mtime) == (7, 1_700_000_002)
    else:
        with pytest.raises(PycError):
            with_header_field(data, "source_size", 1)


def test_a_hash_based_header_has_no_time_to_set():
    data = b"\x55\x0d\r\n" + (3).to_bytes(4, "little") + bytes(8)
    with pytest.raises(PycError):
        with_header_field(data, "source_mtime", 0)


@pytest.mark.parametrize("data, kind", [
    (b"\x55\x0d\r\n" + (3).to_bytes(4, "little") + bytes(8), "checked-hash (flags 3)"),
    (b"\x55\x0d\r\n" + (1).to_bytes(4, "little") + bytes(8), "unchecked-hash (flags 1)"),
    (b"\x55\x0d\r\n" + bytes(12), "timestamp (flags 0)"),
    (b"\x33\x0d\r\n" + bytes(8), "timestamp"),     # 3.6: no flags word
    (b"\x03\xf3\r\n" + bytes(4), "timestamp"),     # 2.7
])
def test_the_kind_names_the_flags_word_where_there_is_one(data, kind):
    assert decode_header(data).kind == kind
