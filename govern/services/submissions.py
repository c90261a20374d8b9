"""Submitting a case to a body (innmelding av saker), and the secretariat's answer.

A member of the body or a case owner submits a case (title, wanted sakstype, summary,
forslag til vedtak, wanted meeting, files) before the deadline of the body's årshjul
("Frist for innmelding av saker"; submission_rules). The secretariat accepts it onto one
of the body's open agendas, where it gets its case number through agenda.add_case_item
(the one way a case goes on an agenda, with its rules and audit line) and its files become
Vedlegg through attachments.add_attachment; or it declines it with a reason. The submitter
gets an e-mail either way, and the secretariat one for each new submission, through the
mail queue. A submission is never public: only the submitter, the body's secretariat and
administrators see it (policy.may_read_submission); what is accepted is public by the
rules of the meeting it is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.bodies import Body
from govern.models.cases import sakstype_label
from govern.models.meetings import AgendaItem, Attachment, Meeting
from govern.models.people import Person
from govern.models.submissions import CaseSubmission, SubmissionFile
from govern.services import agenda, attachments, audit
from govern.services.agenda_items import CaseItemInput
from govern.services.cases import check_title
from govern.services.errors import Conflict, InvalidInput
from govern.services.file_store import FileStore
from govern.services.mail import queue_mail
from govern.services.submission_rules import (
    MAX_FILES,
    MAX_TEXT,
    check_deadline,
    check_files,
    check_submission_sakstype,
    check_text,
    meeting_label,
)
from govern.text_rules import has_line_break
from govern.timeutil import local, short_date


@dataclass(frozen=True)
class SubmissionInput:
    title: str
    sakstype: str
    summary: str = ""
    proposed_decision: str = ""
    #: The meeting asked for; None: the first one the secretariat finds room in.
    wanted_meeting_id: int | None = None


@dataclass(frozen=True)
class FileInput:
    filename: str
    content: bytes


@dataclass(frozen=True)
class Accepted:
    """What accepting made: the agenda item, and the Vedlegg the files became."""

    item: AgendaItem
    attachments: list[Attachment]


@dataclass(frozen=True)
class AcceptInput:
    meeting_id: int
    sakstype: str
    day: int = 1
    #: The version of the submission the secretariat looked at.
    version: int | None = None


def _url(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}"


def _secretariat(body: Body, today: date) -> list[Person]:
    people = {
        m.person.id: m.person
        for m in body.memberships
        if m.role == "sekretariat" and m.active_on(today) and m.person.email
    }
    return sorted(people.values(), key=lambda p: p.name)


def submit_case(
    session: Session,
    body: Body,
    submitter: Person,
    data: SubmissionInput,
    files: Sequence[FileInput],
    store: FileStore | Path,
    *,
    allowed_meetings: Sequence[Meeting],
    today: date,
    base_url: str,
    actor: User | None = None,
) -> CaseSubmission:
    """Register a submission with its files; everything is checked before anything is
    written, so a refusal leaves nothing behind. `allowed_meetings` are those the submitter
    may ask for (the body's coming meetings they may read)."""
    title = check_title(data.title)
    if has_line_break(title):
        raise InvalidInput(_("Tittelen må stå på én linje"), field="title")
    sakstype = check_submission_sakstype(data.sakstype)
    summary = check_text(data.summary, "summary", _("Sammendraget"))
    proposal = check_text(data.proposed_decision, "proposed_decision", _("Forslag til vedtak"))
    meeting = None
    if data.wanted_meeting_id:
        meeting = next((m for m in allowed_meetings if m.id == data.wanted_meeting_id), None)
        if meeting is None or meeting.body_id != body.id:
            raise InvalidInput(_("Velg et av møtene i listen"), field="wanted_meeting_id")
        check_deadline(session, body, meeting, today)
    checked = check_files(files)
    submission = CaseSubmission(
        body=body,
        submitter=submitter,
        title=title,
        sakstype=sakstype,
        summary=summary,
        proposed_decision=proposal,
        wanted_meeting=meeting,
        status="innmeldt",
        decline_reason="",
    )
    session.add(submission)
    written: list[str] = []
    try:
        for upload, ext in checked:
            stored = attachments.store_file(upload.filename, upload.content, ext, store)
            written.append(stored.stored_name)
            submission.files.append(
                SubmissionFile(
                    filename=stored.filename,
                    stored_name=stored.stored_name,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                )
            )
        session.flush()
    except Exception:
        for name in written:
            attachments.remove_file(store, name)
        raise
    audit.record(
        session,
        actor,
        "submission.create",
        submission,
        f"Sak «{title}» meldt inn til {body.short_name} av {submitter.name}",
        body=body,
    )
    link = _url(base_url, f"/bodies/{body.slug}/innmeldte-saker")
    with use_language(body.document_language):
        wanted = meeting_label(meeting) if meeting else _("første ledige møte")
        subject = _("Ny sak meldt inn til %(body)s: %(title)s", body=body.short_name, title=title)
        for person in _secretariat(body, today):
            text = "\n".join(
                [
                    _("Hei %(name)s,", name=person.name),
                    "",
                    _(
                        "%(who)s har meldt inn en sak til %(body)s:",
                        who=submitter.name,
                        body=body.short_name,
                    ),
                    "",
                    title,
                    _("Ønsket sakstype: %(sakstype)s", sakstype=sakstype_label(sakstype)),
                    _("Ønsket møte: %(meeting)s", meeting=wanted),
                    _("Vedlegg: %(count)s", count=len(checked)),
                    "",
                    _("Se innmeldte saker og sett saken på dagsordenen eller avvis den:"),
                    link,
                    "",
                ]
            )
            queue_mail(session, person.email, person.name, subject, text)
    return submission


def pending_count(session: Session, body_ids: Sequence[int]) -> dict[int, int]:
    """How many submissions wait for each body's secretariat."""
    if not body_ids:
        return {}
    rows = session.execute(
        select(CaseSubmission.body_id, func.count())
        .where(CaseSubmission.body_id.in_(body_ids), CaseSubmission.status == "innmeldt")
        .group_by(CaseSubmission.body_id)
    )
    return {body_id: count for body_id, count in rows}


def submissions_of_body(session: Session, body: Body) -> list[CaseSubmission]:
    """The body's submissions: those waiting first (oldest first), then the decided ones,
    newest first."""
    found = session.scalars(
        select(CaseSubmission)
        .where(CaseSubmission.body_id == body.id)
        .options(
            selectinload(CaseSubmission.files),
            selectinload(CaseSubmission.submitter).selectinload(Person.organisation),
            selectinload(CaseSubmission.wanted_meeting).selectinload(Meeting.days),
            selectinload(CaseSubmission.treatment),
        )
        .order_by(CaseSubmission.created_at, CaseSubmission.id)
    ).all()
    waiting = [s for s in found if s.status == "innmeldt"]
    decided = sorted(
        (s for s in found if s.status != "innmeldt"),
        key=lambda s: (s.decided_at or s.created_at, s.id),
        reverse=True,
    )
    return waiting + decided


def submissions_by(session: Session, person: Person) -> list[CaseSubmission]:
    """What a person has submitted, newest first."""
    return list(
        session.scalars(
            select(CaseSubmission)
            .where(CaseSubmission.submitter_id == person.id)
            .options(
                selectinload(CaseSubmission.body),
                selectinload(CaseSubmission.files),
                selectinload(CaseSubmission.wanted_meeting).selectinload(Meeting.days),
                selectinload(CaseSubmission.treatment),
            )
            .order_by(CaseSubmission.created_at.desc(), CaseSubmission.id.desc())
        )
    )


def _check_waiting(submission: CaseSubmission, version: int | None) -> None:
    if submission.status != "innmeldt":
        raise Conflict(
            _("Saken er allerede %(status)s.", status=submission.status_label.lower()),
            field="version",
        )
    audit.check_version(submission, version, _("Den innmeldte saken"))


def accept_submission(
    session: Session,
    submission: CaseSubmission,
    data: AcceptInput,
    store: FileStore | Path,
    *,
    base_url: str,
    actor: User | None = None,
    total_limit: int | None = None,
) -> Accepted:
    """Put a submission on one of its body's agendas: a new case (its number given now),
    its files as Vedlegg to it, the submitter as sakseier; the submitter is told."""
    _check_waiting(submission, data.version)
    meeting = session.get(Meeting, data.meeting_id) if data.meeting_id else None
    if meeting is None or meeting.body_id != submission.body_id:
        raise InvalidInput(_("Velg et av organets møter"), field="meeting_id")
    if meeting.status not in ("planlagt", "innkalt"):
        raise InvalidInput(
            _(
                "Møte %(number)s er %(status)s; velg et møte som ikke er holdt",
                number=meeting.number,
                status=meeting.status_label,
            ),
            field="meeting_id",
        )
    item = agenda.add_case_item(
        session,
        meeting,
        CaseItemInput(
            sakstype=data.sakstype,
            day=data.day,
            title=submission.title,
            summary=submission.summary,
            proposed_decision=submission.proposed_decision,
        ),
        actor=actor,
    )
    treatment = item.treatment
    case = treatment.case
    if case.sakseier_id is None:
        case.sakseier_id = submission.submitter_id
        case.sakseier = submission.submitter.label
    added = _attach_files(session, submission, meeting, treatment, store, actor, total_limit)
    submission.treatment = treatment
    _decide(
        session, submission, "akseptert", actor, "submission.accept",
        f"Innmeldt sak «{submission.title}» satt på dagsordenen for møte {meeting.number} "
        f"som sak {treatment.number}",
    )  # fmt: skip
    with use_language(meeting.body.document_language):
        text = _(
            "%(body)s har satt saken du meldte inn på dagsordenen for %(meeting)s, som sak "
            "%(number)s (%(sakstype)s).",
            body=meeting.body.short_name,
            meeting=meeting_label(meeting),
            number=treatment.number,
            sakstype=sakstype_label(data.sakstype),
        )
        text += "\n\n" + _("Møtesiden: %(link)s", link=_url(base_url, f"/meetings/{meeting.id}"))
        if not meeting.is_published:
            text += "\n" + _("(Dagsordenen blir kjent når innkallingen er sendt.)")
        subject = _(
            "Saken din er satt på dagsordenen: %(number)s %(title)s",
            number=treatment.number,
            title=submission.title,
        )
        _tell_submitter(session, submission, subject, text)
    return Accepted(item, added)


def _attach_files(session, submission, meeting, treatment, store, actor, total_limit):
    """The submission's files as Vedlegg to the new case (copies: the submission keeps its
    own); a refusal half-way removes the files already copied (a folder store)."""
    added: list[Attachment] = []
    try:
        for file in submission.files:
            content = attachments.read_stored(store, file)
            if content is None:
                raise Conflict(
                    _("Filen «%(name)s» finnes ikke lenger", name=file.filename), field="meeting_id"
                )
            upload = attachments.UploadInput(
                filename=file.filename,
                content=content,
                title=PurePosixPath(file.filename).stem,
                treatment_id=treatment.id,
            )
            added.append(
                attachments.add_attachment(session, meeting, upload, store, actor, total_limit)
            )
    except Exception:
        for attachment in added:
            attachments.remove_file(store, attachment.stored_name)
        raise
    return added


def decline_submission(
    session: Session,
    submission: CaseSubmission,
    reason: str,
    *,
    version: int | None,
    actor: User | None = None,
) -> CaseSubmission:
    """Decline a submission with a reason the submitter is sent."""
    _check_waiting(submission, version)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Skriv hvorfor saken avvises; innsenderen får begrunnelsen"), field="reason"
        )
    if len(reason) > MAX_TEXT:
        raise InvalidInput(
            _("Begrunnelsen kan ha høyst %(max)s tegn", max=MAX_TEXT), field="reason"
        )
    submission.decline_reason = reason
    _decide(
        session, submission, "avvist", actor, "submission.decline",
        f"Innmeldt sak «{submission.title}» avvist",
    )  # fmt: skip
    with use_language(submission.body.document_language):
        subject = _(
            "Saken du meldte inn er ikke satt på dagsordenen: %(title)s", title=submission.title
        )
        text = _(
            "%(body)s har ikke satt saken du meldte inn på dagsordenen.",
            body=submission.body.short_name,
        )
        text += "\n\n" + _("Begrunnelse fra sekretariatet:") + "\n" + reason
        _tell_submitter(session, submission, subject, text)
    return submission


def _decide(
    session: Session,
    submission: CaseSubmission,
    status: str,
    actor: User | None,
    action: str,
    summary: str,
) -> None:
    """Record the secretariat's answer to a submission: status, when, by whom, in the log."""
    submission.status = status
    submission.decided_at = utcnow()
    submission.decided_by_id = actor.person_id if actor is not None else None
    session.flush()
    audit.record(session, actor, action, submission, summary, body=submission.body)


def _tell_submitter(session: Session, submission: CaseSubmission, subject: str, text: str) -> None:
    person = submission.submitter
    if not person.email:
        return
    queue_mail(
        session,
        person.email,
        person.name,
        subject,
        _("Hei %(name)s,", name=person.name)
        + f"\n\n{text}\n\n"
        + _("Saken du meldte inn %(date)s:", date=short_date(local(submission.created_at).date()))
        + f"\n{submission.title}\n",
    )


__all__ = [
    "MAX_FILES", "AcceptInput", "Accepted", "FileInput", "SubmissionInput", "accept_submission",
    "decline_submission", "pending_count", "submissions_by", "submissions_of_body",
    "submit_case",
]  # fmt: skip
