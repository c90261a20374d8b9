"""Forms for openness (offentleglova): a case's exemption, a closed item, the Vedlegg's own
exemptions, and the administrator's list of legal bases."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from govern.forms.base import GovernForm
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext as _l

#: The value of "no basis chosen" in the basis selects.
NO_BASIS = ""


def basis_choices(texts: list[str], current: str | None = None) -> list[tuple[str, str]]:
    """The select's choices: none, then the active bases (and the one saved, if retired)."""
    choices = [(NO_BASIS, _("– velg hjemmel –")), *((t, t) for t in texts)]
    if current and current not in texts:
        choices.append((current, _("%(basis)s (ikke lenger i listen)", basis=current)))
    return choices


class CaseAccessForm(GovernForm):
    """The access of one case on a meeting's agenda: exempt from public access, closed."""

    exempt = BooleanField(_l("Unntatt offentlighet"))
    exempt_basis = SelectField(_l("Skjermingshjemmel"), choices=[], validate_choice=False)
    public_title = StringField(
        _l("Offentlig tittel"),
        validators=[Length(max=1000)],
        description=_l(
            "Tittelen med ordene som skal skjermes erstattet. Tom: «Unntatt offentlighet»."
        ),
    )
    exempt_until = DateField(_l("Unntaket oppheves (dato)"), validators=[Optional()])
    closed = BooleanField(_l("Lukket behandling i møtet"))
    closed_basis = SelectField(
        _l("Hjemmel for lukket behandling"), choices=[], validate_choice=False
    )


class BasisForm(GovernForm):
    """A new legal basis for the list."""

    text = StringField(
        _l("Ny skjermingshjemmel"),
        validators=[
            DataRequired(_l("Skriv hjemmelen, for eksempel «Offl. § 14»")),
            Length(max=300),
        ],
    )
