"""In a real browser: a member submits a case with a file, lands on Mine møter, and the
secretariat finds it from its front page and puts it on a meeting's agenda, where it gets
its case number and its file becomes a Vedlegg."""

from __future__ import annotations

import re
from datetime import date, time

from playwright.sync_api import expect

from govern.extensions import db
from govern.models import Body
from govern.services import meetings
from tests.browser.conftest import log_in, screenshot

TITLE = "Felles plattform for digital hjemmeoppfølging"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _plan_meeting(app) -> str:
    """A planned Fagrådet meeting next year (the demo's meetings are all in the past)."""
    with app.app_context():
        body = db.session.query(Body).filter_by(slug="fagradet").one()
        day = date(date.today().year + 1, 3, 10)
        data = meetings.MeetingInput(days=(meetings.DayInput(day, time(10), time(15)),))
        meeting = meetings.schedule_meeting(db.session, body, data)
        db.session.commit()
        number = meeting.number
        db.session.remove()
    return number


def test_member_submits_a_case_and_the_secretariat_puts_it_on_the_agenda(
    page, browser, live_server, tmp_path
):
    _base, app = live_server
    number = _plan_meeting(app)
    log_in(page, "medlem@example.no")
    expect(page).to_have_url(re.compile(r"/mine-moter$"))
    expect(page.get_by_role("heading", name="Mine møter", level=1)).to_be_visible()
    page.get_by_role("link", name="Meld inn en sak til Fagrådet").click()
    expect(page.get_by_role("heading", name="Meld inn en sak til Fagrådet")).to_be_visible()

    # A blank title is refused, nothing is saved, and what was typed stays.
    page.get_by_label("Tittel").fill("   ")
    page.get_by_label("Forslag til vedtak").fill("Fagrådet drøfter saken.")
    page.get_by_role("button", name="Meld inn saken").click()
    expect(page.get_by_text("Skriv sakens tittel")).to_be_visible()
    expect(page.get_by_label("Forslag til vedtak")).to_have_value("Fagrådet drøfter saken.")

    page.get_by_label("Tittel").fill(TITLE)
    page.get_by_label("Ønsket sakstype").select_option("Orientering")
    page.get_by_label("Sammendrag (hva saken gjelder)").fill("Regionene ønsker en orientering.")
    notat = tmp_path / "Notat om plattform.pdf"
    notat.write_bytes(PDF)
    page.get_by_label(re.compile("^Vedlegg")).set_input_files(str(notat))
    page.get_by_role("button", name="Meld inn saken").click()
    expect(page).to_have_url(re.compile(r"/mine-moter$"))
    expect(
        page.get_by_role("status").filter(has_text="Saken er meldt inn til Fagrådet")
    ).to_be_visible()
    mine = page.get_by_role("region", name="Saker du har meldt inn")
    expect(mine).to_contain_text(f"{TITLE} – Fagrådet")
    expect(mine).to_contain_text("Til behandling")
    screenshot(page, "mine-moter.png")

    secretariat = browser.new_context(base_url=_base, locale="nb-NO")
    other = secretariat.new_page()
    log_in(other, "sekretariat@example.no")
    other.get_by_role("link", name="1 innmeldt sak venter – Fagrådet").click()
    submission = other.get_by_role("article", name=TITLE)
    expect(submission).to_contain_text("Notat om plattform.pdf")
    accept = submission.get_by_role("form", name=f"Sett «{TITLE}» på dagsordenen")
    choice = accept.get_by_label("Møte").locator("option", has_text=f"Møte {number} (")
    accept.get_by_label("Møte").select_option(choice.get_attribute("value"))
    expect(accept.get_by_label("Sakstype")).to_have_value("Orientering")
    screenshot(other, "innmeldte-saker.png")
    accept.get_by_role("button", name="Sett på dagsordenen").click()
    expect(other).to_have_url(re.compile(r"/meetings/\d+/agenda$"))
    flash = other.get_by_role("status").filter(has_text="Saken er satt på dagsordenen")
    expect(flash).to_contain_text(f"for møte {number} som sak ")
    case_number = re.search(r"som sak (\d+/\d+)", flash.inner_text())[1]
    expect(other.get_by_text(TITLE).first).to_be_visible()
    other.get_by_role("link", name="Vedlegg", exact=True).click()
    expect(other.get_by_role("row").filter(has_text="Notat om plattform")).to_contain_text(
        case_number
    )
    secretariat.close()

    # The member reads the answer on Mine møter.
    page.reload()
    expect(page.get_by_role("region", name="Saker du har meldt inn")).to_contain_text(
        f"Satt på dagsorden som sak {case_number}"
    )
