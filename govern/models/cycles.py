"""The annual cycle (årshjul): cycles of recurring deadlines, and what was done about them.

A cycle belongs to a body (its meeting-relative deadlines follow that body's meetings) or is
shared (the national planning cycle). Its entries say *when* in one of five ways (WHEN_KINDS).
A year's plan is computed from the entries and the body's meetings each time it is shown
(govern.domain.cycle_plan), so a moved meeting moves its deadlines at once; what is kept
is only what people did: a DeadlineMark per occurrence (done, and who; reminder sent).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import lazy_gettext as _l
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.people import Person

if TYPE_CHECKING:
    from govern.models.bodies import Body

#: date: a fixed yearly date ("1. februar"); span: a yearly span of dates ("1. mars – 15.
#: april"); period: a fuzzy period (an ISO week, a month, a tertial, a quarter, a half year,
#: våren/høsten; optionally a range of them); meeting: relative to each of the body's
#: meetings (or to the next meeting after each); entry: relative to another entry.
WHEN_KINDS = ("date", "span", "period", "meeting", "entry")
PERIOD_UNITS = ("week", "month", "tertial", "quarter", "half", "season")
#: each: N days before/after each meeting's first day; next: at the next meeting after each.
MEETING_ANCHORS = ("each", "next")
#: What the secretariat does that completes a meeting's deadline by itself, in words.
COMPLETING_ACTIONS = {
    "innkalling": _l("når innkallingen sendes"),
    "toppnotater": _l(
        "når toppnotatene er klare (alle sakene har toppnotat, eller innkallingen sendes)"
    ),
    "referat_sendt": _l("når referatet sendes til medlemmene"),
    "referat_godkjent": _l("når referatet godkjennes"),
}


class Cycle(Base):
    """An årshjul: a named set of recurring deadlines, of one body or shared."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: None: a shared cycle (not one body's), shown on its own page.
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    body: Mapped[Body | None] = relationship()
    entries: Mapped[list[CycleEntry]] = relationship(
        back_populates="cycle",
        order_by="CycleEntry.position, CycleEntry.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Cycle {self.slug!r}>"


class CycleEntry(Base):
    """One recurring deadline or period of a cycle."""

    __tablename__ = "cycle_entries"
    __table_args__ = (
        CheckConstraint(in_check("when_kind", WHEN_KINDS), name="when_kind"),
        CheckConstraint(
            "period_unit IS NULL OR " + in_check("period_unit", PERIOD_UNITS), name="period_unit"
        ),
        CheckConstraint(
            "meeting_anchor IS NULL OR " + in_check("meeting_anchor", MEETING_ANCHORS),
            name="meeting_anchor",
        ),
        CheckConstraint("relative_to_id IS NULL OR relative_to_id <> id", name="not_self"),
        CheckConstraint(
            "completed_by IS NULL OR " + in_check("completed_by", tuple(COMPLETING_ACTIONS)),
            name="completed_by",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    #: Who does it: an organisation or a role ("Norsk helsenett SF", "Sekretariatet").
    responsible: Mapped[str] = mapped_column(String(200), default="")
    #: To whom it goes ("HOD").
    recipient: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    when_kind: Mapped[str] = mapped_column(String(10))
    #: date, and the start of a span.
    month: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[int | None] = mapped_column(Integer)
    #: The end of a span.
    end_month: Mapped[int | None] = mapped_column(Integer)
    end_day: Mapped[int | None] = mapped_column(Integer)
    #: period: the unit and the first and last of them (week 10 to week 12; 2. tertial).
    period_unit: Mapped[str | None] = mapped_column(String(10))
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    #: meeting and entry: days after (positive) or before (negative) the anchor.
    offset_days: Mapped[int | None] = mapped_column(Integer)
    meeting_anchor: Mapped[str | None] = mapped_column(String(10))
    relative_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("cycle_entries.id", ondelete="RESTRICT")
    )
    #: A meeting deadline that an action completes (COMPLETING_ACTIONS): the innkalling sent,
    #: the toppnotater ready, the minutes sent or approved.
    completed_by: Mapped[str | None] = mapped_column(String(20))

    #: E-mail a reminder this many days before (None: no reminder) to the body's members of
    #: this role and/or to this person.
    reminder_days: Mapped[int | None] = mapped_column(Integer)
    reminder_role: Mapped[str | None] = mapped_column(String(20))
    reminder_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    cycle: Mapped[Cycle] = relationship(back_populates="entries")
    relative_to: Mapped[CycleEntry | None] = relationship(remote_side=[id])
    reminder_person: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<CycleEntry {self.id} {self.title!r}>"


class DeadlineMark(Base):
    """What happened to one occurrence of an entry: done (by whom), reminder sent.

    `occurrence` names the occurrence independently of its date, so it survives a meeting
    being moved: "y2026" for a yearly entry in 2026, "m42" for the one tied to meeting 42.
    """

    __tablename__ = "deadline_marks"
    __table_args__ = (UniqueConstraint("entry_id", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("cycle_entries.id", ondelete="CASCADE"), index=True
    )
    occurrence: Mapped[str] = mapped_column(String(40))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    entry: Mapped[CycleEntry] = relationship()
    done_by: Mapped[Person | None] = relationship()

    def __repr__(self) -> str:
        return f"<DeadlineMark {self.entry_id} {self.occurrence}>"
