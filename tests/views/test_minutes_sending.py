"""The minutes' confirmation pages (govern/views/minutes_sending.py): «Referat: send til
medlemmene» and «Send endelig referat» show the recipients, the e-mail, the referat and what
is missing, and nothing is sent until the page's own button is pressed."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from govern.models import Meeting, MinutesComment, MinutesSending, OutgoingMail
from govern.services import minutes_comments, sending
from govern.timeutil import long_date
from tests.views.test_minutes_comments import MEMBER, SECRETARIAT, held_april
from tests.views.test_openness import log_in
from tests.views.test_pages import text_of


def _queued(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(OutgoingMail.id)))


def _button(page: str) -> str | None:
    """The label of the button that sends (in the form carrying confirm=1), if any."""
    form = re.search(
        r'<form method="post"[^>]*>(?:(?!</form>).)*name="confirm".*?</form>', page, re.S
    )
    found = re.search(r"<button[^>]*>([^<]*)</button>", form.group(0)) if form else None
    return found.group(1).strip() if found else None


def test_the_draft_is_sent_only_from_its_confirmation_page(
    app, client, session, demo_with_accounts
):
    meeting = held_april(session)
    deadline = date.today() + timedelta(days=10)
    people = sending.recipients(meeting)
    reached = [r for r in people if r.email]
    log_in(client, SECRETARIAT)
    # The meeting page's button opens the page (a GET form: nothing is posted).
    meeting_page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'action="/meetings/{meeting.id}/minutes/send"' in meeting_page
    response = client.get(f"/meetings/{meeting.id}/minutes/send?frist={deadline.isoformat()}")
    assert response.status_code == 200
    page = text_of(response)
    assert f"Send referatet fra {meeting.title} til medlemmene" in page
    assert f"Mottakere ({len(reached)})" in page
    for r in reached:
        assert f"{r.name} ({r.role}) {r.email}" in page
    for r in people:
        if not r.email:
            assert r.name in page.split("Uten e-postadresse")[1]
    # The e-mail: subject and text with the deadline and the comment page's link.
    assert f"Emne: Referat til merknader: {meeting.title}" in page
    assert f"Gi eventuelle merknader per sak innen {long_date(deadline)}:" in page
    assert f"/meetings/{meeting.id}/referat/merknader" in page
    assert f"Referat – utkast – {meeting.title}" in page
    # The warnings: no attendance is registered, and which cases have no vedtak.
    missing = [
        i.treatment.number
        for i in meeting.items
        if i.kind == "case" and i.treatment.sakstype != "Eventuelt" and not i.treatment.decision
    ]
    assert "Oppmøtet er ikke registrert." in page
    if missing:
        assert f"Vedtak mangler i sak {', '.join(missing)}." in page
    label = _button(response.get_data(as_text=True))
    assert label == f"Send likevel til {len(reached)} personer"
    # Opening the page, or posting without the page's confirmation, sends nothing.
    asked = client.post(f"/meetings/{meeting.id}/minutes/send", data={"frist": deadline})
    assert asked.status_code == 200 and "Mottakere (" in text_of(asked)
    assert _queued(session) == 0
    assert session.get(Meeting, meeting.id).minutes_status == "utkast"
    assert session.scalar(select(func.count(MinutesSending.id))) == 0
    # The button sends: one e-mail per recipient with an address.
    sent = client.post(
        f"/meetings/{meeting.id}/minutes/send",
        data={"confirm": "1", "frist": deadline.isoformat()},
    )
    assert sent.status_code == 302
    assert _queued(session) == len(reached)
    assert session.get(Meeting, meeting.id).minutes_status == "sendt"
    after = text_of(client.get(f"/meetings/{meeting.id}/minutes/send"))
    assert "Referatet er allerede sendt til medlemmene." in after and "Mottakere (" not in after


def test_a_deadline_that_cannot_be_is_said_and_nothing_can_be_sent(
    client, session, demo_with_accounts
):
    meeting = held_april(session)
    log_in(client, SECRETARIAT)
    past = date.today() - timedelta(days=1)
    response = client.get(f"/meetings/{meeting.id}/minutes/send?frist={past.isoformat()}")
    page = text_of(response)
    assert "Fristen for merknader kan ikke være passert" in page
    assert "Send likevel" not in page and "Send referatet til" not in page
    empty = text_of(client.get(f"/meetings/{meeting.id}/minutes/send"))
    # No deadline given: a week from today, as on the meeting page.
    week = long_date(minutes_comments.default_deadline(date.today()))
    assert f"innen {week}:" in empty
    assert _queued(session) == 0


def test_the_final_version_is_confirmed_too(app, client, session, demo_with_accounts):
    meeting = held_april(session)
    deadline = date.today() + timedelta(days=5)
    log_in(client, SECRETARIAT)
    client.post(
        f"/meetings/{meeting.id}/minutes/send", data={"confirm": "1", "frist": deadline.isoformat()}
    )
    drafts = _queued(session)
    # A member's comment not dealt with: the page says so and offers no button.
    log_in(client, MEMBER)
    client.post(f"/meetings/{meeting.id}/referat/merknader", data={"tekst": "En merknad."})
    log_in(client, SECRETARIAT)
    assert "Send endelig referat …" in text_of(client.get(f"/meetings/{meeting.id}"))
    blocked = client.get(f"/meetings/{meeting.id}/referat/endelig")
    page = text_of(blocked)
    assert "1 merknad er ikke behandlet ennå" in page
    assert _button(blocked.get_data(as_text=True)) is None
    comment = session.scalar(select(MinutesComment))
    client.post(f"/minutes-comments/{comment.id}/svar", data={"status": "tatt inn", "svar": ""})
    response = client.get(f"/meetings/{meeting.id}/referat/endelig")
    page = text_of(response)
    reached = [r for r in sending.recipients(meeting) if r.email]
    assert f"Mottakere ({len(reached)})" in page
    assert f"Emne: Endelig referat: {meeting.title}" in page
    assert "1 merknad er tatt inn." in page
    assert f"Fristen for merknader ({long_date(deadline)}) er ikke ute" in page
    assert _button(response.get_data(as_text=True)) == f"Send likevel til {len(reached)} personer"
    # The comment page's old button (a post without the confirmation) only leads here.
    redirected = client.post(f"/meetings/{meeting.id}/referat/endelig")
    assert redirected.status_code == 302
    assert redirected.location.endswith(f"/meetings/{meeting.id}/referat/endelig")
    assert _queued(session) == drafts
    final = client.post(f"/meetings/{meeting.id}/referat/endelig", data={"confirm": "1"})
    assert final.status_code == 302
    assert _queued(session) == drafts + len(reached)
