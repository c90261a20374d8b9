"""Counters behind meeting, case and attachment numbers."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from govern.models.base import Base, in_check

COUNTER_KINDS = ("meeting", "case")


class NumberCounter(Base):
    """The last number handed out per body, year and kind; never goes down."""

    __tablename__ = "number_counters"
    __table_args__ = (
        CheckConstraint(in_check("kind", COUNTER_KINDS), name="kind"),
        CheckConstraint("last_value >= 0", name="last_value"),
    )

    body_id: Mapped[int] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<NumberCounter {self.body_id} {self.year} {self.kind}={self.last_value}>"
