"""A member's answer to a meeting's invitation: forfall (with the vara called in) and the
answers per day ("Jeg kommer" / "Jeg kommer ikke", a calendar's iTIP REPLY)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.meetings import Meeting, MeetingDay
from govern.models.people import Person

#: RFC 5545 PARTSTAT values govern keeps.
ANSWERS = ("ACCEPTED", "DECLINED", "TENTATIVE")
#: Where an answer came from: the e-mail's link, a calendar's reply, a forfall, the secretariat.
ANSWER_SOURCES = ("lenke", "kalender", "forfall")


class Absence(Base):
    """A member's forfall from a meeting (all days or some), and the vara called in for it."""

    __tablename__ = "absences"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        CheckConstraint(
            "substitute_id IS NULL OR substitute_id <> person_id", name="not_own_substitute"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    #: 1-based day numbers of the forfall; all days when empty.
    days: Mapped[list[int] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    #: The vara who has been sent the invitation for this member (None: nobody available).
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: SEQUENCE of the stand-in invitation's own UIDs, raised by every message about it.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    substitute: Mapped[Person | None] = relationship(foreign_keys=[substitute_id])

    def __repr__(self) -> str:
        return f"<Absence {self.person_id} from {self.meeting_id}>"


class MeetingAnswer(Base):
    """One person's answer for one day of a meeting."""

    __tablename__ = "meeting_answers"
    __table_args__ = (
        UniqueConstraint("day_id", "person_id"),
        CheckConstraint(in_check("answer", ANSWERS), name="answer"),
        CheckConstraint(in_check("source", ANSWER_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    day_id: Mapped[int] = mapped_column(ForeignKey("meeting_days.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    day: Mapped[MeetingDay] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<MeetingAnswer {self.person_id} {self.answer} day {self.day_id}>"
