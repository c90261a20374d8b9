"""Forms of the toppnotat editor: the written memo with its free sections, and an upload."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import Length

from govern.forms.base import GovernForm, version_field
from govern.i18n import lazy_gettext as _l
from govern.models.cases import Treatment
from govern.models.memos import FIXED_SECTIONS, SECTION_LABELS
from govern.services.memos import HEADING_LIMIT, MemoInput, SectionInput

TEXT_LIMIT = 50_000
#: How many free sections a memo may have (the seed's longest has nine).
MAX_SECTIONS = 40
LABELS = SECTION_LABELS
#: The buttons that rearrange the free sections without saving: name and value prefix.
SECTION_ACTION = "section_action"


def _text(label) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Length(max=TEXT_LIMIT, message=_l("Teksten kan ha høyst %(max)s tegn", max=TEXT_LIMIT))
        ],
    )


class SectionForm(Form):
    """One free section (no CSRF of its own: it lives inside MemoForm)."""

    class Meta:
        locales = ("nb_NO", "nb")

    heading = StringField(
        _l("Overskrift"),
        validators=[
            Length(
                max=HEADING_LIMIT,
                message=_l("Overskriften kan ha høyst %(max)s tegn", max=HEADING_LIMIT),
            )
        ],
    )
    text = _text(_l("Tekst"))


class MemoForm(GovernForm):
    version = version_field()
    memo_version = version_field()
    summary = _text(_l("Saksbeskrivelse i innkallingen"))
    proposed_decision = _text(_l("Forslag til vedtak"))
    purpose = _text(LABELS["purpose"])
    background = _text(LABELS["background"])
    sections = FieldList(FormField(SectionForm), min_entries=1, max_entries=MAX_SECTIONS)
    questions = _text(LABELS["questions"])
    next_steps = _text(LABELS["next_steps"])

    @staticmethod
    def values_of(t: Treatment) -> dict:
        """What is saved now: the treatment's texts and its memo, if it has one."""
        memo = t.memo
        values = {
            "version": t.version,
            "memo_version": memo.version if memo is not None else None,
            "summary": t.summary,
            "proposed_decision": t.proposed_decision,
        }
        if memo is not None:
            values |= {name: getattr(memo, name) for name, _label in FIXED_SECTIONS}
            values["sections"] = [{"heading": s.heading, "text": s.text} for s in memo.sections]
        return values

    def to_input(self) -> MemoInput:
        return MemoInput(
            version=self.version.data,
            memo_version=self.memo_version.data,
            summary=self.summary.data or "",
            proposed_decision=self.proposed_decision.data or "",
            purpose=self.purpose.data or "",
            background=self.background.data or "",
            sections=tuple(
                SectionInput(entry.heading.data or "", entry.text.data or "")
                for entry in self.sections
            ),
            questions=self.questions.data or "",
            next_steps=self.next_steps.data or "",
        )

    def rearranged(self, action: str) -> MemoForm:
        """The same form with its free sections changed by a button, nothing saved:
        'add' (an empty one at the end), 'up-2', 'down-2' or 'remove-2'."""
        data = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        sections = list(data["sections"])
        verb, _sep, index = action.partition("-")
        i = int(index) if index.isdigit() else -1
        if verb == "add" and len(sections) < MAX_SECTIONS:
            sections.append({"heading": "", "text": ""})
        elif verb == "remove" and 0 <= i < len(sections):
            del sections[i]
        elif verb == "up" and 0 < i < len(sections):
            sections[i - 1], sections[i] = sections[i], sections[i - 1]
        elif verb == "down" and 0 <= i < len(sections) - 1:
            sections[i], sections[i + 1] = sections[i + 1], sections[i]
        return MemoForm(formdata=None, data={**data, "sections": sections})


class MemoUploadForm(GovernForm):
    file = FileField(_l("Word-fil (.docx, høyst 20 MB)"))
