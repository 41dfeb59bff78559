"""Decode the header of a bytecode cache file of any era.

=============  ======  ==================================================================
era            bytes   layout (little-endian 32-bit fields)
=============  ======  ==================================================================
2.x, 3.0-3.2   8       magic, source mtime
3.3-3.6        12      magic, source mtime, source size (mod 2**32)
3.7+ (PEP 552) 16      magic, flags, then mtime and size (flags 0) or a source hash
=============  ======  ==================================================================

The first two magic bytes are a version number, followed by ``\\r\\n``. Python 2 numbers are
above 20000; 3.3a1 (3210) added the size field; 3.7a4 (3392) added the flags field.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

SIZE_FIELD_SINCE = 3210
FLAGS_FIELD_SINCE = 3392
PYTHON2_FLOOR = 20000


class PycError(ValueError):
    """The bytes are not a cache file this module understands."""


@dataclass(frozen=True)
class PycHeader:
    magic_number: int  # the two-byte version number
    header_size: int
    invalidation: str  # "timestamp", "checked-hash" or "unchecked-hash"
    flags: int | None = None
    source_mtime: int | None = None
    source_size: int | None = None
    source_hash: str | None = None  # hex, for hash-based pycs

    @property
    def era(self) -> str:
        if self.magic_number >= PYTHON2_FLOOR:
            return "2.x"
        if self.magic_number < SIZE_FIELD_SINCE:
            return "3.0-3.2"
        if self.magic_number < FLAGS_FIELD_SINCE:
            return "3.3-3.6"
        return "3.7+"

    @property
    def kind(self) -> str:
        """The invalidation mode with the flags word where the header has one: ``checked-hash (flags 3)``,
        ``timestamp (flags 0)``; ``timestamp`` alone for headers older than 3.7."""
        return self.invalidation if self.flags is None else "%s (flags %d)" % (self.invalidation, self.flags)


def magic_number(data: bytes) -> int:
    if len(data) < 4 or data[2:4] != b"\r\n":
        raise PycError("not a pyc: the magic must be two bytes and \\r\\n, found %r" % data[:4])
    return struct.unpack("<H", data[:2])[0]


def decode_header(data: bytes) -> PycHeader:
    """Decode the header at the start of ``data`` (the whole file, or at least its header)."""
    number = magic_number(data)

    def field(offset: int) -> int:
        if len(data) < offset + 4:
            raise PycError("truncated header: %d bytes" % len(data))
        return struct.unpack("<I", data[offset:offset + 4])[0]

    if number >= PYTHON2_FLOOR or number < SIZE_FIELD_SINCE:
        return PycHeader(number, 8, "timestamp", source_mtime=field(4))
    if number < FLAGS_FIELD_SINCE:
        return PycHeader(number, 12, "timestamp", source_mtime=field(4), source_size=field(8))
    flags = field(4)
    if flags & 0b1:
        kind = "checked-hash" if flags & 0b10 else "unchecked-hash"
        if len(data) < 16:
            raise PycError("truncated header: %d bytes" % len(data))
        return PycHeader(number, 16, kind, flags=flags, source_hash=data[8:16].hex())
    return PycHeader(number, 16, "timestamp", flags=flags, source_mtime=field(8), source_size=field(12))


def read_header(path) -> PycHeader:
    with open(path, "rb") as handle:
        return decode_header(handle.read(16))


_FIELD_OFFSETS = {"2.x": {"source_mtime": 4}, "3.0-3.2": {"source_mtime": 4},
                  "3.3-3.6": {"source_mtime": 4, "source_size": 8},
                  "3.7+": {"source_mtime": 8, "source_size": 12}}


def with_header_field(data: bytes, name: str, value: int) -> bytes:
    """The same cache file with one timestamp header field (``source_mtime`` or ``source_size``)
    set to ``value`` (mod 2**32): a header off by a known amount, wherever its era puts the field."""
    header = decode_header(data)
    if header.invalidation != "timestamp":
        raise PycError("a %s pyc records no %s" % (header.invalidation, name))
    offset = _FIELD_OFFSETS[header.era].get(name)
    if offset is None:
        raise PycError("a %s pyc has no %s field" % (header.era, name))
    return data[:offset] + struct.pack("<I", value % 2**32) + data[offset + 4:]
