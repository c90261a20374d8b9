"""In a real browser: a member declares himself inhabil in a case, the secretariat records
it and the referat (python-docx) says so; the secretariat sends the draft minutes with a
deadline for comments, the e-mails are queued and arrive at the SMTP test server with the
link and the deadline, the member sees the deadline on Mine møter, follows the e-mail's link,
comments on a case, and the secretariat sees the comment beside the case."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import docx
from playwright.sync_api import expect
from sqlalchemy import select

from govern.extensions import db
from govern.models import Body, Meeting, OutgoingMail
from govern.timeutil import long_date
from tests.browser.conftest import log_in, screenshot
from tests.conftest import MailServer
from tests.mail_messages import arrived

SENTENCE = (
    "Jon Gupta fratrådte under behandlingen av saken (inhabil, fvl. § 6 første ledd bokstav e)."
)


def _april(app) -> int:
    with app.app_context():
        body = db.session.scalar(select(Body).where(Body.slug == "fagradet"))
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.body_id == body.id, Meeting.seq == 2)
        )
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _mark_held(app, meeting_id: int) -> None:
    """Marking the meeting held has its own browser test; here it is set directly."""
    with app.app_context():
        db.session.get(Meeting, meeting_id).status = "gjennomført"
        db.session.commit()
        db.session.remove()


def _docx_text(path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [p.text for p in cell.paragraphs]
    return "\n".join(texts)


def test_inhabil_then_draft_minutes_for_comments(page, browser, live_server):
    base, app = live_server
    april = _april(app)

    # The member declares himself inhabil in case 10/26.
    log_in(page, "medlem@example.no")
    page.goto(f"/meetings/{april}")
    page.get_by_role("link", name="inhabilitet i sak 10/26").click()
    page.get_by_label("Grunnlag").select_option("fvl. § 6 første ledd bokstav e")
    page.get_by_label("Begrunnelse").fill("Jeg sitter i styret hos leverandøren.")
    page.get_by_role("button", name="Meld meg inhabil").click()
    expect(page.get_by_text("Sekretariatet har ikke avgjort det ennå")).to_be_visible()

    # The secretariat records it; the referat says so.
    secretariat = browser.new_context(base_url=base, locale="nb-NO").new_page()
    log_in(secretariat, "sekretariat@example.no")
    secretariat.goto(f"/meetings/{april}")
    secretariat.get_by_role("link", name="inhabilitet i sak 10/26").click()
    row = secretariat.get_by_role("row", name=re.compile("Jon Gupta"))
    expect(row).to_contain_text("Meldt, ikke avgjort")
    row.get_by_label("Inhabil", exact=True).check()
    row.get_by_role("button", name="Lagre avgjørelsen").click()
    expect(secretariat.get_by_text("Jon Gupta er funnet inhabil i sak 10/26.")).to_be_visible()
    screenshot(secretariat, "habilitet.png")
    secretariat.goto(f"/meetings/{april}")
    with secretariat.expect_download() as download:
        secretariat.get_by_role("link", name=re.compile("^Referat")).click()
    assert SENTENCE in _docx_text(download.value.path())

    # The draft minutes go to the members with a deadline for comments.
    _mark_held(app, april)
    deadline = date.today() + timedelta(days=14)
    secretariat.goto(f"/meetings/{april}")
    secretariat.get_by_label(re.compile("Frist for merknader")).fill(deadline.isoformat())
    secretariat.get_by_role("button", name="Referat: send til medlemmene").click()
    secretariat.get_by_role("button", name=re.compile("Send likevel|Send referatet")).click()
    expect(secretariat.get_by_text("Referatet er sendt til medlemmene.")).to_be_visible()
    with app.app_context():
        queued = db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.meeting_id == april)
        ).all()
        assert {m.subject for m in queued} == {"Referat til merknader: Møte i Fagrådet 2/26"}
        server = MailServer()
        server.start()
        try:
            app.config.update(server.config())
            delivered = {m[0]: m for m in arrived(app, db.session, server)}
        finally:
            server.stop()
        db.session.remove()
    # Every message queued arrived: members and varas, each with the link and the deadline.
    assert len(delivered) == len(queued)
    assert {"jon.gupta@example.no", "stine.slordal@example.no", "marthe.dingen@example.no"} <= set(
        delivered
    )
    for _to, subject, text, method, calendar in delivered.values():
        assert subject == "Referat til merknader: Møte i Fagrådet 2/26"
        assert f"innen {long_date(deadline)}" in text
        assert f"/meetings/{april}/referat/merknader" in text
        assert (method, calendar) == (None, None)
    link = re.search(r"\S+(/meetings/\d+/referat/merknader)", delivered["jon.gupta@example.no"][2])

    # The member finds the open deadline on Mine møter.
    page.goto("/mine-moter")
    expect(page.get_by_role("main")).to_contain_text(f"merknader innen {long_date(deadline)}")

    # He follows the e-mail's link and comments on case 10/26; the secretariat sees it.
    page.goto(link.group(1))
    page.get_by_label("Merknad til sak 10/26").fill("Referatet bør si at EHDS-fristen er 2029.")
    page.get_by_label("Merknad til sak 10/26").locator("xpath=..").get_by_role(
        "button", name="Send merknaden"
    ).click()
    expect(page.get_by_text("Merknaden er sendt til sekretariatet.")).to_be_visible()
    secretariat.goto(f"/meetings/{april}")
    secretariat.get_by_role("link", name="innspill og vedtak i sak 10/26").click()
    comments = secretariat.get_by_role("complementary", name="Merknader fra medlemmene")
    expect(comments).to_contain_text("Referatet bør si at EHDS-fristen er 2029.")
    expect(comments).to_contain_text("Ikke behandlet")
    screenshot(secretariat, "merknader-til-referat.png")
