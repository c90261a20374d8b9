"""Organisations and people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.models.base import Base

if TYPE_CHECKING:
    from govern.models.bodies import Membership
    from govern.models.recusals import Recusal


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: Secret token of the person's calendar feed (/feeds/<token>.ics); None until asked for.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    organisation: Mapped[Organisation | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", foreign_keys="Membership.person_id"
    )
    #: The cases the person declared (or was found) inhabil in; govern.openness asks them.
    recusals: Mapped[list[Recusal]] = relationship(back_populates="person", passive_deletes=True)

    @property
    def label(self) -> str:
        """'Name, Organisation' as in the documents' member lists."""
        if self.organisation:
            return f"{self.name}, {self.organisation.name}"
        return self.name

    def __repr__(self) -> str:
        return f"<Person {self.name!r}>"
