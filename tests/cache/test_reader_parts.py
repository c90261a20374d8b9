"""A logged-in reader's meeting page: the part every reader of the same class sees is
rendered once and kept; only the layout around it is rendered per request."""

from __future__ import annotations

import re

import pytest

from govern import queries
from govern.cache.pages import CSRF_MARK
from govern.services import accounts
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.views.test_pages import text_of

PASSWORD = "riktig-passord-123"


def reader(app, session, name: str, body=None, role: str | None = None):
    """A logged-in client for a new person (with a role in `body` if given)."""
    email = f"{name.replace(' ', '.').lower()}@example.no"
    person = make_person(name, email=email)
    if role is not None:
        add_membership(session, body, person, MembershipInput(role=role))
    accounts.create_account(session, person, email, password=PASSWORD)
    session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client, person


@pytest.fixture
def meeting(session):
    body = make_body()
    meeting = make_meeting(body)
    add_case(meeting, "Felles journal")
    session.commit()
    return meeting


def count_renders(monkeypatch) -> list[int]:
    calls: list[int] = []
    full = queries.meeting_full

    def counted(session, meeting_id):
        calls.append(meeting_id)
        return full(session, meeting_id)

    monkeypatch.setattr(queries, "meeting_full", counted)
    return calls


def test_members_of_a_body_share_one_rendering(app, session, meeting, monkeypatch):
    body = meeting.body
    first, _ = reader(app, session, "Jon Gupta", body, "medlem")
    second, _ = reader(app, session, "Kari Medlem", body, "nestleder")
    renders = count_renders(monkeypatch)
    url = f"/meetings/{meeting.id}"
    one, two = text_of(first.get(url)), text_of(second.get(url))
    assert renders == [meeting.id]  # the second member's page came from the kept part
    assert "Felles journal" in one and "Felles journal" in two
    assert "Jon Gupta" in one and "Kari Medlem" in two  # each one's own header
    assert (
        "Kari Medlem" not in one.split("Logg ut")[0] and "Jon Gupta" not in two.split("Logg ut")[0]
    )


def test_each_class_of_reader_gets_its_own_part(app, client, session, meeting, monkeypatch):
    body = meeting.body
    member, _ = reader(app, session, "Jon Gupta", body, "medlem")
    secretary, _ = reader(app, session, "Siv Ingebrigtsen", body, "sekretariat")
    outsider, _ = reader(app, session, "Ola Utenfor")
    renders = count_renders(monkeypatch)
    url = f"/meetings/{meeting.id}"
    assert "Dagsorden" in text_of(secretary.get(url)) and "Rediger møte" in text_of(
        secretary.get(url)
    )
    assert "Rediger møte" not in text_of(member.get(url))
    visitor_page = client.get(url).get_data(as_text=True)
    outsider_page = outsider.get(url).get_data(as_text=True)
    # The secretariat, the members and the visitors: three renderings; the logged-in reader
    # with no role in the body sees the visitor's part.
    assert len(renders) == 3
    crumbs = '<p class="crumbs">'
    assert visitor_page.split(crumbs)[1] == outsider_page.split(crumbs)[1]


def test_a_case_owner_sees_the_memo_link_and_other_members_do_not(app, session, meeting):
    body = meeting.body
    owner, person = reader(app, session, "Jon Tysdahl", body, "medlem")
    other, _ = reader(app, session, "Jon Gupta", body, "medlem")
    case = next(i.treatment.case for i in meeting.items if i.kind == "case")
    case.saksbehandler_id = person.id
    session.commit()
    url = f"/meetings/{meeting.id}"
    assert "Rediger toppnotat" not in text_of(other.get(url))
    assert "Rediger toppnotat" in text_of(owner.get(url))
    assert "Rediger toppnotat" not in text_of(other.get(url))


def test_the_kept_part_gets_each_readers_own_csrf_token(app, session, meeting):
    meeting.status = "innkalt"
    session.commit()
    secretary, _ = reader(app, session, "Siv Ingebrigtsen", meeting.body, "sekretariat")
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    (part,) = app.extensions["govern_part_cache"]._items.values()
    assert CSRF_MARK in part.html  # «Merk som gjennomført», kept without anyone's token
    assert CSRF_MARK not in page
    header, main = page.split("<main", 1)
    token = re.findall(r'name="csrf_token" value="([^"]+)"', header)
    assert token and re.findall(r'name="csrf_token" value="([^"]+)"', main) == token


def test_a_write_in_the_body_reaches_the_members_page(app, session, meeting):
    member, _ = reader(app, session, "Jon Gupta", meeting.body, "medlem")
    url = f"/meetings/{meeting.id}"
    assert "Felles journal" in text_of(member.get(url))
    case = next(i.treatment.case for i in meeting.items if i.kind == "case")
    case.title = "Felles kjernejournal"
    session.commit()
    assert "Felles kjernejournal" in text_of(member.get(url))
