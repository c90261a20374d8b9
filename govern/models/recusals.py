"""Habilitet: a member's recusal (inhabilitet) in one case of a meeting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.base import Base, UTCDateTime, in_check, utcnow
from govern.models.cases import Treatment
from govern.models.people import Person

#: meldt: declared by the member, not yet decided; inhabil: decided (or recorded) by the
#: secretariat, the member leaves the case; habil: the secretariat found the member habil.
RECUSAL_STATUSES = ("meldt", "inhabil", "habil")
#: The grounds of forvaltningsloven § 6 a member may name (the text the referat quotes).
RECUSAL_BASES = {
    "fvl. § 6 første ledd bokstav a": lazy_gettext("Part i saken (fvl. § 6 første ledd bokstav a)"),
    "fvl. § 6 første ledd bokstav b": lazy_gettext(
        "I slekt eller svogerskap med en part (fvl. § 6 første ledd bokstav b)"
    ),
    "fvl. § 6 første ledd bokstav c": lazy_gettext(
        "Gift, forlovet, samboer eller fosterfamilie med en part (fvl. § 6 første ledd bokstav c)"
    ),
    "fvl. § 6 første ledd bokstav d": lazy_gettext(
        "Verge eller fullmektig for en part (fvl. § 6 første ledd bokstav d)"
    ),
    "fvl. § 6 første ledd bokstav e": lazy_gettext(
        "Leder, styremedlem eller ledende ansatt hos en part (fvl. § 6 første ledd bokstav e)"
    ),
    "fvl. § 6 andre ledd": lazy_gettext("Andre særegne forhold (fvl. § 6 andre ledd)"),
}
#: The ground as the referat and the pages quote it, in the current language (the stored
#: value is the key, in bokmål).
BASIS_QUOTES = {
    "fvl. § 6 første ledd bokstav a": lazy_gettext("fvl. § 6 første ledd bokstav a"),
    "fvl. § 6 første ledd bokstav b": lazy_gettext("fvl. § 6 første ledd bokstav b"),
    "fvl. § 6 første ledd bokstav c": lazy_gettext("fvl. § 6 første ledd bokstav c"),
    "fvl. § 6 første ledd bokstav d": lazy_gettext("fvl. § 6 første ledd bokstav d"),
    "fvl. § 6 første ledd bokstav e": lazy_gettext("fvl. § 6 første ledd bokstav e"),
    "fvl. § 6 andre ledd": lazy_gettext("fvl. § 6 andre ledd"),
}
STATUS_LABELS = {
    "meldt": lazy_gettext("Meldt, ikke avgjort"),
    "inhabil": lazy_gettext("Inhabil"),
    "habil": lazy_gettext("Habil"),
}


class Recusal(Base):
    """One person's habilitet in one treatment: declared, then decided by the secretariat."""

    __tablename__ = "recusals"
    __table_args__ = (
        UniqueConstraint("treatment_id", "person_id"),
        CheckConstraint(in_check("status", RECUSAL_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(
        ForeignKey("treatments.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="meldt")
    #: The legal ground, as the referat quotes it ("fvl. § 6 andre ledd").
    basis: Mapped[str] = mapped_column(String(300))
    #: The member's own account of why (not in the referat).
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The secretariat's note on its decision.
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    treatment: Mapped[Treatment] = relationship(back_populates="recusals")
    person: Mapped[Person] = relationship(back_populates="recusals")

    @property
    def basis_label(self) -> str:
        """The ground as quoted, in the current language ("fvl. § 6 andre ledd")."""
        quote = BASIS_QUOTES.get(self.basis)
        return str(quote) if quote is not None else self.basis

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def minutes_sentence(self) -> str:
        """'Jon Gupta fratrådte under behandlingen av saken (inhabil, fvl. § 6 andre ledd).'"""
        return _(
            "%(name)s fratrådte under behandlingen av saken (inhabil, %(basis)s).",
            name=self.person.name,
            basis=self.basis_label,
        )

    def __repr__(self) -> str:
        return f"<Recusal {self.person_id} in {self.treatment_id} {self.status}>"
