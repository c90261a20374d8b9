"""The secretariat's planning pages: plan a meeting, edit it, build the agenda."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import select
from sqlalchemy.pool import StaticPool

from govern import create_app
from govern.extensions import db
from govern.models import AuditEntry, Meeting, Treatment
from govern.services import accounts, attachment_numbers
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, base_config, make_body, make_meeting, make_person
from tests.views.test_pages import _meeting_with_items, count_queries, text_of

PASSWORD = "riktig-passord-123"


def login_as(client, session, body, role: str, name: str = "Siv Ingebrigtsen"):
    email = f"{name.split()[0].lower()}@example.no"
    person = make_person(name, email=email)
    add_membership(session, body, person, MembershipInput(role=role))
    accounts.create_account(session, person, email, password=PASSWORD)
    session.commit()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


@pytest.fixture
def body(session):
    body = make_body()
    session.commit()
    return body


@pytest.fixture
def january(session, body):
    """Meeting 1/26 (21–22 January) with cases 1/26–3/26."""
    meeting = make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
    for title in ("Første", "Andre", "Tredje"):
        add_case(meeting, title)
    session.commit()
    return meeting


@pytest.fixture
def secretary(client, session, body):
    login_as(client, session, body, "sekretariat")


def day_fields(*rows) -> dict[str, str]:
    data = {}
    for i, (day, start, end) in enumerate(rows):
        data |= {f"days-{i}-date": day, f"days-{i}-start": start, f"days-{i}-end": end}
    return data


def plan(client, location="Thon Partner Hotel, Kristiansand", **extra):
    data = {
        "location": location,
        "status": "planlagt",
        **day_fields(("2026-04-29", "10:00", "16:00"), ("2026-04-30", "08:00", "14:30")),
        **extra,
    }
    return client.post("/bodies/fagradet/meetings/new", data=data)


def planned(session) -> Meeting:
    return session.scalar(select(Meeting).order_by(Meeting.id.desc()).limit(1))


def item_titled(meeting, title):
    return next(i for i in meeting.items if i.display_title == title)


# -- access --------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login_and_members_are_refused(client, session, body):
    meeting = make_meeting(body, date(2026, 4, 29))
    item = add_case(meeting, "Sak")
    attachment = attachment_numbers.add_attachment_reference(
        session, meeting, None, "1", "Toppnotat"
    )
    session.commit()
    pages = [
        ("get", "/bodies/fagradet/meetings/new"),
        ("post", "/bodies/fagradet/meetings/new"),
        ("get", f"/meetings/{meeting.id}/edit"),
        ("post", f"/meetings/{meeting.id}/status"),
        ("get", f"/meetings/{meeting.id}/agenda"),
        ("post", f"/meetings/{meeting.id}/agenda/case"),
        ("post", f"/agenda-items/{item.id}/move"),
        ("get", f"/agenda-items/{item.id}/edit"),
        ("post", f"/agenda-items/{item.id}/delete"),
        ("get", f"/meetings/{meeting.id}/attachments"),
        ("post", f"/attachments/{attachment.id}/file"),
        ("post", f"/attachments/{attachment.id}/delete"),
    ]
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.location, url
    login_as(client, session, body, "medlem", "Jon Gupta")
    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "Ingen tilgang" in text_of(response)
    assert session.scalar(select(AuditEntry.id)) is None


def test_links_for_the_secretariat_only(client, session, body, january):
    assert "Planlegg møte" not in text_of(client.get("/bodies/fagradet"))
    login_as(client, session, body, "sekretariat")
    assert "Planlegg møte" in text_of(client.get("/bodies/fagradet"))
    page = text_of(client.get(f"/meetings/{january.id}"))
    assert "Rediger møte Dagsorden Vedlegg" in page


# -- planning a meeting --------------------------------------------------------------------


def test_plan_a_two_day_meeting(client, session, january, secretary):
    form = text_of(client.get("/bodies/fagradet/meetings/new"))
    assert "Planlegg møte i Fagrådet" in form and "Del dagsorden med medlemmene" in form
    response = plan(client, agenda_shared="y")
    assert response.status_code == 302
    meeting = planned(session)
    assert response.location.endswith(f"/meetings/{meeting.id}/agenda")
    assert (meeting.number, meeting.status, meeting.agenda_shared) == ("2/26", "planlagt", True)
    page = text_of(client.get(response.location))
    assert "Møte 2/26 er planlagt." in page
    assert (
        "4/26 Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra "
        "Fagrådet 21. – 22. januar 2026" in page
    )
    day2 = page[page.index("Dag 2 – Torsdag 30. april 2026") :]
    assert "5/26 Eventuelt" in day2 and "08:00" in day2
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.plan"))
    assert entry.user_id is not None and entry.summary.startswith("Møte 2/26 i Fagrådet planlagt")


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({**day_fields(("2026-04-29", "16:00", "10:00"))}, "Slutt (10.00) må være etter start"),
        (
            day_fields(("2026-04-29", "10:00", "16:00"), ("2026-04-29", "08:00", "12:00")),
            "29. april 2026 er oppgitt to ganger",
        ),
        (
            day_fields(("2026-01-22", "10:00", "16:00")),
            "Fagrådet har allerede et møte 22. januar 2026",
        ),
        ({}, "Oppgi minst én møtedag"),
    ],
)
def test_bad_days_are_refused_next_to_the_field_with_input_kept(
    client, session, january, secretary, days, message
):
    data = {"location": "Clarion Hotel Oslo", "status": "planlagt", **days}
    response = client.post("/bodies/fagradet/meetings/new", data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    html = response.get_data(as_text=True)
    assert 'value="Clarion Hotel Oslo"' in html
    assert re.search(r'class="field\s*has-error"', html)
    assert session.scalar(select(Meeting.id).where(Meeting.seq == 2)) is None


# -- editing a meeting ---------------------------------------------------------------------


def test_edit_meeting_changes_place_and_adds_a_day(client, session, january, secretary):
    plan(client)
    meeting = planned(session)
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Thon Partner Hotel, Kristiansand"' in page and 'value="2026-04-30"' in page
    data = {
        "location": "Teams",
        "version": str(meeting.version),
        **day_fields(("2026-04-29", "10:00", "16:00"), ("2026-04-30", "08:00", "14:30")),
        "days-0-day_id": str(meeting.days[0].id),
        "days-1-day_id": str(meeting.days[1].id),
        **{"days-2-date": "2026-05-01", "days-2-start": "09:00", "days-2-end": "12:00"},
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 302
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Sted Teams" in page and "1. mai kl. 09.00 – 12.00" in page
    assert "Dag 3 – Fredag 1. mai 2026" in page


def test_removing_a_day_with_items_is_refused_with_a_message(client, session, january, secretary):
    plan(client)
    meeting = planned(session)
    data = {
        "location": "Teams",
        "version": str(meeting.version),
        **day_fields(("2026-04-29", "10:00", "16:00"), ("", "", "")),
        "days-0-day_id": str(meeting.days[0].id),
        "days-1-day_id": str(meeting.days[1].id),
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Dag 2 (30. april 2026) har 1 punkt på dagsordenen." in page
    assert 'value="Teams"' in response.get_data(as_text=True)
    moved = client.post(
        f"/meetings/{meeting.id}/edit", data={**data, "move_items_to": "2026-04-29"}
    )
    assert moved.status_code == 302
    page = text_of(client.get(f"/meetings/{meeting.id}/agenda"))
    assert "Dag 2" not in page and "5/26 Eventuelt" in page


def test_a_stale_meeting_form_is_refused(client, session, january, secretary):
    plan(client)
    meeting = planned(session)
    data = {
        "location": "Et annet sted",
        "version": str(meeting.version - 1),
        **day_fields(("2026-04-29", "10:00", "16:00")),
        "days-0-day_id": str(meeting.days[0].id),
    }
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 409
    assert "Møtet ble endret av noen andre mens du redigerte" in text_of(response)
    assert 'value="Et annet sted"' in response.get_data(as_text=True)


def test_status_buttons(client, session, january, secretary):
    plan(client)
    meeting = planned(session)
    page = text_of(client.get(f"/meetings/{meeting.id}/edit"))
    assert "Send innkalling" in page and "Avlys møtet" in page
    assert "Merk som gjennomført" not in page
    sent = client.post(
        f"/meetings/{meeting.id}/status", data={"status": "innkalt", "version": meeting.version}
    )
    assert sent.status_code == 302
    page = text_of(client.get(sent.location))
    assert "Møte 2/26 har nå status «innkalt»." in page and "Merk som gjennomført" in page
    session.expire_all()
    for status in ("planlagt", "referat godkjent"):
        client.post(
            f"/meetings/{meeting.id}/status",
            data={"status": status, "version": planned(session).version},
        )
        assert planned(session).status == "innkalt"
    page = text_of(client.get(f"/meetings/{meeting.id}/edit"))
    assert "Status «referat godkjent» settes når referatet godkjennes i neste møte" in page


# -- the agenda editor ---------------------------------------------------------------------


@pytest.fixture
def meeting(client, session, january, secretary) -> Meeting:
    plan(client)
    return planned(session)


def add(client, meeting, what, **fields):
    data = {f"{what}-{k}": v for k, v in fields.items()}
    return client.post(f"/meetings/{meeting.id}/agenda/{what}", data=data)


def agenda_text(client, meeting) -> str:
    return text_of(client.get(f"/meetings/{meeting.id}/agenda"))


def test_add_a_case_break_heading_and_sub_point(client, session, meeting):
    response = add(
        client,
        meeting,
        "case",
        title="Strategisk retning kjernejournal",
        sakstype="Anbefaling",
        summary="Kort om saken.",
        proposed_decision="Fagrådet anbefaler retningen.",
        presenter="Kari Nordmann, Norsk helsenett SF",
        duration_minutes="40",
        day="1",
    )
    assert response.status_code == 302
    page = agenda_text(client, meeting)
    assert "Sak 5/26 er lagt til på dagsordenen." in page
    assert "5/26 Strategisk retning kjernejournal (40 min)" in page
    assert "6/26 Eventuelt" in page  # Eventuelt keeps the last number while planning
    assert (
        add(client, meeting, "break", title="Lunsj", duration_minutes="45", day="1").status_code
        == 302
    )
    assert add(client, meeting, "heading", title="Temadag", day="2").status_code == 302
    session.expire_all()
    case = item_titled(planned(session), "Strategisk retning kjernejournal")
    assert (
        add(client, meeting, "point", title="Gruppearbeid", parent_id=str(case.id)).status_code
        == 302
    )
    page = agenda_text(client, meeting)
    day1 = page[page.index("Dag 1") : page.index("Dag 2 –")]
    order = [day1.index(t) for t in ("4/26", "5/26 Strategisk", "Gruppearbeid", "Lunsj")]
    assert order == sorted(order)
    assert "Temadag" in page[page.index("Dag 2 –") :]


def test_an_existing_case_from_another_body_can_be_put_on_the_agenda(client, session, meeting):
    other = make_body("nuit", "NUIT")
    earlier = add_case(make_meeting(other, date(2025, 11, 5)), "Pasientoppsummering")
    session.commit()
    page = text_of(client.get(f"/meetings/{meeting.id}/agenda?finn=Pasientoppsummering"))
    assert "Pasientoppsummering (NUIT 1/25)" in page
    response = add(
        client,
        meeting,
        "existing",
        case_id=str(earlier.treatment.case_id),
        sakstype="Orientering",
        day="1",
    )
    assert response.status_code == 302
    assert "5/26 Pasientoppsummering" in agenda_text(client, meeting)


def test_bad_agenda_input_is_kept_with_norwegian_messages(client, session, meeting):
    long_title = "Veldig lang tittel " * 30
    response = add(client, meeting, "case", title=long_title, sakstype="Drøfting", day="1")
    assert response.status_code == 400
    assert "Tittelen kan ha høyst 500 tegn" in text_of(response)
    assert long_title.strip() in response.get_data(as_text=True)
    response = add(client, meeting, "point", title="Gruppearbeid", parent_id="0")
    assert response.status_code == 400
    assert "Velg saken underpunktet hører til" in text_of(response)
    assert 'value="Gruppearbeid"' in response.get_data(as_text=True)
    response = add(client, meeting, "case", title="", sakstype="Drøfting", day="1")
    assert "Skriv sakens tittel" in text_of(response)
    session.expire_all()
    assert len(planned(session).items) == 2


def test_move_up_down_and_to_another_day(client, session, meeting):
    for title in ("A", "B"):
        add(client, meeting, "case", title=title, sakstype="Drøfting", day="1")
    session.expire_all()
    b = item_titled(planned(session), "B")
    add(client, meeting, "point", title="b1", parent_id=str(b.id))
    client.post(f"/agenda-items/{b.id}/move", data={"direction": "up"})
    page = agenda_text(client, meeting)
    assert page.index("B") < page.index("b1") < page.index(" A ")
    response = client.post(f"/agenda-items/{b.id}/move", data={"day": "2"})
    page = text_of(client.get(response.location))
    assert "Sak 6/26 er flyttet til dag 2." in page
    day2 = page[page.index("Dag 2 –") :]
    assert day2.index("6/26 B") < day2.index("b1") < day2.index("Eventuelt")
    a = item_titled(planned(session), "A")
    refused = client.post(f"/agenda-items/{a.id}/move", data={"direction": "up"})
    page = text_of(client.get(refused.location))
    assert (
        "Godkjenning av innkalling og dagsorden skal stå først; ingenting kan flyttes over den"
        in page
    )


def test_times_are_computed_and_a_long_day_is_flagged(client, session, meeting):
    add(
        client,
        meeting,
        "case",
        title="Lang sak",
        sakstype="Drøfting",
        day="1",
        duration_minutes="300",
    )
    add(client, meeting, "break", title="Pause", day="1", duration_minutes="70")
    page = agenda_text(client, meeting)
    # Right under Godkjenning it cannot move up: only «Flytt ned» is offered.
    assert "5/26 Lang sak (300 min) Flytt ned" in page
    assert re.search(r"Lang sak \(300 min\).*?10:10 Drøfting", page)
    assert re.search(r"Pause \(70 min\).*?15:10", page)
    assert "Dagsordenen for dag 1 går til 16.20, etter møteslutt 16.00." in page


def test_editing_an_item_and_refusing_a_stale_save_keeping_the_text(client, session, meeting):
    add(client, meeting, "case", title="Sak om e-resept", sakstype="Drøfting", day="1")
    session.expire_all()
    item = item_titled(planned(session), "Sak om e-resept")
    form = client.get(f"/agenda-items/{item.id}/edit").get_data(as_text=True)
    assert "Sak om e-resept" in form
    data = {
        "title": "EHDS og e-resept",
        "sakstype": "Orientering",
        "summary": "Min tekst om saken.",
        "proposed_decision": "",
        "presenter": "",
        "duration_minutes": "20",
        "start_time": "10:30",
        "item_version": str(item.version),
        "treatment_version": str(item.treatment.version),
    }
    assert client.post(f"/agenda-items/{item.id}/edit", data=data).status_code == 302
    page = agenda_text(client, meeting)
    assert "5/26 EHDS og e-resept (20 min)" in page and "10:30 fast Orientering" in page
    stale = client.post(
        f"/agenda-items/{item.id}/edit", data={**data, "summary": "Min andre tekst."}
    )
    assert stale.status_code == 409
    page = text_of(stale)
    assert "Saken ble endret av noen andre mens du redigerte" in page
    assert "Min andre tekst." in page and "Slik er det lagret nå" in page
    # The form now carries the current versions: saving again goes through.
    html = stale.get_data(as_text=True)
    versions = dict(re.findall(r'name="(\w+_version)" type="hidden" value="(\d+)"', html))
    again = client.post(f"/agenda-items/{item.id}/edit", data={**data, **versions})
    assert again.status_code == 302


def test_editing_a_break(client, session, meeting):
    add(client, meeting, "break", title="Pause", day="1", duration_minutes="15")
    session.expire_all()
    item = item_titled(planned(session), "Pause")
    data = {"title": "x" * 501, "duration_minutes": "30", "version": str(item.version)}
    refused = client.post(f"/agenda-items/{item.id}/edit", data=data)
    assert refused.status_code == 400 and "Tittelen kan ha høyst 500 tegn" in text_of(refused)
    data["title"] = "Lunsj"
    assert client.post(f"/agenda-items/{item.id}/edit", data=data).status_code == 302
    assert "Lunsj (30 min)" in agenda_text(client, meeting)


def test_removing_a_case_before_the_innkalling_closes_up_the_numbers(client, session, meeting):
    add(client, meeting, "case", title="Trekkes", sakstype="Drøfting", day="1")
    session.expire_all()
    item = item_titled(planned(session), "Trekkes")
    response = client.post(f"/agenda-items/{item.id}/delete")
    page = text_of(client.get(response.location))
    assert (
        "Sak 5/26 er fjernet fra dagsordenen. Sakene etter den har rykket opp ett nummer." in page
    )
    assert "5/26 Eventuelt" in agenda_text(client, meeting)
    add(client, meeting, "case", title="Ny", sakstype="Drøfting", day="1")
    page = agenda_text(client, meeting)
    assert "5/26 Ny" in page and "6/26 Eventuelt" in page and "7/26" not in page


def test_adding_to_an_earlier_planned_meeting_says_the_later_ones_numbers_moved_on(
    client, session, meeting
):
    # 3/26 in May already holds 6/26 and 7/26 when 2/26 (4/26, 5/26) gets a case.
    data = {"location": "Teams", **day_fields(("2026-05-20", "10:00", "15:00"))}
    assert client.post("/bodies/fagradet/meetings/new", data=data).status_code == 302
    may = planned(session)
    response = add(client, meeting, "case", title="Sent innmeldt", sakstype="Drøfting", day="1")
    page = text_of(client.get(response.location))
    assert (
        "Sak 5/26 er lagt til på dagsordenen. Sakene i møte 3/26 har fått nye saksnumre, "
        "slik at numrene følger møtenes datoer uten hull." in page
    )
    assert "6/26 Eventuelt" in page
    assert "7/26 Godkjenning" in agenda_text(client, may)
    assert "8/26 Eventuelt" in agenda_text(client, may)


def test_removing_a_case_once_called_keeps_its_number_used(client, session, meeting):
    add(client, meeting, "case", title="Trekkes", sakstype="Drøfting", day="1")
    session.expire_all()
    planned(session).status = "innkalt"
    session.commit()
    item = item_titled(planned(session), "Trekkes")
    response = client.post(f"/agenda-items/{item.id}/delete")
    page = text_of(client.get(response.location))
    assert "Sak 5/26 er fjernet fra dagsordenen. Saksnummeret brukes ikke på nytt." in page
    add(client, meeting, "case", title="Ny", sakstype="Drøfting", day="1")
    page = agenda_text(client, meeting)
    assert "7/26 Ny" in page and "6/26 Eventuelt" in page and "5/26" not in page
    assert session.scalar(select(Treatment.id).where(Treatment.seq == 5)) is None


def test_every_post_form_on_the_agenda_page_carries_a_csrf_token(tmp_path):
    # Its own in-memory database, so nothing is left in a shared PostgreSQL test database.
    app = create_app(
        base_config(
            WTF_CSRF_ENABLED=True,
            SQLALCHEMY_DATABASE_URI="sqlite://",
            SQLALCHEMY_ENGINE_OPTIONS={"poolclass": StaticPool},
        )
    )
    with app.app_context():
        db.create_all()
        body = make_body()
        meeting = make_meeting(body, date(2026, 4, 29), start=time(10), end=time(16))
        add_case(meeting, "Sak")
        person = make_person("Siv Ingebrigtsen", email="siv@example.no")
        add_membership(db.session, body, person, MembershipInput(role="sekretariat"))
        accounts.create_account(db.session, person, "siv@example.no", password=PASSWORD)
        db.session.commit()
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post(
            "/login", data={"email": "siv@example.no", "password": PASSWORD, "csrf_token": token}
        )
        html = client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
        forms = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
        assert len(forms) > 5
        assert all("csrf_token" in form for form in forms)
        item = meeting.items[0]
        refused = client.post(f"/agenda-items/{item.id}/move", data={"direction": "down"})
        assert refused.status_code == 400


def test_planning_pages_query_count_does_not_grow_with_the_agenda(client, session):
    person = make_person("Ada Admin", email="ada@example.no")
    accounts.create_account(session, person, "ada@example.no", password=PASSWORD, is_admin=True)
    session.commit()
    client.post("/login", data={"email": "ada@example.no", "password": PASSWORD})
    small, large = _meeting_with_items(5, "lite-rad"), _meeting_with_items(60, "stort-rad")
    for page in ("agenda", "attachments"):
        counts = []
        for meeting_id in (small, large):
            db.session.expire_all()
            with count_queries() as statements:
                assert client.get(f"/meetings/{meeting_id}/{page}").status_code == 200
            counts.append(len(statements))
        assert counts[0] == counts[1], (page, counts)


def test_an_earlier_case_is_found_by_number_title_or_body_and_prefilled(client, session, meeting):
    other = make_body("nuit", "NUIT")
    earlier = add_case(
        make_meeting(other, date(2025, 11, 5)),
        "Pasientoppsummering",
        summary="Første behandling.",
    )
    latest = add_case(
        make_meeting(other, date(2026, 2, 5)),
        None,
        sakstype="Anbefaling",
        case=earlier.treatment.case,
        summary="NUIT anbefaler løsningen.",
        proposed_decision="NUIT anbefaler at Fagrådet slutter seg til.",
    )
    add_case(make_meeting(other, date(2026, 3, 5)), "Noe helt annet")
    session.commit()
    url = f"/meetings/{meeting.id}/agenda"
    for q in ("pasientopp", "1/26", "NUIT 1/26", "1/26 NUIT", "NUIT pasient"):
        page = text_of(client.get(url, query_string={"finn": q}))
        assert "Pasientoppsummering (NUIT 1/25, NUIT 1/26)" in page, q
        assert "Noe helt annet" not in page, q
    page = text_of(client.get(url, query_string={"finn": "NUIT"}))
    assert "Pasientoppsummering (NUIT 1/25, NUIT 1/26)" in page and "Noe helt annet" in page
    assert "Ingen saker passer «finnes ikke»." in text_of(
        client.get(url, query_string={"finn": "finnes ikke"})
    )
    # The whole list of every case is gone: nothing is listed before a search.
    assert "Pasientoppsummering" not in text_of(client.get(url))

    html = client.get(url, query_string={"sak": earlier.treatment.case_id}).get_data(as_text=True)
    assert "Valgt sak: <strong>Pasientoppsummering</strong>" in html
    assert "hentet fra siste behandling (NUIT 1/26)" in html
    assert "NUIT anbefaler løsningen.</textarea>" in html
    assert "NUIT anbefaler at Fagrådet slutter seg til.</textarea>" in html
    assert '<option selected value="Anbefaling">' in html
    response = add(
        client,
        meeting,
        "existing",
        case_id=str(earlier.treatment.case_id),
        sakstype="Anbefaling",
        summary="NUIT anbefaler løsningen.",
        proposed_decision="Fagrådet slutter seg til.",
        day="1",
    )
    assert response.status_code == 302
    assert "5/26 Pasientoppsummering" in agenda_text(client, meeting)
    assert latest.treatment.case_id == earlier.treatment.case_id
    # Once on the agenda it is neither found nor picked again.
    page = text_of(client.get(url, query_string={"finn": "pasient"}))
    assert "Ingen saker passer «pasient»." in page
    again = add(
        client,
        meeting,
        "existing",
        case_id=str(earlier.treatment.case_id),
        sakstype="Drøfting",
        day="1",
    )
    assert again.status_code == 400
    assert "Finn og velg en sak som ikke står på dagsordenen" in text_of(again)
