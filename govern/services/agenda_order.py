"""The order of a meeting's agenda: placing new items and moving items between days.

Items are kept in agenda order: by day, then by position. A case moves together with its
sub-points (and whatever stands between them); Godkjenning stays first and Eventuelt stays
the last case (only breaks such as "Slutt dag 2" may follow it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from govern.i18n import gettext as _
from govern.models.accounts import User
from govern.models.meetings import AgendaItem, Meeting, MeetingDay
from govern.presentation import items_by_day
from govern.services import audit
from govern.services.agenda_items import (
    EVENTUELT,
    GODKJENNING,
    audit_label,
    check_open,
    item_label,
    meeting_day,
)
from govern.services.agenda_numbers import renumber_agenda
from govern.services.errors import Conflict, InvalidInput


def by_day(meeting: Meeting) -> list[list[AgendaItem]]:
    """The agenda as one list per day (in day order), each in agenda order."""
    return items_by_day(meeting)


def flat(days: list[list[AgendaItem]]) -> list[AgendaItem]:
    return [item for day in days for item in day]


def anchors(flat: list[AgendaItem]) -> tuple[AgendaItem | None, AgendaItem | None]:
    """The opening Godkjenning (the first case) and the closing Eventuelt (the last case)."""
    cases = [i for i in flat if i.kind == "case"]
    first = cases[0] if cases and cases[0].treatment.sakstype == GODKJENNING else None
    last = cases[-1] if cases and cases[-1].treatment.sakstype == EVENTUELT else None
    return first, last


def check_not_anchor(meeting: Meeting, item: AgendaItem) -> None:
    """Godkjenning (first) and Eventuelt (last) belong to every meeting: refuse removing them."""
    first, last = anchors(flat(by_day(meeting)))
    if item is first:
        raise Conflict(
            _("Godkjenning av innkalling og dagsorden hører til hvert møte og kan ikke fjernes"),
            field="item",
        )
    if item is last:
        raise Conflict(_("Eventuelt hører til hvert møte og kan ikke fjernes"), field="item")


def _spans(day: list[AgendaItem]) -> list[tuple[int, int]]:
    """Split a day into units that move as one: a case with its sub-points (and anything
    standing between them), or a single item. Returns (first, last) indexes."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(day):
        end = i
        if day[i].kind == "case":
            for j in range(i + 1, len(day)):
                if day[j].kind == "case":
                    break
                if day[j].parent_id == day[i].id:
                    end = j
        spans.append((i, end))
        i = end + 1
    return spans


def _above(flat: list[AgendaItem], anchor: AgendaItem) -> set[AgendaItem]:
    return set(flat[: flat.index(anchor)])


def _below(flat: list[AgendaItem], anchor: AgendaItem) -> set[AgendaItem]:
    """What stands under an item, breaks ("Slutt dag 2") not counted."""
    return {i for i in flat[flat.index(anchor) + 1 :] if i.kind != "break"}


def _check_order(before: list[AgendaItem], after: list[AgendaItem]) -> None:
    """Refuse an order that puts something new above Godkjenning, or below Eventuelt."""
    first, last = anchors(before)
    if first is not None and not _above(after, first) <= _above(before, first):
        raise Conflict(
            _(
                "Godkjenning av innkalling og dagsorden skal stå først; ingenting kan flyttes "
                "over den"
            ),
            field="position",
        )
    if last is not None and not _below(after, last) <= _below(before, last):
        raise Conflict(
            _("Eventuelt skal være siste sak; bare pauser og avslutning kan stå under den"),
            field="position",
        )


def apply_order(meeting: Meeting, days: list[list[AgendaItem]]) -> None:
    """Give items the day they stand under and positions 1, 2 … in agenda order."""
    position = 0
    for day, items in zip(meeting.days, days, strict=True):
        for item in items:
            position += 1
            if item.day_id != day.id:
                item.day = day
                item.day_id = day.id
            if item.position != position:
                item.position = position


def _insert_at_end(
    items: list[AgendaItem], unit: list[AgendaItem], last: AgendaItem | None, day: MeetingDay
) -> None:
    """Put a unit at the end of a day's items: before Eventuelt, and before the breaks that
    mark the day's end ("Slutt dag 1" at 16:00, "Middag" at 19:00)."""
    at = items.index(last) if last in items and last not in unit else len(items)
    while at > 0 and _marks_end(items[at - 1], day) and items[at - 1] not in unit:
        at -= 1
    items[at:at] = unit


def _marks_end(item: AgendaItem, day: MeetingDay) -> bool:
    return item.kind == "break" and item.start_time is not None and item.start_time >= day.end_time


def place_item(
    meeting: Meeting, before: list[list[AgendaItem]], item: AgendaItem, day: int
) -> None:
    """Move a new item from the end of the agenda to its place: under its case (a
    sub-point) or at the end of its day, before Eventuelt."""
    after = [[i for i in d if i is not item] for d in by_day(meeting)]
    items = after[day - 1]
    if item.parent is not None:
        head = items.index(item.parent)
        _, end = next(s for s in _spans(items) if s[0] == head)
        items.insert(end + 1, item)
    else:
        _insert_at_end(items, [item], anchors(flat(before))[1], meeting.days[day - 1])
    _check_order(flat(before), flat(after))
    apply_order(meeting, after)


def move_item(
    session: Session,
    item: AgendaItem,
    direction: str | None = None,
    to_day: int | None = None,
    actor: User | None = None,
) -> None:
    """Move an item one step up or down (across days at a day's edge), or to the end of
    another day; a case takes its sub-points along, a sub-point stays under its case."""
    meeting = item.meeting
    check_open(meeting)
    if to_day is not None and item is anchors(flat(by_day(meeting)))[0]:
        raise Conflict(
            _("Godkjenning av innkalling og dagsorden skal stå først, på dag 1"), field="day"
        )
    before = by_day(meeting)
    after = [list(d) for d in before]
    d = next(n for n, items in enumerate(after) if item in items)
    k = after[d].index(item)
    span = next(s for s in _spans(after[d]) if s[0] <= k <= s[1])
    label, logged = item_label(item), audit_label(item)
    if to_day is not None:
        meeting_day(meeting, to_day)
        if item.kind == "point":
            raise InvalidInput(
                _("Et underpunkt følger saken sin; flytt saken i stedet"), field="day"
            )
        if to_day == d + 1:
            raise InvalidInput(
                _("%(item)s står allerede på dag %(day)s", item=label, day=to_day), field="day"
            )
        unit = after[d][span[0] : span[1] + 1]
        del after[d][span[0] : span[1] + 1]
        last = anchors(flat(before))[1]
        _insert_at_end(after[to_day - 1], unit, last, meeting.days[to_day - 1])
        done = f"flyttet til dag {to_day}"
    elif direction in ("up", "down"):
        _step(meeting, after, d, k, span, direction, item)
        done = "flyttet opp" if direction == "up" else "flyttet ned"
    else:
        raise InvalidInput(_("Velg hvor punktet skal flyttes"), field="direction")
    _check_order(flat(before), flat(after))
    apply_order(meeting, after)
    session.flush()
    numbers = {t: t.number for t in _treatments(meeting)}
    renumber_agenda(session, meeting)
    renumbered = {f"Sak {n}": [n, t.number] for t, n in numbers.items() if t.number != n}
    audit.record(
        session,
        actor,
        "agenda.move",
        item,
        f"{logged} {done} på dagsordenen for møte {meeting.number}",
        body=meeting.body,
        changes=renumbered or None,
    )


def _treatments(meeting: Meeting) -> list:
    return [i.treatment for i in meeting.items if i.treatment is not None]


def _step(meeting, after, d: int, k: int, span, direction: str, item: AgendaItem) -> None:
    """One step up or down in `after` (lists per day): a unit, or an item under a case."""
    if span[0] == k:
        _move_unit(meeting, after, d, span, direction, item)
    else:
        _move_within(after[d], k, span, direction, item)


def possible_moves(meeting: Meeting) -> dict[int, set[str]]:
    """For each item, the steps ("up", "down") move_item would take, so the agenda page
    offers only those: the same rules, tried on a copy of the order."""
    before = by_day(meeting)
    everything = flat(before)
    found: dict[int, set[str]] = {}
    for d, items in enumerate(before):
        for k, item in enumerate(items):
            span = next(s for s in _spans(items) if s[0] <= k <= s[1])
            found[item.id] = set()
            for direction in ("up", "down"):
                after = [list(day) for day in before]
                try:
                    _step(meeting, after, d, k, span, direction, item)
                    _check_order(everything, flat(after))
                except (Conflict, InvalidInput):
                    continue
                found[item.id].add(direction)
    return found


def _move_unit(
    meeting: Meeting,
    days: list[list[AgendaItem]],
    d: int,
    span: tuple[int, int],
    direction: str,
    item: AgendaItem,
) -> None:
    """Swap a unit with the unit before or after it, or move it over the day's edge (to
    the end of the day before, or the top of the day after)."""
    day, (s, e) = days[d], span
    unit = day[s : e + 1]
    label = item_label(item)
    if direction == "up" and s == 0:
        if item.kind == "point" or d == 0:
            raise Conflict(_("%(item)s står allerede øverst", item=label), field="direction")
        del day[s : e + 1]
        _insert_at_end(days[d - 1], unit, None, meeting.days[d - 1])
    elif direction == "up":
        ps = next(sp for sp in _spans(day) if sp[1] == s - 1)[0]
        day[ps : e + 1] = unit + day[ps:s]
    elif e == len(day) - 1:
        if item.kind == "point" or d == len(days) - 1:
            raise Conflict(_("%(item)s står allerede nederst", item=label), field="direction")
        del day[s : e + 1]
        days[d + 1][0:0] = unit
    else:
        ne = next(sp for sp in _spans(day) if sp[0] == e + 1)[1]
        day[s : ne + 1] = day[e + 1 : ne + 1] + unit


def _move_within(
    day: list[AgendaItem], k: int, span: tuple[int, int], direction: str, item
) -> None:
    """Move an item standing under a case one step; a sub-point stays under its case."""
    label = item_label(item)
    if direction == "up":
        if k - 1 == span[0] and item.kind == "point":
            raise Conflict(
                _("%(item)s står allerede øverst under saken sin", item=label), field="direction"
            )
        day[k - 1], day[k] = day[k], day[k - 1]
        return
    following = day[k + 1] if k + 1 < len(day) else None
    if following is None or (item.kind == "point" and following.kind == "case"):
        raise Conflict(
            _("%(item)s står allerede nederst under saken sin", item=label), field="direction"
        )
    day[k], day[k + 1] = following, day[k]


def move_day_items(session: Session, meeting: Meeting, source: MeetingDay, target: MeetingDay):
    """Move every item of a day to the end of another day (before Eventuelt), in order."""
    days = by_day(meeting)
    last = anchors(flat(days))[1]
    index = {d.id: n for n, d in enumerate(meeting.days)}
    unit = days[index[source.id]]
    days[index[source.id]] = []
    _insert_at_end(days[index[target.id]], unit, last, target)
    apply_order(meeting, days)
    session.flush()
    renumber_agenda(session, meeting)


def settle_agenda(session: Session, meeting: Meeting) -> None:
    """After the days changed: Eventuelt goes to the last day, after its last case or
    sub-point; positions follow the days' order."""
    days = by_day(meeting)
    last = anchors(flat(days))[1]
    if last is not None:
        for items in days:
            if last in items:
                items.remove(last)
        final = days[-1]
        ends = [n for n, i in enumerate(final) if i.kind != "break"]
        final.insert(ends[-1] + 1 if ends else len(final), last)
    apply_order(meeting, days)
    session.flush()
    renumber_agenda(session, meeting)
