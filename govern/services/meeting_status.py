"""A meeting's status: planlagt → innkalt → gjennomført, or avlyst."""

from __future__ import annotations

from sqlalchemy.orm import Session

from govern.models.accounts import User
from govern.models.meetings import Meeting
from govern.services import audit, minutes, minutes_approval, minutes_locking
from govern.services.cycle_actions import complete_deadlines
from govern.services.errors import Conflict, InvalidInput

#: Status changes the planning pages make; "referat godkjent" follows the minutes' approval.
STATUS_CHANGES = {"planlagt": ("innkalt", "avlyst"), "innkalt": ("gjennomført", "avlyst")}
STATUS_ACTIONS = {
    "innkalt": "Send innkalling",
    "gjennomført": "Merk som gjennomført",
    "avlyst": "Avlys møtet",
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
    audit.check_version(meeting, version, "Møtet")
    minutes.ensure_minutes_open(
        meeting,
        field="status",
        message=f"Referatet fra møte {meeting.number} er godkjent og låst; møtet kan ikke "
        "lenger endre status.",
    )
    if status == "referat godkjent":
        raise InvalidInput(
            "Status «referat godkjent» settes når referatet godkjennes i neste møte",
            field="status",
        )
    if status not in STATUS_CHANGES.get(meeting.status, ()):
        raise InvalidInput(
            f"Et møte med status «{meeting.status}» kan ikke få status «{status}»",
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
            f"Når møtet merkes som gjennomført, godkjennes og låses {locked[0].lower()}"
            f"{locked[1:]}. Bekreft godkjenningen før møtet merkes som gjennomført.",
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
