"""The two versions of every Word document: public (offentlig) and internal (intern).

The public version is what anybody may read (govern.openness asked for a visitor): an exempt
case shows its public title and "Unntatt offentlighet, <basis>" instead of its summary,
forslag til vedtak, memo, innspill and vedtak; a closed item shows "Lukket behandling,
<basis>" instead of its content; an exempt Vedlegg is neither listed by name nor included.
The internal version holds everything. Each document says in its page header which version
it is. Which version a reader gets is decided here too (version_for_meeting,
version_for_treatment): the internal one only when nothing in it is held back from them and
they are one the version is meant for (a member or the secretariat of the body, an
administrator, an owner of a case in it); everybody else gets the public one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from govern import openness
from govern.i18n import gettext as _
from govern.models.cases import Treatment
from govern.models.meetings import Attachment, Meeting
from govern.policy import READER_ROLES, is_admin, is_logged_in, roles_in

#: The labels in bokmål (`Version.label` gives them in the current language).
PUBLIC_LABEL = "Offentlig versjon"
INTERNAL_LABEL = "Intern versjon – unntatt offentlighet"
#: The values of the documents' ?versjon= parameter.
NAMES = {"offentlig": True, "intern": False}


@dataclass(frozen=True)
class Version:
    """One version of the documents; `public` decides what is held back."""

    public: bool

    @property
    def name(self) -> str:
        return "offentlig" if self.public else "intern"

    @property
    def label(self) -> str:
        """'Offentlig versjon' or 'Intern versjon – unntatt offentlighet' (PUBLIC_LABEL,
        INTERNAL_LABEL) in the current language."""
        if self.public:
            return _("Offentlig versjon")
        return _("Intern versjon – unntatt offentlighet")

    def title(self, target) -> str:
        """A case's or a treatment's title in this version (the public title of an exempt
        case in the public version)."""
        if self.public:
            return openness.shown_title(None, target)
        return target.display_title if isinstance(target, Treatment) else target.title

    def held(self, treatment: Treatment) -> str | None:
        """What stands instead of the treatment's content, or None when it is shown."""
        return openness.held_back_text(None, treatment) if self.public else None

    def shows(self, attachment: Attachment) -> bool:
        """Whether the Vedlegg is listed by name and included in this version."""
        return not self.public or openness.may_see_attachment(None, attachment)

    def attachment_text(self, attachment: Attachment) -> str:
        """The Vedlegg's title, or what stands instead of it in this version."""
        if self.shows(attachment):
            return attachment.title
        if attachment.exempt_basis:
            return openness.exemption_text(attachment.exempt_basis)
        return self.held(attachment.treatment) or openness.DEFAULT_PUBLIC_TITLE


PUBLIC = Version(public=True)
INTERNAL = Version(public=False)


def by_name(name: str | None) -> Version | None:
    """The version a ?versjon= value names, or None for anything else."""
    public = NAMES.get((name or "").strip().lower())
    return None if public is None else Version(public)


def _insider_of_meeting(reader, meeting: Meeting, on: date | None) -> bool:
    if is_admin(reader):
        return True
    if roles_in(reader, meeting.body, on) & READER_ROLES:
        return True
    person_id = reader.person_id
    return any(
        i.treatment is not None
        and person_id in (i.treatment.case.sakseier_id, i.treatment.case.saksbehandler_id)
        for i in meeting.items
    )


def version_for_meeting(reader, meeting: Meeting, on: date | None = None) -> Version:
    """The version of the meeting's innkalling, referat and pack the reader gets: internal
    for the body's members and secretariat, administrators and owners of a case on the
    agenda, when nothing of the meeting is held back from them; else public."""
    if not is_logged_in(reader) or not _insider_of_meeting(reader, meeting, on):
        return PUBLIC
    treatments = [i.treatment for i in meeting.items if i.treatment is not None]
    if not all(openness.may_see_treatment(reader, t, on) for t in treatments):
        return PUBLIC
    if not all(openness.may_see_attachment(reader, a, on) for a in meeting.attachments):
        return PUBLIC
    return INTERNAL


def version_for_treatment(reader, treatment: Treatment, on: date | None = None) -> Version:
    """The version of a treatment's toppnotat the reader gets: internal for those who see
    the case's internal content as insiders (openness.is_case_insider) or are readers of
    the treatment's body, when the treatment and its Vedlegg are not held back from them."""
    if not is_logged_in(reader):
        return PUBLIC
    insider = openness.is_case_insider(reader, treatment.case, on) or bool(
        roles_in(reader, treatment.body, on) & READER_ROLES
    )
    if not insider or not openness.may_see_treatment(reader, treatment, on):
        return PUBLIC
    if not all(openness.may_see_attachment(reader, a, on) for a in treatment.attachments):
        return PUBLIC
    return INTERNAL


@dataclass(frozen=True)
class Withheld:
    """One thing of a meeting the public version holds back, for the secretariat's pages."""

    label: str
    title: str
    #: "Unntatt offentlighet, <basis>" or "Lukket behandling, <basis>".
    text: str
    #: What the public version shows instead of the title (an exempt case's public title).
    public_title: str = ""


def withheld(meeting: Meeting, on: date | None = None) -> list[Withheld]:
    """What the public version of the meeting's documents holds back: exempt cases, closed
    items and exempt Vedlegg, in agenda order."""
    out = []
    for item in meeting.items:
        t = item.treatment
        if t is None:
            continue
        if openness.is_exempt(t.case, on):
            text = openness.exemption_text(t.case.exempt_basis)
            out.append(Withheld(t.number, t.display_title, text, openness.public_title(t.case)))
        if t.closed_basis:
            out.append(Withheld(t.number, t.display_title, openness.closed_text(t.closed_basis)))
    for a in meeting.attachments:
        if a.exempt_basis:
            text = openness.exemption_text(a.exempt_basis)
            out.append(Withheld(_("Vedlegg %(number)s", number=a.number), a.title, text))
    return out
