"""Follow-up (oppfølging) of a decision: who does what by when, and how far it has come."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.cases import Treatment
from govern.models.people import Organisation, Person

#: The statuses of a follow-up, in the order a secretariat moves through them.
FOLLOW_UP_STATUSES = ("ikke startet", "pågår", "fullført", "bortfalt")
#: Statuses that end a follow-up: it can no longer be overdue.
CLOSED_STATUSES = ("fullført", "bortfalt")


class FollowUp(Base):
    """One piece of follow-up work a decision (the treatment's vedtak) asks for."""

    __tablename__ = "follow_ups"
    __table_args__ = (CheckConstraint(in_check("status", FOLLOW_UP_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatments.id", ondelete="CASCADE"), index=True
    )
    #: What is to be done; empty when the decision text says it all.
    title: Mapped[str] = mapped_column(Text, default="")
    #: Responsible organisation and/or person; `responsible` is free text for anyone else.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    responsible: Mapped[str] = mapped_column(String(300), default="")
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="ikke startet")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: When the status became fullført or bortfalt.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    treatment: Mapped[Treatment] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    person: Mapped[Person | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def responsible_text(self) -> str:
        """'Person, Organisation', the organisation, or the free text, as it is shown."""
        parts = [p for p in (self.person.name if self.person else "",) if p]
        if self.organisation:
            parts.append(self.organisation.name)
        elif self.person and self.person.organisation:
            parts.append(self.person.organisation.name)
        if self.responsible:
            parts.append(self.responsible)
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<FollowUp {self.id} of {self.treatment_id} {self.status}>"
