"""Forms of habilitet: a member declares inhabilitet, the secretariat decides or records it."""

from __future__ import annotations

from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from govern.forms.base import GovernForm, choices
from govern.i18n import lazy_gettext as _l
from govern.models.recusals import RECUSAL_BASES
from govern.services.recusals import MAX_TEXT, RecusalInput

#: The value of "nobody chosen" in the select of members.
NONE = 0


def _basis_field(id: str | None = None) -> SelectField:
    return SelectField(
        _l("Grunnlag"),
        id=id,
        choices=choices([("", _l("Velg grunnlag")), *RECUSAL_BASES.items()]),
        default="",
        validators=[DataRequired(_l("Velg grunnlaget for inhabiliteten (fvl. § 6)"))],
    )


class DeclareRecusalForm(GovernForm):
    """The member's own declaration."""

    basis = _basis_field()
    reason = TextAreaField(_l("Begrunnelse"), validators=[Optional(), Length(max=MAX_TEXT)])

    def to_input(self) -> RecusalInput:
        return RecusalInput(self.basis.data or "", self.reason.data or "")


class RecordRecusalForm(DeclareRecusalForm):
    """The secretariat records directly that a member is inhabil."""

    person_id = SelectField(_l("Medlem"), coerce=int, default=NONE)
    # Both forms can be on the page at once: ids of their own (names unchanged).
    basis = _basis_field(id="record-basis")
    reason = TextAreaField(
        _l("Begrunnelse"), id="record-reason", validators=[Optional(), Length(max=MAX_TEXT)]
    )


class DecideRecusalForm(GovernForm):
    """The secretariat's decision on a declaration."""

    recusal_id = IntegerField(widget=HiddenInput())
    decision = RadioField(
        _l("Avgjørelse"),
        choices=choices([("inhabil", _l("Inhabil – fratrer under saken")), ("habil", _l("Habil"))]),
        validators=[DataRequired(_l("Velg om medlemmet er inhabilt eller habilt"))],
    )
    note = TextAreaField(_l("Merknad"), validators=[Optional(), Length(max=MAX_TEXT)])
