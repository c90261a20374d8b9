"""Zip archives written from ready entries, reproducibly and without needless compression.

Entries are bytes in memory or files on disk (`StoredFile`), which are copied in chunks, so
an archive of large uploads can be written to a file without holding them in memory.

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
from functools import lru_cache
from hashlib import sha256
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

DEFLATED, STORED = 8, 0
#: Unix permissions rw-r--r-- in the "external attributes" of an entry.
_MODE = 0o100644 << 16
_UTF8_NAME = 0x800
#: Files on disk are read and copied in blocks of this size.
CHUNK = 1 << 20


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
    out = BytesIO()
    write_zip_to(out, entries, when)
    return out.getvalue()


@dataclass(frozen=True)
class StoredFile:
    """A file stored as it is, read from disk in chunks only while the archive is written,
    so a large upload is never held in memory whole."""

    name: str
    path: Path
    crc: int
    size: int
    #: SHA-256 of the content: with the names and the date it identifies the archive.
    digest: bytes
    method: int = STORED


def stored_file(name: str, path: Path) -> StoredFile:
    """An entry for a file on disk (its CRC and digest read in chunks, once per version)."""
    facts = path.stat()
    crc, size, digest = _file_facts(str(path), facts.st_ino, facts.st_size, facts.st_mtime_ns)
    return StoredFile(name, path, crc, size, digest)


@lru_cache(maxsize=1024)
def _file_facts(path: str, _inode: int, _size: int, _mtime_ns: int) -> tuple[int, int, bytes]:
    """CRC, size and SHA-256 of a file; remembered while its inode, size and time stay."""
    crc, size, digest = 0, 0, sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            crc = zlib.crc32(block, crc)
            size += len(block)
            digest.update(block)
    return crc, size, digest.digest()


def archive_digest(entries: list[Entry | StoredFile], when: datetime) -> str:
    """A hash of everything the archive's bytes are made of (names, methods, contents, date):
    the same value means the same bytes, without writing them."""
    total = sha256(repr(_dos_time(when)).encode())
    for entry in entries:
        content = entry.digest if isinstance(entry, StoredFile) else sha256(entry.data).digest()
        total.update(repr((entry.name, entry.method, entry.size)).encode() + content)
    return total.hexdigest()


def write_zip_to(
    out: BinaryIO, entries: list[Entry | StoredFile], when: datetime, chunk: int = CHUNK
) -> None:
    """Write the archive of the entries in order, each dated `when`, to a binary stream.

    Files on disk are copied in chunks; only the central directory is kept in memory.
    """
    time, date = _dos_time(when)
    offset, directory = 0, bytearray()
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0 if entry.name.isascii() else _UTF8_NAME
        stored_size = entry.size if isinstance(entry, StoredFile) else len(entry.data)
        sizes = (entry.crc, stored_size, entry.size, len(name))
        if offset > 0xFFFFFFFF:
            raise ValueError("zip archive too large without Zip64")
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 0x0314, 20, flags, entry.method, time, date, *sizes,
            0, 0, 0, 0, _MODE, offset,
        )  # fmt: skip
        directory += name
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, entry.method, time, date, *sizes, 0
        )
        out.write(header + name)
        if isinstance(entry, StoredFile):
            _copy(entry, out, chunk)
        else:
            out.write(entry.data)
        offset += len(header) + len(name) + stored_size
    if offset > 0xFFFFFFFF or len(entries) > 0xFFFF:
        raise ValueError("zip archive too large without Zip64")
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0
    )
    out.write(bytes(directory) + end)


def _copy(entry: StoredFile, out: BinaryIO, chunk: int) -> None:
    """Copy a file into the archive, checking it is still the file that was hashed."""
    crc, size = 0, 0
    with entry.path.open("rb") as handle:
        while block := handle.read(chunk):
            crc = zlib.crc32(block, crc)
            size += len(block)
            out.write(block)
    if (crc, size) != (entry.crc, entry.size):
        raise ValueError(f"{entry.path.name} changed while the archive was written")
