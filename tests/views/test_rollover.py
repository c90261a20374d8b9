"""The "Lag plan for 2027" page: proposals with warnings, edits checked again, meetings
created, and a refused confirmation that keeps what was typed."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import func, select

from govern.models.meetings import Meeting
from tests.conftest import make_meeting
from tests.services.test_rollover import fagradet_2026
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

URL = "/bodies/fagradet/arshjul/ny-plan?year=2027"


@pytest.fixture
def secretary(session, client):
    body = fagradet_2026(session)
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    login(client, "siri@example.no")
    return body


def form_of(response) -> dict[str, str]:
    """The values of the page's inputs as the browser would send them (checked boxes only)."""
    html = response.get_data(as_text=True)
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        data[name.group(1)] = value.group(1) if value else ""
    return data


def _count_2027(session) -> int:
    return session.scalar(select(func.count(Meeting.id)).where(Meeting.year == 2027))


def test_the_page_shows_proposals_warnings_and_deadlines(client, secretary):
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert "Lag plan for 2027" in page
    assert "1/27 fra 1/26" in page
    assert (
        "Flyttet fra torsdag 6. mai 2027 (Kristi himmelfartsdag) til torsdag 13. mai 2027." in page
    )
    assert "Flyttet fra torsdag 15. juli 2027 (sommerferien) til torsdag 1. juli 2027." in page
    assert 'value="2027-05-12"' in response.get_data(as_text=True)
    deadlines = page.split("Frister med disse møtene", 1)[1]
    assert "Innkalling sendes – møte 1/27 1 uke før møte 1/27 20. januar 2027" in deadlines
    assert "Referat sendt på høring – møte 2/27 2 uker etter møte 2/27 26. mai 2027" in deadlines


def test_bad_year_is_refused_with_a_message(client, secretary):
    response = client.get("/bodies/fagradet/arshjul/ny-plan?year=tjuesju")
    assert response.status_code == 400
    assert "«tjuesju» er ikke et gyldig år" in text_of(response)


def test_update_checks_what_was_typed(client, session, secretary):
    data = form_of(client.get(URL))
    data["m0-d0-date"] = "2027-05-17"
    data["m0-d1-date"] = ""
    data.pop("m3-include")
    data["action"] = "update"
    response = client.post(URL, data=data)
    assert response.status_code == 200
    page = text_of(response)
    assert (
        "Mandag 17. mai 2027 faller på grunnlovsdagen 17. mai og andre pinsedag; "
        "velg en annen dag." in page
    )
    # Renumbered by date; the meeting left out has no number and no deadlines.
    assert "Innkalling sendes – møte 1/27 1 uke før møte 1/27 5. mai 2027" in page
    assert "4/27" not in page
    assert _count_2027(session) == 0


def test_confirm_creates_the_meetings(client, session, secretary):
    data = form_of(client.get(URL)) | {"action": "confirm"}
    data["m2-location"] = "Bergen"
    data["m2-d0-start"] = "9.30"  # typed the Norwegian way
    response = client.post(URL, data=data)
    assert response.status_code == 302
    created = session.scalars(
        select(Meeting).where(Meeting.year == 2027).order_by(Meeting.seq)
    ).all()
    assert [(m.number, m.status) for m in created] == [
        ("1/27", "planlagt"),
        ("2/27", "planlagt"),
        ("3/27", "planlagt"),
        ("4/27", "planlagt"),
    ]
    assert created[2].location == "Bergen"
    assert created[2].days[0].start_time == time(9, 30)
    assert created[3].first_date == date(2027, 7, 1)
    assert "4 møter er planlagt for 2027." in text_of(client.get(response.headers["Location"]))


def test_a_refused_confirmation_keeps_what_was_typed(client, session, secretary):
    data = form_of(client.get(URL)) | {"action": "confirm"}
    make_meeting(secretary, date(2027, 6, 2), status="planlagt")
    session.commit()
    data["m2-d0-date"] = "2027-06-02"
    data["m0-location"] = "Tromsø"
    response = client.post(URL, data=data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Møte 3: Fagrådet har allerede et møte 2. juni 2027" in page
    html = response.get_data(as_text=True)
    assert 'value="2027-06-02"' in html and 'value="Tromsø"' in html
    assert _count_2027(session) == 1


def test_a_bad_date_is_shown_next_to_the_field(client, session, secretary):
    data = form_of(client.get(URL)) | {"action": "confirm", "m1-d0-date": "2027-02-31"}
    response = client.post(URL, data=data)
    assert response.status_code == 400
    assert "Ugyldig dato «2027-02-31»" in text_of(response)
    assert 'value="2027-02-31"' in response.get_data(as_text=True)
    assert _count_2027(session) == 0


def test_only_the_secretariat_may_plan(client, session, secretary):
    make_user(session, "Mona Medlem", "mona@example.no", body=secretary, role="medlem")
    client.post("/logout")
    login(client, "mona@example.no")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"count": "0", "action": "confirm"}).status_code == 403
