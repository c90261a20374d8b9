"""Login and password forms."""

from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from govern.forms.base import GovernForm
from govern.i18n import lazy_gettext as _l


class LoginForm(GovernForm):
    email = EmailField(
        _l("E-postadresse"),
        validators=[DataRequired(_l("Skriv e-postadressen din")), Length(max=254)],
    )
    password = PasswordField(
        _l("Passord"), validators=[DataRequired(_l("Skriv passordet ditt")), Length(max=200)]
    )


class SetPasswordForm(GovernForm):
    password = PasswordField(
        _l("Nytt passord"),
        validators=[
            DataRequired(_l("Skriv et passord")),
            Length(min=10, max=200, message=_l("Passordet må ha mellom 10 og 200 tegn")),
        ],
    )
    confirm = PasswordField(
        _l("Gjenta passordet"),
        validators=[
            DataRequired(_l("Gjenta passordet")),
            EqualTo("password", _l("Passordene er ikke like")),
        ],
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        _l("Passordet du har nå"),
        validators=[DataRequired(_l("Skriv passordet du har nå")), Length(max=200)],
    )
