"""The decision register (vedtaksregister): every decision the reader may see, newest first."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Select, and_, bindparam, case, exists, func, not_, select, union
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, load_only

from govern.domain.register import (
    FOLLOW_UP_STATUS_NAMES,
    FollowUpMark,
    RegisterFilter,
    RegisterLine,
    RegisterPage,
    RegisterRow,
)
from govern.i18n import lazy_gettext as _l
from govern.models.bodies import Body
from govern.models.cases import SAKSTYPER, Case, Treatment
from govern.models.followups import CLOSED_STATUSES, FOLLOW_UP_STATUSES, FollowUp
from govern.models.meetings import AgendaItem, Meeting, MeetingDay, format_number
from govern.models.people import Person
from govern.openness import (
    case_seen_filter,
    closed_text,
    exemption_text,
    treatment_content_filter,
)
from govern.policy import visible_decision_filter

#: Follow-up filter values beyond the four statuses: overdue, and no follow-up at all.
OVERDUE = "forfalt"
NONE = "ingen"
FOLLOW_UP_FILTERS = (*FOLLOW_UP_STATUSES, OVERDUE, NONE)
PER_PAGE = 25
#: How the follow-up filter's values read in the select.
FILTER_LABELS = {
    **FOLLOW_UP_STATUS_NAMES,
    OVERDUE: _l("Forfalt (frist passert)"),
    NONE: _l("Uten oppfølging"),
}


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


def _conditions(user, wanted: RegisterFilter, today: date) -> list:
    """The WHERE clauses of the register: a decision, readable by the user, in the filter.
    Need Treatment joined to Body and outer-joined to Meeting."""
    conditions = [func.trim(Treatment.decision) != "", visible_decision_filter(user)]
    if wanted.body:
        conditions.append(Body.slug == wanted.body)
    if wanted.year is not None:
        conditions.append(Treatment.year == wanted.year)
    if wanted.sakstype:
        conditions.append(Treatment.sakstype == wanted.sakstype)
    if wanted.follow_up:
        conditions.append(_follow_up_clause(wanted.follow_up, today))
    return conditions


def _joined(stmt: Select) -> Select:
    """The register's joins: the body, and (outer) the meeting and the agenda item's day."""
    return (
        stmt.join(Treatment.body)
        .outerjoin(Treatment.meeting)
        .outerjoin(_AGENDA_ITEM, _AGENDA_ITEM.treatment_id == Treatment.id)
        .outerjoin(_AGENDA_DAY, _AGENDA_DAY.id == _AGENDA_ITEM.day_id)
    )


def _newest_first() -> tuple:
    return (
        decision_date().desc().nulls_last(),
        Treatment.year.desc(),
        Treatment.seq.desc(),
        Treatment.id.desc(),
    )


def _rows_stmt() -> Select:
    """Select treatments with what the register's rows show (page, exports, API) loaded, and
    nothing more: not the presentation, summary, proposed decision or presenter."""
    return (
        _joined(select(Treatment))
        .options(
            load_only(
                Treatment.id,
                Treatment.case_id,
                Treatment.body_id,
                Treatment.meeting_id,
                Treatment.year,
                Treatment.seq,
                Treatment.sakstype,
                Treatment.title,
                Treatment.decision,
                Treatment.decided_on,
                Treatment.closed_basis,
            ),
            contains_eager(Treatment.body),
            joinedload(Treatment.case).load_only(
                Case.id, Case.title, Case.exempt_basis, Case.public_title, Case.exempt_until
            ),
            contains_eager(Treatment.meeting).selectinload(Meeting.days),
            contains_eager(Treatment.agenda_item.of_type(_AGENDA_ITEM)).contains_eager(
                _AGENDA_ITEM.day.of_type(_AGENDA_DAY)
            ),
        )
        .order_by(*_newest_first())
    )


def register_stmt(user, wanted: RegisterFilter, today: date) -> Select:
    """Select the decisions the user may read, filtered, newest first, relations loaded."""
    return _rows_stmt().where(*_conditions(user, wanted, today))


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


def _counts(
    session: Session, wanted: RegisterFilter, conditions: list, reach: int
) -> tuple[int, date | None]:
    """How many decisions the register holds under `conditions` (_conditions: the user's and
    the filter's), and the latest day on or after which at least `reach` of them are dated
    for certain (None when fewer are): their meeting's first day is, or, outside a
    meeting, the day they were decided, so their decision_date() is too.

    The decisions are counted per meeting (with its first day) and per day outside meetings,
    in one query with only the joins the conditions need, and the day is worked out here:
    the history is read once, not once per window of days."""
    first_day = (
        select(func.min(MeetingDay.date))
        .where(MeetingDay.meeting_id == Treatment.meeting_id)
        .correlate(Treatment)
        .scalar_subquery()
    )
    undated = case((Treatment.meeting_id.is_(None), Treatment.decided_on))
    # Of the grouped columns only, as PostgreSQL requires.
    day = case((Treatment.meeting_id.is_(None), undated), else_=first_day)
    stmt = select(day, func.count()).outerjoin(Treatment.meeting)
    if wanted.body:
        stmt = stmt.join(Treatment.body)
    stmt = stmt.where(*conditions).group_by(Treatment.meeting_id, undated)
    total, dated = 0, []
    for first, count in session.execute(stmt):
        total += count
        if first is not None:
            dated.append((first, count))
    surely = 0
    for first, count in sorted(dated, reverse=True):
        surely += count
        if surely >= reach:
            return total, first
    return total, None


def _recent_clause():
    """_maybe_from's clause, its day the bound parameter "since"."""
    t, day, since = aliased(Treatment), aliased(MeetingDay), bindparam("since", type_=Date)
    recent = union(
        select(t.id).where(t.meeting_id.in_(select(day.meeting_id).where(day.date >= since))),
        select(t.id).where(t.decided_on >= since),
    )
    return Treatment.id.in_(recent)


#: Built once: making it costs more than running it.
_RECENT = _recent_clause()


def _maybe_from(since: date) -> tuple:
    """A WHERE clause over Treatment that holds for every treatment whose decision_date() is
    on or after `since` (and for a few more): its meeting has a day from then on, or it was
    decided then; and the parameters to run it with. Both sides use an index, so the clause
    costs what recent years hold, not what all the years hold."""
    return _RECENT, {"since": since}


def _page_ids(
    session: Session, user, wanted: RegisterFilter, page: int, today: date, per_page: int
) -> tuple[list[int], int]:
    """The ids of one page of the register, newest first, and how many decisions it holds.

    Sorting by date touches every decision, so the page's rows are found by their ids alone
    first (narrow rows sort fast), then loaded. And with years of history, they are looked
    for among the recent decisions only: when at least as many decisions as the page reaches
    down to are dated on or after a day for certain (_counts), every row of the page is
    dated on or after it, and every decision dated so passes _maybe_from. Otherwise (the
    page reaches the oldest decisions) the whole register is sorted.
    """
    offset = (page - 1) * per_page
    conditions = _conditions(user, wanted, today)
    total, since = _counts(session, wanted, conditions, offset + per_page)
    params = {}
    if since is not None:
        recent, params = _maybe_from(since)
        conditions.append(recent)
    stmt = _joined(select(Treatment.id)).where(*conditions).order_by(*_newest_first())
    ids = session.scalars(stmt.offset(offset).limit(per_page), params).all()
    return list(ids), total


def register_page(
    session: Session,
    user,
    wanted: RegisterFilter,
    page: int,
    today: date,
    per_page=PER_PAGE,
    responsible: bool = True,
) -> RegisterPage:
    """One page of the register (rows of ORM objects, as the API needs them), in the same
    number of queries however long it is (see _page_ids).

    Without `responsible`, the follow-ups' people and organisations are not loaded with
    them.
    """
    page = max(1, page)
    ids, total = _page_ids(session, user, wanted, page, today, per_page)
    treatments = session.scalars(_rows_stmt().where(Treatment.id.in_(ids)))
    return RegisterPage(
        _with_follow_ups(session, user, list(treatments), responsible), total, page, per_page
    )


def _held_back(session: Session, user, ids: list[int]) -> tuple[set[int], set[int]]:
    """Of the treatments `ids`: those whose case the user may see (govern.openness,
    case_seen_filter) and those whose content they may see (treatment_content_filter).
    One query."""
    if not ids:
        return set(), set()
    found = session.execute(
        select(
            Treatment.id,
            case_seen_filter(user),
            treatment_content_filter(user),
        ).where(Treatment.id.in_(ids))
    )
    cases, contents = set(), set()
    for treatment_id, case_seen, content_seen in found:
        if case_seen:
            cases.add(treatment_id)
        if content_seen:
            contents.add(treatment_id)
    return cases, contents


def _shown(treatment_id: int, title: str, decision: str, facts, seen) -> tuple[str, str]:
    """(title, decision) of a register line as the reader may see them; `facts` is
    (exempt_basis, public_title, closed_basis), `seen` what _held_back found."""
    cases, contents = seen
    exempt_basis, public, closed_basis = facts
    if treatment_id not in cases:
        return public or exemption_text(None), exemption_text(exempt_basis)
    if treatment_id not in contents:
        return title, closed_text(closed_basis)
    return title, decision


#: What a line of the register page shows, as plain columns (see register_lines).
_LINE_COLUMNS = (
    Treatment.id,
    Treatment.seq,
    Treatment.year,
    Body.short_name,
    Meeting.seq,
    Meeting.year,
    decision_date(),
    Treatment.case_id,
    Treatment.title,
    Case.title,
    Treatment.sakstype,
    Treatment.decision,
    Case.exempt_basis,
    Case.public_title,
    Treatment.closed_basis,
)


def register_lines(
    session: Session, user, wanted: RegisterFilter, page: int, today: date, per_page=PER_PAGE
) -> RegisterPage:
    """One page of the register as the /vedtak page shows it: plain values read as rows
    (no ORM objects), and each follow-up's status and due date. Four queries, and a cost
    per line that is as small as it can be, so a page costs the same with ten years of
    history as with one."""
    page = max(1, page)
    ids, total = _page_ids(session, user, wanted, page, today, per_page)
    if not ids:
        return RegisterPage([], total, page, per_page)
    marks: dict[int, list[FollowUpMark]] = {i: [] for i in ids}
    follow_ups = session.execute(
        select(FollowUp.treatment_id, FollowUp.status, FollowUp.due_on)
        .where(FollowUp.treatment_id.in_(ids))
        .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
    )
    for treatment_id, status, due_on in follow_ups:
        overdue = status not in CLOSED_STATUSES and due_on is not None and due_on < today
        marks[treatment_id].append(FollowUpMark(status, due_on, overdue))
    found = session.execute(
        _joined(select(*_LINE_COLUMNS))
        .join(Treatment.case)
        .where(Treatment.id.in_(ids))
        .order_by(*_newest_first())
    )
    seen = _held_back(session, user, ids)
    lines = []
    for (
        tid,
        seq,
        year,
        body,
        m_seq,
        m_year,
        day,
        case_id,
        title,
        case_title,
        sakstype,
        decision,
        *facts,
    ) in found:
        title, decision = _shown(tid, title or case_title, decision, facts, seen)
        line = RegisterLine(
            id=tid,
            number=format_number(seq, year),
            body=body,
            meeting=None if m_seq is None else format_number(m_seq, m_year),
            date=day,
            case_id=case_id,
            title=title,
            sakstype=sakstype or "",
            decision=decision,
            follow_ups=marks[tid],
        )
        lines.append(line)
    return RegisterPage(lines, total, page, per_page)


def _with_follow_ups(
    session: Session, user, treatments: list[Treatment], responsible: bool = True
) -> list[RegisterRow]:
    """Rows for the treatments as the user may see them (the public title and "Unntatt
    offentlighet, <basis>" where content is held back, see govern.openness), their
    follow-ups loaded in one more query (with who is responsible for them, unless told not
    to)."""
    seen = _held_back(session, user, [t.id for t in treatments])
    rows = {}
    for t in treatments:
        facts = (t.case.exempt_basis, t.case.public_title, t.closed_basis)
        title, decision = _shown(t.id, t.display_title, t.decision.strip(), facts, seen)
        held_back = None if t.id in seen[1] else decision
        rows[t.id] = RegisterRow(t, title=title, held_back=held_back)
    if rows:
        stmt = (
            select(FollowUp)
            .where(FollowUp.treatment_id.in_(rows))
            .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
        )
        if responsible:
            stmt = stmt.options(
                joinedload(FollowUp.organisation),
                joinedload(FollowUp.person).joinedload(Person.organisation),
            )
        found = session.scalars(stmt)
        for follow_up in found:
            rows[follow_up.treatment_id].follow_ups.append(follow_up)
    return list(rows.values())


def register_all(session: Session, user, wanted: RegisterFilter, today: date) -> list[RegisterRow]:
    """Every row of the filtered register (for the exports)."""
    treatments = list(session.scalars(register_stmt(user, wanted, today)))
    return _with_follow_ups(session, user, treatments)


def _newest_year(treatment, body_id, below=None):
    """The latest year before `below` (any, if None) with a decision of the body `body_id`:
    found through the key (body, year, seq), so it reads a few entries, not the years."""
    stmt = select(func.max(treatment.year)).where(
        treatment.body_id == body_id, func.trim(treatment.decision) != ""
    )
    return (stmt if below is None else stmt.where(treatment.year < below)).scalar_subquery()


def _years_stmt() -> Select:
    """The statement of register_years: each body's years walked from the newest down, one
    look-up in the key per year, so it costs the bodies and years there are, not the
    decisions."""
    t = aliased(Treatment)
    years = select(Body.id.label("body_id"), _newest_year(t, Body.id).label("year"))
    years = years.cte("register_years", recursive=True)
    years = years.union_all(
        select(years.c.body_id, _newest_year(t, years.c.body_id, years.c.year)).where(
            years.c.year.is_not(None)
        )
    )
    found = select(years.c.year).where(years.c.year.is_not(None))
    return found.distinct().order_by(years.c.year.desc())


#: Built once: making it costs more than running it.
_YEARS = _years_stmt()


def register_years(session: Session) -> list[int]:
    """The years that have decisions, newest first (for the filter's choices)."""
    return list(session.scalars(_YEARS))
