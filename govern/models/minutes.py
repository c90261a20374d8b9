"""Corrections to approved, locked minutes: each is a new, visible revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.models.accounts import User
from govern.models.base import Base, UTCDateTime, utcnow


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
