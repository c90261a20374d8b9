"""The legal bases (skjermingshjemler) an administrator keeps for exempting cases, Vedlegg
and closed agenda items from public access (offentleglova)."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from govern.models.base import Base

#: The bases a new installation starts with (the migration and the demo seed them).
DEFAULT_BASES = (
    "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
    "Offl. § 13 jf. fvl. § 13 første ledd nr. 2",
    "Offl. § 14",
    "Offl. § 15 første ledd",
    "Offl. § 20 første ledd bokstav c",
    "Offl. § 23 første ledd",
    "Offl. § 24 andre ledd",
    "Offl. § 26 første ledd bokstav a",
)


class ExemptionBasis(Base):
    """One legal basis the secretariat may choose when it exempts something; the text is
    copied onto what is exempted, so a basis renamed or retired later changes no record."""

    __tablename__ = "exemption_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(300), unique=True)
    #: Retired bases stay for the record but are no longer offered.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<ExemptionBasis {self.text!r}>"
