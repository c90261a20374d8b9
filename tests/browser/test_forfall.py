"""In a real browser: a member melder forfall, the vara's invitation is queued, sent through
the SMTP test server and accepted through the e-mail's link without logging in, and the
attendance page is filled from it; a member answers with the links alone (forfall, then
withdrawn: the vara gets a CANCEL, the member the invitation again). Every message is read
as it arrived at the server, every calendar part checked with vobject and icalendar."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from govern.extensions import db
from govern.models.bodies import Body
from govern.services import meetings
from govern.services.invitations import sync_invitations
from tests.browser.conftest import log_in
from tests.conftest import MailServer
from tests.mail_messages import arrived

MEMBER, VARA = "Stine Slørdal", "Marthe Kristine Striger Dingen"
MEMBER_ADDRESS, VARA_ADDRESS = "stine.slordal@example.no", "marthe.dingen@example.no"


def _schedule(app, days_ahead: int) -> tuple[int, str]:
    """A called meeting of Fagrådet `days_ahead` days from now, its invitations queued."""
    soon = date.today() + timedelta(days=days_ahead)
    with app.app_context():
        body = db.session.scalar(select(Body).where(Body.slug == "fagradet"))
        data = meetings.MeetingInput(
            days=(meetings.DayInput(soon, time(10), time(16)),),
            location="Oslo",
            status="innkalt",
        )
        meeting = meetings.schedule_meeting(db.session, body, data)
        sync_invitations(
            db.session, meeting, app.config["BASE_URL"], answer_key=app.config["SECRET_KEY"]
        )
        db.session.commit()
        found = meeting.id, meeting.title
        db.session.remove()
    return found


@pytest.fixture(scope="module")
def coming(live_server):
    return _schedule(live_server[1], 30)


@pytest.fixture(scope="module")
def mail_server(live_server):
    """The SMTP test server the app's mail queue sends to."""
    _base, app = live_server
    server = MailServer()
    server.start()
    app.config.update(server.config())
    yield server
    server.stop()


def _deliver(app, server) -> dict[str, list[tuple]]:
    """Send the queue to the SMTP test server; what arrived, by address (each calendar part
    validated by vobject and parsed by icalendar in `arrived`)."""
    with app.app_context():
        messages = arrived(app, db.session, server)
        db.session.remove()
    by_address: dict[str, list[tuple]] = {}
    for message in messages:
        by_address.setdefault(message[0], []).append(message)
    return by_address


def _link(text: str, answer: str) -> str:
    return re.search(rf"^{answer}: \S+?(/svar/\S+)", text, re.M).group(1)


def _event(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def test_forfall_vara_answer_and_attendance(page, browser, live_server, coming, mail_server):
    base, app = live_server
    meeting_id, title = coming
    # The invitation reached the member with the calendar part and the two answer links.
    [(_to, subject, text, method, calendar)] = _deliver(app, mail_server)[MEMBER_ADDRESS]
    assert subject.startswith(f"Innkalling: {title}") and method == "REQUEST"
    assert _link(text, "Jeg kommer") != _link(text, "Jeg kommer ikke")
    assert str(_event(calendar)["SUMMARY"]).startswith(title)
    # The member melder forfall from the meeting page.
    log_in(page, "medlem2@example.no")
    page.goto(f"/meetings/{meeting_id}")
    page.get_by_role("complementary", name="Ditt svar").get_by_role(
        "link", name="Meld forfall"
    ).click()
    page.get_by_label("Merknad til sekretariatet (valgfri)").fill("Kurs i Bergen")
    page.get_by_role("button", name="Meld forfall").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Forfallet er registrert, og {VARA} er kalt inn som vara."
    )

    # The vara's own invitation arrives, with its calendar part and the answer links.
    delivered = _deliver(app, mail_server)
    assert set(delivered) == {VARA_ADDRESS}
    [(_to, subject, text, method, calendar)] = delivered[VARA_ADDRESS]
    assert subject == f"Innkalling som vara: {title} – du stiller for {MEMBER}"
    assert method == "REQUEST" and f"{MEMBER} har meldt forfall" in text
    event = _event(calendar)
    assert "-for-" in str(event["UID"]) and f"stiller for {MEMBER}" in str(event["SUMMARY"])
    assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
    assert str(event["ATTENDEE"]).lower() == f"mailto:{VARA_ADDRESS}"
    link = _link(text, "Jeg kommer")
    # The vara answers through the link, without logging in.
    visitor = browser.new_context(base_url=base, locale="nb-NO")
    vara_page = visitor.new_page()
    vara_page.goto(link)
    vara_page.get_by_role("button", name="Jeg kommer").click()
    expect(vara_page.get_by_role("status")).to_have_text(
        f"Takk! Du har bekreftet at du stiller for {MEMBER} på {title}."
    )
    visitor.close()

    # The secretariat finds the attendance filled in from the forfall, and confirms it.
    page.context.clear_cookies()
    log_in(page, "sekretariat@example.no")
    page.goto(f"/meetings/{meeting_id}/attendance")
    chain = page.get_by_role("region", name="Forfall og vara")
    expect(chain).to_contain_text(f"{MEMBER} har meldt forfall («Kurs i Bergen»)")
    expect(chain).to_contain_text(f"{VARA} stiller for {MEMBER} (svar: kommer)")
    member_row = page.get_by_role("radiogroup", name=f"Oppmøte for {MEMBER}")
    expect(member_row.get_by_label("ikke til stede", exact=True)).to_be_checked()
    vara_row = page.get_by_role("radiogroup", name=f"Oppmøte for {VARA}")
    expect(vara_row.get_by_label("stedfortreder", exact=True)).to_be_checked()
    stands_in = page.get_by_label(f"Hvem {VARA} stiller for")
    expect(stands_in.locator("option:checked")).to_have_text(f"{MEMBER}, Helse Midt RHF")
    expect(page.get_by_label(f"Hvem {MEMBER} stiller for").locator("option")).not_to_contain_text(
        [f"{MEMBER}, Helse Midt RHF"]
    )
    page.get_by_role("button", name="Alle til stede").click()
    page.wait_for_url(f"**/meetings/{meeting_id}")
    expect(page.get_by_role("status").first).to_contain_text("Oppmøtet er lagret.")
    with app.app_context():
        from govern.models.meetings import Meeting

        meeting = db.session.get(Meeting, meeting_id)
        recorded = {a.person.name: (a.status, a.deputy_for) for a in meeting.attendance}
        assert recorded[MEMBER] == ("absent", None)
        assert recorded[VARA][0] == "deputy" and recorded[VARA][1].name == MEMBER
        assert recorded["Jon Gupta"] == ("present", None)
        db.session.remove()


def test_forfall_and_withdrawal_with_the_links_alone(browser, live_server, mail_server):
    """«Jeg kommer ikke» from the member's e-mail is a forfall and calls in the vara;
    «Jeg kommer» afterwards withdraws it: the vara gets a CANCEL, the member the invitation."""
    base, app = live_server
    _deliver(app, mail_server)  # whatever an earlier test left in the queue
    meeting_id, title = _schedule(app, 45)
    [(_to, _subject, text, _method, calendar)] = _deliver(app, mail_server)[MEMBER_ADDRESS]
    day_uid = str(_event(calendar)["UID"])
    visitor = browser.new_context(base_url=base, locale="nb-NO")
    member = visitor.new_page()
    member.goto(_link(text, "Jeg kommer ikke"))
    member.get_by_role("button", name="Jeg kommer ikke").click()
    expect(member.get_by_role("status")).to_have_text(
        f"Forfallet er registrert, og {VARA} er kalt inn som vara."
    )
    [(_to, subject, vara_text, method, calendar)] = _deliver(app, mail_server)[VARA_ADDRESS]
    assert subject == f"Innkalling som vara: {title} – du stiller for {MEMBER}"
    stand_in = _event(calendar)
    assert method == "REQUEST" and str(stand_in["UID"]) != day_uid

    member.goto(_link(text, "Jeg kommer"))
    member.get_by_role("button", name="Jeg kommer").click()
    expect(member.get_by_role("status")).to_have_text(
        f"Forfallet er trukket. Velkommen til {title}!"
    )
    delivered = _deliver(app, mail_server)
    assert set(delivered) == {MEMBER_ADDRESS, VARA_ADDRESS}
    [(_to, subject, _text, method, calendar)] = delivered[VARA_ADDRESS]
    assert subject == f"Trukket tilbake: {title} – du stiller ikke for {MEMBER}"
    cancelled = _event(calendar)
    assert method == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["UID"] == stand_in["UID"] and cancelled["SEQUENCE"] > stand_in["SEQUENCE"]
    [(_to, subject, again, method, calendar)] = delivered[MEMBER_ADDRESS]
    assert subject.startswith(f"Innkalling: {title}") and method == "REQUEST"
    assert f"Forfallet ditt til {title} er trukket" in again
    assert str(_event(calendar)["UID"]) == day_uid

    # The secretariat has no forfall to see.
    visitor.close()
    with app.app_context():
        from govern.models.answers import Absence

        assert (
            db.session.scalars(select(Absence).where(Absence.meeting_id == meeting_id)).all() == []
        )
        db.session.remove()
