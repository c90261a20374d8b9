"""In a real browser: a member melder forfall, the vara's invitation is queued and accepted
through the e-mail's link without logging in, and the attendance page is filled from it."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import icalendar
import pytest
import vobject
from playwright.sync_api import expect
from sqlalchemy import select

from govern.extensions import db
from govern.models.bodies import Body
from govern.models.mail import OutgoingMail
from govern.services import meetings
from govern.services.invitations import sync_invitations
from tests.browser.conftest import log_in

MEMBER, VARA = "Stine Slørdal", "Marthe Kristine Striger Dingen"


@pytest.fixture(scope="module")
def coming(live_server):
    """A called meeting of Fagrådet a month from now, its invitations queued."""
    _base, app = live_server
    soon = date.today() + timedelta(days=30)
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


def _vara_mail(app) -> OutgoingMail:
    with app.app_context():
        mail = db.session.scalar(
            select(OutgoingMail).where(OutgoingMail.subject.startswith("Innkalling som vara:"))
        )
        db.session.expunge_all()
        return mail


def test_forfall_vara_answer_and_attendance(page, browser, live_server, coming):
    base, app = live_server
    meeting_id, title = coming
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

    # The vara's own invitation is queued, with its calendar part and the answer links.
    mail = _vara_mail(app)
    assert mail.to_address == "marthe.dingen@example.no"
    assert mail.subject == f"Innkalling som vara: {title} – du stiller for {MEMBER}"
    vobject.readOne(mail.calendar, validate=True)
    [event] = icalendar.Calendar.from_ical(mail.calendar).walk("VEVENT")
    assert "-for-" in str(event["UID"]) and f"stiller for {MEMBER}" in str(event["SUMMARY"])
    link = re.search(r"Jeg kommer: \S+(/svar/\S+)", mail.body).group(1)

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
