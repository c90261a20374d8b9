"""Forms for openness (offentleglova): a case's exemption, a closed item, the Vedlegg's own
exemptions, and the administrator's list of legal bases."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from govern.forms.base import GovernForm

#: The value of "no basis chosen" in the basis selects.
NO_BASIS = ""


def basis_choices(texts: list[str], current: str | None = None) -> list[tuple[str, str]]:
    """The select's choices: none, then the active bases (and the one saved, if retired)."""
    choices = [(NO_BASIS, "– velg hjemmel –"), *((t, t) for t in texts)]
    if current and current not in texts:
        choices.append((current, f"{current} (ikke lenger i listen)"))
    return choices


class CaseAccessForm(GovernForm):
    """The access of one case on a meeting's agenda: exempt from public access, closed."""

    exempt = BooleanField("Unntatt offentlighet")
    exempt_basis = SelectField("Skjermingshjemmel", choices=[], validate_choice=False)
    public_title = StringField(
        "Offentlig tittel",
        validators=[Length(max=1000)],
        description="Tittelen med ordene som skal skjermes erstattet. Tom: «Unntatt offentlighet».",
    )
    exempt_until = DateField("Unntaket oppheves (dato)", validators=[Optional()])
    closed = BooleanField("Lukket behandling i møtet")
    closed_basis = SelectField("Hjemmel for lukket behandling", choices=[], validate_choice=False)


class BasisForm(GovernForm):
    """A new legal basis for the list."""

    text = StringField(
        "Ny skjermingshjemmel",
        validators=[DataRequired("Skriv hjemmelen, for eksempel «Offl. § 14»"), Length(max=300)],
    )
