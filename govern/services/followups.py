"""Follow-ups (oppfølging) of decisions: adding, changing and removing them, and the overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.models.cases import Treatment
from govern.models.followups import CLOSED_STATUSES, FOLLOW_UP_STATUSES, FollowUp
from govern.models.people import Organisation, Person
from govern.services import audit
from govern.services.errors import InvalidInput

#: How far ahead a due date may be; further is almost certainly a typing error.
MAX_YEARS_AHEAD = 30


@dataclass(frozen=True)
class FollowUpInput:
    """A follow-up as a form or an import gives it."""

    status: str = "ikke startet"
    title: str = ""
    organisation_id: int | None = None
    person_id: int | None = None
    responsible: str = ""
    due_on: date | None = None
    notes: str = ""


def _checked(session: Session, treatment: Treatment, data: FollowUpInput) -> dict:
    """The values to store, or InvalidInput naming the field."""
    if data.status not in FOLLOW_UP_STATUSES:
        raise InvalidInput(
            _("Velg status: %(statuses)s.", statuses=", ".join(FOLLOW_UP_STATUSES)), field="status"
        )
    responsible = (data.responsible or "").strip()
    if data.organisation_id is None and data.person_id is None and not responsible:
        raise InvalidInput(
            _("Oppgi hvem som er ansvarlig: en organisasjon, en person eller skriv det inn."),
            field="responsible",
        )
    if len(responsible) > 300:
        raise InvalidInput(_("Ansvarlig kan være høyst 300 tegn."), field="responsible")
    organisation = person = None
    if data.organisation_id is not None:
        organisation = session.get(Organisation, data.organisation_id)
        if organisation is None:
            raise InvalidInput(_("Organisasjonen finnes ikke."), field="organisation_id")
    if data.person_id is not None:
        person = session.get(Person, data.person_id)
        if person is None:
            raise InvalidInput(_("Personen finnes ikke."), field="person_id")
    if data.due_on is not None:
        decided = treatment.date
        if decided is not None and data.due_on < decided:
            raise InvalidInput(
                _(
                    "Fristen kan ikke være før vedtaket ble fattet (%(date)s).",
                    date=decided.strftime("%d.%m.%Y"),
                ),
                field="due_on",
            )
        if data.due_on.year > date.today().year + MAX_YEARS_AHEAD or data.due_on.year < 1900:
            raise InvalidInput(
                _("Fristen må være innen %(years)s år fra i dag.", years=MAX_YEARS_AHEAD),
                field="due_on",
            )
    return {
        "status": data.status,
        "title": (data.title or "").strip(),
        "organisation": organisation,
        "person": person,
        "responsible": responsible,
        "due_on": data.due_on,
        "notes": (data.notes or "").strip(),
    }


def _closing(follow_up: FollowUp, status: str, now: datetime | None) -> None:
    """closed_at is set when the follow-up ends and cleared when it is reopened."""
    if status in CLOSED_STATUSES:
        if follow_up.closed_at is None or follow_up.status not in CLOSED_STATUSES:
            follow_up.closed_at = now or datetime.now().astimezone()
    else:
        follow_up.closed_at = None


def add_follow_up(
    session: Session, treatment: Treatment, data: FollowUpInput, user=None, *, now=None
) -> FollowUp:
    """Add a follow-up to a decision."""
    values = _checked(session, treatment, data)
    follow_up = FollowUp(treatment=treatment, **values)
    _closing(follow_up, data.status, now)
    session.add(follow_up)
    session.flush()
    audit.record(
        session,
        user,
        "followup.create",
        follow_up,
        f"Oppfølging av sak {treatment.number} lagt til: {follow_up.responsible_text}",
        body=treatment.body,
    )
    return follow_up


def update_follow_up(
    session: Session,
    follow_up: FollowUp,
    data: FollowUpInput,
    version: int | None,
    user=None,
    *,
    now=None,
) -> FollowUp:
    """Change a follow-up; refused if someone else saved it since the form was opened."""
    audit.check_version(follow_up, version, _("Oppfølgingen"))
    values = _checked(session, follow_up.treatment, data)
    _closing(follow_up, data.status, now)
    organisation, person = values.pop("organisation"), values.pop("person")
    values["organisation_id"] = organisation.id if organisation else None
    values["person_id"] = person.id if person else None
    changes = audit.diff(follow_up, values)
    follow_up.organisation, follow_up.person = organisation, person
    session.flush()
    audit.record(
        session,
        user,
        "followup.update",
        follow_up,
        f"Oppfølging av sak {follow_up.treatment.number} endret",
        body=follow_up.treatment.body,
        changes=changes,
    )
    return follow_up


def delete_follow_up(session: Session, follow_up: FollowUp, version: int | None, user=None) -> None:
    """Remove a follow-up; refused if someone else saved it since the page was opened."""
    audit.check_version(follow_up, version, _("Oppfølgingen"))
    treatment = follow_up.treatment
    audit.record(
        session,
        user,
        "followup.delete",
        follow_up,
        f"Oppfølging av sak {treatment.number} slettet: {follow_up.responsible_text}",
        body=treatment.body,
    )
    session.delete(follow_up)
    session.flush()


def follow_up_or_none(session: Session, follow_up_id: int) -> FollowUp | None:
    """A follow-up with its decision, body and responsible loaded."""
    return session.get(
        FollowUp,
        follow_up_id,
        options=[
            joinedload(FollowUp.treatment).joinedload(Treatment.body),
            joinedload(FollowUp.organisation),
            joinedload(FollowUp.person).joinedload(Person.organisation),
        ],
    )


def follow_ups_of(session: Session, treatment: Treatment) -> list[FollowUp]:
    """A decision's follow-ups, earliest due first (those without a date last)."""
    return list(
        session.scalars(
            select(FollowUp)
            .where(FollowUp.treatment_id == treatment.id)
            .options(
                joinedload(FollowUp.organisation),
                joinedload(FollowUp.person).joinedload(Person.organisation),
            )
            .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
        )
    )


def overdue_followups(session: Session, bodies: list[Body], today: date) -> list[FollowUp]:
    """Open follow-ups past their due date in these bodies' decisions, oldest due first."""
    if not bodies:
        return []
    return list(
        session.scalars(
            select(FollowUp)
            .join(FollowUp.treatment)
            .where(
                Treatment.body_id.in_([b.id for b in bodies]),
                FollowUp.status.not_in(CLOSED_STATUSES),
                FollowUp.due_on.is_not(None),
                FollowUp.due_on < today,
            )
            .options(
                joinedload(FollowUp.treatment).options(
                    joinedload(Treatment.body), joinedload(Treatment.case)
                ),
                joinedload(FollowUp.organisation),
                joinedload(FollowUp.person).joinedload(Person.organisation),
            )
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    )
