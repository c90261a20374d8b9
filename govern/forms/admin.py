"""Forms of the administrator: accounts."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, SelectField
from wtforms.validators import DataRequired, Length

from govern.forms.base import GovernForm


class AccountForm(GovernForm):
    person_id = SelectField("Person", coerce=int, validators=[DataRequired("Velg en person")])
    email = EmailField(
        "E-postadresse (brukes ved innlogging)",
        validators=[DataRequired("Skriv e-postadressen"), Length(max=254)],
    )
    is_admin = BooleanField("Administrator (forvalter organer og kontoer)")
