"""The `follow_ups` section of the exchange export, the inverse of
services.exchange_followups."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from govern.models.cases import Treatment
from govern.models.followups import FollowUp


def build_follow_ups(session: Session) -> list[dict[str, Any]]:
    """Every follow-up, naming its decision by body and case number."""
    rows = session.scalars(
        select(FollowUp)
        .options(
            joinedload(FollowUp.treatment).joinedload(Treatment.body),
            joinedload(FollowUp.organisation),
            joinedload(FollowUp.person),
        )
        .order_by(FollowUp.id)
    )
    out = []
    for f in rows:
        values = {
            "body": f.treatment.body.slug,
            "case_number": f.treatment.number,
            "title": f.title,
            "status": f.status,
            "organisation": f.organisation.name if f.organisation else None,
            "person": f.person.name if f.person else None,
            "responsible": f.responsible,
            "due": f.due_on.isoformat() if f.due_on else None,
            "notes": f.notes,
        }
        out.append({k: v for k, v in values.items() if v not in (None, "")})
    return out
