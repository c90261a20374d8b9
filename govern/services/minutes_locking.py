"""Sending minutes to the members and approving earlier minutes, which locks them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import ngettext
from govern.models.accounts import User
from govern.models.base import utcnow
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.services import audit
from govern.services.change_outcomes import apply_approved_minutes
from govern.services.cycle_actions import complete_deadlines
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.minutes import flush_or_stale, meeting_of
from govern.services.minutes_approval import (
    ApprovalPlan,
    LockedMinutes,
    approval_due,
    is_approval_item,
    plan_approval,
)


@dataclass
class SendCheck:
    """What is missing before a meeting's minutes are sent, and what sending approves."""

    no_attendance: bool
    #: Case numbers without vedtak (Eventuelt needs none).
    missing_decisions: list[str]
    approval: ApprovalPlan | None

    @property
    def needs_confirmation(self) -> bool:
        return self.no_attendance or bool(self.missing_decisions) or self.approval is not None


def check_send(session: Session, meeting: Meeting) -> SendCheck:
    """What sending the minutes would leave out, and lock, for the secretariat to confirm."""
    missing = [
        i.treatment.number
        for i in meeting.items
        if i.kind == "case" and i.treatment.sakstype != "Eventuelt" and not i.treatment.decision
    ]
    return SendCheck(
        no_attendance=not meeting.attendance,
        missing_decisions=missing,
        approval=approval_due(session, meeting, sending=True),
    )


def send_minutes(
    session: Session, user: User | None, meeting: Meeting, *, confirmed: bool = False
) -> list[Meeting]:
    """Send the draft minutes of a held meeting to the members (they may then read them).

    Minutes without attendance or with cases without vedtak are sent only when `confirmed`;
    where the body approves the previous minutes when the approving meeting's own minutes
    are sent, that approval happens here too (and needs `confirmed`). Returns the meetings
    whose minutes were approved.
    """
    if meeting.minutes_status == "sendt":
        raise Conflict(_("Referatet er allerede sendt til medlemmene"), field="minutes_status")
    if meeting.minutes_status == "godkjent":
        raise Conflict(_("Referatet er allerede godkjent"), field="minutes_status")
    if meeting.status != "gjennomført":
        raise InvalidInput(
            _("Referatet kan sendes til medlemmene når møtet er gjennomført"), field="status"
        )
    check = check_send(session, meeting)
    if check.needs_confirmation and not confirmed:
        raise Conflict(
            _("Bekreft utsendingen: %(warnings)s", warnings="; ".join(send_warnings(check))),
            field="minutes_status",
        )
    changes = audit.diff(meeting, {"minutes_status": "sendt"})
    flush_or_stale(session, _("Møtet"))
    audit.record(
        session,
        user,
        "minutes.send",
        meeting,
        f"Referatet fra møte {meeting.number} i {meeting.body.short_name} ble sendt til medlemmene",
        body=meeting.body,
        changes=changes,
    )
    complete_deadlines(session, meeting, "referat_sendt", user)
    if check.approval is None:
        return []
    return approve_previous_minutes(session, user, check.approval.treatment)


def send_warnings(check: SendCheck) -> list[str]:
    """What the send confirmation says is missing or will be locked (Norwegian)."""
    out = []
    if check.no_attendance:
        out.append(_("Oppmøtet er ikke registrert"))
    if check.missing_decisions:
        out.append(
            _("Vedtak mangler i sak %(numbers)s", numbers=", ".join(check.missing_decisions))
        )
    if check.approval is not None:
        out += [
            _("%(minutes)s godkjennes og låses", minutes=approval_summary(m))
            for m in check.approval.minutes
        ]
    return out


def approval_summary(locked: LockedMinutes) -> str:
    """'Referatet fra møte 1/26 i Fagrådet (8 saker, 8 vedtak, oppmøte for 31 personer,
    3 vedlegg)'."""
    m = locked.meeting

    counts = ", ".join(
        (
            ngettext("%(num)s sak", "%(num)s saker", locked.cases),
            ngettext("%(num)s vedtak", "%(num)s vedtak", locked.decisions),
            ngettext(
                "oppmøte for %(num)s person", "oppmøte for %(num)s personer", locked.attendance
            ),
            ngettext("%(num)s vedlegg", "%(num)s vedlegg", locked.attachments),
        )
    )
    return _(
        "Referatet fra møte %(number)s i %(body)s (%(counts)s)",
        number=m.number,
        body=m.body.short_name,
        counts=counts,
    )


def approve_previous_minutes(
    session: Session, user: User | None, treatment: Treatment
) -> list[Meeting]:
    """Approve earlier minutes under this meeting's Godkjenning item, as confirmed.

    The approving meeting must be held (gjennomført), its Godkjenning vedtak recorded and
    not postponing, and, where the body's rule says so, its own minutes sent. The minutes
    approved are the latest unapproved ones and any sent earlier whose approval was
    postponed; each becomes "referat godkjent", is locked, and the statuses it decided for
    change requests take effect. Minutes not yet sent to the members are refused.
    """
    meeting = meeting_of(treatment)
    if not is_approval_item(session, treatment):
        raise InvalidInput(
            _(
                "Referatet fra forrige møte godkjennes under godkjenningssaken (den første saken "
                "med sakstype Godkjenning) i neste møte"
            ),
            field="decision",
        )
    plan = plan_approval(session, meeting)
    if plan is None:
        raise NotFound(
            _(
                "%(body)s har ikke noe tidligere referat som venter på godkjenning",
                body=meeting.body.short_name,
            ),
            field="decision",
        )
    if plan.blocked:
        raise Conflict(plan.blocked, field="decision")
    approved = []
    for previous in plan.meetings:
        changes = audit.diff(previous, {"minutes_status": "godkjent", "status": "referat godkjent"})
        previous.minutes_approved_by = treatment
        previous.minutes_approved_at = utcnow()
        changes["minutes_approved_by"] = [None, f"{treatment.number} ({meeting.title})"]
        flush_or_stale(session, _("Møtet"))
        audit.record(
            session,
            user,
            "minutes.approve",
            previous,
            f"Referatet fra møte {previous.number} i {previous.body.short_name} ble godkjent i sak {treatment.number} ({meeting.title})",
            body=meeting.body,
            changes=changes,
        )
        # What the approved meeting decided about change requests reaches their statuses.
        apply_approved_minutes(session, previous, user)
        complete_deadlines(session, previous, "referat_godkjent", user)
        approved.append(previous)
    return approved
