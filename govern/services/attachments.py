"""Meeting attachments (vedlegg): files checked by their content, stored under instance/uploads.

A file is written only after everything about it has been checked, under a random name;
the caller removes it again (remove_file) if its transaction does not commit.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment
from govern.models.meetings import Attachment, Meeting
from govern.services import audit
from govern.services.agenda import add_attachment_reference
from govern.services.errors import InvalidInput

MAX_SIZE = 20 * 1024 * 1024
TITLE_LIMIT = 500


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    #: The part an Office Open XML package of this kind must contain.
    part: str | None = None


FILE_TYPES = {
    ".pdf": FileType("PDF", "application/pdf"),
    ".docx": FileType(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/document.xml",
    ),
    ".xlsx": FileType(
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/workbook.xml",
    ),
    ".pptx": FileType(
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/presentation.xml",
    ),
}


@dataclass(frozen=True)
class UploadInput:
    filename: str
    content: bytes
    title: str = ""
    #: "6A"; the next free whole number when empty.
    number: str = ""
    #: The treatment (case on this meeting's agenda) the attachment belongs to.
    treatment_id: int | None = None


def detect_type(content: bytes) -> str | None:
    """The extension a file's content shows it to be ('.pdf', '.docx' …), or None."""
    if content.startswith(b"%PDF-"):
        return ".pdf"
    if not content.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((ext for ext, t in FILE_TYPES.items() if t.part and t.part in names), None)


def _clean_filename(filename: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name[-255:]


def check_file(filename: str, content: bytes) -> str:
    """Check an uploaded file by its content; returns its extension."""
    name = _clean_filename(filename)
    if not name:
        raise InvalidInput("Velg en fil å laste opp", field="file")
    ext = PurePosixPath(name).suffix.lower()
    if ext not in FILE_TYPES:
        raise InvalidInput(
            "Bare PDF, Word (.docx), Excel (.xlsx) og PowerPoint (.pptx) kan lastes opp",
            field="file",
        )
    if len(content) > MAX_SIZE:
        raise InvalidInput(f"Filen er større enn {MAX_SIZE // (1024 * 1024)} MB", field="file")
    if detect_type(content) != ext:
        raise InvalidInput(f"Filen er ikke en gyldig {FILE_TYPES[ext].label}-fil", field="file")
    return ext


def next_attachment_number(session: Session, meeting: Meeting) -> int:
    """The next free whole Vedlegg number in a meeting."""
    last = session.scalar(
        select(func.max(Attachment.seq)).where(Attachment.meeting_id == meeting.id)
    )
    return (last or 0) + 1


def _treatment(session: Session, meeting: Meeting, treatment_id: int | None) -> Treatment | None:
    if not treatment_id:
        return None
    treatment = session.get(Treatment, treatment_id)
    if treatment is None or treatment.meeting_id != meeting.id:
        raise InvalidInput("Velg en sak på dette møtets dagsorden", field="treatment_id")
    return treatment


def _write(attachment: Attachment, name: str, content: bytes, ext: str, upload_dir: Path) -> None:
    """Write the checked file under a random name and record it on the attachment."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + ext
    with open(upload_dir / stored_name, "xb") as out:
        out.write(content)
    attachment.stored_name = stored_name
    attachment.filename = _clean_filename(name)
    attachment.content_type = FILE_TYPES[ext].content_type
    attachment.size = len(content)
    attachment.sha256 = hashlib.sha256(content).hexdigest()
    attachment.uploaded_at = utcnow()


def _flush_or_remove(session: Session, attachment: Attachment, upload_dir: Path) -> None:
    try:
        session.flush()
    except Exception:
        remove_file(upload_dir, attachment.stored_name)
        raise


def add_attachment(
    session: Session,
    meeting: Meeting,
    data: UploadInput,
    upload_dir: Path,
    actor: User | None = None,
) -> Attachment:
    """Add Vedlegg n to a meeting with its file (checked by content, then written)."""
    ext = check_file(data.filename, data.content)
    title = (data.title or "").strip() or PurePosixPath(_clean_filename(data.filename)).stem
    if len(title) > TITLE_LIMIT:
        raise InvalidInput(f"Tittelen kan ha høyst {TITLE_LIMIT} tegn", field="title")
    treatment = _treatment(session, meeting, data.treatment_id)
    number = (data.number or "").strip() or str(next_attachment_number(session, meeting))
    attachment = add_attachment_reference(session, meeting, treatment, number, title)
    _write(attachment, data.filename, data.content, ext, upload_dir)
    _flush_or_remove(session, attachment, upload_dir)
    audit.record(
        session,
        actor,
        "attachment.add",
        attachment,
        f"Vedlegg {attachment.number} «{title}» lastet opp til møte {meeting.number}",
        body=meeting.body,
    )
    return attachment


def attach_file(
    session: Session,
    attachment: Attachment,
    filename: str,
    content: bytes,
    upload_dir: Path,
    actor: User | None = None,
) -> str | None:
    """Give a registered Vedlegg its file, or a new one; returns the replaced file's stored
    name, which the caller removes once the change is committed."""
    ext = check_file(filename, content)
    replaced = attachment.stored_name
    _write(attachment, filename, content, ext, upload_dir)
    _flush_or_remove(session, attachment, upload_dir)
    meeting = attachment.meeting
    audit.record(
        session,
        actor,
        "attachment.file",
        attachment,
        f"Fil {'byttet' if replaced else 'lastet opp'} for vedlegg {attachment.number} "
        f"i møte {meeting.number}",
        body=meeting.body,
        changes={"filename": [None, attachment.filename]},
    )
    return replaced


def delete_attachment(
    session: Session, attachment: Attachment, actor: User | None = None
) -> str | None:
    """Delete a Vedlegg; returns its file's stored name, which the caller removes once the
    deletion is committed."""
    meeting = attachment.meeting
    audit.record(
        session,
        actor,
        "attachment.delete",
        attachment,
        f"Vedlegg {attachment.number} «{attachment.title}» slettet fra møte {meeting.number}",
        body=meeting.body,
    )
    stored_name = attachment.stored_name
    session.delete(attachment)
    session.flush()
    return stored_name


def remove_file(upload_dir: Path, stored_name: str | None) -> None:
    """Remove a stored file (a failed or undone upload, a deleted attachment) if it is there."""
    if stored_name and re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored_name):
        (upload_dir / stored_name).unlink(missing_ok=True)


def stored_path(upload_dir: Path, attachment: Attachment) -> Path | None:
    """Where an attachment's file is on disk, or None when it has none."""
    if not attachment.stored_name:
        return None
    path = upload_dir / attachment.stored_name
    return path if path.is_file() else None


def download_name(attachment: Attachment) -> str:
    """'Vedlegg 6A – Vurdering kjernejournal portal.pdf'."""
    ext = PurePosixPath(attachment.stored_name or attachment.filename or "").suffix.lower()
    title = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", attachment.title)
    title = re.sub(r"\s+", " ", title).strip()[:150]
    return f"Vedlegg {attachment.number} – {title}{ext}"
