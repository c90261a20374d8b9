"""Uploaded files kept in the database: content-addressed by SHA-256, in chunks.

A Vedlegg's file and an uploaded toppnotat name their content by its SHA-256 (their
`sha256` column); with the database as the file store (the default on PostgreSQL) the
content is here, once however many owners share it, split into chunks of CHUNK_SIZE bytes
so that neither writing nor reading holds a whole file in one value.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from govern.models.base import Base, UTCDateTime, utcnow

CHUNK_SIZE = 1024 * 1024


class StoredFile(Base):
    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredFileChunk(Base):
    __tablename__ = "stored_file_chunks"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("stored_files.sha256", ondelete="CASCADE"), primary_key=True
    )
    #: 0, 1, 2 …
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
