"""Meetings, their days, agenda items, attendance and attachments."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.bodies import Body
from govern.models.people import Person
from govern.timeutil import local

if TYPE_CHECKING:
    from govern.models.answers import Absence, MeetingAnswer
    from govern.models.cases import Treatment
    from govern.models.minutes import MinutesRevision, MinutesSending

MEETING_STATUSES = ("planlagt", "innkalt", "gjennomført", "referat godkjent", "avlyst")
#: What each status is called in the reader's language (the stored value stays bokmål).
MEETING_STATUS_LABELS = {
    "planlagt": lazy_gettext("planlagt"),
    "innkalt": lazy_gettext("innkalt"),
    "gjennomført": lazy_gettext("gjennomført"),
    "referat godkjent": lazy_gettext("referat godkjent"),
    "avlyst": lazy_gettext("avlyst"),
}
#: Statuses in which the agenda is published to everyone.
PUBLISHED_STATUSES = ("innkalt", "gjennomført", "referat godkjent", "avlyst")
#: The referat: draft → sent to members → approved at the next meeting (then locked).
MINUTES_STATUSES = ("utkast", "sendt", "godkjent")
ITEM_KINDS = ("case", "break", "heading", "point")
ATTENDANCE_STATUSES = ("present", "absent", "deputy")
#: Where a Vedlegg's document comes from: an uploaded file (or a bare reference), the
#: treatment's toppnotat, or the referat of the body's previous meeting (built by govern).
ATTACHMENT_SOURCES = ("file", "toppnotat", "referat")


def new_uid() -> str:
    """A globally unique calendar UID for a meeting day."""
    return f"{uuid.uuid4()}@govern"


def format_number(seq: int, year: int) -> str:
    """'9/26' from (9, 2026): the form users quote for meeting and case numbers."""
    return f"{seq}/{year % 100:02d}"


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("body_id", "year", "seq"),
        CheckConstraint(in_check("status", MEETING_STATUSES), name="status"),
        CheckConstraint(in_check("minutes_status", MINUTES_STATUSES), name="minutes_status"),
        CheckConstraint(
            "status <> 'referat godkjent' OR minutes_status = 'godkjent'", name="approved_minutes"
        ),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    #: Calendar year of the first day; meeting and case numbers run per body per year.
    year: Mapped[int] = mapped_column(Integer)
    #: n in "n/yy": the body's n-th meeting that year.
    seq: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="planlagt")
    #: Members may read the agenda while the meeting is still being planned.
    agenda_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    minutes_status: Mapped[str] = mapped_column(
        String(20), default="utkast", server_default="utkast"
    )
    #: The Godkjenning treatment (in the next meeting) that approved these minutes.
    minutes_approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatments.id", ondelete="SET NULL", use_alter=True)
    )
    minutes_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: iCalendar SEQUENCE: raised by every change a calendar must learn of (date, time, place,
    #: cancellation); invitations and feeds carry it.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    body: Mapped[Body] = relationship(back_populates="meetings")
    days: Mapped[list[MeetingDay]] = relationship(
        back_populates="meeting",
        order_by="MeetingDay.date",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="(AgendaItem.position, AgendaItem.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="meeting",
        order_by="(Attachment.seq, Attachment.suffix)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    minutes_approved_by: Mapped[Treatment | None] = relationship(
        foreign_keys=[minutes_approved_by_id], post_update=True
    )
    minutes_revisions: Mapped[list[MinutesRevision]] = relationship(
        order_by="MinutesRevision.number", cascade="all, delete-orphan", passive_deletes=True
    )
    #: Forfall and answers to the invitation (govern/models/answers.py), read by the exchange.
    absences: Mapped[list[Absence]] = relationship(order_by="Absence.id", viewonly=True)
    answers: Mapped[list[MeetingAnswer]] = relationship(order_by="MeetingAnswer.id", viewonly=True)
    #: The minutes as sent to the members: for comments, then the final version.
    minutes_sendings: Mapped[list[MinutesSending]] = relationship(
        back_populates="meeting",
        order_by="MinutesSending.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_published(self) -> bool:
        """Whether the agenda is public (the meeting has been called, held or cancelled)."""
        return self.status in PUBLISHED_STATUSES

    @property
    def minutes_locked(self) -> bool:
        """Approved minutes are locked; a correction is a new revision."""
        return self.minutes_status == "godkjent"

    @property
    def number(self) -> str:
        """The meeting number as users quote it: '2/26'."""
        return format_number(self.seq, self.year)

    @property
    def title(self) -> str:
        """'Møte i Fagrådet 2/26' (in the current language)."""
        return _("Møte i %(body)s %(number)s", body=self.body.short_name, number=self.number)

    @property
    def status_label(self) -> str:
        """The status as the reader reads it ('planlagt', nynorsk 'planlagd', 'planned')."""
        return str(MEETING_STATUS_LABELS.get(self.status, self.status))

    @property
    def first_date(self) -> date | None:
        return self.days[0].date if self.days else None

    @property
    def last_date(self) -> date | None:
        return self.days[-1].date if self.days else None

    def day_number(self, day: MeetingDay) -> int:
        """1-based position of a day within the meeting."""
        return self.days.index(day) + 1

    def __repr__(self) -> str:
        return f"<Meeting {self.body_id} {self.number}>"


class MeetingDay(Base):
    __tablename__ = "meeting_days"
    __table_args__ = (
        UniqueConstraint("meeting_id", "date"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: The day in Europe/Oslo.
    date: Mapped[date] = mapped_column(Date, index=True)
    #: The calendar event's UID: made once, kept through every edit of the meeting.
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_uid)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="days")

    @property
    def start_time(self) -> time:
        """Start as wall-clock time in Europe/Oslo."""
        return local(self.starts_at).time()

    @property
    def end_time(self) -> time:
        """End as wall-clock time in Europe/Oslo."""
        return local(self.ends_at).time()

    def __repr__(self) -> str:
        return f"<MeetingDay {self.date} of {self.meeting_id}>"


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint(in_check("kind", ITEM_KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'case' AND treatment_id IS NOT NULL) OR (kind <> 'case' AND treatment_id IS NULL)",
            name="case_has_treatment",
        ),
        CheckConstraint("kind = 'point' OR parent_id IS NULL", name="only_points_have_parent"),
        CheckConstraint("kind = 'case' OR title IS NOT NULL", name="title_unless_case"),
        CheckConstraint("duration_minutes IS NULL OR duration_minutes >= 0", name="duration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: NO ACTION, checked at the end of the statement, so deleting a meeting (days and items
    #: together) works while removing a day that still has items is refused.
    day_id: Mapped[int] = mapped_column(ForeignKey("meeting_days.id"), index=True)
    #: Order within the meeting, across days.
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    #: Text of a break, heading or sub-point; a case item takes its title from the treatment.
    title: Mapped[str | None] = mapped_column(Text)
    #: Wall-clock start time in Europe/Oslo on the item's day.
    start_time: Mapped[time | None] = mapped_column(Time)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    #: Not stored: the other meetings whose case numbers adding this case gave out again
    #: (agenda_numbers.close_gaps), for the message after adding it.
    renumbered_elsewhere: ClassVar[tuple[str, ...]] = ()
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    treatment_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatments.id", ondelete="CASCADE"), unique=True
    )
    #: The case item an unnumbered sub-point belongs to.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )

    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    day: Mapped[MeetingDay] = relationship()
    treatment: Mapped[Treatment | None] = relationship(back_populates="agenda_item")
    parent: Mapped[AgendaItem | None] = relationship(remote_side=[id])

    @property
    def display_title(self) -> str:
        return self.treatment.display_title if self.treatment else (self.title or "")

    def __repr__(self) -> str:
        return f"<AgendaItem {self.kind} {self.position} of {self.meeting_id}>"


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        CheckConstraint(in_check("status", ATTENDANCE_STATUSES), name="status"),
        CheckConstraint("status <> 'deputy' OR deputy_for_id IS NOT NULL", name="deputy_for"),
        CheckConstraint("deputy_for_id IS NULL OR deputy_for_id <> person_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10))
    deputy_for_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: 1-based day numbers the status applies to; all days when empty.
    days: Mapped[list[int] | None] = mapped_column(JSON)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    deputy_for: Mapped[Person | None] = relationship(foreign_keys=[deputy_for_id])

    def __repr__(self) -> str:
        return f"<Attendance {self.person_id} {self.status} at {self.meeting_id}>"


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        UniqueConstraint("meeting_id", "seq", "suffix"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint(in_check("source", ATTACHMENT_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    treatment_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatments.id", ondelete="SET NULL"), index=True
    )
    #: Vedlegg number: seq 6 with suffix 'A' is "Vedlegg 6A".
    seq: Mapped[int] = mapped_column(Integer)
    suffix: Mapped[str] = mapped_column(String(3), default="")
    title: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="file", server_default="file")
    #: The name the file was uploaded with.
    filename: Mapped[str | None] = mapped_column(String(255))
    #: The file's name on disk under instance/uploads/ (random, never the user's name).
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The legal basis when this Vedlegg is exempt from public access on its own (even on a
    #: public case); None when it follows its case. See govern.openness.
    exempt_basis: Mapped[str | None] = mapped_column(String(300))

    meeting: Mapped[Meeting] = relationship(back_populates="attachments")
    treatment: Mapped[Treatment | None] = relationship(back_populates="attachments")

    @property
    def number(self) -> str:
        return f"{self.seq}{self.suffix}"

    def __repr__(self) -> str:
        return f"<Attachment Vedlegg {self.number} of {self.meeting_id}>"
