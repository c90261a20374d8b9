"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in bokmål."""

from __future__ import annotations

from collections.abc import Iterator

from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import HiddenInput

from govern.text_rules import has_line_break


class GovernForm(FlaskForm):
    """All forms derive from this, so built-in validation messages are Norwegian."""

    class Meta:
        locales = ("nb_NO", "nb")

        def get_translations(self, form):
            # WTForms ships bokmål translations; Flask-WTF's own i18n hook would need Babel.
            from wtforms.meta import DefaultMeta

            return DefaultMeta.get_translations(self, form)

    def validate(self, extra_validators=None) -> bool:
        """Validate as usual; then every single-line field (see `is_single_line`), nested
        ones too, refuses a line break with a message at the field."""
        valid = super().validate(extra_validators=extra_validators)
        for field in _fields(self):
            if is_single_line(field) and has_line_break(field.data):
                field.errors = [*field.errors, single_line_message(field)]
                valid = False
        return valid


class SingleLine:
    """Refuse line breaks in a field whose widget allows them (a title typed in a text area)."""

    def __call__(self, form, field) -> None:
        if has_line_break(field.data):
            raise ValidationError(single_line_message(field))


def single_line_message(field: Field) -> str:
    """The Norwegian message for a line break in a single-line field."""
    return f"«{field.label.text}» kan ikke ha linjeskift. Skriv alt på én linje."


def is_single_line(field: Field) -> bool:
    """Text inputs are single-line: names, titles, places, e-mail addresses and the like go
    into mail headers, file names and one-line cells, where a line break breaks them. Text
    areas are multi-line, unless they carry SingleLine; hidden fields carry what the page
    was opened with (a question's wording, say), not what a user typed."""
    if getattr(field.widget, "input_type", None) == "hidden":
        return False
    return isinstance(field, StringField) and not isinstance(field, TextAreaField)


def _fields(form) -> Iterator[Field]:
    for field in form:
        if isinstance(field, FormField):
            yield from _fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from _fields(entry.form) if isinstance(entry, FormField) else [entry]
        else:
            yield field


def version_field() -> IntegerField:
    """The hidden version an edit form was opened with; a save on an older one is refused."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select or radio field."""
    return [SelectChoice(value, label) for value, label in pairs]
