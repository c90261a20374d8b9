"""What meetings decide about change requests, and how it reaches the requests.

A meeting's decision about a request is written in the request's history when the
secretariat records it: an event that names the treatment (the case in that meeting) and the
status decided, with no status it came from (`ChangeRequestEvent.from_meeting`). The latest
such event per request and treatment counts. It takes effect when the meeting's minutes are
approved (services.minutes_locking.approve_previous_minutes calls apply_approved_minutes): the
request then moves to that status by the rules in services.changes, with a history line
naming the body, the meeting and the case number. Two kinds of decisions:

- the endringsråd's prioritisation (change_decisions.record_prioritisation): the requests
  within the budget line are to become prioritert; those below stay as they are;
- the produktråd's decision on an escalated request, chosen beside the vedtak on the minutes
  page of that case: prioritert, or avvist with a reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from govern.i18n import DEFAULT_LANGUAGE, use_language
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.cases import Treatment
from govern.models.changes import STATUS_LABELS, ChangeRequest, ChangeRequestEvent, ProductArea
from govern.models.meetings import Meeting
from govern.services import audit, minutes
from govern.services.changes import TRANSITIONS, record_event, set_status
from govern.services.errors import Conflict, GovernError, InvalidInput

#: What the produktråd may decide for an escalated request.
OUTCOMES = {"prioritert": "Prioritert", "avvist": "Avvist"}
#: Statuses at or beyond "prioritert": a prioritisation leaves them as they are.
PRIORITISED_OR_LATER = ("prioritert", "planlagt", "levert")


@dataclass
class ChangeLinks:
    """The change requests behind a set of treatments, for the pages that show them."""

    #: treatment id → the requests escalated as that case
    escalated: dict[int, list[ChangeRequest]] = field(default_factory=dict)
    #: treatment id → the latest event written from it per request (ranking, decided status)
    decided: dict[int, list[ChangeRequestEvent]] = field(default_factory=dict)

    def escalation_of(self, treatment: Treatment) -> ChangeRequest | None:
        """The request escalated as this case, if any."""
        found = self.escalated.get(treatment.id)
        return found[0] if found else None

    def decision_on(
        self, treatment: Treatment, request: ChangeRequest
    ) -> ChangeRequestEvent | None:
        """The status this treatment decided for the request, as its history holds it."""
        return next(
            (
                e
                for e in self.decided.get(treatment.id, [])
                if e.request_id == request.id and e.to_status
            ),
            None,
        )

    def prioritised(self, treatment: Treatment) -> list[ChangeRequestEvent]:
        """The requests a prioritisation treatment decides about (not the escalated one), in
        their order on the backlog."""
        escalated = {r.id for r in self.escalated.get(treatment.id, [])}
        rows = [e for e in self.decided.get(treatment.id, []) if e.request_id not in escalated]
        return sorted(rows, key=lambda e: (e.request.rank is None, e.request.rank or 0))


def links_of(session: Session, treatment_ids: list[int]) -> ChangeLinks:
    """The requests escalated as these treatments and those they decided about: two queries
    however many treatments."""
    links = ChangeLinks()
    ids = sorted({i for i in treatment_ids if i is not None})
    if not ids:
        return links
    area = joinedload(ChangeRequest.area).joinedload(ProductArea.body)
    for request in session.scalars(
        select(ChangeRequest)
        .where(ChangeRequest.escalation_id.in_(ids))
        .options(area)
        .order_by(ChangeRequest.area_id, ChangeRequest.seq)
    ).unique():
        links.escalated.setdefault(request.escalation_id, []).append(request)
    latest: dict[tuple[int, int], ChangeRequestEvent] = {}
    for event in session.scalars(
        select(ChangeRequestEvent)
        .where(ChangeRequestEvent.treatment_id.in_(ids), ChangeRequestEvent.from_status.is_(None))
        .options(joinedload(ChangeRequestEvent.request).options(area))
        .order_by(ChangeRequestEvent.at, ChangeRequestEvent.id)
    ).unique():
        latest[(event.treatment_id, event.request_id)] = event
    grouped: dict[int, list[ChangeRequestEvent]] = defaultdict(list)
    for event in sorted(latest.values(), key=lambda e: (e.request.area_id, e.request.seq)):
        grouped[event.treatment_id].append(event)
    links.decided = dict(grouped)
    return links


def _is_from(event: ChangeRequestEvent, treatment: Treatment) -> bool:
    return event.from_status is None and (
        event.treatment_id == treatment.id or event.treatment is treatment
    )


def decided_outcome(request: ChangeRequest, treatment: Treatment) -> ChangeRequestEvent | None:
    """The outcome the treatment decided for the request and not yet withdrawn, if any."""
    latest = None
    for event in request.events:
        if _is_from(event, treatment):
            latest = event
    return latest if latest is not None and latest.to_status else None


def choose_escalation_outcome(
    session: Session,
    request: ChangeRequest,
    treatment: Treatment,
    outcome: str,
    reason: str = "",
    actor: User | None = None,
) -> ChangeRequestEvent | None:
    """Write the produktråd's outcome for an escalated request, to take effect when the
    minutes are approved; an empty outcome withdraws the one chosen before."""
    if request.escalation_id != treatment.id:
        raise Conflict(_("Saken er ikke et eskalert endringsønske"), field="outcome")
    outcome = (outcome or "").strip()
    reason = (reason or "").strip() if outcome == "avvist" else ""
    current = decided_outcome(request, treatment)
    if (outcome, reason) == ((current.to_status, current.note) if current else ("", "")):
        return None
    minutes.ensure_minutes_open(treatment.meeting, field="outcome")
    if request.status != "eskalert":
        raise Conflict(
            _(
                "%(number)s er ikke lenger eskalert (status: %(status)s); utfallet er allerede ført",
                number=request.number,
                status=request.status_label.lower(),
            ),
            field="outcome",
        )
    if outcome and outcome not in OUTCOMES:
        raise InvalidInput(_("Velg prioritert eller avvist"), field="outcome")
    if outcome == "avvist" and not reason:
        raise InvalidInput(_("Skriv hvorfor endringsønsket avvises"), field="outcome_reason")
    record_event(request, actor, None, outcome or None, reason, treatment)
    session.flush()
    body = treatment.body.short_name
    summary = (
        f"{request.number}: {body} vedtok «{OUTCOMES[outcome].lower()}» i sak {treatment.number}"
        if outcome
        else f"{request.number}: utfallet i sak {treatment.number} ({body}) er fjernet"
    )
    audit.record(session, actor, "change.outcome", request, summary, body=request.area.body)
    return request.events[-1]


def record_escalated_minutes(
    session: Session,
    user: User | None,
    treatment: Treatment,
    data: minutes.MinutesInput,
    request: ChangeRequest,
    outcome: str,
    reason: str = "",
) -> minutes.MinutesResult:
    """The referat of an escalated request's case and the outcome chosen with its vedtak."""
    result = minutes.record_minutes(session, user, treatment, data)
    choose_escalation_outcome(session, request, treatment, outcome, reason, user)
    return result


def apply_approved_minutes(
    session: Session, meeting: Meeting, actor: User | None = None
) -> list[ChangeRequest]:
    """The statuses decided in the meeting take effect now that its minutes are approved.

    Returns the requests whose status changed.
    """
    links = links_of(
        session,
        list(session.scalars(select(Treatment.id).where(Treatment.meeting_id == meeting.id))),
    )
    changed = []
    # What is written in the history stays in bokmål, whoever approves the minutes.
    with use_language(DEFAULT_LANGUAGE):
        for events in links.decided.values():
            for event in events:
                if event.to_status and _apply(session, event, actor):
                    changed.append(event.request)
    return changed


def _apply(session: Session, event: ChangeRequestEvent, actor) -> bool:
    request, treatment, status = event.request, event.treatment, event.to_status
    body = treatment.body.short_name
    where = f"sak {treatment.number}, møte {treatment.meeting.number}"
    if treatment.id == request.escalation_id:
        if request.status != "eskalert":
            return False  # the outcome was recorded by hand already
        decided = treatment.decision.strip()
        note = f"{body} vedtok i {where} (referatet er godkjent)"
        note += f": {decided}" if decided else ""
        reason = event.note or f"Avvist av {body} i sak {treatment.number}"
        return _set(session, request, status, treatment, actor, note=note, reason=reason)
    if request.status == status or (
        status == "prioritert" and request.status in PRIORITISED_OR_LATER
    ):
        return False
    if status not in TRANSITIONS[request.status]:
        record_event(
            request,
            actor,
            None,
            None,
            f"Vedtaket i {body}, {where} er ikke ført: ønsket er {request.status_label.lower()}",
            treatment,
        )
        return False
    note = f"{body} vedtok «{STATUS_LABELS[status].lower()}» i {where} (referatet er godkjent)"
    return _set(session, request, status, treatment, actor, note=note)


def _set(session, request, status, treatment, actor, *, note: str, reason: str = "") -> bool:
    """set_status with the decision's treatment; a rule it breaks is written, not raised,
    so that approving the minutes never fails on a request."""
    try:
        set_status(
            session, request, status, reason=reason, note=note, treatment=treatment, actor=actor
        )
    except GovernError as error:
        record_event(request, actor, None, None, f"Ikke ført: {error.message}", treatment)
        return False
    return True
