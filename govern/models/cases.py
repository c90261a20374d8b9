"""Cases (saker) and their treatments in bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import lazy_gettext
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.bodies import Body
from govern.models.meetings import format_number
from govern.models.people import Person

if TYPE_CHECKING:
    from govern.models.meetings import AgendaItem, Attachment, Meeting
    from govern.models.memos import Memo
    from govern.models.recusals import Recusal

SAKSTYPER = ("Godkjenning", "Orientering", "Drøfting", "Anbefaling", "Beslutning", "Eventuelt")
#: What each sakstype is called in the reader's language (the stored value stays bokmål).
SAKSTYPE_LABELS = {
    "Godkjenning": lazy_gettext("Godkjenning"),
    "Orientering": lazy_gettext("Orientering"),
    "Drøfting": lazy_gettext("Drøfting"),
    "Anbefaling": lazy_gettext("Anbefaling"),
    "Beslutning": lazy_gettext("Beslutning"),
    "Eventuelt": lazy_gettext("Eventuelt"),
}


def sakstype_label(sakstype: str | None) -> str:
    """A sakstype as the reader reads it ('' for none)."""
    return str(SAKSTYPE_LABELS.get(sakstype, sakstype)) if sakstype else ""


class Case(Base):
    """A matter that can travel between bodies; each body's handling is a Treatment."""

    __tablename__ = "cases"
    __table_args__ = (CheckConstraint("follows_id IS NULL OR follows_id <> id", name="not_self"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name of the case in the exchange format; empty for cases that live in one meeting only.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(Text)
    sakseier: Mapped[str] = mapped_column(Text, default="")
    saksbehandler: Mapped[str] = mapped_column(Text, default="")
    #: The people behind sakseier/saksbehandler when they have accounts: they may edit the memo.
    sakseier_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    saksbehandler_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: The earlier case this one continues; its treatments are part of this case's history.
    follows_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The legal basis (skjermingshjemmel) when the case is exempt from public access
    #: (unntatt offentlighet); None when it is public. See govern.openness.
    exempt_basis: Mapped[str | None] = mapped_column(String(300))
    #: The title shown to readers who may not see the case (the words to hide replaced);
    #: empty shows "Unntatt offentlighet".
    public_title: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The day the exemption lifts by itself (public from that day on); None: until lifted.
    exempt_until: Mapped[date | None] = mapped_column(Date)

    treatments: Mapped[list[Treatment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )
    follows: Mapped[Case | None] = relationship(remote_side=[id])
    sakseier_person: Mapped[Person | None] = relationship(foreign_keys=[sakseier_id])
    saksbehandler_person: Mapped[Person | None] = relationship(foreign_keys=[saksbehandler_id])

    __mapper_args__ = {"version_id_col": version}

    def lineage(self) -> list[Case]:
        """This case and the earlier cases it continues, nearest first (cycles cut)."""
        chain: list[Case] = []
        current: Case | None = self
        while current is not None and current not in chain:
            chain.append(current)
            current = current.follows
        return chain

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.title[:30]!r}>"


class Treatment(Base):
    """A case on one body's agenda, with that body's case number."""

    __tablename__ = "treatments"
    __table_args__ = (
        UniqueConstraint("body_id", "year", "seq"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("year BETWEEN 1900 AND 2200", name="year_range"),
        CheckConstraint("sakstype IS NULL OR " + in_check("sakstype", SAKSTYPER), name="sakstype"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    #: Empty for treatments in external bodies, registered by hand.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    #: n in the case number "n/yy", per body per year.
    seq: Mapped[int] = mapped_column(Integer)
    sakstype: Mapped[str | None] = mapped_column(String(20))
    #: The title in this body when it differs from the case title.
    title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    proposed_decision: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str] = mapped_column(String(300), default="")
    #: The referat's account of what was presented and by whom.
    presentation: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    #: On a Godkjenning item: the meeting did not approve the previous minutes (postponed,
    #: "referatet godkjennes ikke / utsettes"); a later meeting approves them.
    minutes_postponed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The legal basis when the item is treated in a closed session (lukket behandling);
    #: None when the session is open. The public minutes then leave its content out.
    closed_basis: Mapped[str | None] = mapped_column(String(300))
    #: Meeting date of an external treatment (meeting treatments take the meeting's date).
    decided_on: Mapped[date | None] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(back_populates="treatments")
    body: Mapped[Body] = relationship()
    meeting: Mapped[Meeting | None] = relationship(foreign_keys=[meeting_id])
    agenda_item: Mapped[AgendaItem | None] = relationship(
        back_populates="treatment", cascade="all, delete-orphan", passive_deletes=True
    )
    inputs: Mapped[list[TreatmentInput]] = relationship(
        back_populates="treatment",
        order_by="TreatmentInput.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="treatment", order_by="(Attachment.seq, Attachment.suffix)"
    )
    memo: Mapped[Memo | None] = relationship(
        back_populates="treatment", cascade="all, delete-orphan", passive_deletes=True
    )
    recusals: Mapped[list[Recusal]] = relationship(
        back_populates="treatment",
        order_by="Recusal.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def number(self) -> str:
        """The case number as users quote it: '9/26'."""
        return format_number(self.seq, self.year)

    @property
    def display_title(self) -> str:
        return self.title or self.case.title

    @property
    def sakstype_label(self) -> str:
        return sakstype_label(self.sakstype)

    @property
    def date(self) -> date | None:
        """The day the case was treated: its agenda day, else the meeting's, else decided_on."""
        if self.agenda_item is not None:
            return self.agenda_item.day.date
        if self.meeting is not None:
            return self.meeting.first_date
        return self.decided_on

    def __repr__(self) -> str:
        return f"<Treatment {self.number} in {self.body_id}>"


class TreatmentInput(Base):
    """One innspill (input) recorded for a treatment."""

    __tablename__ = "treatment_inputs"
    __table_args__ = (UniqueConstraint("treatment_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatments.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    treatment: Mapped[Treatment] = relationship(back_populates="inputs")

    def __repr__(self) -> str:
        return f"<TreatmentInput {self.position} of {self.treatment_id}>"
