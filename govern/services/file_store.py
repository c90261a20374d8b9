"""Where uploaded files are kept: a folder, or the database.

- FolderStore: files under a folder (instance/uploads), each under its random stored
  name. The default with SQLite, where govern runs on one machine.
- DatabaseStore: content-addressed in the database (models/files.py), once per SHA-256
  however many Vedlegg and toppnotat share it, in chunks. The default with PostgreSQL, so
  every app server sees every file and one pg_dump backs up everything. A file is written
  in the transaction of the change that adds it (a rolled-back upload leaves nothing), and
  content no owner names any more is removed after the change that stopped naming it.

GOVERN_FILE_STORAGE ("database" or "folder") overrides the default. Services take the
store (or, as before, a folder Path, which means a FolderStore).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from govern.models.base import utcnow
from govern.models.files import CHUNK_SIZE, StoredFile, StoredFileChunk
from govern.models.meetings import Attachment
from govern.models.memos import Memo
from govern.models.submissions import SubmissionFile

#: Owners of uploaded files: their `sha256` names the content.
OWNERS = (Attachment, Memo, SubmissionFile)
#: Writers of files hold this advisory lock shared, the clean-up exclusively (PostgreSQL):
#: content another transaction is about to name again is never removed under it.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"govern:stored-files").digest()[:8], "big", signed=True)


def is_stored_name(stored_name: str) -> bool:
    """Whether a name is one store_file makes (and nothing else, such as a path)."""
    return re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored_name) is not None


class FolderStore:
    kind = "folder"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def save(self, stored_name: str, sha256: str, content: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / stored_name, "xb") as out:
            out.write(content)

    def remove(self, stored_name: str | None) -> None:
        if stored_name and is_stored_name(stored_name):
            (self.folder / stored_name).unlink(missing_ok=True)

    def path(self, owner: Any) -> Path | None:
        if not owner.stored_name:
            return None
        path = self.folder / owner.stored_name
        return path if path.is_file() else None

    def read(self, owner: Any) -> bytes | None:
        path = self.path(owner)
        return path.read_bytes() if path else None

    def stream(self, owner: Any) -> Iterator[bytes] | None:
        path = self.path(owner)
        if path is None:
            return None

        def chunks() -> Iterator[bytes]:
            with open(path, "rb") as source:
                while chunk := source.read(CHUNK_SIZE):
                    yield chunk

        return chunks()


class DatabaseStore:
    kind = "database"

    def __init__(self, session: Session) -> None:
        self.session = session

    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def save(self, stored_name: str, sha256: str, content: bytes) -> None:
        """Write the content in the session's transaction, unless it is there already."""
        session = self.session
        if self._postgres():
            session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": LOCK_KEY})
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        count = max(1, -(-len(content) // CHUNK_SIZE))
        added = session.execute(
            insert(StoredFile.__table__)
            .values(sha256=sha256, size=len(content), chunks=count, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["sha256"])
            .returning(StoredFile.__table__.c.sha256)
        ).scalar()
        if added is None:
            return  # the same content is stored already (or is being, by a transaction ahead)
        for number in range(count):
            chunk = content[number * CHUNK_SIZE : (number + 1) * CHUNK_SIZE]
            session.execute(
                StoredFileChunk.__table__.insert().values(sha256=sha256, number=number, data=chunk)
            )

    def remove(self, stored_name: str | None) -> None:
        """Nothing now: content is removed by collect_garbage once nothing names it."""

    def path(self, owner: Any) -> Path | None:
        return None

    def read(self, owner: Any) -> bytes | None:
        if not owner.stored_name or not owner.sha256:
            return None
        chunks = self.session.scalars(
            select(StoredFileChunk.data)
            .where(StoredFileChunk.sha256 == owner.sha256)
            .order_by(StoredFileChunk.number)
        ).all()
        return b"".join(chunks) if chunks else None

    def stream(self, owner: Any, engine: Engine | None = None) -> Iterator[bytes] | None:
        """The committed content chunk by chunk, each read when it is wanted (on a connection
        of its own, so a response can stream after the request's session is gone)."""
        if not owner.stored_name or not owner.sha256:
            return None
        engine = engine or self.session.get_bind()
        sha256 = owner.sha256
        count = self.session.scalar(select(StoredFile.chunks).where(StoredFile.sha256 == sha256))
        if count is None:
            return None

        def chunks() -> Iterator[bytes]:
            with engine.connect() as connection:
                for number in range(count):
                    data = connection.scalar(
                        select(StoredFileChunk.data).where(
                            StoredFileChunk.sha256 == sha256, StoredFileChunk.number == number
                        )
                    )
                    if data is None:  # removed meanwhile: end the download, not a short file
                        raise LookupError(f"stored file {sha256} has no chunk {number}")
                    yield data

        return chunks()


FileStore = FolderStore | DatabaseStore


def as_store(store: FileStore | Path) -> FileStore:
    """A store, also from a folder Path (the services' callers used to pass one)."""
    return store if isinstance(store, FolderStore | DatabaseStore) else FolderStore(store)


def storage_kind(config: Mapping[str, Any]) -> str:
    """ "database" or "folder": FILE_STORAGE when set, else the database on PostgreSQL."""
    configured = str(config.get("FILE_STORAGE") or "").strip().lower()
    if configured in ("database", "folder"):
        return configured
    if configured:
        raise RuntimeError(f"GOVERN_FILE_STORAGE: «{configured}» er ikke «database» eller «folder»")
    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    return "database" if uri.startswith("postgresql") else "folder"


def store_for(config: Mapping[str, Any], instance_path: Path | str, session: Session) -> FileStore:
    """The store the configuration asks for."""
    if storage_kind(config) == "database":
        return DatabaseStore(session)
    return FolderStore(Path(instance_path) / "uploads")


def collect_garbage(connection: Connection) -> int:
    """Remove stored content that no Vedlegg, toppnotat or submitted file names; returns how many. Run in a
    transaction of its own after a change that stopped naming some (the caller commits)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    unused = select(StoredFile.sha256)
    for owner in OWNERS:
        unused = unused.where(~exists().where(owner.sha256 == StoredFile.sha256))
    names = connection.scalars(unused).all()
    if names:
        connection.execute(delete(StoredFileChunk).where(StoredFileChunk.sha256.in_(names)))
        connection.execute(delete(StoredFile).where(StoredFile.sha256.in_(names)))
    return len(names)


def move_folder_into_database(session: Session, folder: Path) -> tuple[int, int, list[str]]:
    """Copy every owner's file from the folder into the database (checked against its
    SHA-256); returns (files copied, already there, problems). The caller commits, and may
    then remove the folder's files."""
    store = DatabaseStore(session)
    copied = present = 0
    problems: list[str] = []
    for model in OWNERS:
        for owner in session.scalars(select(model).where(model.stored_name.is_not(None))):
            if owner.sha256 and session.get(StoredFile, owner.sha256) is not None:
                present += 1
                continue
            path = Path(folder) / owner.stored_name
            if not path.is_file():
                problems.append(f"{owner.filename or owner.stored_name}: mangler i {folder}")
                continue
            content = path.read_bytes()
            owner.sha256 = owner.sha256 or hashlib.sha256(content).hexdigest()
            if hashlib.sha256(content).hexdigest() != owner.sha256:
                problems.append(
                    f"{owner.filename or owner.stored_name}: innholdet stemmer ikke med SHA-256"
                )
                continue
            store.save(owner.stored_name, owner.sha256, content)
            session.flush()
            copied += 1
    return copied, present, problems
