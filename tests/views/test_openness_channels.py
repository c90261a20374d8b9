"""Openness in the other channels: calendars and feeds, the decision register and its
CSV/XLSX, as a visitor, a member of another body and a member of the body."""

from __future__ import annotations

import csv
import io

import icalendar
import openpyxl
import pytest
from sqlalchemy import select

from govern.models import Body, Person, Treatment
from govern.models.accounts import User
from tests.services.test_exchange import approve_demo_january
from tests.views import test_openness
from tests.views.test_openness import FULL, OTHER, OWNER, PUBLIC, log_in
from tests.views.test_pages import meeting_id

#: The fixture with the accounts of a member of another body and of the case's owner.
readers = test_openness.readers
MEMBER = "medlem@example.no"
CLOSED = "Lukket behandling, Offl. § 15 første ledd"
#: Words of the closed item 5/26's vedtak.
CLOSED_WORDS = "helhetlig forvaltning av metadata for sentrale kodeverk"


def ics_text(response) -> str:
    """Every event's summary and description."""
    assert response.status_code == 200, response.status_code
    cal = icalendar.Calendar.from_ical(response.data)
    return " ".join(
        f"{e.get('summary', '')} {e.get('description', '')}" for e in cal.walk("VEVENT")
    )


def test_calendars_show_an_exempt_case_by_its_public_title(client, session, readers):
    april = meeting_id(session, "fagradet", "2/26")
    # A member's internal file is built first: the cache must not hand it to others.
    log_in(client, MEMBER)
    assert FULL in ics_text(client.get(f"/meetings/{april}.ics"))
    client.post("/logout")
    for email in (None, OTHER):
        if email:
            log_in(client, email)
        for url in (f"/meetings/{april}.ics", "/bodies/fagradet/calendar.ics"):
            text = ics_text(client.get(url))
            assert PUBLIC in text and FULL not in text, (email, url)
    people = {}
    for email in (MEMBER, OTHER):
        log_in(client, email)
        client.post("/profile/feed-token")
        user = session.scalar(select(User).where(User.email == email))
        people[email] = session.get(Person, user.person_id)
    session.expire_all()
    member, other = people[MEMBER], people[OTHER]
    client.post("/logout")
    assert FULL in ics_text(client.get(f"/feeds/{member.feed_token}.ics"))
    assert FULL not in ics_text(client.get(f"/feeds/{other.feed_token}.ics"))


def test_a_members_only_bodys_calendars_are_for_its_readers(client, session, readers):
    body = session.scalar(select(Body).where(Body.slug == "produktrad-dips-arena"))
    assert body.members_only
    assert client.get(f"/bodies/{body.slug}/calendar.ics").status_code == 404
    meeting = body.meetings[0] if body.meetings else None
    if meeting is not None:
        assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404
        log_in(client, OTHER)
        assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404
    log_in(client, OTHER)
    assert client.get(f"/bodies/{body.slug}/calendar.ics").status_code == 404


def register_texts(client) -> tuple[str, str, str]:
    page = client.get("/vedtak").get_data(as_text=True)
    rows = list(
        csv.reader(io.StringIO(client.get("/vedtak.csv").data.decode("utf-8-sig")), delimiter=";")
    )
    book = openpyxl.load_workbook(io.BytesIO(client.get("/vedtak.xlsx").data))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    return page, " ".join(" ".join(r) for r in rows), " ".join(cells)


@pytest.mark.parametrize("who", ["visitor", "member of another body", "member of the body"])
def test_the_register_holds_back_a_closed_items_decision(client, session, readers, who):
    approve_demo_january(session)
    session.commit()
    # The member's register part is made first: a kept part must not reach other classes.
    log_in(client, MEMBER)
    assert CLOSED_WORDS in register_texts(client)[0]
    client.post("/logout")
    if who != "visitor":
        log_in(client, MEMBER if who == "member of the body" else OTHER)
    for text in register_texts(client):
        assert "Forvaltning av metadata for kodeverk" in text  # the title is public
        if who == "member of the body":
            assert CLOSED_WORDS in text and CLOSED not in text
        else:
            assert CLOSED_WORDS not in text and CLOSED in text


@pytest.mark.parametrize("who", ["visitor", "member of another body", "member of the body"])
def test_search_finds_nothing_held_back_from_the_reader(client, session, readers, who):
    inside = who == "member of the body"
    if who != "visitor":
        log_in(client, MEMBER if inside else OTHER)
    for words in ("Nordic", "Datavekst", "48,6 millioner", "kontrakt -Nordic", "sentrale kodeverk"):
        page = client.get("/sok", query_string={"q": words}).get_data(as_text=True)
        found = "17/26" in page or "5/26" in page
        assert found == (inside and words != "kontrakt -Nordic"), (who, words)
    # A members-only body's cases are for its readers only.
    found = client.get("/sok", query_string={"q": "utgivelsesplan"}).get_data(as_text=True)
    assert "Prioritering av endringsønsker" not in found


def test_a_case_owners_register_is_kept_apart_from_the_visitors(client, session, readers):
    approve_demo_january(session)
    closed = session.scalar(select(Treatment).where(Treatment.closed_basis.is_not(None)))
    owner = session.scalar(select(User).where(User.email == OWNER))
    closed.case.saksbehandler_id = owner.person_id  # an owner with no role in Fagrådet
    session.commit()
    log_in(client, OWNER)
    assert CLOSED_WORDS in register_texts(client)[0]  # the owner sees it, and it is kept
    client.post("/logout")
    page = register_texts(client)[0]
    assert CLOSED_WORDS not in page and CLOSED in page
