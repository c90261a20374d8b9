"""A meeting's status: planlagt → innkalt → gjennomført, or avlyst."""

from __future__ import annotations

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.accounts import User
from govern.models.meetings import MEETING_STATUS_LABELS, Meeting
from govern.services import audit, minutes, minutes_approval, minutes_locking
from govern.services.cycle_actions import complete_deadlines
from govern.services.errors import Conflict, InvalidInput

#: Status changes the planning pages make; "referat godkjent" follows the minutes' approval.
STATUS_CHANGES = {"planlagt": ("innkalt", "avlyst"), "innkalt": ("gjennomført", "avlyst")}
STATUS_ACTIONS = {
    "innkalt": lazy_gettext("Send innkalling"),
    "gjennomført": lazy_gettext("Merk som gjennomført"),
    "avlyst": lazy_gettext("Avlys møtet"),
}


def change_status(
    session: Session,
    meeting: Meeting,
    status: str,
    version: int | None,
    actor: User | None = None,
    *,
    confirmed: bool = False,
) -> list[Meeting]:
    """Move a meeting along planlagt → innkalt → gjennomført, or cancel it (avlyst).

    Where the body approves the previous minutes when the approving meeting is held, and
    this meeting's Godkjenning vedtak approves them, marking it held approves and locks
    them: only when `confirmed`. Returns the meetings whose minutes were approved.
    """
    audit.check_version(meeting, version, _("Møtet"))
    minutes.ensure_minutes_open(
        meeting,
        field="status",
        message=_(
            "Referatet fra møte %(number)s er godkjent og låst; møtet kan ikke lenger endre "
            "status.",
            number=meeting.number,
        ),
    )
    if status == "referat godkjent":
        raise InvalidInput(
            _("Status «referat godkjent» settes når referatet godkjennes i neste møte"),
            field="status",
        )
    if status not in STATUS_CHANGES.get(meeting.status, ()):
        raise InvalidInput(
            _(
                "Et møte med status «%(old)s» kan ikke få status «%(new)s»",
                old=meeting.status_label,
                new=str(MEETING_STATUS_LABELS.get(status, status)),
            ),
            field="status",
        )
    due = (
        minutes_approval.approval_due(session, meeting, held=True)
        if status == "gjennomført"
        else None
    )
    if due is not None and not confirmed:
        locked = "; ".join(minutes_locking.approval_summary(m) for m in due.minutes)
        raise Conflict(
            _(
                "Når møtet merkes som gjennomført, godkjennes og låses %(minutes)s. Bekreft "
                "godkjenningen før møtet merkes som gjennomført.",
                minutes=locked[0].lower() + locked[1:],
            ),
            field="status",
        )
    old = meeting.status
    changes = audit.diff(meeting, {"status": status})
    if status == "avlyst":
        meeting.sequence = (meeting.sequence or 0) + 1  # calendars must learn of it
    session.flush()
    audit.record(
        session,
        actor,
        "meeting.status",
        meeting,
        f"Møte {meeting.number} i {meeting.body.short_name}: status endret fra {old} til {status}",
        body=meeting.body,
        changes=changes,
    )
    if status == "innkalt":  # the toppnotater go out with it: they are ready by now
        complete_deadlines(session, meeting, "innkalling", actor)
        complete_deadlines(session, meeting, "toppnotater", actor)
    if due is None:
        return []
    return minutes_locking.approve_previous_minutes(session, actor, due.treatment)
