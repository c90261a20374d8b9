"""Forms of habilitet: a member declares inhabilitet, the secretariat decides or records it."""

from __future__ import annotations

from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from govern.forms.base import GovernForm, choices
from govern.models.recusals import RECUSAL_BASES
from govern.services.recusals import MAX_TEXT, RecusalInput

#: The value of "nobody chosen" in the select of members.
NONE = 0


def _basis_field() -> SelectField:
    return SelectField(
        "Grunnlag",
        choices=choices([("", "Velg grunnlag"), *RECUSAL_BASES.items()]),
        default="",
        validators=[DataRequired("Velg grunnlaget for inhabiliteten (fvl. § 6)")],
    )


class DeclareRecusalForm(GovernForm):
    """The member's own declaration."""

    basis = _basis_field()
    reason = TextAreaField("Begrunnelse", validators=[Optional(), Length(max=MAX_TEXT)])

    def to_input(self) -> RecusalInput:
        return RecusalInput(self.basis.data or "", self.reason.data or "")


class RecordRecusalForm(DeclareRecusalForm):
    """The secretariat records directly that a member is inhabil."""

    person_id = SelectField("Medlem", coerce=int, default=NONE)


class DecideRecusalForm(GovernForm):
    """The secretariat's decision on a declaration."""

    recusal_id = IntegerField(widget=HiddenInput())
    decision = RadioField(
        "Avgjørelse",
        choices=choices([("inhabil", "Inhabil – fratrer under saken"), ("habil", "Habil")]),
        validators=[DataRequired("Velg om medlemmet er inhabilt eller habilt")],
    )
    note = TextAreaField("Merknad", validators=[Optional(), Length(max=MAX_TEXT)])
