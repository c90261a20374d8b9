"""Uploaded files in the exchange format: a Vedlegg's file, an uploaded toppnotat and the
files of a submitted case travel beside the JSON, named by their SHA-256, and the JSON names each by
`"file": {"name": …, "sha256": …, "size": …}`.

Export: `exchange_files` lists the files to write (the CLI writes them into a folder with a
SHA256SUMS list). Import: `ImportFiles.read(sha256)` gives a file's bytes; it is checked
against its checksum and its type before it is stored under a new random name. The files an
import wrote are in `ImportFiles.written`, for the caller to remove if it does not commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.domain.exchange_format import file_name
from govern.i18n import gettext as _
from govern.models.base import utcnow
from govern.models.meetings import Attachment
from govern.models.memos import Memo
from govern.models.submissions import SubmissionFile
from govern.services.attachments import check_file, remove_file, store_file
from govern.services.errors import GovernError
from govern.services.exchange_reader import ExchangeError, Node

FILE_KEYS = {"name", "sha256", "size"}


@dataclass
class ImportFiles:
    """Where an import reads the uploaded files from, and where it stores them."""

    read: Callable[[str], bytes | None]
    upload_dir: Path
    written: list[str] = field(default_factory=list)

    def remove_written(self) -> None:
        """Remove what this import stored (its transaction was rolled back)."""
        for name in self.written:
            remove_file(self.upload_dir, name)
        self.written.clear()


def exchange_files(
    session: Session,
) -> Iterator[tuple[str, Attachment | Memo | SubmissionFile]]:
    """(name beside the JSON, owner) of every uploaded file, each checksum once, in the order
    of their names (the same on every database, whatever order it keeps the rows in)."""
    seen: dict[str, tuple[str, Attachment | Memo | SubmissionFile]] = {}
    owners = [
        # The format holds the Vedlegg of cases on an agenda (not those of no case).
        *session.scalars(
            select(Attachment).where(
                Attachment.stored_name.is_not(None), Attachment.treatment_id.is_not(None)
            )
        ),
        *session.scalars(select(Memo).where(Memo.stored_name.is_not(None))),
        *session.scalars(select(SubmissionFile)),
    ]
    for owner in sorted(owners, key=lambda o: (type(o).__name__, o.id)):
        if owner.sha256 and owner.sha256 not in seen:
            seen[owner.sha256] = (
                file_name(owner.sha256, owner.filename or owner.stored_name),
                owner,
            )
    yield from sorted(seen.values(), key=lambda named: named[0])


def import_file(
    files: ImportFiles | None,
    node: Node,
    owner: Attachment | Memo | SubmissionFile,
    allowed: tuple[str, ...],
) -> None:
    """Store the file the node's "file" names and record it on the owner."""
    entry = Node(node.value["file"], node.where("file"), FILE_KEYS)
    name, sha256 = entry.text("name"), entry.text("sha256").lower()
    if files is None:
        raise ExchangeError(
            _(
                "filen «%(name)s» er ikke med: importer fra en fil med mappen med filer ved "
                "siden av",
                name=name,
            ),
            field=entry.path,
        )
    content = files.read(sha256)
    if content is None:
        raise ExchangeError(
            _(
                "filen «%(name)s» (%(file)s) mangler i mappen med filer",
                name=name,
                file=file_name(sha256, name),
            ),
            field=entry.path,
        )
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ExchangeError(
            _(
                "filen «%(name)s» har ikke sjekksummen JSON-filen oppgir; den er endret eller "
                "skadet",
                name=name,
            ),
            field=entry.path,
        )
    try:
        ext = check_file(name, content, allowed)
    except GovernError as error:  # the file's type is not what its name says
        raise ExchangeError(error.message, field=entry.path) from None
    stored = store_file(name, content, ext, files.upload_dir)
    files.written.append(stored.stored_name)
    owner.stored_name, owner.filename = stored.stored_name, stored.filename
    owner.size, owner.sha256 = stored.size, stored.sha256
    if not isinstance(owner, SubmissionFile):
        owner.uploaded_at = utcnow()
    if isinstance(owner, Attachment | SubmissionFile):
        owner.content_type = stored.content_type
