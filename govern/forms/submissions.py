"""Forms for submitting a case (innmelding) and for the secretariat's answer."""

from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from govern.forms.agenda import TITLE_MAX
from govern.forms.base import GovernForm, SingleLine, choices, version_field
from govern.i18n import lazy_gettext as _l
from govern.models.cases import SAKSTYPE_LABELS
from govern.services.submission_rules import MAX_TEXT, SUBMITTED_SAKSTYPER
from govern.services.submissions import AcceptInput, FileInput, SubmissionInput

TEXT_MAX = Length(max=MAX_TEXT, message=_l("Teksten kan ha høyst %(max)s tegn", max=MAX_TEXT))
#: The sakstyper one may ask for, each with its label in the reader's language.
SAKSTYPE_CHOICES = [(s, SAKSTYPE_LABELS[s]) for s in SUBMITTED_SAKSTYPER]


class SubmissionForm(GovernForm):
    """Meld inn en sak."""

    title = TextAreaField(
        _l("Tittel"), validators=[DataRequired(_l("Skriv sakens tittel")), TITLE_MAX, SingleLine()]
    )
    sakstype = SelectField(
        _l("Ønsket sakstype"), choices=choices(SAKSTYPE_CHOICES), default="Drøfting"
    )
    summary = TextAreaField(_l("Sammendrag (hva saken gjelder)"), validators=[TEXT_MAX])
    proposed_decision = TextAreaField(_l("Forslag til vedtak"), validators=[TEXT_MAX])
    wanted_meeting_id = SelectField(_l("Ønsket møte"), coerce=int, default=0)
    files = MultipleFileField(
        _l("Vedlegg (PDF, Word, Excel eller PowerPoint, høyst 20 MB hver, 10 filer)")
    )

    def to_input(self) -> SubmissionInput:
        return SubmissionInput(
            title=(self.title.data or "").strip(),
            sakstype=self.sakstype.data,
            summary=self.summary.data or "",
            proposed_decision=self.proposed_decision.data or "",
            wanted_meeting_id=self.wanted_meeting_id.data or None,
        )

    def file_inputs(self, read) -> list[FileInput]:
        """The uploaded files, each read with `read` (at most one byte over the limit)."""
        uploads = [f for f in (self.files.data or []) if f and getattr(f, "filename", "")]
        return [FileInput(filename=f.filename, content=read(f)) for f in uploads]


class AcceptForm(GovernForm):
    """Sett på dagsordenen."""

    meeting_id = SelectField(_l("Møte"), coerce=int, default=0)
    sakstype = SelectField(_l("Sakstype"), choices=choices(SAKSTYPE_CHOICES))
    day = SelectField(
        _l("Dag"), coerce=int, choices=choices((n, _l("Dag %(n)s", n=n)) for n in range(1, 8))
    )
    version = version_field()

    def to_input(self) -> AcceptInput:
        return AcceptInput(
            meeting_id=self.meeting_id.data or 0,
            sakstype=self.sakstype.data,
            day=self.day.data or 1,
            version=self.version.data,
        )


class DeclineForm(GovernForm):
    """Avvis med begrunnelse."""

    reason = TextAreaField(
        _l("Begrunnelse (sendes til innsenderen)"),
        validators=[DataRequired(_l("Skriv hvorfor saken avvises")), TEXT_MAX],
    )
    version = version_field()
