"""The toppnotat (case memo): written in govern section by section, or an uploaded .docx.

The case owner (sakseier, saksbehandler) and the body's secretariat write it. The memo's
Forslag til vedtak and the innkalling's summary are the treatment's own texts, saved with
the memo in one go; the memo itself is a Memo row with its fixed sections and its free
sections in order. An uploaded Word file replaces the written memo until it is removed.
Nothing can change once the meeting's minutes are approved and locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment
from govern.models.memos import Memo, MemoSection
from govern.services import audit
from govern.services.attachments import (
    check_file,
    flush_or_remove,
    store_file,
    stored_path,
)
from govern.services.cycle_actions import complete_if_toppnotater_ready
from govern.services.errors import InvalidInput, NotFound
from govern.services.minutes import ensure_minutes_open

#: What a memo is called in the refusal of a stale edit ("Toppnotatet ble endret av …").
WHAT = lazy_gettext("Toppnotatet")
HEADING_LIMIT = 300
#: The memo's own texts (the fixed sections) and the treatment's texts saved with it.
MEMO_FIELDS = ("purpose", "background", "questions", "next_steps")
TREATMENT_FIELDS = ("summary", "proposed_decision")


@dataclass(frozen=True)
class SectionInput:
    """A free section: its heading ("Anbefalt konsept") and its text."""

    heading: str = ""
    text: str = ""


@dataclass(frozen=True)
class MemoInput:
    """The toppnotat as written in the editor, with the versions the form was opened on."""

    #: The treatment's version (summary and forslag til vedtak live on the treatment).
    version: int | None
    #: The memo's version; None when the form was opened before the memo existed.
    memo_version: int | None = None
    summary: str = ""
    proposed_decision: str = ""
    purpose: str = ""
    background: str = ""
    sections: tuple[SectionInput, ...] = ()
    questions: str = ""
    next_steps: str = ""


def clean_text(text: str | None) -> str:
    """Line breaks as one kind ('\\n'), no blank lines around: paragraphs stay as typed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_open(treatment: Treatment, field: str) -> None:
    ensure_minutes_open(treatment.meeting, field=field)


def _check_memo_version(memo: Memo | None, submitted: int | None) -> None:
    """The memo as it was when the form was opened: absent then, absent now, or the same
    version. Someone else creating or saving it in between makes this save stale."""
    if memo is None:
        if submitted is not None:
            raise audit.stale_edit(WHAT)
        return
    audit.check_version(memo, submitted, WHAT)


def _sections(data: MemoInput) -> list[tuple[str, str]]:
    """The free sections to keep, in order: empty ones are dropped, a text needs a heading.

    Errors name the section by its place in the input (`sections[2].heading`).
    """
    kept = []
    for i, section in enumerate(data.sections):
        heading = " ".join((section.heading or "").split())
        text = clean_text(section.text)
        if not heading and not text:
            continue
        if not heading:
            raise InvalidInput(
                _("Skriv en overskrift for avsnittet, eller tøm teksten for å fjerne avsnittet"),
                field=f"sections[{i}].heading",
            )
        if len(heading) > HEADING_LIMIT:
            raise InvalidInput(
                _("Overskriften kan ha høyst %(max)s tegn", max=HEADING_LIMIT),
                field=f"sections[{i}].heading",
            )
        kept.append((heading, text))
    return kept


def _set_sections(memo: Memo, sections: list[tuple[str, str]]) -> None:
    """Replace the free sections in order, reusing the rows (in their order) so no two rows
    hold the same position on the way; new rows go after the last one."""
    rows = list(memo.sections)
    after = max((r.position for r in rows), default=-1) + 1
    for i, (heading, text) in enumerate(sections):
        if i < len(rows):
            rows[i].heading, rows[i].text = heading, text
        else:
            memo.sections.append(
                MemoSection(position=after + i - len(rows), heading=heading, text=text)
            )
    for extra in rows[len(sections) :]:
        memo.sections.remove(extra)


def _flush(session: Session) -> None:
    """Flush; a memo someone else saved or created since we read it is a stale edit."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise audit.stale_edit(WHAT) from None


def _memo_of(session: Session, treatment: Treatment) -> Memo:
    """The treatment's memo, created (empty) when it has none yet."""
    if treatment.memo is None:
        treatment.memo = Memo(purpose="", background="", questions="", next_steps="")
        session.add(treatment.memo)
    return treatment.memo


def _write(session: Session, treatment: Treatment, data: MemoInput) -> dict[str, list]:
    """Apply the memo's texts and free sections (checked); returns what changed. No memo
    row is created for nothing."""
    sections = _sections(data)
    texts = {name: clean_text(getattr(data, name)) for name in MEMO_FIELDS}
    if treatment.memo is None and not sections and not any(texts.values()):
        return {}
    memo = _memo_of(session, treatment)
    changes = audit.diff(memo, texts)
    before = [[s.heading, s.text] for s in memo.sections]
    after = [[heading, text] for heading, text in sections]
    if before != after:
        changes["sections"] = [before, after]
        _set_sections(memo, sections)
    if changes:
        # Sections live in their own rows; touching the memo moves (and checks) its version
        # whatever changed.
        memo.updated_at = utcnow()
    return changes


def update_memo(
    session: Session, user: User | None, treatment: Treatment, data: MemoInput
) -> dict[str, list]:
    """Save the toppnotat of a treatment as written: the innkalling's summary, Forslag til
    vedtak, Hensikt, Bakgrunn, the free sections in order, Spørsmål til drøfting and Videre
    saksprosess. Returns what changed ({field: [before, after]}); nothing changed is no save.
    """
    _check_open(treatment, "summary")
    audit.check_version(treatment, data.version, _("Saken"))
    # No flush on the way (loading the memo or its sections would flush): the one flush at
    # the end is where a lost update shows, and is turned into the usual refusal there.
    with session.no_autoflush:
        _check_memo_version(treatment.memo, data.memo_version)
        _sections(data)  # refuse a bad section before anything is changed
        changes = audit.diff(
            treatment, {name: clean_text(getattr(data, name)) for name in TREATMENT_FIELDS}
        )
        changes |= _write(session, treatment, data)
    if not changes:
        return changes
    _flush(session)
    audit.record(
        session,
        user,
        "treatment.memo",
        treatment,
        f"Toppnotatet for sak {treatment.number} ({treatment.body.short_name}) ble endret",
        body=treatment.body,
        changes=changes,
    )
    complete_if_toppnotater_ready(session, treatment.meeting, user)
    return changes


def import_memo(session: Session, treatment: Treatment, data: MemoInput) -> None:
    """The memo as an exchange file states it (services.exchange): the file is the record,
    so neither versions nor locked minutes apply; the treatment's own texts are not touched."""
    with session.no_autoflush:
        _write(session, treatment, data)
    session.flush()


def upload_memo(
    session: Session,
    user: User | None,
    treatment: Treatment,
    filename: str,
    content: bytes,
    upload_dir: Path,
) -> str | None:
    """Upload a Word file (.docx, checked by content) as the treatment's toppnotat, in place
    of the written one. Returns the stored name of the file it replaced, which the caller
    removes once the change is committed; the new file is removed if the save fails."""
    _check_open(treatment, "file")
    ext = check_file(filename, content, allowed=(".docx",))
    with session.no_autoflush:
        memo = _memo_of(session, treatment)
    replaced = memo.stored_name
    stored = store_file(filename, content, ext, upload_dir)
    memo.filename, memo.stored_name = stored.filename, stored.stored_name
    memo.size, memo.sha256, memo.uploaded_at = stored.size, stored.sha256, utcnow()
    try:
        flush_or_remove(session, stored.stored_name, upload_dir)
    except (StaleDataError, IntegrityError):
        raise audit.stale_edit(WHAT) from None
    audit.record(
        session,
        user,
        "treatment.memo_upload",
        treatment,
        f"Toppnotat for sak {treatment.number} ({treatment.body.short_name}) "
        f"{'byttet' if replaced else 'lastet opp'}: {stored.filename}",
        body=treatment.body,
        changes={"filename": [None, stored.filename]},
    )
    complete_if_toppnotater_ready(session, treatment.meeting, user)
    return replaced


def remove_memo_upload(session: Session, user: User | None, treatment: Treatment) -> str | None:
    """Remove the uploaded toppnotat: the memo written in govern is the toppnotat again.
    Returns the removed file's stored name, which the caller removes once committed."""
    _check_open(treatment, "file")
    memo = treatment.memo
    if memo is None or not memo.uploaded:
        raise NotFound(
            _("Sak %(number)s har ikke noe opplastet toppnotat å fjerne", number=treatment.number),
            field="file",
        )
    stored_name, filename = memo.stored_name, memo.filename
    memo.filename = memo.stored_name = memo.size = memo.sha256 = memo.uploaded_at = None
    _flush(session)
    audit.record(
        session,
        user,
        "treatment.memo_upload_remove",
        treatment,
        f"Opplastet toppnotat for sak {treatment.number} ({treatment.body.short_name}) "
        f"ble fjernet: {filename}",
        body=treatment.body,
        changes={"filename": [filename, None]},
    )
    return stored_name


def memo_file_path(upload_dir: Path, memo: Memo | None) -> Path | None:
    """Where an uploaded toppnotat is on disk, or None when the memo has no file."""
    return stored_path(upload_dir, memo) if memo is not None else None
