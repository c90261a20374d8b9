"""Forms of the administrator: accounts."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, SelectField
from wtforms.validators import DataRequired, Length

from govern.forms.base import GovernForm
from govern.i18n import lazy_gettext as _l


class AccountForm(GovernForm):
    person_id = SelectField(
        _l("Person"), coerce=int, validators=[DataRequired(_l("Velg en person"))]
    )
    email = EmailField(
        _l("E-postadresse (brukes ved innlogging)"),
        validators=[DataRequired(_l("Skriv e-postadressen")), Length(max=254)],
    )
    is_admin = BooleanField(_l("Administrator (forvalter organer og kontoer)"))
