"""The `submissions` section of the exchange export (cases submitted by members, with the
secretariat's answer and, when the files travel along, their files); the inverse of
services.exchange_submissions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.domain.exchange_format import file_entry
from govern.models.submissions import CaseSubmission


def build_submissions(session: Session, files: bool = False) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(CaseSubmission)
        .options(
            selectinload(CaseSubmission.body),
            selectinload(CaseSubmission.submitter),
            selectinload(CaseSubmission.decided_by),
            selectinload(CaseSubmission.wanted_meeting),
            selectinload(CaseSubmission.treatment),
            selectinload(CaseSubmission.files),
        )
        .order_by(CaseSubmission.id)
    )
    return [_submission(s, files) for s in rows]


def _submission(s: CaseSubmission, files: bool) -> dict[str, Any]:
    values = {
        "body": s.body.slug,
        "submitter": s.submitter.name,
        "title": s.title,
        "sakstype": s.sakstype,
        "summary": s.summary,
        "proposed_decision": s.proposed_decision,
        "wanted_meeting": s.wanted_meeting.number if s.wanted_meeting else None,
        "submitted_at": s.created_at.isoformat(),
        "status": s.status if s.status != "innmeldt" else None,
        "decline_reason": s.decline_reason,
        "decided_at": s.decided_at.isoformat() if s.decided_at else None,
        "decided_by": s.decided_by.name if s.decided_by else None,
        "case_number": s.treatment.number if s.treatment else None,
        "files": [file_entry(f) for f in s.files] if files else None,
    }
    return {k: v for k, v in values.items() if v not in (None, "", [])}
