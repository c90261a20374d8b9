"""The cycles section of the exchange format: every way of saying when, references to later
entries, bad input refused with its place and nothing saved, the round trip, and the demo's
cycles in 2026."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange
from govern.models import Body
from govern.models.cycles import Cycle
from govern.services import cycles
from govern.services.exchange import ExchangeError, import_exchange
from tests.services.test_exchange import example, row_counts

WHEN_FORMS = [
    {"key": "dato", "title": "Leveranseplan", "when": {"date": "02-01"}},
    {"key": "spenn", "title": "Innspill", "when": {"span": ["03-01", "04-15"]}},
    {"key": "uker", "title": "Uke 10–12", "when": {"period": "week", "from": 10, "to": 12}},
    {"key": "host", "title": "Møteplan", "when": {"period": "season", "from": 2}},
    {
        "key": "innmelding",
        "title": "Frist for innmelding av saker",
        "responsible": "Medlemmene",
        "recipient": "Sekretariatet",
        "description": "Saker meldes inn.",
        "when": {"meeting": "each", "offset_days": -28},
        "reminder": {"days_before": 7, "role": "sekretariat", "person": "Kari Nordmann"},
    },
    {"key": "godkjent", "title": "Referat godkjennes", "when": {"meeting": "next"}},
    # Counted from an entry further down the file.
    {"key": "rapport", "title": "Rapport", "when": {"entry": "mote", "offset_days": -14}},
    {"key": "mote", "title": "Oppfølgingsmøte", "when": {"entry": "dato", "offset_days": 15}},
]


def document(entries=None, body="eksempelradet") -> dict:
    doc = example()
    cycle = {"slug": "arshjul", "name": "Årshjul", "entries": copy.deepcopy(entries or WHEN_FORMS)}
    if body is not None:
        cycle["body"] = body
    doc["cycles"] = [cycle]
    return doc


def test_every_when_form_and_a_reference_to_a_later_entry(session):
    result = import_exchange(session, document())
    assert result.cycles == 1
    cycle = session.scalar(select(Cycle))
    assert cycle.body.slug == "eksempelradet"
    by_title = {e.title: e for e in cycle.entries}
    assert [e.title for e in cycle.entries] == [e["title"] for e in WHEN_FORMS]
    assert (by_title["Leveranseplan"].month, by_title["Leveranseplan"].day) == (2, 1)
    span = by_title["Innspill"]
    assert (span.month, span.day, span.end_month, span.end_day) == (3, 1, 4, 15)
    weeks = by_title["Uke 10–12"]
    assert (weeks.period_unit, weeks.period_start, weeks.period_end) == ("week", 10, 12)
    deadline = by_title["Frist for innmelding av saker"]
    assert (deadline.meeting_anchor, deadline.offset_days) == ("each", -28)
    assert deadline.reminder_days == 7 and deadline.reminder_role == "sekretariat"
    assert deadline.reminder_person.name == "Kari Nordmann"
    assert (deadline.recipient, deadline.description) == ("Sekretariatet", "Saker meldes inn.")
    assert by_title["Referat godkjennes"].offset_days == 0
    assert by_title["Rapport"].relative_to is by_title["Oppfølgingsmøte"]
    assert by_title["Oppfølgingsmøte"].relative_to is by_title["Leveranseplan"]
    plan = {o.title: o for o in cycles.body_year_plan(session, cycle.body, 2026)}
    assert plan["Rapport"].starts_on == date(2026, 2, 2)  # 1 February + 15 days - 14 days
    assert plan["Møteplan"].when == "høsten"


def test_a_shared_cycle_has_no_body(session):
    entries = [{"title": "Felles plan", "when": {"date": "10-15"}}]
    import_exchange(session, document(entries, body=None))
    assert session.scalar(select(Cycle)).body is None


def _set(index, **when):
    def mutate(entries):
        entries[index]["when"] = when

    return mutate


BAD = [
    ("31 February", _set(0, date="02-31"), "cycles[0].entries[0].when.date", "31. februar finnes ikke"),
    ("week 54", _set(2, period="week", **{"from": 54}), "cycles[0].entries[2].when.from", "Uke 54 finnes ikke"),
    ("span backwards", _set(1, span=["04-15", "03-01"]), "cycles[0].entries[1].when.span[1]", "slutter før den begynner"),
    ("period backwards", _set(2, period="week", **{"from": 12, "to": 10}), "cycles[0].entries[2].when.to", "slutter før den begynner"),
    ("circle", _set(0, entry="rapport", offset_days=-3), "cycles[0].entries[0].when.entry", "i ring: «Leveranseplan» → «Rapport» → «Oppfølgingsmøte» → «Leveranseplan»"),
    ("itself", _set(7, entry="mote", offset_days=1), "cycles[0].entries[7].when.entry", "kan ikke regnes fra seg selv"),
    ("unknown key", _set(6, entry="ukjent", offset_days=1), "cycles[0].entries[6].when.entry", "ukjent frist «ukjent»"),
    ("not MM-DD", _set(0, date="1. februar"), "cycles[0].entries[0].when.date", "skriv MM-DD"),
    ("two forms", _set(0, date="02-01", meeting="each"), "cycles[0].entries[0].when", "bare én av"),
    ("bad anchor", _set(4, meeting="hvert", offset_days=-28), "cycles[0].entries[4].when.meeting", "«each»"),
    ("unknown unit", _set(2, period="dag", **{"from": 1}), "cycles[0].entries[2].when.period", "«dag» er ukjent"),
    ("unknown key in when", _set(0, date="02-01", dag=1), "cycles[0].entries[0].when", "ukjent felt «dag»"),
    ("duplicate key", lambda e: e[1].update(key="dato"), "cycles[0].entries[1].key", "står to ganger"),
    ("bad role", lambda e: e[4]["reminder"].update(role="sjef"), "cycles[0].entries[4].reminder.role", "Ukjent rolle"),
    ("unknown person", lambda e: e[4]["reminder"].update(person="Nils"), "cycles[0].entries[4].reminder.person", "ukjent person"),
    ("no title", lambda e: e[3].update(title=""), "cycles[0].entries[3].title", "mangler"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "where", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_entries_name_the_place_and_save_nothing(session, mutate, where, message):
    before = row_counts(session)
    entries = copy.deepcopy(WHEN_FORMS)
    mutate(entries)
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, document(entries))
    session.rollback()
    assert caught.value.field == where
    assert message in caught.value.message
    assert row_counts(session) == before


def test_a_rule_broken_in_the_service_names_the_entry_and_cycle(session):
    entries = copy.deepcopy(WHEN_FORMS)
    entries[0]["when"] = {"date": "02-31"}
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, document(entries))
    assert str(caught.value).startswith("cycles[0].entries[0].when.date: 31. februar finnes ikke")
    assert "«Leveranseplan» i årshjulet «Årshjul»" in caught.value.message


def test_unknown_body_and_meeting_entries_in_a_shared_cycle(session):
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, document(body="ukjent-rad"))
    assert (caught.value.field, caught.value.message) == (
        "cycles[0].body",
        "ukjent organ «ukjent-rad»",
    )
    session.rollback()
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, document(body=None))
    assert caught.value.field == "cycles[0].entries[4].when"
    assert "ingen møter å regne fra" in caught.value.message
    session.rollback()
    assert session.scalar(select(Body.id)) is None


def test_export_writes_what_was_imported(session):
    import_exchange(session, document())
    exported = build_exchange(session)["cycles"]
    assert len(exported) == 1 and exported[0]["body"] == "eksempelradet"
    entries = exported[0]["entries"]
    assert [e["when"] for e in entries][:4] == [e["when"] for e in WHEN_FORMS][:4]
    assert entries[5]["when"] == {"meeting": "next", "offset_days": 0}
    assert entries[6]["when"] == {"entry": "oppfolgingsmote", "offset_days": -14}
    assert entries[4]["reminder"] == WHEN_FORMS[4]["reminder"]
    assert "done" not in json.dumps(exported)


def _demo_plan(session, slug):
    body = session.scalar(select(Body).where(Body.slug == slug)) if slug else None
    return cycles.body_year_plan(session, body, 2026, date(2026, 3, 1))


def test_demo_national_cycle_in_2026(session, demo):
    plan = _demo_plan(session, None)
    dates = {}
    for o in plan:
        dates.setdefault(o.title, []).append(o.starts_on)
    assert dates["Leveranseplan"] == [date(2026, 2, 1)]
    assert dates["Tertialoppfølgingsmøte"] == [date(2026, 6, 20), date(2026, 10, 31)]
    reports = dates["Skriftlig rapport på leveranseplanen"]
    assert date(2026, 6, 6) in reports and date(2026, 10, 17) in reports
    assert dates["Endelig Felles plan"] == [date(2026, 10, 15)]
    fuzzy = {o.title: o.when for o in plan if o.fuzzy}
    assert fuzzy["Oppdragsdokument overlevert i foretaksmøtet"] == "uke 3"
    assert fuzzy["Veikart godkjennes i Nasjonalt e-helseråd"] == "3. kvartal"


def test_demo_fagradet_deadlines_follow_its_meetings(session, demo):
    plan = _demo_plan(session, "fagradet")
    deadline = next(
        o
        for o in plan
        if o.entry.title == "Frist for innmelding av saker" and o.meeting.number == "2/26"
    )
    assert deadline.meeting.first_date == date(2026, 4, 29)
    assert deadline.starts_on == date(2026, 4, 1)
    assert deadline.entry.reminder_days == 7 and deadline.entry.reminder_role == "sekretariat"
    approved = next(o for o in plan if o.entry.title == "Referat godkjennes")
    assert approved.starts_on == date(2026, 4, 29)
    assert any(o.when == "høsten" for o in plan)


def test_done_occurrences_come_in_and_go_out(session):
    entries = copy.deepcopy(WHEN_FORMS)
    entries[0]["done"] = [{"occurrence": "2026", "at": "2026-01-30T12:00:00+00:00"}]
    entries[4]["done"] = [
        {"occurrence": "2/26", "by": "Kari Nordmann", "at": "2026-04-07T09:30:00+00:00"}
    ]
    doc = document(entries)
    import_exchange(session, doc)
    body = session.scalar(select(Body).where(Body.slug == "eksempelradet"))
    plan = {o.title: o for o in cycles.body_year_plan(session, body, 2026, date(2026, 6, 1))}
    assert plan["Leveranseplan"].status == "utført"
    submitted = next(o for t, o in plan.items() if t.startswith("Frist for innmelding"))
    assert submitted.status == "utført" and submitted.done_by.name == "Kari Nordmann"
    exported = build_exchange(session)["cycles"][0]["entries"]
    assert exported[0]["done"] == [{"occurrence": "2026", "at": "2026-01-30T12:00:00+00:00"}]
    assert exported[4]["done"] == [
        {"occurrence": "2/26", "at": "2026-04-07T09:30:00+00:00", "by": "Kari Nordmann"}
    ]


@pytest.mark.parametrize(
    ("done", "where", "message"),
    [
        ({"occurrence": "9/26", "at": "2026-01-01T00:00:00"}, "done[0].occurrence", "møtenummer"),
        ({"occurrence": "2026", "at": "i går"}, "done[0].at", "er ikke et tidspunkt"),
        ({"occurrence": "2026", "at": "2026-01-01", "by": "Ingen"}, "done[0].by", "ukjent"),
    ],
)
def test_bad_done_occurrences_name_the_place_and_save_nothing(session, done, where, message):
    entries = copy.deepcopy(WHEN_FORMS)
    entries[4]["done"] = [done]
    before = row_counts(session)
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, document(entries))
    assert caught.value.field == f"cycles[0].entries[4].{where}"
    assert message in caught.value.message
    session.rollback()
    assert row_counts(session) == before


def test_demo_has_the_deadlines_of_held_meetings_done(session, demo):
    plan = _demo_plan(session, "fagradet")
    status = {o.title: o.status for o in plan}
    assert status["Innkalling og sakspapirer sendes – møte 1/26"] == "utført"
    assert status["Referat godkjennes – møte 1/26"] == "utført"
