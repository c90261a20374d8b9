"""Vedlegg n of a meeting: numbers and references to files, toppnotater and referater."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.i18n import lazy_gettext
from govern.models.cases import Treatment
from govern.models.meetings import ATTACHMENT_SOURCES, Attachment, Meeting
from govern.services.errors import Conflict, InvalidInput

ATTACHMENT_RE_HELP = lazy_gettext("skriv f.eks. 6 eller 6A")


def parse_attachment_number(text: str, field: str = "number") -> tuple[int, str]:
    """'6A' -> (6, 'A')."""
    text = (text or "").strip().upper()
    digits = text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    suffix = text[len(digits) :]
    if not digits.isdigit() or int(digits) < 1 or len(suffix) > 2:
        raise InvalidInput(
            _(
                "«%(text)s» er ikke et gyldig vedleggsnummer (%(help)s)",
                text=text,
                help=ATTACHMENT_RE_HELP,
            ),
            field=field,
        )
    return int(digits), suffix


def add_attachment_reference(
    session: Session,
    meeting: Meeting,
    treatment: Treatment | None,
    number: str,
    title: str,
    *,
    source: str = "file",
) -> Attachment:
    """Register Vedlegg n of a meeting: a file that may follow later, or (source) the
    treatment's toppnotat or the previous meeting's referat, which govern builds."""
    seq, suffix = parse_attachment_number(number)
    if source not in ATTACHMENT_SOURCES:
        raise InvalidInput(
            _("Dokumentet må være en fil, toppnotatet eller referatet"), field="source"
        )
    if source == "toppnotat" and treatment is None:
        raise InvalidInput(_("Velg saken toppnotatet hører til"), field="treatment_id")
    if source == "toppnotat" and any(
        a.source == "toppnotat" and a.treatment_id == treatment.id for a in treatment.attachments
    ):
        raise Conflict(
            _("Toppnotatet for sak %(number)s er allerede et vedlegg", number=treatment.number),
            field="source",
        )
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Vedlegget må ha en tittel"), field="title")
    taken = session.scalar(
        select(Attachment.id).where(
            Attachment.meeting_id == meeting.id, Attachment.seq == seq, Attachment.suffix == suffix
        )
    )
    if taken:
        number = f"{seq}{suffix}"
        raise Conflict(
            _("Vedlegg %(number)s finnes allerede i møtet", number=number),
            field="number",
        )
    attachment = Attachment(
        meeting=meeting, treatment=treatment, seq=seq, suffix=suffix, title=title, source=source
    )
    session.add(attachment)
    session.flush()
    return attachment
