"""Meeting attachments (vedlegg): files checked by their content, stored under instance/uploads.

A file is written only after everything about it has been checked, under a random name;
the caller removes it again (remove_file) if its transaction does not commit. A Vedlegg may
also be the treatment's toppnotat or the previous meeting's referat: govern builds those
documents, so they have no uploaded file. check_file, store_file and remove_file are shared
with the uploaded toppnotat (services.memos).
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext, use_language
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment
from govern.models.meetings import Attachment, Meeting
from govern.services import audit
from govern.services.attachment_numbers import add_attachment_reference
from govern.services.errors import Conflict, InvalidInput
from govern.services.file_store import FileStore, as_store
from govern.services.meeting_lock import lock_meeting
from govern.services.meetings import previous_meeting
from govern.services.minutes import ensure_minutes_open
from govern.timeutil import date_span

MAX_SIZE = 20 * 1024 * 1024
TITLE_LIMIT = 500


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    #: The part an Office Open XML package of this kind must contain.
    part: str | None = None

    def name(self, ext: str) -> str:
        """'Word (.docx)'; 'PDF' (whose label says it all)."""
        return self.label if self.label.lower() == ext[1:] else f"{self.label} ({ext})"


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
#: Where a Vedlegg's document comes from, as the secretariat chooses it.
SOURCE_LABELS = {
    "file": lazy_gettext("Opplastet fil eller referanse"),
    "toppnotat": lazy_gettext("Toppnotatet for saken"),
    "referat": lazy_gettext("Referat fra forrige møte"),
}


@dataclass(frozen=True)
class StoredFile:
    """A checked file written under a random name, with the facts recorded about it."""

    filename: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class UploadInput:
    filename: str
    content: bytes
    title: str = ""
    #: "6A"; the next free whole number when empty.
    number: str = ""
    #: The treatment (case on this meeting's agenda) the attachment belongs to.
    treatment_id: int | None = None
    #: "file" (an uploaded file, or a bare reference when no file is given), "toppnotat"
    #: (the treatment's memo) or "referat" (the previous meeting's minutes).
    source: str = "file"


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


def _kinds(allowed: tuple[str, ...]) -> str:
    """'PDF, Word (.docx), Excel (.xlsx) og PowerPoint (.pptx)'."""
    names = [FILE_TYPES[ext].name(ext) for ext in allowed]
    if len(names) == 1:
        return names[0]
    return _("%(some)s og %(last)s", some=", ".join(names[:-1]), last=names[-1])


def check_file(filename: str, content: bytes, allowed: tuple[str, ...] = tuple(FILE_TYPES)) -> str:
    """Check an uploaded file by its content; returns its extension (one of `allowed`)."""
    name = _clean_filename(filename)
    if not name:
        raise InvalidInput(_("Velg en fil å laste opp"), field="file")
    ext = PurePosixPath(name).suffix.lower()
    if ext not in allowed:
        raise InvalidInput(_("Bare %(kinds)s kan lastes opp", kinds=_kinds(allowed)), field="file")
    if len(content) > MAX_SIZE:
        raise InvalidInput(
            _("Filen er større enn %(size)s MB", size=MAX_SIZE // (1024 * 1024)), field="file"
        )
    if detect_type(content) != ext:
        raise InvalidInput(
            _("Filen er ikke en gyldig %(kind)s-fil", kind=FILE_TYPES[ext].label), field="file"
        )
    return ext


def next_attachment_number(session: Session, meeting: Meeting) -> int:
    """The next free whole Vedlegg number in a meeting."""
    last = session.scalar(
        select(func.max(Attachment.seq)).where(Attachment.meeting_id == meeting.id)
    )
    return (last or 0) + 1


def _megabytes(size: int) -> str:
    """'200 MB', '12,5 MB', '800 kB'."""
    if size < 1024 * 1024:
        return f"{round(size / 1024)} kB"
    value = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{value.replace('.', ',')} MB"


def check_meeting_total(
    session: Session,
    meeting: Meeting,
    adding: int,
    limit: int | None,
    replacing: Attachment | None = None,
) -> None:
    """Refuse a file that would take the meeting's attachments over `limit` bytes in all.

    The meeting is locked first, so two uploads at the same moment cannot both pass.
    """
    if limit is None:
        return
    lock_meeting(session, meeting)
    others = [Attachment.id != replacing.id] if replacing is not None else []
    used = session.scalar(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.meeting_id == meeting.id, Attachment.stored_name.is_not(None), *others
        )
    )
    if used + adding > limit:
        raise InvalidInput(
            _(
                "Vedleggene til møte %(number)s kan til sammen være høyst %(limit)s. Med denne "
                "filen (%(adding)s) ville de blitt %(total)s. Slett eller bytt ut et vedlegg "
                "først.",
                number=meeting.number,
                limit=_megabytes(limit),
                adding=_megabytes(adding),
                total=_megabytes(used + adding),
            ),
            field="file",
        )


def _treatment(session: Session, meeting: Meeting, treatment_id: int | None) -> Treatment | None:
    if not treatment_id:
        return None
    treatment = session.get(Treatment, treatment_id)
    if treatment is None or treatment.meeting_id != meeting.id:
        raise InvalidInput(_("Velg en sak på dette møtets dagsorden"), field="treatment_id")
    return treatment


def store_file(filename: str, content: bytes, ext: str, upload_dir: FileStore | Path) -> StoredFile:
    """Write a checked file under a random name into the store (a folder Path means the
    folder); returns what is recorded about it."""
    stored_name = secrets.token_hex(16) + ext
    sha256 = hashlib.sha256(content).hexdigest()
    as_store(upload_dir).save(stored_name, sha256, content)
    return StoredFile(
        filename=_clean_filename(filename),
        stored_name=stored_name,
        content_type=FILE_TYPES[ext].content_type,
        size=len(content),
        sha256=sha256,
    )


def _write(
    attachment: Attachment, name: str, content: bytes, ext: str, upload_dir: FileStore | Path
) -> None:
    """Write the checked file under a random name and record it on the attachment."""
    stored = store_file(name, content, ext, upload_dir)
    attachment.stored_name = stored.stored_name
    attachment.filename = stored.filename
    attachment.content_type = stored.content_type
    attachment.size = stored.size
    attachment.sha256 = stored.sha256
    attachment.uploaded_at = utcnow()


def flush_or_remove(
    session: Session, stored_name: str | None, upload_dir: FileStore | Path
) -> None:
    """Flush; if the database refuses, remove the file just written and re-raise."""
    try:
        session.flush()
    except Exception:
        remove_file(upload_dir, stored_name)
        raise


def _previous_meeting(session: Session, meeting: Meeting) -> Meeting:
    """The meeting whose referat a "referat" Vedlegg is: the body's last one before this."""
    previous = (
        previous_meeting(session, meeting.body, meeting.first_date)
        if meeting.first_date is not None
        else None
    )
    if previous is None:
        raise InvalidInput(
            _(
                "%(body)s har ikke noe tidligere møte, så det finnes ikke noe referat å legge ved",
                body=meeting.body.short_name,
            ),
            field="source",
        )
    return previous


def _default_title(
    session: Session, meeting: Meeting, source: str, treatment: Treatment | None, filename: str
) -> str:
    """The title when none is typed: the file's name, 'Toppnotat <case>', or
    'Referat Fagrådet 21. – 22. januar 2026' for the previous meeting's minutes."""
    if source == "toppnotat":
        if treatment is None:
            return ""
        with use_language(meeting.body.document_language):
            return _("Toppnotat %(title)s", title=treatment.display_title)
    if source == "referat":
        previous = _previous_meeting(session, meeting)
        with use_language(meeting.body.document_language):
            span = date_span(previous.first_date, previous.last_date)
            return _("Referat %(body)s %(dates)s", body=meeting.body.short_name, dates=span)
    return PurePosixPath(_clean_filename(filename)).stem


def _check_open(meeting: Meeting, field: str) -> None:
    """The vedlegg belong to the meeting's record: once its minutes are approved, they stay."""
    ensure_minutes_open(
        meeting,
        field=field,
        message=_(
            "Referatet fra møte %(number)s er godkjent og låst; vedleggene endres ikke.",
            number=meeting.number,
        ),
    )


def add_attachment(
    session: Session,
    meeting: Meeting,
    data: UploadInput,
    upload_dir: FileStore | Path,
    actor: User | None = None,
    total_limit: int | None = None,
) -> Attachment:
    """Add Vedlegg n to a meeting: a file (checked by content, then written), a reference
    whose file follows later, the case's toppnotat or the previous meeting's referat.

    `total_limit` (bytes) bounds the meeting's uploaded files together."""
    _check_open(meeting, "file")
    source = data.source or "file"
    if source not in SOURCE_LABELS:
        raise InvalidInput(_("Velg hvor dokumentet kommer fra"), field="source")
    has_file = bool(_clean_filename(data.filename))
    if has_file and source != "file":
        raise InvalidInput(
            _(
                "%(source)s lages av govern. Ikke velg noen fil for dette vedlegget.",
                source=SOURCE_LABELS[source],
            ),
            field="file",
        )
    ext = check_file(data.filename, data.content) if has_file else None
    if ext is not None:
        check_meeting_total(session, meeting, len(data.content), total_limit)
    treatment = _treatment(session, meeting, data.treatment_id)
    if source == "referat":
        _previous_meeting(session, meeting)
    title = (data.title or "").strip() or _default_title(
        session, meeting, source, treatment, data.filename
    )
    if source == "file" and not has_file and not title:
        raise InvalidInput(
            _("Velg en fil å laste opp, eller skriv en tittel for et vedlegg uten fil"),
            field="file",
        )
    if len(title) > TITLE_LIMIT:
        raise InvalidInput(_("Tittelen kan ha høyst %(max)s tegn", max=TITLE_LIMIT), field="title")
    number = (data.number or "").strip() or str(next_attachment_number(session, meeting))
    attachment = add_attachment_reference(session, meeting, treatment, number, title, source=source)
    if ext is not None:
        _write(attachment, data.filename, data.content, ext, upload_dir)
        flush_or_remove(session, attachment.stored_name, upload_dir)
    audit.record(
        session,
        actor,
        "attachment.add",
        attachment,
        f"Vedlegg {attachment.number} «{title}» "
        f"{'lastet opp til' if ext else 'lagt til i'} møte {meeting.number}",
        body=meeting.body,
        changes={"source": [None, source]} if source != "file" else None,
    )
    return attachment


def attach_file(
    session: Session,
    attachment: Attachment,
    filename: str,
    content: bytes,
    upload_dir: FileStore | Path,
    actor: User | None = None,
    total_limit: int | None = None,
) -> str | None:
    """Give a registered Vedlegg its file, or a new one; returns the replaced file's stored
    name, which the caller removes once the change is committed. `total_limit` as for
    add_attachment (a replaced file no longer counts)."""
    _check_open(attachment.meeting, "file")
    if attachment.source != "file":
        raise Conflict(
            _(
                "Vedlegg %(number)s er %(source)s, som govern lager; det får ingen opplastet fil",
                number=attachment.number,
                source=str(SOURCE_LABELS[attachment.source]).lower(),
            ),
            field="file",
        )
    ext = check_file(filename, content)
    check_meeting_total(session, attachment.meeting, len(content), total_limit, attachment)
    replaced = attachment.stored_name
    _write(attachment, filename, content, ext, upload_dir)
    flush_or_remove(session, attachment.stored_name, upload_dir)
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
    _check_open(meeting, "file")
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


def remove_file(upload_dir: FileStore | Path, stored_name: str | None) -> None:
    """Remove a stored file (a failed or undone upload, a deleted attachment) if it is there
    (in the database store, content nothing names is collected after the commit)."""
    as_store(upload_dir).remove(stored_name)


def stored_path(upload_dir: FileStore | Path, owner: Attachment | Any) -> Path | None:
    """Where an attachment's (or an uploaded memo's) file is on disk, or None without one
    (and always with the database store: read it with read_stored)."""
    return as_store(upload_dir).path(owner)


def read_stored(upload_dir: FileStore | Path, owner: Attachment | Any) -> bytes | None:
    """An attachment's (or an uploaded memo's) file, or None without one."""
    return as_store(upload_dir).read(owner)


def download_name(attachment: Attachment) -> str:
    """'Vedlegg 6A – Vurdering kjernejournal portal.pdf'."""
    ext = PurePosixPath(attachment.stored_name or attachment.filename or "").suffix.lower()
    title = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", attachment.title)
    title = re.sub(r"\s+", " ", title).strip()[:150]
    meeting = attachment.meeting
    with use_language(meeting.body.document_language if meeting is not None else None):
        return _("Vedlegg %(number)s – %(title)s", number=attachment.number, title=title) + ext
