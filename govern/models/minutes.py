"""Corrections to approved, locked minutes (each a new, visible revision), and the draft
minutes sent to the members for comments (merknader), with the comments kept per sending."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.models.accounts import User
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.people import Person

if TYPE_CHECKING:
    from govern.models.cases import Treatment
    from govern.models.meetings import Meeting

#: merknader: the draft sent to the members for comments (with a deadline); endelig: the
#: final version sent after the comments were dealt with.
SENDING_KINDS = ("merknader", "endelig")
#: ny: not yet dealt with; tatt inn: the secretariat took it into the minutes; besvart: the
#: secretariat answered it (without changing the minutes).
COMMENT_STATUSES = ("ny", "tatt inn", "besvart")


class MinutesRevision(Base):
    __tablename__ = "minutes_revisions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: Revision 2, 3 … (the approved minutes are revision 1).
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    #: [{"treatment": "9/26", "field": "decision", "before": …, "after": …}]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MinutesRevision {self.number} of {self.meeting_id}>"


class MinutesSending(Base):
    """One sending of a meeting's minutes to the members: the draft for comments (with a
    deadline), or the final version. The comments belong to the draft they were made on."""

    __tablename__ = "minutes_sendings"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        CheckConstraint(in_check("kind", SENDING_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2 … per meeting, in the order sent.
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The last day members may comment (merknader); None on the final version.
    deadline: Mapped[date | None] = mapped_column(Date)
    #: How many members the e-mail was queued for.
    recipients: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="minutes_sendings")
    comments: Mapped[list[MinutesComment]] = relationship(
        back_populates="sending",
        order_by="MinutesComment.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<MinutesSending {self.number} {self.kind} of {self.meeting_id}>"


class MinutesComment(Base):
    """A member's comment (merknad) on the draft minutes, on one case or on the whole."""

    __tablename__ = "minutes_comments"
    __table_args__ = (CheckConstraint(in_check("status", COMMENT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sending_id: Mapped[int] = mapped_column(
        ForeignKey("minutes_sendings.id", ondelete="CASCADE"), index=True
    )
    #: The case commented on; None for the minutes as a whole (the header, attendance).
    treatment_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatments.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="ny")
    #: The secretariat's answer, or what it did with the comment.
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    sending: Mapped[MinutesSending] = relationship(back_populates="comments")
    treatment: Mapped[Treatment | None] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<MinutesComment {self.id} on {self.treatment_id} {self.status}>"
