"""Outgoing mail (a queue sent after commit) and the calendar invitations sent per person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.meetings import Meeting
from govern.models.people import Person

MAIL_STATUSES = ("queued", "sent", "failed")
INVITATION_STATUSES = ("invited", "cancelled")


class OutgoingMail(Base):
    """A message waiting to be sent (or sent): `flask send-mail` works through the queue."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (CheckConstraint(in_check("status", MAIL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    #: An iTIP calendar part (text/calendar) sent with the message, and its METHOD.
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Not before this moment (a retry waits longer after each failure).
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The meeting an invitation or cancellation is about, so its page can show what went.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} to {self.to_address!r} {self.status}>"


class MeetingInvitation(Base):
    """Who has been sent a meeting's invitation, at which SEQUENCE, and whether it was
    cancelled for them (a member removed later, or the meeting cancelled)."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        CheckConstraint(in_check("status", INVITATION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(254))
    #: The SEQUENCE of the last message sent to this person.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="invited")
    #: UIDs of the days last sent, so a day removed later can be cancelled.
    day_uids: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<MeetingInvitation {self.person_id} to {self.meeting_id} {self.status}>"
