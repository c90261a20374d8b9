"""Draft minutes for comments on the pages: the secretariat sends the demo's meeting 2/26's
minutes with a deadline, the e-mails reach the members through the SMTP test server, a
member comments on a case, the secretariat sees it beside the case in the minutes editor,
takes it in and sends the final version."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from govern.models import Meeting, MinutesComment, OutgoingMail
from govern.services.mail import send_queued
from govern.timeutil import long_date
from tests.views.test_openness import log_in
from tests.views.test_pages import meeting_id, text_of

MEMBER = "medlem@example.no"
SECRETARIAT = "sekretariat@example.no"


def held_april(session) -> Meeting:
    meeting = session.get(Meeting, meeting_id(session, "fagradet", "2/26"))
    meeting.status = "gjennomført"
    session.commit()
    return meeting


def test_send_comment_and_see_it_beside_the_case(
    app, client, session, demo_with_accounts, smtp_server
):
    meeting = held_april(session)
    deadline = date.today() + timedelta(days=10)
    log_in(client, SECRETARIAT)
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Frist for merknader" in page
    # A deadline that is not a date: a Norwegian message, nothing sent.
    client.post(
        f"/meetings/{meeting.id}/minutes/send", data={"frist": "31.02.2027", "confirm": "1"}
    )
    assert "Skriv fristen for merknader som en dato" in text_of(
        client.get(f"/meetings/{meeting.id}")
    )
    session.expire_all()
    assert session.get(Meeting, meeting.id).minutes_status == "utkast"
    assert session.scalar(select(func.count(OutgoingMail.id))) == 0
    sent = client.post(
        f"/meetings/{meeting.id}/minutes/send", data={"frist": deadline.isoformat(), "confirm": "1"}
    )
    assert sent.status_code == 302
    page = text_of(client.get(sent.location))
    assert "Referatet er sendt til medlemmene." in page and "er lagt i kø til" in page
    assert f"Frist for merknader: {long_date(deadline)}." in page
    send_queued(session, app.config, commit=session.commit)
    mails = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages()}
    # To the members and varas at their addresses (Jon Gupta's), not to the secretariat.
    assert "jon.gupta@example.no" in mails and not any("ingebrigtsen" in a for a in mails)
    text = mails["jon.gupta@example.no"].get_body(("plain",)).get_content()
    assert (
        str(mails["jon.gupta@example.no"]["Subject"]) == f"Referat til merknader: {meeting.title}"
    )
    link = f"{app.config['BASE_URL']}/meetings/{meeting.id}/referat/merknader"
    assert link in text and long_date(deadline) in text

    log_in(client, MEMBER)
    assert "Merknader til referatet" in text_of(client.get(f"/meetings/{meeting.id}"))
    case = next(i.treatment for i in meeting.items if i.kind == "case" and i.treatment.seq == 10)
    page = text_of(client.get(f"/meetings/{meeting.id}/referat/merknader"))
    assert f"Merknad til sak {case.number}" in page
    empty = client.post(
        f"/meetings/{meeting.id}/referat/merknader", data={"sak": case.id, "tekst": " "}
    )
    assert empty.status_code == 400 and "Skriv merknaden" in text_of(empty)
    done = client.post(
        f"/meetings/{meeting.id}/referat/merknader",
        data={"sak": case.id, "tekst": "Mitt innspill om EHDS mangler."},
    )
    assert done.status_code == 302
    assert "Mitt innspill om EHDS mangler." in text_of(client.get(done.location))
    # Another member's page would not show it; the secretariat's editor does.
    log_in(client, SECRETARIAT)
    editor = text_of(client.get(f"/treatments/{case.id}/minutes"))
    assert "Merknader fra medlemmene" in editor and "Mitt innspill om EHDS mangler." in editor
    refused = client.post(f"/meetings/{meeting.id}/referat/endelig", follow_redirects=True)
    assert "1 merknad er ikke behandlet" in text_of(refused)
    comment = session.scalar(select(MinutesComment))
    client.post(
        f"/minutes-comments/{comment.id}/svar",
        data={"status": "tatt inn", "svar": "", "tilbake": "referat"},
    )
    final = client.post(f"/meetings/{meeting.id}/referat/endelig", data={"confirm": "1"})
    assert final.status_code == 302
    assert "Den endelige versjonen av referatet er sendt" in text_of(client.get(final.location))
    start = len(smtp_server.envelopes)
    send_queued(session, app.config, commit=session.commit)
    subjects = {str(m["Subject"]) for m in smtp_server.messages()[start:]}
    assert subjects == {f"Endelig referat: {meeting.title}"}
