"""Referat: the minutes of a meeting, as the seed meeting pack lays them out.

A header table (Møte, Dato, Tid, Sted, members present in two columns, Ikke til stede with
"– dag 1" for a partial absence, Stedfortreder, the secretariat's staff), the agenda table
Saksnr. | Tittel på sak | Sakstype with day rows, then per day and case: what was presented
and by whom, **Innspill:** as bullets, and **Vedtak:**. A draft says UTKAST in its header.
Under the header, whether a body with a quorum rule was beslutningsdyktig; under a case's
title, who left it as inhabil (decided recusals).
"""

from __future__ import annotations

from pathlib import Path

from govern.domain.quorum import quorum_of
from govern.exports.docx_common import WordDocument, sakstype_column
from govern.exports.versions import PUBLIC, Version
from govern.i18n import gettext as _
from govern.i18n import lazy_gettext, use_language
from govern.models.cases import Treatment
from govern.models.meetings import Meeting
from govern.presentation import (
    AgendaDay,
    active_members,
    agenda_days,
    attendance_lists,
    meeting_dates,
    meeting_times,
    revision_note,
)

AGENDA_COLUMNS = (1.8, 11.6, 3.2)
CASE_COLUMNS = (1.8, 14.8)
NOTHING_UNDER_EVENTUELT = lazy_gettext("Det kom ingen saker til eventuelt.")
#: Meeting statuses in which the meeting has been held.
HELD = ("gjennomført", "referat godkjent")


def build_referat(
    meeting: Meeting, template: str | Path | None = None, version: Version = PUBLIC
) -> bytes:
    """The meeting's referat as a .docx (UTKAST in the header until it is sent), in the
    given version (public: an exempt case's or a closed item's content is held back), in
    the body's document language."""
    with use_language(meeting.body.document_language):
        return _build(meeting, template, version)


def _build(meeting: Meeting, template: str | Path | None, version: Version) -> bytes:
    body = meeting.body
    title = _("Referat fra møte i %(body)s %(number)s", body=body.short_name, number=meeting.number)
    word = WordDocument(
        template,
        _("%(body)s – Referat", body=body.name),
        draft=meeting.minutes_status == "utkast",
        version=version.label,
        language=body.language_tag,
    )
    word.heading(title)
    word.facts(_header_rows(meeting))
    held = meeting.status in HELD
    quorum = quorum_of(meeting) if held else None
    if quorum is not None:
        word.paragraph(quorum.sentence)
    word.agenda_and_days(
        agenda_days(meeting, version.title),
        _agenda_table,
        lambda w, day: _day_minutes(w, day, held, version),
    )
    for revision in meeting.minutes_revisions:
        word.paragraph(revision_note(revision))
    return word.to_bytes(title, body.name, meeting.created_at, meeting.updated_at)


def _header_rows(meeting: Meeting) -> list[tuple[str, str | list[str]]]:
    lists = attendance_lists(meeting)
    present = lists.present or [
        m.person.label for m in active_members(meeting.body, meeting.first_date)
    ]
    rows: list[tuple[str, str | list[str]]] = [
        (_("Møte"), meeting.body.title),
        (_("Dato"), meeting_dates(meeting)),
        (_("Tid"), meeting_times(meeting)),
        (_("Sted"), meeting.location),
        (_("Medlemmer"), present),
    ]
    if lists.absent:
        rows.append((_("Ikke til stede"), lists.absent))
    if lists.deputies:
        rows.append((_("Stedfortreder"), "\n".join(lists.deputies)))
    if lists.staff:
        rows.append((lists.staff_label, "\n".join(lists.staff)))
    return rows


def _agenda_table(word: WordDocument, days: list[AgendaDay]) -> None:
    table = word.table(AGENDA_COLUMNS, (_("Saksnr."), _("Tittel på sak"), _("Sakstype")))
    for day in days:
        if len(days) > 1:
            table.row("", _("Dag %(number)s", number=day.number), bold=True)
        for row in day.rows:
            if row.kind == "case":
                table.row(row.number, row.title, sakstype_column(row.sakstype))
    word.add(table)


def _day_minutes(word: WordDocument, day: AgendaDay, held: bool, version: Version) -> None:
    table = word.table(CASE_COLUMNS, (_("Sak"), day.heading))
    for row in day.rows:
        if row.kind != "case":
            continue
        t = row.item.treatment
        table.row(t.number, version.title(t), bold=True, keep=True)
        for recusal in t.recusals:
            if recusal.status == "inhabil":  # decided by the secretariat
                table.row("", [word.para((recusal.minutes_sentence, False))])
        held_back = version.held(t)
        if held_back:
            table.row("", [word.para((held_back, False))])
            continue
        told = _case_minutes(word, t, held)
        if told:
            table.row("", told)
        if t.decision.strip():
            table.row("", word.labelled_blocks(_("Vedtak:"), t.decision))
    word.add(table)


def _case_minutes(word: WordDocument, t: Treatment, held: bool) -> list[str]:
    """What was presented and by whom, then the innspill."""
    told = t.presentation or t.summary
    if held and t.sakstype == "Eventuelt" and not (t.presentation or t.inputs or t.decision):
        told = str(NOTHING_UNDER_EVENTUELT)
    out = []
    if t.presenter and t.presenter.split(",")[0].lower() not in told.lower():
        out.append(word.para((_("Innleder: %(name)s", name=t.presenter), False)))
    out += word.text_blocks(told)
    if t.inputs:
        out += word.inputs([i.text for i in t.inputs])
    return out
