"""Export to the exchange format (govern/1), the inverse of services.exchange."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from govern.domain.exchange_format import FORMAT, SINGLE_LINE, file_entry
from govern.exports.exchange_changes import build_product_areas
from govern.exports.exchange_cycles import build_cycles
from govern.exports.exchange_followups import build_follow_ups
from govern.exports.exchange_minutes import build_minutes_sendings
from govern.exports.exchange_priorities import build_rounds
from govern.exports.exchange_submissions import build_submissions
from govern.models.answers import Absence, MeetingAnswer
from govern.models.bodies import Body, Membership
from govern.models.cases import Case, Treatment
from govern.models.meetings import AgendaItem, Meeting
from govern.models.memos import Memo
from govern.models.minutes import MinutesComment, MinutesSending
from govern.models.openness import DEFAULT_BASES, ExemptionBasis
from govern.models.people import Organisation, Person
from govern.presentation import attachment_refs, treatment_texts
from govern.text_rules import export_text, has_line_break, one_line


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty optional values so the file reads like one written by hand."""
    return {k: v for k, v in mapping.items() if v not in (None, "", [], False)}


def _quorum(body) -> str | None:
    """A body's quorum rule as the exchange writes it: left out when it is the usual one of
    its kind (deciding bodies: more than half), "ingen" for none."""
    usual = "over_half" if body.kind in ("produktråd", "endringsråd") else ""
    if body.quorum_rule == usual:
        return None
    return body.quorum_rule or "ingen"


def _case_keys(session: Session) -> dict[int, str]:
    """Keys for the cases listed under `cases`: those with a key, owners, or several treatments.

    A case that lives in one meeting only, with nothing but a title, is written inline on its
    agenda item instead.
    """
    counts = dict(
        session.execute(select(Treatment.case_id, func.count()).group_by(Treatment.case_id)).all()
    )
    external = set(session.scalars(select(Treatment.case_id).where(Treatment.meeting_id.is_(None))))
    followed = set(session.scalars(select(Case.follows_id).where(Case.follows_id.is_not(None))))
    keys: dict[int, str] = {}
    used = set(session.scalars(select(Case.key).where(Case.key.is_not(None))))
    for case in session.scalars(select(Case).order_by(Case.id)):
        listed = (
            case.key
            or case.sakseier
            or case.saksbehandler
            or counts.get(case.id, 0) != 1
            or case.id in external
            or case.id in followed
            or case.follows_id is not None
            or case.exempt_basis
            or case.public_title
        )
        if not listed:
            continue
        key = case.key
        if key is None:
            key, n = f"sak-{case.id}", 1
            while key in used:
                n += 1
                key = f"sak-{case.id}-{n}"
            used.add(key)
        keys[case.id] = key
    return keys


def _members(body: Body) -> list[dict[str, Any]]:
    rows = sorted(body.memberships, key=lambda m: m.id)
    return [
        _compact(
            {
                "person": m.person.name,
                "role": m.role,
                "from": m.starts_on.isoformat() if m.starts_on else None,
                "to": m.ends_on.isoformat() if m.ends_on else None,
                "deputy_for": m.deputy_for.name if m.deputy_for else None,
            }
        )
        for m in rows
    ]


def _agenda_item(
    item: AgendaItem, day_number: int, keys: dict[int, str], files: bool = False
) -> dict[str, Any]:
    base = {
        "day": day_number,
        "time": item.start_time.strftime("%H:%M") if item.start_time else None,
    }
    if item.kind != "case":
        return _compact({**base, "type": item.kind, "title": item.title})
    t = item.treatment
    key = keys.get(t.case_id)
    title = t.title if key else t.display_title
    return _compact(
        {
            **base,
            "type": "case",
            "case": key,
            "title": title,
            "number": t.number,
            **treatment_texts(t),
            "memo": _memo(t.memo, files),
            "minutes_postponed": True if t.minutes_postponed else None,
            "closed": {"basis": t.closed_basis} if t.closed_basis else None,
            "recusals": [
                _compact(
                    {
                        "person": r.person.name,
                        "basis": r.basis,
                        "reason": r.reason,
                        "status": r.status if r.status != "inhabil" else None,
                        "note": r.note,
                    }
                )
                for r in t.recusals
            ],
            "attachments": [
                _compact(
                    {
                        **ref,
                        "source": a.source if a.source != "file" else None,
                        "exempt": {"basis": a.exempt_basis} if a.exempt_basis else None,
                        "file": file_entry(a) if files else None,
                    }
                )
                for a, ref in zip(t.attachments, attachment_refs(t), strict=True)
            ],
        }
    )


def _exempt(case: Case) -> dict[str, Any] | None:
    if not case.exempt_basis:
        return None
    return _compact(
        {
            "basis": case.exempt_basis,
            "until": case.exempt_until.isoformat() if case.exempt_until else None,
        }
    )


def _bases(session: Session) -> dict[str, Any]:
    """The administrator's list of legal bases, when it is not the one every installation
    starts with (so a file from before the list reads back the same)."""
    rows = session.scalars(
        select(ExemptionBasis).order_by(ExemptionBasis.position, ExemptionBasis.id)
    ).all()
    if [(b.text, b.active) for b in rows] in ([], [(text, True) for text in DEFAULT_BASES]):
        return {}
    return {"exemption_bases": [_compact({"basis": b.text, "retired": not b.active}) for b in rows]}


def _memo(memo: Memo | None, files: bool = False) -> dict[str, Any] | None:
    """The written memo's texts and free sections, and an uploaded Word file that stands in
    its place when the files travel with the document; None when there is nothing."""
    if memo is None:
        return None
    written = _compact(
        {
            "purpose": memo.purpose,
            "background": memo.background,
            "sections": [_compact({"heading": s.heading, "text": s.text}) for s in memo.sections],
            "questions": memo.questions,
            "next_steps": memo.next_steps,
            "file": file_entry(memo) if files else None,
        }
    )
    return written or None


def _meeting(meeting: Meeting, keys: dict[int, str], files: bool = False) -> dict[str, Any]:
    day_numbers = {day.id: i + 1 for i, day in enumerate(meeting.days)}
    attendance = sorted(meeting.attendance, key=lambda a: a.id)
    return _compact(
        {
            "body": meeting.body.slug,
            "number": meeting.number,
            "location": meeting.location,
            "status": meeting.status,
            # Sent, not yet approved; "referat godkjent" says approved, the rest are drafts.
            "minutes": "sendt" if meeting.minutes_status == "sendt" else None,
            "days": [
                {
                    "date": d.date.isoformat(),
                    "start": d.start_time.strftime("%H:%M"),
                    "end": d.end_time.strftime("%H:%M"),
                }
                for d in meeting.days
            ],
            "agenda": [_agenda_item(i, day_numbers[i.day_id], keys, files) for i in meeting.items],
            "attendance": [
                _compact(
                    {
                        "person": a.person.name,
                        "status": a.status,
                        "for": a.deputy_for.name if a.deputy_for else None,
                        "days": a.days or None,
                    }
                )
                for a in attendance
            ],
            "forfall": [
                _compact(
                    {
                        "person": a.person.name,
                        "days": a.days or None,
                        "note": a.note or None,
                        "vara": a.substitute.name if a.substitute else None,
                    }
                )
                for a in meeting.absences
            ],
            "answers": [
                {
                    "person": r.person.name,
                    "day": day_numbers[r.day_id],
                    "answer": r.answer,
                    "source": r.source,
                }
                for r in meeting.answers
            ],
            "minutes_sendings": build_minutes_sendings(meeting),
        }
    )


def build_exchange(session: Session, files: bool = False) -> dict[str, Any]:
    """The whole database as an exchange document; with `files`, each uploaded file is named
    by its "file" (name, sha256, size), for the files written beside the document."""
    keys = _case_keys(session)
    organisations = session.scalars(select(Organisation).order_by(Organisation.id))
    people = session.scalars(
        select(Person).options(selectinload(Person.organisation)).order_by(Person.id)
    )
    bodies = session.scalars(
        select(Body)
        .options(
            selectinload(Body.escalates_to),
            selectinload(Body.memberships).selectinload(Membership.person),
            selectinload(Body.memberships).selectinload(Membership.deputy_for),
        )
        .order_by(Body.id)
    )
    cases = session.scalars(select(Case).where(Case.id.in_(keys)).order_by(Case.id))
    externals = session.scalars(
        select(Treatment)
        .where(Treatment.meeting_id.is_(None))
        .options(selectinload(Treatment.body), selectinload(Treatment.case))
        .order_by(Treatment.id)
    )
    meetings = session.scalars(
        select(Meeting)
        .options(
            selectinload(Meeting.body),
            selectinload(Meeting.days),
            selectinload(Meeting.attendance),
            selectinload(Meeting.absences).selectinload(Absence.person),
            selectinload(Meeting.absences).selectinload(Absence.substitute),
            selectinload(Meeting.answers).selectinload(MeetingAnswer.person),
            selectinload(Meeting.minutes_sendings)
            .selectinload(MinutesSending.comments)
            .selectinload(MinutesComment.person),
            selectinload(Meeting.items)
            .selectinload(AgendaItem.treatment)
            .options(
                selectinload(Treatment.inputs),
                selectinload(Treatment.attachments),
                selectinload(Treatment.memo).selectinload(Memo.sections),
            ),
        )
        .order_by(Meeting.id)
    )
    return {
        "format": FORMAT,
        **_bases(session),
        "organisations": [{"name": o.name} for o in organisations],
        "people": [
            _compact(
                {
                    "name": p.name,
                    "organisation": p.organisation.name if p.organisation else None,
                    "email": p.email,
                }
            )
            for p in people
        ],
        "bodies": [
            _compact(
                {
                    "slug": b.slug,
                    "name": b.name,
                    "short_name": b.short_name,
                    "kind": b.kind,
                    "status": b.status,
                    "mandate": b.mandate,
                    "external": b.external,
                    "minutes_approved_when": (
                        b.minutes_approved_when if b.minutes_approved_when != "held" else None
                    ),
                    "escalates_to": b.escalates_to.slug if b.escalates_to else None,
                    "members_only": b.members_only,
                    "quorum": _quorum(b),
                    "recusal_withholds": b.recusal_withholds,
                    "document_language": (
                        b.document_language if b.document_language != "nb" else None
                    ),
                    "members": _members(b),
                }
            )
            for b in bodies
        ],
        "cases": [
            _compact(
                {
                    "key": keys[c.id],
                    "title": c.title,
                    "sakseier": c.sakseier,
                    "saksbehandler": c.saksbehandler,
                    "follows": keys.get(c.follows_id) if c.follows_id else None,
                    "public_title": c.public_title,
                    "exempt": _exempt(c),
                }
            )
            for c in cases
        ],
        "external_treatments": [
            _compact(
                {
                    "case": keys[t.case_id],
                    "body": t.body.slug,
                    "number": t.number,
                    "date": t.decided_on.isoformat() if t.decided_on else None,
                    "title": t.title,
                    "sakstype": t.sakstype,
                    "decision": t.decision,
                }
            )
            for t in externals
        ],
        "follow_ups": build_follow_ups(session),
        "meetings": [_meeting(m, keys, files) for m in meetings],
        "product_areas": build_product_areas(session, keys),
        "cycles": build_cycles(session),
        "prioritisation_rounds": build_rounds(session),
        "submissions": build_submissions(session, files),
    }


def dump_exchange(document: dict[str, Any]) -> bytes:
    """Serialise an exchange document the same way every time, as the import takes it."""
    document = _importable(document)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _importable(value: Any, key: str = "") -> Any:
    """Text saved before the input rules, as the import accepts it: no control characters,
    and one-line keys on one line."""
    if isinstance(value, str):
        value = export_text(value)
        return one_line(value) if key in SINGLE_LINE and has_line_break(value) else value
    if isinstance(value, list):
        return [_importable(item, key) for item in value]
    if isinstance(value, dict):
        return {k: _importable(item, k) for k, item in value.items()}
    return value
