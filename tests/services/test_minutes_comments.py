"""Draft minutes for comments: sent with a deadline by e-mail (through the SMTP test server),
commented per case by the members, dealt with by the secretariat, sent in their final
version; the comments stay with the sending; bad input changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from govern.models import AuditEntry, MinutesComment, MinutesSending, OutgoingMail
from govern.services import accounts, memberships
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.mail import send_queued
from govern.services.minutes_comments import (
    add_comment,
    answer_comment,
    send_final,
    send_for_comments,
)
from tests.conftest import add_case, make_body, make_meeting, make_person

BASE = "https://govern.test"
TODAY = date(2027, 2, 1)
DEADLINE = date(2027, 2, 12)


@pytest.fixture
def council(session):
    """Fagrådet with two members and a vara (e-mail), one member without e-mail, the
    secretariat, and a held meeting with two cases whose vedtak are recorded."""
    body = make_body()
    users = {}
    for name, role, email in (
        ("Jon Gupta", "medlem", "jon@example.no"),
        ("Kari Leder", "leder", "kari@example.no"),
        ("Ola Vara", "vara", "ola@example.no"),
        ("Per Uten E-post", "medlem", None),
        ("Siv Sekretær", "sekretariat", "siv@example.no"),
    ):
        person = make_person(name, email=email)
        memberships.add_membership(session, body, person, memberships.MembershipInput(role))
        if email:
            users[role] = accounts.create_account(session, person, email, password="x" * 12)
    meeting = make_meeting(body, date(2027, 1, 20), status="gjennomført")
    cases = [add_case(meeting, title).treatment for title in ("Strategi", "Budsjett")]
    for t in cases:
        t.decision = "Tatt til orientering."
    session.commit()
    return meeting, cases, users


def arrived(app, session, smtp_server) -> list:
    start = len(smtp_server.envelopes)
    send_queued(session, app.config, commit=session.commit)
    return sorted(
        (
            (
                m["To"].addresses[0].addr_spec,
                str(m["Subject"]),
                m.get_body(("plain",)).get_content(),
            )
            for m in smtp_server.messages()[start:]
        ),
        key=lambda m: m[0],
    )


def test_the_draft_goes_to_the_members_with_a_link_and_a_deadline(
    app, session, council, smtp_server
):
    meeting, _, users = council
    sent = send_for_comments(
        session, users["sekretariat"], meeting, DEADLINE, BASE, confirmed=True, today=TODAY
    )
    session.commit()
    assert meeting.minutes_status == "sendt"
    assert (sent.sending.number, sent.sending.kind, sent.sending.deadline) == (
        1,
        "merknader",
        DEADLINE,
    )
    assert sent.mails == sent.sending.recipients == 3
    mails = arrived(app, session, smtp_server)
    assert [m[0] for m in mails] == ["jon@example.no", "kari@example.no", "ola@example.no"]
    to, subject, text = mails[0]
    assert subject == f"Referat til merknader: {meeting.title}"
    assert "Hei Jon Gupta," in text
    assert "innen 12. februar 2027" in text
    assert f"{BASE}/meetings/{meeting.id}/referat/merknader" in text
    assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
        "minutes.send_for_comments"
    )


@pytest.mark.parametrize(
    "deadline, message",
    [
        (None, "Skriv fristen for merknader som en dato"),
        (TODAY - timedelta(days=1), "kan ikke være passert"),
        (TODAY + timedelta(days=91), "høyst 90 dager"),
    ],
)
def test_a_bad_deadline_is_refused_and_nothing_is_sent(session, council, deadline, message):
    meeting, _, users = council
    with pytest.raises(InvalidInput, match=message):
        send_for_comments(
            session, users["sekretariat"], meeting, deadline, BASE, confirmed=True, today=TODAY
        )
    session.rollback()
    assert meeting.minutes_status == "utkast"
    assert session.scalar(select(func.count(OutgoingMail.id))) == 0
    assert session.scalar(select(func.count(MinutesSending.id))) == 0


def test_members_comment_the_secretariat_answers_then_sends_the_final_version(
    app, session, council, smtp_server
):
    meeting, (strategy, budget), users = council
    send_for_comments(
        session, users["sekretariat"], meeting, DEADLINE, BASE, confirmed=True, today=TODAY
    )
    session.commit()
    arrived(app, session, smtp_server)
    member = users["medlem"]
    on_case = add_comment(
        session, member, meeting, strategy.id, "Innspillet mitt mangler.", today=TODAY
    )
    whole = add_comment(session, member, meeting, None, "Kari var til stede.", today=DEADLINE)
    session.commit()
    assert (on_case.treatment, on_case.status, whole.treatment) == (strategy, "ny", None)
    # Bad input: nothing saved.
    for treatment_id, text, error, match in (
        (strategy.id, "   ", InvalidInput, "Skriv merknaden"),
        (strategy.id, "x" * 4001, InvalidInput, "høyst 4000 tegn"),
        (-1, "Feil sak", NotFound, "Saken finnes ikke i dette møtet"),
    ):
        with pytest.raises(error, match=match):
            add_comment(session, member, meeting, treatment_id, text, today=TODAY)
        session.rollback()
    with pytest.raises(Conflict, match="ikke åpent for merknader"):
        add_comment(
            session, member, meeting, budget.id, "For sent", today=DEADLINE + timedelta(days=1)
        )
    session.rollback()
    with pytest.raises(InvalidInput, match="Bare medlemmene"):
        add_comment(
            session, users["sekretariat"], meeting, budget.id, "Fra sekretariatet", today=TODAY
        )
    session.rollback()
    assert session.scalar(select(func.count(MinutesComment.id))) == 2
    # The final version waits for every comment.
    with pytest.raises(Conflict, match="2 merknader er ikke behandlet"):
        send_final(session, users["sekretariat"], meeting, BASE)
    session.rollback()
    with pytest.raises(InvalidInput, match="Skriv svaret"):
        answer_comment(session, users["sekretariat"], whole, "besvart", "")
    session.rollback()
    answer_comment(session, users["sekretariat"], on_case, "tatt inn", "")
    answer_comment(session, users["sekretariat"], whole, "besvart", "Kari er ført som til stede.")
    final = send_final(session, users["sekretariat"], meeting, BASE)
    session.commit()
    assert (final.sending.number, final.sending.kind) == (2, "endelig")
    mails = arrived(app, session, smtp_server)
    assert [m[1] for m in mails] == [f"Endelig referat: {meeting.title}"] * 3
    assert "er klar; 1 merknad er tatt inn." in mails[0][2]
    assert f"{BASE}/meetings/{meeting.id}/referat.docx" in mails[0][2]
    # The comments stay with the draft they were made on; none can be added now.
    first = session.scalar(select(MinutesSending).where(MinutesSending.number == 1))
    assert [c.text for c in first.comments] == ["Innspillet mitt mangler.", "Kari var til stede."]
    with pytest.raises(Conflict, match="ikke åpent for merknader"):
        add_comment(session, member, meeting, budget.id, "Etterpå", today=TODAY)
    with pytest.raises(Conflict, match="allerede sendt"):
        send_final(session, users["sekretariat"], meeting, BASE)
