"""Zip archives written from ready entries, reproducibly and without needless compression.

`zipfile` compresses every entry on each write. A .docx built from the template repeats the
same large parts (styles.xml alone is hundreds of kB) in every document, so their compressed
form is made once and reused; the meeting pack stores files that are compressed already
(.docx, .pdf, .xlsx) as they are. Every entry carries the same date, taken from the data, so
the same data gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import datetime

DEFLATED, STORED = 8, 0
#: Unix permissions rw-r--r-- in the "external attributes" of an entry.
_MODE = 0o100644 << 16
_UTF8_NAME = 0x800


@dataclass(frozen=True)
class Entry:
    """One file of an archive, ready to be written (compressed or stored)."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int


def deflated(name: str, blob: bytes) -> Entry:
    """An entry compressed with deflate (as zipfile does at its default level)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = packer.compress(blob) + packer.flush()
    return Entry(name, data, zlib.crc32(blob), len(blob), DEFLATED)


def stored(name: str, blob: bytes) -> Entry:
    """An entry kept as it is (for files that are compressed already)."""
    return Entry(name, blob, zlib.crc32(blob), len(blob), STORED)


def _dos_time(moment: datetime) -> tuple[int, int]:
    year = min(max(moment.year, 1980), 2107)
    date = ((year - 1980) << 9) | (moment.month << 5) | moment.day
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    return time, date


def write_zip(entries: list[Entry], when: datetime) -> bytes:
    """The archive of the entries in order, each dated `when` (a local wall-clock time)."""
    time, date = _dos_time(when)
    body, directory = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0 if entry.name.isascii() else _UTF8_NAME
        sizes = (entry.crc, len(entry.data), entry.size, len(name))
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 0x0314, 20, flags, entry.method, time, date, *sizes,
            0, 0, 0, 0, _MODE, len(body),
        )  # fmt: skip
        directory += name
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, entry.method, time, date, *sizes, 0
        )
        body += name
        body += entry.data
    if len(body) > 0xFFFFFFFF or len(entries) > 0xFFFF:
        raise ValueError("zip archive too large without Zip64")
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return bytes(body + directory + end)
