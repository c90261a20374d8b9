"""Change requests of an endringsråd: registering, status rules, budget and the backlog.

Budget rule: what counts against the maintenance budget is NOK. A request estimated in hours
only counts hours × the product area's hourly rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from govern.i18n import DEFAULT_LANGUAGE, use_language
from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.changes import (
    CHANGE_STATUSES,
    CLASSIFICATIONS,
    STATUS_LABELS,
    ChangeRequest,
    ChangeRequestEvent,
    MaintenanceBudget,
    ProductArea,
    Release,
)
from govern.models.people import Organisation
from govern.services import audit
from govern.services.errors import Conflict, InvalidInput

#: Statuses a request may move to from each status (eskalert only through escalate()).
TRANSITIONS = {
    "registrert": {"vurdert", "avvist"},
    "vurdert": {"registrert", "prioritert", "avvist"},
    "prioritert": {"vurdert", "planlagt", "avvist"},
    "planlagt": {"prioritert", "levert", "avvist"},
    "levert": set(),
    "avvist": {"registrert"},
    "eskalert": {"prioritert", "avvist"},
}
#: Statuses that commit money from the year's budget.
COMMITTED = ("prioritert", "planlagt", "levert")
#: Statuses on the ranked backlog the endringsråd prioritises.
RANKED = ("vurdert", "prioritert", "planlagt")


@dataclass(frozen=True)
class AreaInput:
    name: str
    description: str = ""
    roadmap: str = ""
    hourly_rate: int = 1400


@dataclass(frozen=True)
class RequestInput:
    title: str
    classification: str
    year: int
    description: str = ""
    need: str = ""
    organisation_id: int | None = None
    statutory: bool = False
    estimate_hours: int | None = None
    estimate_nok: int | None = None
    submitted_on: date | None = None


def _actor_name(actor: User | None) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.person.name


def area_of(session: Session, body: Body) -> ProductArea | None:
    """The body's product area with its releases and budgets, or None."""
    return session.scalar(
        select(ProductArea)
        .where(ProductArea.body_id == body.id)
        .options(selectinload(ProductArea.releases), selectinload(ProductArea.budgets))
    )


def save_area(
    session: Session, body: Body, data: AreaInput, actor: User | None = None
) -> ProductArea:
    """Create or update the body's product area."""
    if not data.name.strip():
        raise InvalidInput(_("Skriv navnet på produktområdet"), field="name")
    if data.hourly_rate is None or not 0 < data.hourly_rate <= 100_000:
        raise InvalidInput(_("Timeprisen må være mellom 1 og 100 000 kroner"), field="hourly_rate")
    area = area_of(session, body) or ProductArea(body=body)
    area.name = data.name.strip()
    area.description = data.description.strip()
    area.roadmap = data.roadmap.strip()
    area.hourly_rate = data.hourly_rate
    session.add(area)
    session.flush()
    audit.record(
        session, actor, "area.save", area, f"Produktområdet «{area.name}» lagret", body=body
    )
    return area


def add_release(
    session: Session, area: ProductArea, name: str, planned_on: date | None, actor=None
) -> Release:
    """Add a release to the release plan."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Skriv navnet eller versjonen på utgivelsen"), field="name")
    if len(name) > 100:
        raise InvalidInput(_("Navnet kan ha høyst 100 tegn"), field="name")
    if planned_on is None:
        raise InvalidInput(_("Skriv planlagt dato"), field="planned_on")
    if any(r.name == name for r in area.releases):
        raise Conflict(_("Utgivelsen «%(name)s» finnes allerede", name=name), field="name")
    release = Release(area=area, name=name, planned_on=planned_on)
    session.add(release)
    session.flush()
    audit.record(
        session, actor, "release.add", release, f"Utgivelse {name} lagt til", body=area.body
    )
    return release


def set_budget(
    session: Session, area: ProductArea, year: int | None, amount: int | None, actor=None
):
    """Set (or change) the maintenance budget of a year."""
    if year is None or not 2000 <= year <= 2100:
        raise InvalidInput(_("Skriv et år mellom 2000 og 2100"), field="year")
    if amount is None or amount < 0:
        raise InvalidInput(_("Beløpet må være et helt antall kroner, 0 eller mer"), field="amount")
    budget = next((b for b in area.budgets if b.year == year), None)
    if budget is None:
        budget = MaintenanceBudget(area=area, year=year, amount_nok=amount)
        session.add(budget)
    budget.amount_nok = amount
    session.flush()
    audit.record(
        session, actor, "budget.set", budget, f"Budsjett {year}: {amount} kr", body=area.body
    )
    return budget


def _check_request(data: RequestInput) -> None:
    if not data.title.strip():
        raise InvalidInput(_("Skriv en tittel"), field="title")
    if data.classification not in CLASSIFICATIONS:
        raise InvalidInput(_("Velg klassifisering"), field="classification")
    if data.year is None or not 2000 <= data.year <= 2100:
        raise InvalidInput(_("Skriv et budsjettår mellom 2000 og 2100"), field="year")
    for name, value in (
        ("estimate_hours", data.estimate_hours),
        ("estimate_nok", data.estimate_nok),
    ):
        if value is not None and value < 0:
            raise InvalidInput(_("Estimatet kan ikke være negativt"), field=name)


def record_event(request: ChangeRequest, actor, old, new, note="", treatment=None) -> None:
    """Append one line to the request's history."""
    request.events.append(
        ChangeRequestEvent(
            actor=actor if isinstance(actor, str) else _actor_name(actor),
            from_status=old,
            to_status=new,
            note=note,
            treatment=treatment,
        )
    )


def create_request(
    session: Session, area: ProductArea, data: RequestInput, actor: User | None = None
) -> ChangeRequest:
    """Register a new change request with the next number of the area."""
    _check_request(data)
    seq = (
        session.scalar(select(func.max(ChangeRequest.seq)).where(ChangeRequest.area_id == area.id))
        or 0
    ) + 1
    request = ChangeRequest(area=area, seq=seq, status="registrert")
    _apply(session, request, data)
    request.submitted_on = data.submitted_on or date.today()
    if actor is not None and getattr(actor, "is_authenticated", False):
        request.submitted_by = actor.person
    session.add(request)
    record_event(request, actor, None, "registrert", "Registrert")
    session.flush()
    audit.record(
        session, actor, "change.create", request, f"{request.number} registrert", body=area.body
    )
    return request


def _apply(session: Session, request: ChangeRequest, data: RequestInput) -> None:
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        raise InvalidInput(_("Velg en region eller et helseforetak"), field="organisation_id")
    request.title = data.title.strip()
    request.description = data.description.strip()
    request.need = data.need.strip()
    request.organisation_id = data.organisation_id
    request.classification = data.classification
    request.statutory = data.statutory
    request.estimate_hours = data.estimate_hours
    request.estimate_nok = data.estimate_nok
    request.year = data.year


def update_request(
    session: Session, request: ChangeRequest, data: RequestInput, version: int | None, actor=None
) -> ChangeRequest:
    """Change a request's fields (not its status)."""
    audit.check_version(request, version, _("Endringsønsket"))
    _check_request(data)
    _apply(session, request, data)
    record_event(request, actor, None, None, "Opplysningene er endret")
    session.flush()
    audit.record(
        session, actor, "change.update", request, f"{request.number} endret", body=request.area.body
    )
    return request


def set_status(
    session: Session,
    request: ChangeRequest,
    status: str,
    *,
    release: Release | None = None,
    reason: str = "",
    note: str = "",
    treatment: Treatment | None = None,
    actor=None,
) -> ChangeRequest:
    """Move a request to another status, by the rules in TRANSITIONS."""
    if status not in CHANGE_STATUSES:
        raise InvalidInput(_("Velg en gyldig status"), field="status")
    if status == "eskalert":
        raise InvalidInput(_("Bruk «Eskaler til produktrådet» for å eskalere"), field="status")
    old = request.status
    if status not in TRANSITIONS[old]:
        raise Conflict(
            _(
                "Et endringsønske som er %(old)s, kan ikke settes til %(new)s",
                old=STATUS_LABELS[old].lower(),
                new=STATUS_LABELS[status].lower(),
            ),
            field="status",
        )
    if status in ("planlagt", "levert"):
        release = release or request.release
        if release is None:
            raise InvalidInput(_("Velg utgivelsen endringen kommer i"), field="release_id")
        if release.area_id != request.area_id:
            raise InvalidInput(_("Utgivelsen hører til et annet produktområde"), field="release_id")
        request.release = release
    if status == "avvist":
        if not reason.strip():
            raise InvalidInput(_("Skriv hvorfor endringsønsket avvises"), field="reason")
        request.rejection_reason = reason.strip()
    elif status == "registrert":
        request.rejection_reason = ""
    if status not in RANKED:
        request.rank = None
    request.status = status
    text = note.strip() or (reason.strip() if status == "avvist" else "")
    record_event(request, actor, old, status, text, treatment)
    session.flush()
    with use_language(DEFAULT_LANGUAGE):  # the log is written in bokmål, whoever reads it
        summary = f"{request.number}: {STATUS_LABELS[old]} → {STATUS_LABELS[status]}"
    audit.record(
        session,
        actor,
        "change.status",
        request,
        summary,
        body=request.area.body,
    )
    return request


@dataclass
class BudgetStatus:
    year: int
    budget: int
    committed: int
    delivered: int

    @property
    def remaining(self) -> int:
        return self.budget - self.committed

    @property
    def percent(self) -> int:
        """Share of the budget committed, 0–100 (for the bar)."""
        if self.budget <= 0:
            return 100 if self.committed else 0
        return min(100, round(100 * self.committed / self.budget))


def requests_of(session: Session, area: ProductArea) -> list[ChangeRequest]:
    """All the area's requests with what their pages show."""
    return list(
        session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.area_id == area.id)
            .options(
                selectinload(ChangeRequest.organisation),
                selectinload(ChangeRequest.release),
                selectinload(ChangeRequest.escalation),
            )
            .order_by(ChangeRequest.seq)
        )
    )


def load_history(session: Session, requests: list[ChangeRequest]) -> None:
    """Load the requests' history with the body, meeting and case number of each decision,
    in a fixed number of queries."""
    if requests:
        session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.id.in_([r.id for r in requests]))
            .options(history_options())
        ).all()


def history_options():
    """Loader options for a request's history as its pages show it."""
    return (
        selectinload(ChangeRequest.events)
        .selectinload(ChangeRequestEvent.treatment)
        .options(selectinload(Treatment.body), selectinload(Treatment.meeting))
    )


def budget_status(session: Session, area: ProductArea, year: int) -> BudgetStatus:
    """The year's budget, what is committed (prioritised, planned, delivered) and what is left."""
    budget = next((b.amount_nok for b in area.budgets if b.year == year), 0)
    requests = [r for r in requests_of(session, area) if r.year == year]
    committed = sum(r.cost_nok for r in requests if r.status in COMMITTED)
    delivered = sum(r.cost_nok for r in requests if r.status == "levert")
    return BudgetStatus(year, budget, committed, delivered)


@dataclass
class BacklogLine:
    request: ChangeRequest
    position: int
    running: int
    within: bool


@dataclass
class Backlog:
    year: int
    available: int
    lines: list[BacklogLine]
    #: Index in lines of the first request the budget no longer covers; None if all fit.
    cut: int | None


def ranked(requests: list[ChangeRequest], year: int) -> list[ChangeRequest]:
    """The year's requests on the ranked backlog, in rank order (unranked last, by number)."""
    rows = [r for r in requests if r.year == year and r.status in RANKED]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.seq))


def backlog(session: Session, area: ProductArea, year: int) -> Backlog:
    """The ranked backlog with running sums against the budget left after deliveries."""
    status = budget_status(session, area, year)
    available = status.budget - status.delivered
    lines, running, cut = [], 0, None
    for i, request in enumerate(ranked(requests_of(session, area), year)):
        running += request.cost_nok
        within = running <= available
        if not within and cut is None:
            cut = i
        lines.append(BacklogLine(request, i + 1, running, within))
    return Backlog(year, available, lines, cut)


def move_request(session: Session, request: ChangeRequest, step: int, actor=None) -> None:
    """Move a request one place up (step -1) or down (+1) in its year's ranked backlog."""
    if request.status not in RANKED:
        raise Conflict(_("Bare vurderte, prioriterte og planlagte ønsker rangeres"), field="rank")
    rows = ranked(requests_of(session, request.area), request.year)
    i = rows.index(request)
    j = i + step
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    for position, row in enumerate(rows, start=1):
        row.rank = position
    session.flush()
    audit.record(
        session,
        actor,
        "change.rank",
        request,
        f"{request.number} flyttet til plass {request.rank}",
        body=request.area.body,
    )
