"""Calendar routes: the meeting's .ics, the body feed, the personal feed and the profile page."""

from __future__ import annotations

from datetime import date, time

from govern.services import accounts
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import make_body, make_meeting, make_person
from tests.exports.test_calendar import check_lines, events, parse
from tests.views.test_pages import text_of

ICS = "text/calendar; charset=utf-8"


def test_meeting_ics_answers_304_when_unchanged(client, session):
    meeting = make_meeting(make_body(), date(2026, 5, 6), date(2026, 5, 7), start=time(9))
    session.commit()
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ICS
    assert response.headers["Last-Modified"]
    check_lines(response.data)
    cal = parse(response.data)
    assert [e.decoded("DTSTART").time() for e in events(cal)] == [time(9), time(9)]
    etag = response.headers["ETag"]
    again = client.get(f"/meetings/{meeting.id}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    meeting.location = "Nytt sted"
    session.commit()
    changed = client.get(f"/meetings/{meeting.id}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200


def test_draft_meeting_ics_is_hidden(client, session):
    meeting = make_meeting(make_body(), date(2026, 5, 6), status="planlagt")
    session.commit()
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404


def test_body_feed_has_only_published_meetings(client, session):
    body = make_body()
    make_meeting(body, date(2026, 5, 6))
    make_meeting(body, date(2026, 6, 3), status="planlagt")
    session.commit()
    response = client.get("/bodies/fagradet/calendar.ics")
    assert response.headers["Content-Type"] == ICS
    cal = parse(response.data)
    assert [e.decoded("DTSTART").date() for e in events(cal)] == [date(2026, 5, 6)]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.get_data(as_text=True)
    assert client.get("/bodies/ukjent/calendar.ics").status_code == 404


def _log_in(client, session, role="medlem"):
    body = make_body()
    person = make_person("Kari Nordmann", email="kari@example.no")
    add_membership(session, body, person, MembershipInput(role))
    accounts.create_account(session, person, "kari@example.no", password="passord-123-abc")
    session.commit()
    client.post("/login", data={"email": "kari@example.no", "password": "passord-123-abc"})
    return body, person


def test_profile_makes_and_renews_the_personal_feed(client, session):
    body, person = _log_in(client, session)
    make_meeting(body, date(2026, 5, 6))
    shared = make_meeting(body, date(2026, 6, 3), status="planlagt")
    shared.agenda_shared = True
    make_meeting(body, date(2026, 9, 2), status="planlagt")
    session.commit()
    page = text_of(client.get("/profile"))
    assert "Kari Nordmann" in page and "kari@example.no" in page
    assert "Du har ingen kalenderlenke ennå" in page

    client.post("/profile/feed-token")
    first = person.feed_token
    assert first and len(first) >= 40
    html = client.get("/profile").get_data(as_text=True)
    assert f"webcal://govern.test/feeds/{first}.ics" in html
    assert f"https://govern.test/feeds/{first}.ics" in html
    assert "Lag ny lenke" in html

    client.post("/logout")
    feed = client.get(f"/feeds/{first}.ics")
    assert feed.status_code == 200
    dates = [e.decoded("DTSTART").date() for e in events(parse(feed.data))]
    # The published meeting and the one whose agenda is shared with members; not the draft.
    assert dates == [date(2026, 5, 6), shared.first_date]

    client.post("/login", data={"email": "kari@example.no", "password": "passord-123-abc"})
    client.post("/profile/feed-token")
    assert person.feed_token != first
    assert client.get(f"/feeds/{first}.ics").status_code == 404
    assert client.get(f"/feeds/{person.feed_token}.ics").status_code == 200


def test_unknown_feed_token_is_404(client, session):
    assert client.get("/feeds/finnes-ikke.ics").status_code == 404


def test_profile_needs_login(client):
    assert client.get("/profile").status_code == 302
    assert client.post("/profile/feed-token").status_code == 302


def test_meeting_and_body_pages_link_to_the_calendar(client, session):
    meeting = make_meeting(make_body(), date(2026, 5, 6))
    session.commit()
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Legg til i kalender" in text_of(client.get(f"/meetings/{meeting.id}"))
    assert f'href="/meetings/{meeting.id}.ics"' in html
    body_html = client.get("/bodies/fagradet").get_data(as_text=True)
    assert "Abonner på kalenderen" in body_html
    assert 'href="webcal://govern.test/bodies/fagradet/calendar.ics"' in body_html


def test_feeds_carry_the_annual_cycle_deadlines(client, session):
    import time as clock

    from govern.services import cycles

    year = date.today().year
    body = make_body()
    called = make_meeting(body, date(year, 5, 6))
    make_meeting(body, date(year, 6, 3), status="planlagt")
    cycle = cycles.create_cycle(session, cycles.CycleInput("Årshjul for Fagrådet"), body=body)
    submit = cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput("Innmelding av saker", "meeting", offset_days=-28, meeting_anchor="each"),
    )
    cycles.add_entry(
        session, cycle, cycles.EntryInput("Møteplan vedtas", "period", period_unit="season",
                                          period_start=2),
    )  # fmt: skip
    shared = cycles.create_cycle(session, cycles.CycleInput("Nasjonalt årshjul"))
    cycles.add_entry(session, shared, cycles.EntryInput("Leveranseplan", "date", month=2, day=1))
    siri = make_person("Siri Sekretær", email="siri@example.no")
    add_membership(session, body, siri, MembershipInput("sekretariat"))
    siri.feed_token = "siri-token"
    session.commit()

    response = client.get("/bodies/fagradet/calendar.ics")
    check_lines(response.data)
    cal = parse(response.data)
    assert str(cal["X-WR-CALNAME"]) == "Fagrådet – møter og frister"
    deadlines = {str(e["SUMMARY"]): e for e in events(cal) if str(e["UID"]).startswith("frist-")}
    assert set(deadlines) == {
        f"Frist: Innmelding av saker – møte {called.number}",
        "Møteplan vedtas (høsten)",
    }  # the draft meeting's deadline and the shared cycle's are not in the body's feed
    submit_event = deadlines[f"Frist: Innmelding av saker – møte {called.number}"]
    assert submit_event.decoded("DTSTART") == date(year, 4, 8)
    assert "DTSTART;VALUE=DATE:" in response.get_data(as_text=True)
    assert f"/bodies/fagradet/arshjul?year={year}" in str(submit_event["URL"])
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]

    clock.sleep(1.1)  # Last-Modified has whole seconds
    cycles.mark_done(session, submit, f"m{called.id}", siri)
    session.commit()
    again = client.get(
        "/bodies/fagradet/calendar.ics",
        headers={"If-None-Match": etag, "If-Modified-Since": modified},
    )
    assert again.status_code == 200
    assert again.headers["Last-Modified"] != modified
    assert f"Utført: Innmelding av saker – møte {called.number}" in again.get_data(as_text=True)

    personal = parse(client.get("/feeds/siri-token.ics").data)
    summaries = {str(e["SUMMARY"]) for e in events(personal)}
    assert "Frist: Leveranseplan" in summaries  # the secretariat keeps the shared cycle
    assert any(s.startswith("Frist: Innmelding av saker – møte 2/") for s in summaries)
