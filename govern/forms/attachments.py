"""Forms of a meeting's attachments: add one, or upload its file later."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Length

from govern.forms.agenda import TITLE_MAX
from govern.forms.base import GovernForm
from govern.i18n import lazy_gettext as _l
from govern.services.attachments import SOURCE_LABELS, UploadInput


class AttachmentForm(GovernForm):
    source = RadioField(
        _l("Dokument"),
        choices=[SelectChoice(value, label) for value, label in SOURCE_LABELS.items()],
        default="file",
    )
    file = FileField(_l("Fil (PDF, Word, Excel eller PowerPoint, høyst 20 MB)"))
    title = StringField(_l("Tittel"), validators=[TITLE_MAX])
    number = StringField(
        _l("Vedleggsnummer"), validators=[Length(max=8, message=_l("Skriv f.eks. 6 eller 6A"))]
    )
    treatment_id = SelectField(_l("Hører til sak"), coerce=int, default=0)

    def to_input(self, content: bytes) -> UploadInput:
        return UploadInput(
            filename=self.file.data.filename if self.file.data else "",
            content=content,
            title=self.title.data or "",
            number=self.number.data or "",
            treatment_id=self.treatment_id.data or None,
            source=self.source.data or "file",
        )


class AttachmentFileForm(GovernForm):
    file = FileField(_l("Fil"))
