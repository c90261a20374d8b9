"""Annual-cycle deadlines as calendar events (RFC 5545): all-day, VALUE=DATE.

A deadline is one day; a fuzzy period or a span of dates is an all-day event over its days
(DTEND is the day after the last, as RFC 5545 3.6.1 has it for dates), named by its label
("3. kvartal") so no calendar shows a made-up exact date as the deadline. Deadlines do not
block time (TRANSP:TRANSPARENT). The UID names the entry and the occurrence, never the date,
so a deadline that moves with its meeting is updated in place. The texts are in the document
language of the cycle's body (bokmål for the shared cycles), with a LANGUAGE parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import icalendar

from govern.domain.cycle_plan import Occurrence
from govern.exports.ical_fold import component_bytes
from govern.i18n import DEFAULT_LANGUAGE, LANGUAGE_TAGS, use_language
from govern.i18n import gettext as _
from govern.text_rules import export_text

#: DTSTAMP when nothing was done to a deadline yet: fixed, so the same plan gives the same bytes.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _text(value: str) -> str:
    return export_text(value)


def _summary(occurrence: Occurrence) -> str:
    """'Frist: Leveranseplan', 'Veikart godkjennes (3. kvartal)', 'Utført: …'."""
    title = occurrence.title or occurrence.entry.title
    if occurrence.fuzzy:
        title = f"{title} ({occurrence.when})"
    if occurrence.done_at is not None:
        return _("Utført: %(title)s", title=title)
    return title if occurrence.fuzzy else _("Frist: %(title)s", title=title)


def _description(occurrence: Occurrence, link: str | None) -> str:
    entry = occurrence.entry
    lines = [_("Når: %(when)s", when=occurrence.when)]
    if entry.responsible:
        lines.append(_("Ansvarlig: %(name)s", name=entry.responsible))
    if entry.recipient:
        lines.append(_("Til: %(name)s", name=entry.recipient))
    if entry.description:
        lines += ["", entry.description]
    if link:
        lines += ["", link]
    return _text("\n".join(lines))


def occurrence_language(occurrence: Occurrence) -> str:
    """The language of a deadline's texts: its cycle's body's document language, or bokmål
    for a shared cycle."""
    cycle = getattr(occurrence.entry, "cycle", None)
    body = getattr(cycle, "body", None)
    return getattr(body, "document_language", None) or DEFAULT_LANGUAGE


def deadline_event(occurrence: Occurrence, link: str | None = None) -> icalendar.Event:
    """One occurrence of an annual-cycle entry as an all-day VEVENT."""
    language = occurrence_language(occurrence)
    with use_language(language):
        summary = _text(_summary(occurrence))
        description = _description(occurrence, link)
        category = _("Årshjul")
    parameters = {"LANGUAGE": LANGUAGE_TAGS[language]}
    event = icalendar.Event()
    event.add("uid", occurrence.uid)
    stamp = occurrence.done_at or _EPOCH
    event.add("dtstamp", stamp.astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", occurrence.starts_on)
    event.add("dtend", occurrence.ends_on + timedelta(days=1))
    event.add("summary", summary, parameters=parameters)
    event.add("description", description, parameters=parameters)
    if link:
        event.add("url", link)
    event.add("categories", [category], parameters=parameters)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def deadline_chunks(
    occurrences: Iterable[Occurrence], link: Callable[[Occurrence], str | None]
) -> list[bytes]:
    """The occurrences' events as folded bytes, in the order given."""
    return [component_bytes(deadline_event(o, link(o))) for o in occurrences]
