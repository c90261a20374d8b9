"""The `product_areas` section of the exchange export, the inverse of
services.exchange_changes. An escalation is written as the case's key and the body that
treats it; the escalated case gets a key when it is escalated, so it is listed under `cases`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from govern.models.cases import Treatment
from govern.models.changes import ChangeRequest, ChangeRequestEvent, ProductArea
from govern.models.people import Organisation


def _request(r: ChangeRequest, keys: dict[int, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": r.seq,
        "title": r.title,
        "description": r.description,
        "need": r.need,
        "organisation": r.organisation.name if r.organisation else None,
        "submitted_by": r.submitted_by.name if r.submitted_by else None,
        "submitted": r.submitted_on.isoformat(),
        "classification": r.classification,
        "statutory": r.statutory,
        "estimate_hours": r.estimate_hours,
        "estimate_nok": r.estimate_nok,
        "year": r.year,
        "status": r.status,
        "rejection_reason": r.rejection_reason,
        "release": r.release.name if r.release else None,
        "rank": r.rank,
    }
    if r.escalation is not None and r.escalation.case_id in keys:
        data["escalation"] = {
            "case": keys[r.escalation.case_id],
            "body": r.escalation.body.slug,
        }
    data["events"] = [_event(e) for e in r.events]
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def _event(e: ChangeRequestEvent) -> dict[str, Any]:
    event = {
        "at": e.at.isoformat(),
        "actor": e.actor,
        "from": e.from_status,
        "to": e.to_status,
        "note": e.note,
    }
    if e.treatment is not None:
        event |= {"body": e.treatment.body.slug, "case_number": e.treatment.number}
    return event


def build_product_areas(session: Session, keys: dict[int, str]) -> list[dict[str, Any]]:
    """Every product area with its releases, budgets and requests."""
    areas = session.scalars(
        select(ProductArea)
        .options(selectinload(ProductArea.releases), selectinload(ProductArea.budgets))
        .order_by(ProductArea.id)
    ).all()
    out = []
    for area in areas:
        requests = session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.area_id == area.id)
            .options(
                selectinload(ChangeRequest.events)
                .selectinload(ChangeRequestEvent.treatment)
                .selectinload(Treatment.body),
                selectinload(ChangeRequest.organisation.of_type(Organisation)),
            )
            .order_by(ChangeRequest.seq)
        ).all()
        out.append(
            {
                "body": area.body.slug,
                "name": area.name,
                "description": area.description,
                "roadmap": area.roadmap.splitlines(),
                "hourly_rate": area.hourly_rate,
                "releases": [
                    {
                        k: v
                        for k, v in {
                            "name": r.name,
                            "planned": r.planned_on.isoformat(),
                            "delivered": r.delivered_on.isoformat() if r.delivered_on else None,
                            "status": r.status,
                        }.items()
                        if v is not None
                    }
                    for r in area.releases
                ],
                "budgets": [{"year": b.year, "amount_nok": b.amount_nok} for b in area.budgets],
                "requests": [_request(r, keys) for r in requests],
            }
        )
    return out
