"""Innkalling og dagsorden: the notice of a meeting with its agenda and case descriptions.

Laid out as the seed meeting pack: a header table (Møte, Dato, Tid, Sted, Medlemmer in two
columns), the agenda table Sak | Agenda | Tidspunkt | Sakstype with day rows, then each day
("Onsdag 29. april 2026") with every case: number, title, sakstype, the summary, its Vedlegg
and the Forslag til vedtak.
"""

from __future__ import annotations

from pathlib import Path

from govern.exports.docx_common import WordDocument, sakstype_column
from govern.exports.versions import PUBLIC, Version
from govern.i18n import gettext as _
from govern.i18n import use_language
from govern.models.meetings import Meeting
from govern.presentation import (
    AgendaDay,
    active_members,
    agenda_days,
    meeting_dates,
    meeting_times,
)
from govern.timeutil import agenda_clock

#: Column widths (cm) of the agenda table and of the per-day case tables.
AGENDA_COLUMNS = (1.6, 9.4, 2.5, 3.1)
CASE_COLUMNS = (1.6, 9.8, 5.2)


def build_innkalling(
    meeting: Meeting, template: str | Path | None = None, version: Version = PUBLIC
) -> bytes:
    """The meeting's innkalling og dagsorden as a .docx, in the given version (public: what
    is exempt or closed is held back, see exports.versions), in the body's document language."""
    with use_language(meeting.body.document_language):
        return _build(meeting, template, version)


def _build(meeting: Meeting, template: str | Path | None, version: Version) -> bytes:
    body = meeting.body
    word = WordDocument(
        template,
        _("%(body)s – Innkalling og dagsorden", body=body.name),
        version=version.label,
        language=body.language_tag,
    )
    word.heading(meeting.title)
    members = [m.person.label for m in active_members(body, meeting.first_date)]
    word.facts(
        [
            (_("Møte"), body.title),
            (_("Dato"), meeting_dates(meeting)),
            (_("Tid"), meeting_times(meeting)),
            (_("Sted"), meeting.location),
            (_("Medlemmer"), members),
        ]
    )
    word.agenda_and_days(
        agenda_days(meeting, version.title),
        _agenda_table,
        lambda w, day: _day_cases(w, day, version),
    )
    return word.to_bytes(
        _("Innkalling og dagsorden – %(meeting)s", meeting=meeting.title),
        body.name,
        meeting.created_at,
        meeting.updated_at,
    )


def _agenda_table(word: WordDocument, days: list[AgendaDay]) -> None:
    table = word.table(AGENDA_COLUMNS, (_("Sak"), _("Agenda"), _("Tidspunkt"), _("Sakstype")))
    for day in days:
        if len(days) > 1:
            table.row("", _("Dag %(number)s", number=day.number), bold=True)
        for row in day.rows:
            # A sub-point's time shows only when set by hand; otherwise it is its case's time.
            shown = row.kind != "point" or row.slot.by_hand
            at = agenda_clock(row.start_time) if shown else ""
            if row.kind in ("break", "heading"):
                table.row("", row.title, at, bold=True)
            else:
                table.row(row.number, row.title, at, sakstype_column(row.sakstype))
        if not any(_is_day_end(row.kind, row.title) for row in day.rows):
            table.row("", _day_end(day), agenda_clock(day.day.end_time), bold=True)
    word.add(table)


def _day_end(day: AgendaDay) -> str:
    return _("Slutt dag %(number)s", number=day.number)


def _is_day_end(kind: str, title: str) -> bool:
    """A break the secretariat put in to mark the end of the day ("Slutt dag 1", "Slutt")."""
    return kind == "break" and title.strip().lower().startswith(("slutt", "møteslutt"))


def _day_cases(word: WordDocument, day: AgendaDay, version: Version) -> None:
    """One day's cases in detail, between "Start dag n" and "Slutt dag n"."""
    table = word.table(CASE_COLUMNS, (_("Sak"), day.heading, _("Sakstype")))
    start = agenda_clock(day.day.start_time)
    table.row("", _("Start dag %(number)s", number=day.number), start, bold=True, keep=True)
    for row in day.rows:
        if row.kind != "case":
            continue
        t = row.item.treatment
        table.row(t.number, version.title(t), sakstype_column(t.sakstype), bold=True, keep=True)
        held = version.held(t)
        if held:
            table.row("", [word.para((held, False))])
            continue
        refs = [
            word.para(
                (_("Vedlegg %(number)s:", number=a.number), True),
                (" " + version.attachment_text(a), False),
            )
            for a in t.attachments
        ]
        if t.summary.strip() or refs:
            table.row("", word.text_blocks(t.summary), refs)
        if t.proposed_decision.strip():
            table.row("", word.labelled_blocks(_("Forslag til vedtak:"), t.proposed_decision))
    table.row("", _day_end(day), agenda_clock(day.day.end_time), bold=True)
    word.add(table)
