"""Keeping an annual cycle through the forms: a new cycle, entries of every kind, bad
input refused with the user's text kept, a stale edit, a refused delete, and who may."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from govern.models.cycles import Cycle, CycleEntry
from govern.services import cycles
from tests.conftest import make_body
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

SECRETARIAT = "siv@example.no"
MEMBER = "jon@example.no"


class _Values(HTMLParser):
    """The values a form shows: inputs, textareas, chosen options and radios."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and (a.get("type") not in ("radio", "checkbox") or "checked" in a):
            self.values[a.get("name")] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(response) -> dict[str, str]:
    parser = _Values()
    parser.feed(response.get_data(as_text=True))
    return parser.values


def error_of(response, field: str) -> str:
    """The message shown next to one field."""
    html = response.get_data(as_text=True)
    start = html.index(f'id="{field}-error"')
    return html[html.index(">", start) + 1 : html.index("</p>", start)]


def entry_count(session) -> int:
    return session.scalar(select(func.count(CycleEntry.id)))


@pytest.fixture
def body(session):
    body = make_body()
    make_user(session, "Siv Ingebrigtsen", SECRETARIAT, body=body, role="sekretariat")
    make_user(session, "Jon Gupta", MEMBER, body=body, role="medlem")
    return body


@pytest.fixture
def cycle(session, body):
    cycle = cycles.create_cycle(session, cycles.CycleInput("Fagrådets årshjul"), body=body)
    session.commit()
    return cycle


def _add(session, cycle, title, kind, **kw) -> CycleEntry:
    entry = cycles.add_entry(session, cycle, cycles.EntryInput(title=title, when_kind=kind, **kw))
    session.commit()
    return entry


def test_a_cycle_and_entries_of_every_kind_through_the_forms(client, session, body):
    login(client, SECRETARIAT)
    page = client.get("/bodies/fagradet/arshjul/nytt")
    assert form_values(page)["name"] == "Årshjul for Fagrådet"
    response = client.post(
        "/bodies/fagradet/arshjul/nytt",
        data={"name": "Årshjul for Fagrådet", "description": "Frister rundt møtene"},
    )
    assert response.status_code == 302
    assert response.location.endswith("/arshjul/arshjul-for-fagradet/rediger")
    new = "/arshjul/arshjul-for-fagradet/frister/ny"
    forms = [
        dict(title="Leveranseplan", responsible="NHN, Hdir", recipient="HOD", when_kind="date",
             day="1", month="2", reminder_days="7", reminder_role="sekretariat"),
        dict(title="Høring", when_kind="span", span_day="1", span_month="3", end_day="15",
             end_month="4", reminder_role=""),
        dict(title="Veikart behandles", when_kind="period", period_unit="season",
             period_start="2", day="tull"),
        dict(title="Planlegging", when_kind="period", period_unit="week", period_start="10",
             period_end="12"),
        dict(title="Frist for innmelding av saker", when_kind="meeting", meeting_amount="4",
             meeting_unit="weeks", meeting_direction="before", meeting_anchor="each"),
        dict(title="Referat godkjennes", when_kind="meeting", meeting_amount="0",
             meeting_unit="days", meeting_direction="after", meeting_anchor="next"),
    ]  # fmt: skip
    for data in forms:
        response = client.post(new, data=data)
        assert response.status_code == 302, text_of(response)
    leveranseplan = session.scalar(select(CycleEntry).where(CycleEntry.title == "Leveranseplan"))
    response = client.post(
        new,
        data=dict(title="Oppfølging", when_kind="entry", entry_amount="2", entry_unit="weeks",
                  entry_direction="after", relative_to=str(leveranseplan.id)),
    )  # fmt: skip
    assert response.status_code == 302
    page = text_of(client.get("/arshjul/arshjul-for-fagradet/rediger"))
    for expected in (
        "1. februar Leveranseplan NHN, Hdir HOD Påminnelse 7 dager før til sekretariat",
        "1. mars – 15. april Høring",
        "høsten Veikart behandles",
        "uke 10–12 Planlegging",
        "4 uker før hvert møte Frist for innmelding av saker",
        "i neste møte Referat godkjennes",
        "2 uker etter Leveranseplan Oppfølging",
    ):
        assert expected in page
    assert "Frister rundt møtene" in page
    saved = session.scalar(
        select(CycleEntry).where(CycleEntry.title == "Frist for innmelding av saker")
    )
    assert (saved.offset_days, saved.meeting_anchor, saved.day) == (-28, "each", None)


BAD = [
    ("31. februar finnes ikke", "day", dict(when_kind="date", day="31", month="2")),
    ("Uke 54 finnes ikke", "period_start",
     dict(when_kind="period", period_unit="week", period_start="54")),
    ("Perioden slutter før den begynner", "end_day",
     dict(when_kind="span", span_day="15", span_month="4", end_day="1", end_month="3")),
    ("Velg dag og måned", "day", dict(when_kind="date", day="", month="0")),
    ("Skriv hvor lenge før eller etter", "meeting_amount",
     dict(when_kind="meeting", meeting_amount="", meeting_anchor="each")),
]  # fmt: skip


@pytest.mark.parametrize(("message", "field", "data"), BAD)
def test_bad_time_is_refused_next_to_its_field_and_typed_text_kept(
    client, session, cycle, message, field, data
):
    login(client, SECRETARIAT)
    before = entry_count(session)
    response = client.post(
        f"/arshjul/{cycle.slug}/frister/ny", data={"title": "Min egen tittel", **data}
    )
    assert response.status_code == 400
    assert message in error_of(response, field)
    values = form_values(response)
    assert values["title"] == "Min egen tittel"
    assert values["when_kind"] == data["when_kind"]
    assert entry_count(session) == before


def test_counted_from_itself_or_in_a_circle_is_refused(client, session, cycle):
    login(client, SECRETARIAT)
    a = _add(session, cycle, "Leveranseplan", "date", month=2, day=1)
    b = _add(session, cycle, "Oppfølging", "entry", offset_days=14, relative_to_id=a.id)
    itself = {"title": "Oppfølging endret", "when_kind": "entry", "entry_amount": "2",
              "entry_unit": "weeks", "entry_direction": "after", "version": str(b.version)}  # fmt: skip
    response = client.post(
        f"/cycle-entries/{b.id}/rediger", data={**itself, "relative_to": str(b.id)}
    )
    assert response.status_code == 400
    assert "En frist kan ikke regnes fra seg selv" in error_of(response, "relative_to")
    assert form_values(response)["title"] == "Oppfølging endret"
    circle = {**itself, "title": "Leveranseplan endret", "version": str(a.version)}
    response = client.post(
        f"/cycle-entries/{a.id}/rediger", data={**circle, "relative_to": str(b.id)}
    )
    assert response.status_code == 400
    assert "regnes fra hverandre i ring" in error_of(response, "relative_to")
    assert form_values(response)["title"] == "Leveranseplan endret"
    session.expire_all()
    assert (a.title, a.when_kind, b.title) == ("Leveranseplan", "date", "Oppfølging")


def test_edit_an_entry_shows_it_and_saves_it(client, session, cycle):
    login(client, SECRETARIAT)
    entry = _add(session, cycle, "Innkalling sendes", "meeting", offset_days=-7,
                 meeting_anchor="each")  # fmt: skip
    values = form_values(client.get(f"/cycle-entries/{entry.id}/rediger"))
    assert (values["meeting_amount"], values["meeting_unit"]) == ("1", "weeks")
    assert (values["meeting_direction"], values["when_kind"]) == ("before", "meeting")
    values.update(meeting_amount="10", meeting_unit="days", title="Innkalling ut")
    response = client.post(f"/cycle-entries/{entry.id}/rediger", data=values)
    assert response.status_code == 302
    session.expire_all()
    assert (entry.title, entry.offset_days) == ("Innkalling ut", -10)
    assert "10 dager før hvert møte Innkalling ut" in text_of(client.get(response.location))


def test_a_stale_edit_is_refused_with_the_users_text_kept(client, session, cycle):
    login(client, SECRETARIAT)
    entry = _add(session, cycle, "Leveranseplan", "date", month=2, day=1)
    opened = form_values(client.get(f"/cycle-entries/{entry.id}/rediger"))
    cycles.update_entry(
        session, entry, cycles.EntryInput("Leveranseplan 2.0", "date", month=2, day=3),
        entry.version,
    )  # fmt: skip
    session.commit()
    response = client.post(
        f"/cycle-entries/{entry.id}/rediger", data={**opened, "title": "Min versjon"}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "ble endret av noen andre" in page
    assert "Leveranseplan 2.0" in page and "3. februar" in page
    values = form_values(response)
    assert values["title"] == "Min versjon"
    assert values["version"] == str(entry.version)
    session.expire_all()
    assert entry.title == "Leveranseplan 2.0"


def test_delete_is_refused_while_another_entry_is_counted_from_it(client, session, cycle):
    login(client, SECRETARIAT)
    a = _add(session, cycle, "Leveranseplan", "date", month=2, day=1)
    b = _add(session, cycle, "Oppfølging", "entry", offset_days=14, relative_to_id=a.id)
    response = client.post(f"/cycle-entries/{a.id}/slett", follow_redirects=True)
    assert "«Oppfølging» regnes fra denne fristen" in text_of(response)
    assert entry_count(session) == 2
    response = client.post(f"/cycle-entries/{b.id}/slett", follow_redirects=True)
    assert "Fristen «Oppfølging» er slettet" in text_of(response)
    client.post(f"/cycle-entries/{a.id}/slett")
    assert entry_count(session) == 0


def test_a_shared_cycle_by_any_secretariat_member_without_meetings(client, session, body):
    login(client, SECRETARIAT)
    response = client.post("/arshjul/nytt", data={"name": "Nasjonalt årshjul"})
    assert response.status_code == 302
    shared = session.scalar(select(Cycle).where(Cycle.slug == "nasjonalt-arshjul"))
    assert shared.body_id is None
    page = text_of(client.get(f"/arshjul/{shared.slug}/frister/ny"))
    assert "Før eller etter en annen frist" in page
    assert "Før eller etter møtene" not in page
    response = client.post("/arshjul/nytt", data={"name": "Nasjonalt årshjul"})
    assert response.status_code == 400
    assert "finnes allerede" in error_of(response, "name")


def test_members_may_not_and_visitors_must_log_in(client, session, cycle):
    urls = ["/bodies/fagradet/arshjul/nytt", "/arshjul/nytt", f"/arshjul/{cycle.slug}/rediger",
            f"/arshjul/{cycle.slug}/frister/ny"]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    login(client, MEMBER)
    for url in urls:
        assert client.get(url).status_code == 403
    data = {"title": "Ikke lov", "when_kind": "date", "day": "1", "month": "1"}
    assert client.post(f"/arshjul/{cycle.slug}/frister/ny", data=data).status_code == 403
    assert entry_count(session) == 0


def test_a_reminder_needs_someone_to_go_to(client, session, cycle):
    login(client, SECRETARIAT)
    data = {"title": "Referat sendes", "when_kind": "meeting", "meeting_amount": "2",
            "meeting_unit": "weeks", "meeting_direction": "after", "meeting_anchor": "each",
            "reminder_days": "3", "reminder_role": ""}  # fmt: skip
    response = client.post(f"/arshjul/{cycle.slug}/frister/ny", data=data)
    assert response.status_code == 400
    assert "Velg hvem som skal få påminnelsen" in error_of(response, "reminder_role")
    assert entry_count(session) == 0
    values = form_values(response)
    jon = next(v for v, label in _options(response, "reminder_person") if "Jon Gupta" in label)
    response = client.post(
        f"/arshjul/{cycle.slug}/frister/ny", data={**data, "reminder_person": jon}
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "2 uker etter hvert møte Referat sendes Påminnelse 3 dager før til Jon Gupta" in page
    assert values["reminder_days"] == "3"


def _options(response, name: str) -> list[tuple[str, str]]:
    html = response.get_data(as_text=True)
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)
