"""The decision register (vedtaksregister): every decision the reader may see, newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, exists, func, not_, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from govern import queries
from govern.models.bodies import Body
from govern.models.cases import SAKSTYPER, Treatment
from govern.models.followups import CLOSED_STATUSES, FOLLOW_UP_STATUSES, FollowUp
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.models.people import Person
from govern.permissions import visible_decision_filter

#: Follow-up filter values beyond the four statuses: overdue, and no follow-up at all.
OVERDUE = "forfalt"
NONE = "ingen"
FOLLOW_UP_FILTERS = (*FOLLOW_UP_STATUSES, OVERDUE, NONE)
PER_PAGE = 25
#: How the follow-up filter's values read in the select.
FILTER_LABELS = {
    **{s: s.capitalize() for s in FOLLOW_UP_STATUSES},
    OVERDUE: "Forfalt (frist passert)",
    NONE: "Uten oppfølging",
}


@dataclass(frozen=True)
class RegisterFilter:
    """What the reader asked for; empty values mean "all"."""

    body: str = ""
    year: int | None = None
    sakstype: str = ""
    follow_up: str = ""

    def as_args(self) -> dict[str, str | int]:
        """The filter as query-string arguments (for links that keep it)."""
        args = {
            "organ": self.body,
            "ar": self.year,
            "sakstype": self.sakstype,
            "oppfolging": self.follow_up,
        }
        return {k: v for k, v in args.items() if v}


@dataclass
class RegisterRow:
    """One decision and its follow-ups, in the order they were registered."""

    treatment: Treatment
    follow_ups: list[FollowUp] = field(default_factory=list)


@dataclass
class RegisterPage:
    rows: list[RegisterRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def parse_filter(args) -> RegisterFilter:
    """Read the filter from query-string arguments; unknown values are ignored, never errors."""
    year_text = (args.get("ar") or "").strip()
    year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2200 else None
    sakstype = args.get("sakstype") or ""
    follow_up = args.get("oppfolging") or ""
    return RegisterFilter(
        body=(args.get("organ") or "").strip()[:100],
        year=year,
        sakstype=sakstype if sakstype in SAKSTYPER else "",
        follow_up=follow_up if follow_up in FOLLOW_UP_FILTERS else "",
    )


def decision_date():
    """The SQL date of a treatment: its agenda day, else its meeting's first day, else
    decided_on (the same order as Treatment.date). Needs the joins of register_stmt."""
    first_day = (
        select(func.min(MeetingDay.date))
        .where(MeetingDay.meeting_id == Treatment.meeting_id)
        .correlate(Treatment)
        .scalar_subquery()
    )
    return func.coalesce(_AGENDA_DAY.date, first_day, Treatment.decided_on)


_AGENDA_ITEM = aliased(AgendaItem)
_AGENDA_DAY = aliased(MeetingDay)


def register_stmt(user, wanted: RegisterFilter, today: date) -> Select:
    """Select the decisions the user may read, filtered, newest first, relations loaded."""
    stmt = (
        select(Treatment)
        .join(Treatment.body)
        .outerjoin(Treatment.meeting)
        .outerjoin(_AGENDA_ITEM, _AGENDA_ITEM.treatment_id == Treatment.id)
        .outerjoin(_AGENDA_DAY, _AGENDA_DAY.id == _AGENDA_ITEM.day_id)
        .where(func.trim(Treatment.decision) != "", visible_decision_filter(user))
        .options(
            contains_eager(Treatment.body),
            joinedload(Treatment.case),
            contains_eager(Treatment.meeting).selectinload(Meeting.days),
            contains_eager(Treatment.agenda_item.of_type(_AGENDA_ITEM)).contains_eager(
                _AGENDA_ITEM.day.of_type(_AGENDA_DAY)
            ),
        )
        .order_by(
            decision_date().desc().nulls_last(),
            Treatment.year.desc(),
            Treatment.seq.desc(),
            Treatment.id.desc(),
        )
    )
    if wanted.body:
        stmt = stmt.where(Body.slug == wanted.body)
    if wanted.year is not None:
        stmt = stmt.where(Treatment.year == wanted.year)
    if wanted.sakstype:
        stmt = stmt.where(Treatment.sakstype == wanted.sakstype)
    if wanted.follow_up:
        stmt = stmt.where(_follow_up_clause(wanted.follow_up, today))
    return stmt


def _follow_up_clause(value: str, today: date):
    of_this = FollowUp.treatment_id == Treatment.id
    if value == NONE:
        return not_(exists().where(of_this))
    if value == OVERDUE:
        return exists().where(
            and_(
                of_this,
                FollowUp.status.not_in(CLOSED_STATUSES),
                FollowUp.due_on.is_not(None),
                FollowUp.due_on < today,
            )
        )
    return exists().where(and_(of_this, FollowUp.status == value))


def _with_follow_ups(session: Session, treatments: list[Treatment]) -> list[RegisterRow]:
    """Rows for the treatments, their follow-ups loaded in one more query."""
    rows = {t.id: RegisterRow(t) for t in treatments}
    if rows:
        found = session.scalars(
            select(FollowUp)
            .where(FollowUp.treatment_id.in_(rows))
            .options(
                joinedload(FollowUp.organisation),
                joinedload(FollowUp.person).joinedload(Person.organisation),
            )
            .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
        )
        for follow_up in found:
            rows[follow_up.treatment_id].follow_ups.append(follow_up)
    return list(rows.values())


def register_page(
    session: Session, user, wanted: RegisterFilter, page: int, today: date, per_page=PER_PAGE
) -> RegisterPage:
    """One page of the register."""
    page = max(1, page)
    treatments, total = queries.paginate(
        session, register_stmt(user, wanted, today), page, per_page
    )
    return RegisterPage(_with_follow_ups(session, treatments), total, page, per_page)


def register_all(session: Session, user, wanted: RegisterFilter, today: date) -> list[RegisterRow]:
    """Every row of the filtered register (for the exports)."""
    treatments = list(session.scalars(register_stmt(user, wanted, today)))
    return _with_follow_ups(session, treatments)


def register_years(session: Session) -> list[int]:
    """The years that have decisions, newest first (for the filter's choices)."""
    return list(
        session.scalars(
            select(Treatment.year)
            .where(func.trim(Treatment.decision) != "")
            .distinct()
            .order_by(Treatment.year.desc())
        )
    )
