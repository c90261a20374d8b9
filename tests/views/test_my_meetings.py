"""Mine møter: a member lands on it after logging in and reads the next meetings of his or
her bodies, what is new since the last visit, and the cases he or she has submitted."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from govern.models import AuditEntry, Meeting, User
from govern.models.base import utcnow
from govern.models.submissions import PageVisit
from govern.services import attachments
from govern.services.accounts import DEMO_PASSWORD
from govern.views import submissions as submission_views
from tests.services.test_attachments import small_pdf

TODAY = date(2026, 4, 20)


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return (
        re.sub(r"\s+", " ", html.unescape(text))
        .replace(" )", ")")
        .replace("( ", "(")
        .replace(" :", ":")
    )


def login(client, email: str):
    return client.post("/login", data={"email": email, "password": DEMO_PASSWORD})


@pytest.fixture
def demo(app, session, demo_with_accounts, tmp_path, monkeypatch):
    app.instance_path = str(tmp_path)
    monkeypatch.setattr(submission_views, "today", lambda: TODAY)


def _meeting(session, number: int) -> Meeting:
    return session.scalar(
        select(Meeting).where(Meeting.seq == number, Meeting.year == 2026)
        .where(Meeting.body.has(slug="fagradet"))
    )  # fmt: skip


def _user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def test_a_member_lands_on_mine_moter_and_sees_the_next_meeting(client, session, demo):
    response = login(client, "medlem@example.no")
    assert response.headers["Location"] == "/"
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/mine-moter")
    page = _text(client.get("/mine-moter"))
    assert "Neste møter" in page
    assert "Fagrådet – møte 2/26 29. – 30. april 2026" in page
    assert "Meld inn en sak til Fagrådet" in page
    # The secretariat keeps its own front page.
    client.post("/logout")
    login(client, "sekretariat@example.no")
    assert client.get("/").status_code == 200


def test_what_is_new_since_the_last_visit(app, client, session, demo):
    login(client, "medlem@example.no")
    assert "Ingenting nytt siden sist" in _text(client.get("/mine-moter"))
    # The secretariat publishes a document and sends the minutes of 1/26 ... (as services do).
    secretariat = _user(session, "sekretariat@example.no")
    meeting = _meeting(session, 2)
    attachments.add_attachment(
        session,
        meeting,
        attachments.UploadInput(filename="Plan.pdf", content=small_pdf(), title="Veikart 2027"),
        app.instance_path + "/uploads",
        secretariat,
    )
    session.commit()
    page = _text(client.get("/mine-moter"))
    assert "Nytt dokument i Fagrådet møte 2/26: Vedlegg" in page and "«Veikart 2027»" in page
    # Reloading during the same visit shows the same news.
    assert "«Veikart 2027»" in _text(client.get("/mine-moter"))
    # Published three hours ago, seen at a visit an hour ago: not new at this visit.
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == "attachment.add")):
        entry.at = utcnow() - timedelta(hours=3)
    visit = session.get(PageVisit, (_user(session, "medlem@example.no").id, "mine-moter"))
    visit.seen_at = utcnow() - timedelta(hours=1)
    session.commit()
    page = _text(client.get("/mine-moter"))
    assert "«Veikart 2027»" not in page and "Ingenting nytt siden sist" in page


def test_news_are_only_what_the_member_may_read(app, client, session, demo):
    """A planned meeting's document is not news to a member who may not read the meeting."""
    login(client, "medlem@example.no")
    client.get("/mine-moter")
    secretariat = _user(session, "sekretariat@example.no")
    from tests.conftest import make_meeting

    planned = make_meeting(_meeting(session, 2).body, date(2026, 6, 10), status="planlagt")
    session.commit()
    attachments.add_attachment(
        session,
        planned,
        attachments.UploadInput(
            filename="Utkast.pdf", content=small_pdf(), title="Hemmelig utkast"
        ),
        app.instance_path + "/uploads",
        secretariat,
    )
    session.commit()
    page = _text(client.get("/mine-moter"))
    assert "Hemmelig utkast" not in page
    assert "møte 3/26" not in page  # a planned meeting is not shown to members


def test_innkalling_minutes_sent_and_approved_are_news(client, session, demo):
    """The audit lines the secretariat's actions write are read as news, in words."""
    from govern.services import audit

    login(client, "medlem@example.no")
    client.get("/mine-moter")
    secretariat = _user(session, "sekretariat@example.no")
    january, april = _meeting(session, 1), _meeting(session, 2)
    body = april.body
    audit.record(session, secretariat, "meeting.status", april, "x", body=body,
                 changes={"status": ["planlagt", "innkalt"]})  # fmt: skip
    audit.record(session, secretariat, "minutes.send", january, "x", body=body)
    audit.record(session, secretariat, "minutes.approve", january, "x", body=body)
    audit.record(session, secretariat, "minutes.send_for_comments", january, "x", body=body)
    audit.record(session, secretariat, "meeting.update", april, "x", body=body)
    session.commit()
    page = _text(client.get("/mine-moter"))
    news = page.split("Nytt siden sist", 1)[1].split("Saker du har meldt inn", 1)[0]
    assert "Innkalling og dagsorden sendt: Fagrådet møte 2/26" in news
    assert "Referatet er sendt til medlemmene: Fagrådet møte 1/26" in news
    assert "Referatet er godkjent: Fagrådet møte 1/26" in news
    assert news.index("godkjent") < news.index("sendt til medlemmene:")  # newest first
    assert "Referatet er sendt til medlemmene for merknader: Fagrådet møte 1/26" in news
    assert news.count("Fagrådet møte") == 4


def test_open_comment_deadlines(client, session, demo):
    """The draft minutes of 1/26 sent for comments: the deadline, and how many the member gave."""
    from govern.models import MinutesComment, MinutesSending

    login(client, "medlem@example.no")
    assert "Ingen referater venter på merknader" in _text(client.get("/mine-moter"))
    january = _meeting(session, 1)
    assert january.minutes_status == "sendt"
    sending = MinutesSending(meeting_id=january.id, number=1, kind="merknader",
                             deadline=TODAY + timedelta(days=5), recipients=3)  # fmt: skip
    session.add(sending)
    session.flush()
    member = _user(session, "medlem@example.no").person
    session.add(MinutesComment(sending_id=sending.id, person_id=member.id, text="Rett navnet."))
    session.commit()
    page = _text(client.get("/mine-moter"))
    assert (
        "Referatet fra Fagrådet møte 1/26: merknader innen 25. april 2026 "
        "(du har gitt 1 merknad)" in page
    )
    link = f'href="/meetings/{january.id}/referat/merknader"'
    assert link in client.get("/mine-moter").get_data(as_text=True)
    assert client.get(f"/meetings/{january.id}/referat/merknader").status_code == 200
    # Past its deadline, or followed by the final version, it is not open any more.
    sending.deadline = TODAY - timedelta(days=1)
    session.commit()
    assert "Ingen referater venter på merknader" in _text(client.get("/mine-moter"))


def test_the_answer_given_to_each_meeting(client, session, demo):
    """Kommer / forfall, from what the member answered (the invitation's links, a calendar
    reply, or a forfall), with the link to melde forfall."""
    from govern.models import Absence
    from govern.services import answers

    login(client, "medlem@example.no")
    april = _meeting(session, 2)
    page = _text(client.get("/mine-moter"))
    assert "Fagrådet – møte 2/26 29. – 30. april 2026" in page
    assert "Du har ikke svart · Meld forfall" in page
    member = _user(session, "medlem@example.no").person
    answers.record_answer(session, april, member, "ACCEPTED", "lenke")
    session.commit()
    assert "Ditt svar: kommer · Meld forfall" in _text(client.get("/mine-moter"))
    session.add(Absence(meeting_id=april.id, person_id=member.id, note="Syk"))
    session.commit()
    page = _text(client.get("/mine-moter"))
    assert "Du har meldt forfall · Se eller trekk forfallet" in page
    assert client.get(f"/meetings/{april.id}/forfall").status_code == 200


def test_a_vara_called_in_reads_whom_he_or_she_stands_in_for(client, session, demo):
    from govern.models import Absence

    april = _meeting(session, 2)
    stine = _user(session, "medlem2@example.no").person
    marthe = _user(session, "vara@example.no").person
    login(client, "vara@example.no")
    page = _text(client.get("/mine-moter"))
    assert "Fagrådet – møte 2/26" in page and "Du er kalt inn som vara" not in page
    session.add(Absence(meeting_id=april.id, person_id=stine.id, substitute_id=marthe.id))
    session.commit()
    page = _text(client.get("/mine-moter"))
    assert "Du har ikke svart · Du er kalt inn som vara for Stine Slørdal · Svar som vara" in page
    assert f'href="/meetings/{april.id}/forfall"' in client.get("/mine-moter").get_data(True)
