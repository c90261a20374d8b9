"""Login and password forms."""

from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from govern.forms.base import GovernForm


class LoginForm(GovernForm):
    email = EmailField(
        "E-postadresse", validators=[DataRequired("Skriv e-postadressen din"), Length(max=254)]
    )
    password = PasswordField(
        "Passord", validators=[DataRequired("Skriv passordet ditt"), Length(max=200)]
    )


class SetPasswordForm(GovernForm):
    password = PasswordField(
        "Nytt passord",
        validators=[
            DataRequired("Skriv et passord"),
            Length(min=10, max=200, message="Passordet må ha mellom 10 og 200 tegn"),
        ],
    )
    confirm = PasswordField(
        "Gjenta passordet",
        validators=[
            DataRequired("Gjenta passordet"),
            EqualTo("password", "Passordene er ikke like"),
        ],
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        "Passordet du har nå",
        validators=[DataRequired("Skriv passordet du har nå"), Length(max=200)],
    )
