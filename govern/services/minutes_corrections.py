"""Corrections of approved minutes: each is a new, numbered revision with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.models.minutes import MinutesRevision
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.minutes import apply_texts, flush_or_stale


@dataclass(frozen=True)
class CorrectionInput:
    """A correction to approved minutes: the corrected texts of one case and why."""

    version: int | None
    reason: str
    decision: str
    inputs: tuple[str, ...] = ()
    presentation: str = ""


def correct_minutes(
    session: Session,
    user: User | None,
    meeting: Meeting,
    treatment: Treatment,
    data: CorrectionInput,
) -> MinutesRevision:
    """Correct a case in approved minutes: apply the change and write it as a new revision."""
    if not meeting.minutes_locked:
        raise Conflict(
            _("Referatet er ikke godkjent ennå; før endringene direkte på saken"), field="reason"
        )
    if treatment.meeting_id != meeting.id:
        raise NotFound(_("Saken hører ikke til dette møtet"), field="treatment")
    audit.check_version(treatment, data.version, _("Saken"))
    reason = (data.reason or "").strip()
    if not reason:
        raise InvalidInput(_("Skriv hvorfor referatet rettes"), field="reason")
    decision = (data.decision or "").strip()
    if not decision and treatment.sakstype != "Eventuelt":
        raise InvalidInput(_("Vedtak må fylles ut når møtet er gjennomført"), field="decision")
    changes = apply_texts(
        session,
        treatment,
        {
            "presentation": (data.presentation or "").strip(),
            "decision": decision,
            "inputs": tuple(t.strip() for t in data.inputs if t.strip()),
        },
    )
    if not changes:
        raise InvalidInput(
            _("Ingenting er endret; skriv den rettede teksten før du lagrer"), field="decision"
        )
    return new_revision(
        session,
        user,
        meeting,
        reason,
        changes,
        [
            {"treatment": treatment.number, "field": name, "before": before, "after": after}
            for name, (before, after) in changes.items()
        ],
        subject="Referatet",
        where=f" (sak {treatment.number})",
    )


def new_revision(
    session: Session,
    user: User | None,
    meeting: Meeting,
    reason: str,
    changes: dict[str, list],
    entries: list[dict],
    subject: str,
    where: str = "",
) -> MinutesRevision:
    """Write a correction of approved minutes as their next revision (the approved minutes
    are revision 1), with its line in the audit log: "<subject> fra møte 2/26 i Fagrådet ble
    rettet i revisjon 3<where>: <reason>". `changes` is {what: [before, after]}, `entries`
    the revision's own list of changed values."""
    last = session.scalar(
        select(func.max(MinutesRevision.number)).where(MinutesRevision.meeting_id == meeting.id)
    )
    revision = MinutesRevision(
        meeting_id=meeting.id,
        number=(last or 1) + 1,
        user_id=user.id if getattr(user, "is_authenticated", False) else None,
        reason=reason,
        changes=entries,
    )
    session.add(revision)
    # Touching the meeting makes two corrections saved at once collide on its version
    # instead of on the revision number.
    meeting.updated_at = utcnow()
    flush_or_stale(session, _("Referatet"))
    audit.record(
        session,
        user,
        "minutes.correct",
        meeting,
        f"{subject} fra møte {meeting.number} i {meeting.body.short_name} ble rettet i revisjon "
        f"{revision.number}{where}: {reason}",
        body=meeting.body,
        changes=changes,
    )
    return revision
