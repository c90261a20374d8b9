"""Archive packages made of a meeting: when, by whom, and which minutes they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.models.accounts import User
from govern.models.base import Base, UTCDateTime, utcnow


class ArchivePackage(Base):
    """One archive package (Noark 5 arkivmelding) of a meeting whose minutes are approved.

    The package's files are built again from the meeting when downloaded (the approved
    minutes are locked); a correction of the minutes calls for a new package."""

    __tablename__ = "archive_packages"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    #: Package 1, 2 … of the meeting.
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who made it as shown on the meeting page (a user's name, or «kommandolinjen»).
    made_by: Mapped[str] = mapped_column(String(300), default="")
    #: The minutes it holds: 1 the approved minutes, n their revision n.
    minutes_revision: Mapped[int] = mapped_column(Integer, default=1)
    #: Why a later package was made («Ny arkivpakke etter rettelse …»); empty for the first.
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ArchivePackage {self.number} of {self.meeting_id}>"
