"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in bokmål."""

from __future__ import annotations

from flask_wtf import FlaskForm


class GovernForm(FlaskForm):
    """All forms derive from this, so built-in validation messages are Norwegian."""

    class Meta:
        locales = ("nb_NO", "nb")

        def get_translations(self, form):
            # WTForms ships bokmål translations; Flask-WTF's own i18n hook would need Babel.
            from wtforms.meta import DefaultMeta

            return DefaultMeta.get_translations(self, form)
