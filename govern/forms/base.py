"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in the reader's
language, and the one mapping of a service's refusal to a form field or a flash
(`show_refusal`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from flask import flash
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import HiddenInput

from govern.forms.builtin_messages import builtin_translations
from govern.i18n import gettext as _
from govern.services.errors import GovernError
from govern.text_rules import has_line_break

#: Where a refusal goes in a form: a field's name, or (form, error.field) -> the field.
Placement = str | Callable[[FlaskForm, str | None], Field | None] | None


class GovernForm(FlaskForm):
    """All forms derive from this, so built-in validation messages follow the reader's language."""

    class Meta:
        def get_translations(self, form):
            # WTForms' messages in the reader's language (govern.forms.builtin_messages).
            return builtin_translations()

    def validate(self, extra_validators=None) -> bool:
        """Validate as usual; then every single-line field (see `is_single_line`), nested
        ones too, refuses a line break with a message at the field."""
        valid = super().validate(extra_validators=extra_validators)
        for field in _fields(self):
            if is_single_line(field) and has_line_break(field.data):
                field.errors = [*field.errors, single_line_message(field)]
                valid = False
        return valid

    def refusal_field(self, name: str | None) -> Field | None:
        """The field a service's refusal about `name` belongs next to: the field of that
        name, or of that path ('days[1].end', 'sections[2].heading'); None if there is none.
        A form whose fields are named otherwise than the service's overrides this."""
        return field_at(self, name)


def field_at(form, path: str | None) -> Field | None:
    """The field at a path such as 'title' or 'days[1].end' in a form, or None."""
    target = form
    for name, index in re.findall(r"(\w+)(?:\[(\d+)\])?", path or ""):
        target = getattr(target, name, None)
        if isinstance(target, FieldList) and index:
            target = target[int(index)] if int(index) < len(target.entries) else None
        if target is None:
            return None
    if isinstance(target, Field) and not isinstance(target, FieldList | FormField):
        return target
    return None


def show_refusal(form: GovernForm | None, error: GovernError, at: Placement = None) -> None:
    """The one way a service's refusal reaches the user: next to the field of `form` it
    names (see `GovernForm.refusal_field`), else next to the field `at` names (or places),
    else above the form; without a form, as a flash."""
    if form is None:
        flash(error.message, "error")
        return
    several = getattr(error, "errors", None)  # a service that checks a whole form at once
    if isinstance(several, dict):
        for name, message in several.items():
            show_refusal(form, GovernError(message, field=name), at)
        return
    if callable(at):
        field = at(form, error.field)
    else:
        field = form.refusal_field(error.field)
        if field is None and at:
            field = form[at]
    if field is None:
        form.form_errors.append(error.message)
        return
    field.errors = [*field.errors, error.message]
    for rows in _lists_holding(form, field):  # a FieldList keeps its rows' errors as found
        rows.errors = [row.errors for row in rows.entries]


def _lists_holding(form, field: Field) -> list[FieldList]:
    found = []
    for candidate in form:
        if isinstance(candidate, FieldList):
            for entry in candidate.entries:
                inner = _fields(entry.form) if isinstance(entry, FormField) else [entry]
                if any(f is field for f in inner):
                    found.append(candidate)
    return found


class SingleLine:
    """Refuse line breaks in a field whose widget allows them (a title typed in a text area)."""

    def __call__(self, form, field) -> None:
        if has_line_break(field.data):
            raise ValidationError(single_line_message(field))


def single_line_message(field: Field) -> str:
    """The message for a line break in a single-line field."""
    return _("«%(label)s» kan ikke ha linjeskift. Skriv alt på én linje.", label=field.label.text)


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


def set_submitted(field: Field, value) -> None:
    """Set a field as if it had been submitted (hidden versions after a refused save)."""
    field.data = value
    field.raw_data = [] if value is None else [str(value)]


def reset_version(form: GovernForm, version: int | None, name: str = "version") -> None:
    """After a refused stale save the form carries the version now saved, so that saving
    again, having seen what the other person saved, is a deliberate choice."""
    form[name].raw_data = None
    form[name].data = version


def version_field() -> IntegerField:
    """The hidden version an edit form was opened with; a save on an older one is refused."""
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select or radio field."""
    return [SelectChoice(value, label) for value, label in pairs]
