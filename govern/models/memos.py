"""The toppnotat (case memo) of a treatment: written in govern, or an uploaded .docx."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import lazy_gettext
from govern.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from govern.models.cases import Treatment

#: The memo's fixed sections in document order, with their headings in the toppnotat.
#: Forslag til vedtak (Treatment.proposed_decision) comes first; the free sections come
#: after Bakgrunn; "Vedtak fra tidligere behandlinger" is built from the case's history.
FIXED_SECTIONS = (
    ("purpose", "Hensikt med saken"),
    ("background", "Bakgrunn"),
    ("questions", "Spørsmål til drøfting"),
    ("next_steps", "Videre saksprosess"),
)
#: The same headings in the reader's language (for pages and forms; FIXED_SECTIONS keeps the
#: bokmål text, which `gettext` translates wherever a document is made).
SECTION_LABELS = {
    "purpose": lazy_gettext("Hensikt med saken"),
    "background": lazy_gettext("Bakgrunn"),
    "questions": lazy_gettext("Spørsmål til drøfting"),
    "next_steps": lazy_gettext("Videre saksprosess"),
}


class Memo(Base):
    """The toppnotat of one treatment. Texts keep paragraphs (blank line) and bullets ('- ')."""

    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatments.id", ondelete="CASCADE"), unique=True
    )
    #: Hensikt med saken.
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: Bakgrunn.
    background: Mapped[str] = mapped_column(Text, default="")
    #: Spørsmål til drøfting.
    questions: Mapped[str] = mapped_column(Text, default="")
    #: Videre saksprosess.
    next_steps: Mapped[str] = mapped_column(Text, default="")
    #: An uploaded .docx that replaces the written memo (passed through unchanged).
    filename: Mapped[str | None] = mapped_column(String(255))
    #: The uploaded file's name on disk under instance/uploads/ (random).
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    treatment: Mapped[Treatment] = relationship(back_populates="memo")
    sections: Mapped[list[MemoSection]] = relationship(
        back_populates="memo",
        order_by="MemoSection.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def uploaded(self) -> bool:
        """True when the memo is an uploaded .docx rather than written in govern."""
        return self.stored_name is not None

    @property
    def is_empty(self) -> bool:
        """Nothing written and nothing uploaded."""
        texts = (self.purpose, self.background, self.questions, self.next_steps)
        return not self.uploaded and not any(t.strip() for t in texts) and not self.sections

    def __repr__(self) -> str:
        return f"<Memo of treatment {self.treatment_id}>"


class MemoSection(Base):
    """A free section of a memo with its own heading ("Anbefalt konsept", "Drøfting" …)."""

    __tablename__ = "memo_sections"
    __table_args__ = (UniqueConstraint("memo_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(ForeignKey("memos.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")

    memo: Mapped[Memo] = relationship(back_populates="sections")

    def __repr__(self) -> str:
        return f"<MemoSection {self.position} {self.heading[:30]!r}>"
