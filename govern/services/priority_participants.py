"""Who scores in a prioritisation round: the body's members, picked from a list, or outside
experts by name. A typed name that is a member's is that member, so nobody is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from govern.i18n import gettext as _
from govern.models.bodies import Membership
from govern.models.people import Person
from govern.models.priorities import Measure, PrioritisationRound, Score
from govern.services.errors import InvalidInput


def participants(session: Session, round_: PrioritisationRound) -> list[str]:
    """The names of everyone with scores in the round, in alphabetical order."""
    query = (
        select(Score.participant)
        .join(Measure)
        .where(Measure.round_id == round_.id)
        .distinct()
        .order_by(Score.participant)
    )
    return list(session.scalars(query))


#: Roles whose holders may score: the body's members, not its secretariat.
SCORING_ROLES = ("leder", "nestleder", "medlem", "vara", "observatør")


def members(session: Session, round_: PrioritisationRound) -> list[Person]:
    """The body's members in the round's year: the participants one can pick from a list."""
    first, last = date(round_.year, 1, 1), date(round_.year, 12, 31)
    query = (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.body_id == round_.body_id,
            Membership.role.in_(SCORING_ROLES),
            or_(Membership.starts_on.is_(None), Membership.starts_on <= last),
            or_(Membership.ends_on.is_(None), Membership.ends_on >= first),
        )
        .options(selectinload(Person.organisation))
        .distinct()
        .order_by(Person.name, Person.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class Participant:
    """Who scored: the name shown (a member's 'Name, Organisation'), the person if a member,
    and the names the same participant's earlier scores may be stored under."""

    name: str
    person_id: int | None = None
    aliases: tuple[str, ...] = ()


def resolve_participant(
    session: Session,
    round_: PrioritisationRound,
    name: str,
    person_id: int | None = None,
    people: list[Person] | None = None,
) -> Participant:
    """A member picked from the list, or a typed name; a typed member's name is that member."""
    people = members(session, round_) if people is None else people
    name = (name or "").strip()
    if person_id:
        if name:
            raise InvalidInput(
                _("Velg et medlem eller skriv navnet på en ekstern deltaker, ikke begge."),
                field="participant",
            )
        person = next((p for p in people if p.id == person_id), None)
        if person is None:
            raise InvalidInput(
                _("Velg et av medlemmene i %(body)s.", body=round_.body.short_name),
                field="person_id",
            )
        return _member(person)
    if not name:
        raise InvalidInput(
            _("Skriv deltakerens navn. Et medlem av organet kan velges i listen over."),
            field="participant",
        )
    if len(name) > 200:
        raise InvalidInput(_("Navnet kan ha høyst 200 tegn."), field="participant")
    for person in people:
        if name.casefold() in (person.name.casefold(), person.label.casefold()):
            return _member(person, name)
    return Participant(name, None, (name,))


def _member(person: Person, typed: str = "") -> Participant:
    # 'Name, Organisation' tells two people of the same name apart; the column holds 200.
    shown = person.label if len(person.label) <= 200 else person.name[:200]
    return Participant(shown, person.id, tuple(n for n in (shown, person.name, typed) if n))


def participant_entry(
    session: Session, round_: PrioritisationRound, name: str
) -> tuple[int | None, dict[str, str]]:
    """One participant's person (if a member) and scores as the grid's cell values."""
    scores = session.scalars(
        select(Score).join(Measure).where(Measure.round_id == round_.id, Score.participant == name)
    ).all()
    person_id = next((s.person_id for s in scores if s.person_id), None)
    return person_id, {f"s-{s.measure_id}-{s.question_id}": str(s.value) for s in scores}


def participant_cells(
    session: Session, round_: PrioritisationRound, participant: str
) -> dict[str, str]:
    """One participant's scores as the grid's cell values, for editing them again."""
    return participant_entry(session, round_, participant)[1]
