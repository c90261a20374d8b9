"""Toppnotat: the memo of one case in one body, as the seed meeting pack lays it out.

A header block (Til, Dato, Saksnummer, Innretning, Sakseier, Saksbehandler), the title, then
Forslag til vedtak, Hensikt med saken, Bakgrunn, the free sections, Spørsmål til drøfting,
Videre saksprosess, and "Vedtak fra tidligere behandlinger i rådsmodellen": the case's
earlier treatments in this and other bodies, built from what is recorded, never retyped.
"""

from __future__ import annotations

from pathlib import Path

from govern.exports.docx_common import WordDocument
from govern.exports.versions import PUBLIC, Version
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.cases import Treatment, sakstype_label
from govern.presentation import HistoryRow
from govern.timeutil import short_date

#: In bokmål; the document has them in its language (history_heading, no_history).
HISTORY_HEADING = "Vedtak fra tidligere behandlinger i rådsmodellen"
NO_HISTORY = "Saken har ikke vært til behandling i rådsmodellen tidligere."
HISTORY_COLUMNS = (2.5, 3.3, 4.3, 6.5)


def history_heading() -> str:
    return _("Vedtak fra tidligere behandlinger i rådsmodellen")


def no_history() -> str:
    return _("Saken har ikke vært til behandling i rådsmodellen tidligere.")


def build_toppnotat(
    treatment: Treatment,
    history: list[HistoryRow],
    template: str | Path | None = None,
    version: Version = PUBLIC,
) -> bytes:
    """The treatment's toppnotat as a .docx, in the body's document language; `history` is
    the case's earlier treatments as the version shows them. The public version of a
    toppnotat whose content is held back (an exempt case, a closed item, an exempt toppnotat
    Vedlegg) has the header block, the public title and "Unntatt offentlighet, <basis>" only."""
    with use_language(treatment.body.document_language):
        return _build(treatment, history, template, version)


def _build(
    treatment: Treatment, history: list[HistoryRow], template: str | Path | None, version: Version
) -> bytes:
    body, case, memo = treatment.body, treatment.case, treatment.memo
    meeting = treatment.meeting
    word = WordDocument(
        template,
        _("%(body)s – Toppnotat", body=body.name),
        version=version.label,
        language=body.language_tag,
    )
    when = treatment.date
    word.facts(
        [
            (
                _("Til"),
                _("Møte %(number)s", number=meeting.number) if meeting else body.short_name,
            ),
            (_("Dato"), short_date(when) if when else ""),
            (_("Saksnummer"), treatment.number),
            (_("Innretning"), sakstype_label(treatment.sakstype)),
            (_("Sakseier"), case.sakseier),
            (_("Saksbehandler"), case.saksbehandler),
        ],
    )
    title = version.title(treatment)
    word.heading(title)
    held = held_back(treatment, version)
    if held:
        word.paragraph(held)
        stamp = meeting.updated_at if meeting else case.created_at
        return word.to_bytes(_document_title(treatment, title), body.name, case.created_at, stamp)
    sections = [(_("Forslag til vedtak"), treatment.proposed_decision)]
    if memo is not None:
        headings = _section_headings()
        sections += [(headings[k], getattr(memo, k)) for k in ("purpose", "background")]
        sections += [(s.heading, s.text) for s in memo.sections]
        sections += [(headings[k], getattr(memo, k)) for k in ("questions", "next_steps")]
    for heading, text in sections:
        if text and text.strip():
            word.heading(heading, 2)
            word.blocks(text)
    word.heading(history_heading(), 2)
    if history:
        header = (_("Saksnummer"), _("Utvalg og dato"), _("Tittel på sak"), _("Vedtak"))
        table = word.table(HISTORY_COLUMNS, header)
        for row in history:
            table.row(row.number, row.body_and_date, row.title, word.text_blocks(row.decision))
        word.add(table)
    else:
        word.paragraph(no_history())
    others = [a for a in treatment.attachments if a.source == "file"]
    if others:
        word.heading(_("Vedlegg"), 2)
        for attachment in others:
            word.paragraph(
                _(
                    "Vedlegg %(number)s: %(title)s",
                    number=attachment.number,
                    title=version.attachment_text(attachment),
                )
            )
    # Stamped with the last change to the memo (or the meeting), so output is reproducible.
    stamp = memo.updated_at if memo is not None else None
    stamp = stamp or (meeting.updated_at if meeting else case.created_at)
    return word.to_bytes(_document_title(treatment, title), body.name, case.created_at, stamp)


def _section_headings() -> dict[str, str]:
    """The fixed sections' headings (models.memos.FIXED_SECTIONS) in the current language."""
    return {
        "purpose": _("Hensikt med saken"),
        "background": _("Bakgrunn"),
        "questions": _("Spørsmål til drøfting"),
        "next_steps": _("Videre saksprosess"),
    }


def _document_title(treatment: Treatment, title: str) -> str:
    return _("Toppnotat %(number)s %(title)s", number=treatment.number, title=title)


def held_back(treatment: Treatment, version: Version) -> str | None:
    """What stands instead of the toppnotat's content in the version, or None: the
    treatment's content held back, or its toppnotat Vedlegg exempt on its own."""
    held = version.held(treatment)
    if held:
        return held
    for attachment in treatment.attachments:
        if attachment.source == "toppnotat" and not version.shows(attachment):
            return version.attachment_text(attachment)
    return None
