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
from govern.models.cases import Treatment
from govern.models.memos import FIXED_SECTIONS
from govern.presentation import HistoryRow
from govern.timeutil import short_date

HISTORY_HEADING = "Vedtak fra tidligere behandlinger i rådsmodellen"
NO_HISTORY = "Saken har ikke vært til behandling i rådsmodellen tidligere."
HISTORY_COLUMNS = (2.5, 3.3, 4.3, 6.5)


def build_toppnotat(
    treatment: Treatment,
    history: list[HistoryRow],
    template: str | Path | None = None,
    version: Version = PUBLIC,
) -> bytes:
    """The treatment's toppnotat as a .docx; `history` is the case's earlier treatments as
    the version shows them. The public version of a toppnotat whose content is held back
    (an exempt case, a closed item, an exempt toppnotat Vedlegg) has the header block, the
    public title and "Unntatt offentlighet, <basis>" only."""
    body, case, memo = treatment.body, treatment.case, treatment.memo
    meeting = treatment.meeting
    word = WordDocument(
        template, f"{body.name} – Toppnotat", version=version.label, language=body.language_tag
    )
    when = treatment.date
    word.facts(
        [
            ("Til", f"Møte {meeting.number}" if meeting else body.short_name),
            ("Dato", short_date(when) if when else ""),
            ("Saksnummer", treatment.number),
            ("Innretning", treatment.sakstype or ""),
            ("Sakseier", case.sakseier),
            ("Saksbehandler", case.saksbehandler),
        ],
    )
    title = version.title(treatment)
    word.heading(title)
    held = held_back(treatment, version)
    if held:
        word.paragraph(held)
        stamp = meeting.updated_at if meeting else case.created_at
        return word.to_bytes(
            f"Toppnotat {treatment.number} {title}", body.name, case.created_at, stamp
        )
    sections = [("Forslag til vedtak", treatment.proposed_decision)]
    if memo is not None:
        texts = {key: getattr(memo, key) for key, _ in FIXED_SECTIONS}
        headings = dict(FIXED_SECTIONS)
        sections += [(headings[k], texts[k]) for k in ("purpose", "background")]
        sections += [(s.heading, s.text) for s in memo.sections]
        sections += [(headings[k], texts[k]) for k in ("questions", "next_steps")]
    for heading, text in sections:
        if text and text.strip():
            word.heading(heading, 2)
            word.blocks(text)
    word.heading(HISTORY_HEADING, 2)
    if history:
        header = ("Saksnummer", "Utvalg og dato", "Tittel på sak", "Vedtak")
        table = word.table(HISTORY_COLUMNS, header)
        for row in history:
            table.row(row.number, row.body_and_date, row.title, word.text_blocks(row.decision))
        word.add(table)
    else:
        word.paragraph(NO_HISTORY)
    others = [a for a in treatment.attachments if a.source == "file"]
    if others:
        word.heading("Vedlegg", 2)
        for attachment in others:
            word.paragraph(f"Vedlegg {attachment.number}: {version.attachment_text(attachment)}")
    # Stamped with the last change to the memo (or the meeting), so output is reproducible.
    stamp = memo.updated_at if memo is not None else None
    stamp = stamp or (meeting.updated_at if meeting else case.created_at)
    return word.to_bytes(f"Toppnotat {treatment.number} {title}", body.name, case.created_at, stamp)


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
