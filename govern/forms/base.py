"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in bokmål."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput


class GovernForm(FlaskForm):
    """All forms derive from this, so built-in validation messages are Norwegian."""

    class Meta:
        locales = ("nb_NO", "nb")

        def get_translations(self, form):
            # WTForms ships bokmål translations; Flask-WTF's own i18n hook would need Babel.
            from wtforms.meta import DefaultMeta

            return DefaultMeta.get_translations(self, form)


def version_field() -> IntegerField:
    """The hidden version an edit form was opened with; a save on an older one is refused."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select or radio field."""
    return [SelectChoice(value, label) for value, label in pairs]
