"""The `cycles` section of the exchange format: annual cycles (årshjul) and their entries.

Entries are created through govern.services.cycles, so the file meets the same rules as the
pages (31 February, week 54, a period that ends before it begins). An entry may be counted
from an entry listed later in the file: entries are created in dependency order and then put
back in the file's order. See docs/exchange-format.md.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from govern.i18n import gettext as _
from govern.models.cycles import (
    COMPLETING_ACTIONS,
    MEETING_ANCHORS,
    PERIOD_UNITS,
    Cycle,
    CycleEntry,
)
from govern.models.meetings import Meeting
from govern.services import cycles
from govern.services.errors import GovernError
from govern.services.exchange_reader import ExchangeError, ImportContext, Node

CYCLE_KEYS = {"slug", "name", "description", "body", "entries"}
ENTRY_KEYS = {
    "key", "title", "responsible", "recipient", "description", "when", "reminder", "done",
}  # fmt: skip
REMINDER_KEYS = {"days_before", "role", "person"}
DONE_KEYS = {"occurrence", "by", "at"}
#: The ways of saying when, and the keys each allows.
WHEN_FORMS = {
    "date": {"date"},
    "span": {"span"},
    "period": {"period", "from", "to"},
    "meeting": {"meeting", "offset_days", "completed_by"},
    "entry": {"entry", "offset_days"},
}
DAY_RE = re.compile(r"^(\d{2})-(\d{2})$")


class _Entry:
    """One entry of the file, read but not yet created."""

    def __init__(self, node: Node, key: str, data: dict, target: str | None) -> None:
        self.node, self.key, self.data, self.target = node, key, data, target
        self.title = data["title"]


def import_cycles(importer: ImportContext, root: Node) -> int:
    """Create the file's cycles with their entries; returns how many cycles."""
    nodes = root.items("cycles", CYCLE_KEYS)
    for node in nodes:
        _cycle(importer, node)
    return len(nodes)


def _cycle(importer: ImportContext, node: Node) -> None:
    body = importer.body_ref(node, "body") if node.has("body") else None
    data = cycles.CycleInput(
        name=node.text("name"),
        slug=node.text("slug", required=False),
        description=node.text("description", required=False),
    )
    entries = [_read_entry(importer, e) for e in node.items("entries", ENTRY_KEYS)]
    by_key = _check_keys(entries)
    order = _dependency_order(entries, by_key)
    cycle = importer.call(node, cycles.create_cycle, importer.session, data, body)
    created: dict[int, CycleEntry] = {}
    for index in order:
        item = entries[index]
        relative = created[id(by_key[item.target])].id if item.target else None
        entry_data = cycles.EntryInput(**item.data, relative_to_id=relative)
        try:
            entry = cycles.add_entry(importer.session, cycle, entry_data)
        except GovernError as error:
            raise _placed(error, item, cycle) from None
        created[id(item)] = entry
    for item in entries:
        _done(importer, item, created[id(item)], cycle)
    # Created in dependency order; shown in the file's order.
    for position, item in enumerate(entries, start=1):
        created[id(item)].position = position
    importer.session.flush()
    importer.session.expire(cycle, ["entries"])  # loaded in creation order


#: Where a service's field is written in the file, relative to the entry.
FIELD_PLACES = {
    "day": "when.date",
    "end_day": "when.span[1]",
    "period_unit": "when.period",
    "period_start": "when.from",
    "period_end": "when.to",
    "offset_days": "when.offset_days",
    "meeting_anchor": "when.meeting",
    "completed_by": "when.completed_by",
    "when_kind": "when",
    "relative_to_id": "when.entry",
    "reminder_days": "reminder.days_before",
    "reminder_role": "reminder.role",
    "reminder_person_id": "reminder.person",
}


def _placed(error: GovernError, item: _Entry, cycle: Cycle) -> ExchangeError:
    """A service's error at its place in the file, naming the entry and its cycle."""
    place = FIELD_PLACES.get(error.field or "", error.field)
    if place == "when.date" and item.data["when_kind"] == "span":
        place = "when.span[0]"
    return ExchangeError(
        _(
            "%(problem)s (fristen «%(entry)s» i årshjulet «%(cycle)s»)",
            problem=error.message,
            entry=item.title,
            cycle=cycle.name,
        ),
        field=item.node.where(place) if place else item.node.path,
    )


def _read_entry(importer: ImportContext, node: Node) -> _Entry:
    data = {
        "title": node.text("title"),
        "responsible": node.text("responsible", required=False),
        "recipient": node.text("recipient", required=False),
        "description": node.text("description", required=False),
    }
    if "when" not in node.value:
        raise ExchangeError(_("mangler"), field=node.where("when"))
    kind, when = _when_node(node)
    target = None
    if kind in ("date", "span"):
        days = [when.text("date")] if kind == "date" else _span(when)
        places = ["date"] if kind == "date" else ["span[0]", "span[1]"]
        (data["month"], data["day"]), *rest = [
            _day(text, when.where(place)) for text, place in zip(days, places, strict=True)
        ]
        if rest:
            data["end_month"], data["end_day"] = rest[0]
    elif kind == "period":
        unit = when.text("period")
        if unit not in PERIOD_UNITS:
            raise ExchangeError(
                _(
                    "«%(value)s» er ukjent; skriv en av %(values)s",
                    value=unit,
                    values=", ".join(PERIOD_UNITS),
                ),
                field=when.where("period"),
            )
        if "from" not in when.value:
            raise ExchangeError(_("mangler"), field=when.where("from"))
        data["period_unit"] = unit
        data["period_start"] = when.integer("from", 0)
        data["period_end"] = when.integer("to", 0) if "to" in when.value else None
    else:
        data["offset_days"] = when.integer("offset_days", 0)
        if kind == "meeting":
            anchor = when.text("meeting")
            if anchor not in MEETING_ANCHORS:
                raise ExchangeError(
                    _("skal være «each» (hvert møte) eller «next» (neste møte)"),
                    field=when.where("meeting"),
                )
            data["meeting_anchor"] = anchor
            action = when.text("completed_by", required=False) or None
            if action is not None and action not in COMPLETING_ACTIONS:
                raise ExchangeError(
                    _(
                        "«%(value)s» er ukjent; skriv en av %(values)s",
                        value=action,
                        values=", ".join(COMPLETING_ACTIONS),
                    ),
                    field=when.where("completed_by"),
                )
            data["completed_by"] = action
        else:
            target = when.text("entry")
    data["when_kind"] = kind
    data |= _reminder(importer, node)
    return _Entry(node, node.text("key", required=False), data, target)


def _done(importer: ImportContext, item: _Entry, entry: CycleEntry, cycle: Cycle) -> None:
    """Occurrences already done: {"occurrence": "2026" or a meeting number, "by", "at"}."""
    for node in item.node.items("done", DONE_KEYS) if item.node.has("done") else []:
        occurrence = node.text("occurrence")
        if re.fullmatch(r"\d{4}", occurrence):
            key = f"y{occurrence}"
        else:
            meeting = _meeting_by_number(importer, cycle, occurrence)
            if meeting is None:
                raise ExchangeError(
                    _(
                        "«%(value)s» er verken et år (2026) eller et møtenummer i %(body)s",
                        value=occurrence,
                        body=cycle.body.short_name if cycle.body else _("årshjulets organ"),
                    ),
                    field=node.where("occurrence"),
                )
            key = f"m{meeting.id}"
        person = importer.person_ref(node, "by", required=False)
        at = node.text("at")
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise ExchangeError(
                _(
                    "«%(value)s» er ikke et tidspunkt (skriv f.eks. 2026-01-07T12:00:00+00:00)",
                    value=at,
                ),
                field=node.where("at"),
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        mark = cycles.mark_done(importer.session, entry, key, person)
        mark.done_at = moment


def _meeting_by_number(importer: ImportContext, cycle: Cycle, number: str) -> Meeting | None:
    if cycle.body is None or not re.fullmatch(r"\d{1,3}/\d{2}", number):
        return None
    seq, yy = (int(part) for part in number.split("/"))
    return importer.session.scalar(
        select(Meeting).where(
            Meeting.body_id == cycle.body.id,
            Meeting.seq == seq,
            Meeting.year == 2000 + yy,
        )
    )


def _when_node(node: Node) -> tuple[str, Node]:
    raw = node.value["when"]
    forms = [k for k in WHEN_FORMS if isinstance(raw, dict) and k in raw]
    if isinstance(raw, dict) and len(forms) != 1:
        choices = _("«date», «span», «period», «meeting» eller «entry»")
        message = (
            _("skal ha én av %(choices)s", choices=choices)
            if not forms
            else _("bare én av %(choices)s", choices=choices)
        )
        raise ExchangeError(message, field=node.where("when"))
    kind = forms[0] if forms else "date"
    return kind, Node(raw, node.where("when"), WHEN_FORMS[kind])


def _span(when: Node) -> list[str]:
    values = when.strings("span")
    if len(values) != 2:
        raise ExchangeError(
            _('skal være to dager, første og siste (["03-01", "04-15"])'),
            field=when.where("span"),
        )
    return values


def _day(text: str, where: str) -> tuple[int, int]:
    match = DAY_RE.match(text)
    if not match:
        raise ExchangeError(
            _("«%(value)s» er ikke en dag i året (skriv MM-DD, f.eks. 02-01)", value=text),
            field=where,
        )
    return int(match.group(1)), int(match.group(2))


def _reminder(importer: ImportContext, node: Node) -> dict:
    if node.value.get("reminder") is None:
        return {}
    reminder = Node(node.value["reminder"], node.where("reminder"), REMINDER_KEYS)
    if "days_before" not in reminder.value:
        raise ExchangeError(_("mangler"), field=reminder.where("days_before"))
    person = importer.person_ref(reminder, "person", required=False)
    if person is not None and person.id is None:
        importer.session.flush()
    return {
        "reminder_days": reminder.integer("days_before", 0),
        "reminder_role": reminder.text("role", required=False) or None,
        "reminder_person_id": person.id if person is not None else None,
    }


def _check_keys(entries: list[_Entry]) -> dict[str, _Entry]:
    by_key: dict[str, _Entry] = {}
    for item in entries:
        if not item.key:
            continue
        if item.key in by_key:
            raise ExchangeError(
                _("nøkkelen «%(key)s» står to ganger i årshjulet", key=item.key),
                field=item.node.where("key"),
            )
        by_key[item.key] = item
    for item in entries:
        if item.target is not None and item.target not in by_key:
            raise ExchangeError(
                _(
                    "ukjent frist «%(key)s»: ingen frist i årshjulet har denne nøkkelen "
                    "(fristen «%(entry)s»)",
                    key=item.target,
                    entry=item.title,
                ),
                field=item.node.where("when.entry"),
            )
    return by_key


def _dependency_order(entries: list[_Entry], by_key: dict[str, _Entry]) -> list[int]:
    """Indexes of the entries, each after the one it is counted from; a circle is an error."""
    index = {id(item): i for i, item in enumerate(entries)}
    order: list[int] = []
    placed: set[int] = set()
    for start in entries:
        path: list[_Entry] = []
        item = start
        while index[id(item)] not in placed:
            if item in path:
                ring = path[path.index(item) :] + [item]
                if len(ring) == 2:
                    message = _("en frist kan ikke regnes fra seg selv")
                else:
                    message = _(
                        "fristene regnes fra hverandre i ring: %(entries)s",
                        entries=" → ".join(f"«{p.title}»" for p in ring),
                    )
                raise ExchangeError(message, field=item.node.where("when.entry"))
            path.append(item)
            if item.target is None:
                break
            item = by_key[item.target]
        for item in reversed(path):
            if index[id(item)] not in placed:
                placed.add(index[id(item)])
                order.append(index[id(item)])
    return order
