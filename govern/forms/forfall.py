"""Forms of forfall and of answering an invitation."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from govern.forms.base import GovernForm, choices
from govern.i18n import lazy_gettext as _l

#: "Nobody" in a select of people.
NONE = 0


class ForfallForm(GovernForm):
    """A member's forfall: some days (none ticked: all), and a note to the secretariat."""

    days = SelectMultipleField(
        _l("Bare disse dagene"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Merknad til sekretariatet (valgfri)"),
        validators=[Optional(), Length(max=2000, message=_l("Merknaden kan være høyst 2000 tegn"))],
    )

    def set_days(self, count: int) -> None:
        self.days.choices = choices([(n, _l("Dag %(n)s", n=n)) for n in range(1, count + 1)])


class SubstituteForm(GovernForm):
    """The secretariat calls in another vara for a forfall."""

    vara = SelectField(_l("Kall inn"), coerce=int, default=NONE)

    def set_people(self, people: list[tuple[int, str]]) -> None:
        self.vara.choices = choices([(NONE, _l("– ingen vara –")), *people])


class ConfirmForm(GovernForm):
    """A button that carries only the CSRF token."""
