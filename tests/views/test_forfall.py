"""The member's forfall page, the e-mail's answer links (no login), the secretariat's vara."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from govern.models import Membership
from govern.models.answers import Absence, MeetingAnswer
from govern.services import answers, memberships
from govern.services.invitations import sync_invitations
from govern.services.memberships import MembershipInput
from tests.conftest import make_body, make_meeting, make_person
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

SOON = date.today() + timedelta(days=30)


@pytest.fixture
def world(app, session):
    body = make_body()
    stine = make_user(session, "Stine Slørdal", "stine@example.no", body=body, role="medlem")
    marthe = make_user(session, "Marthe Dingen", "marthe@example.no", body=body, role="vara")
    membership = session.scalar(select(Membership).where(Membership.person_id == marthe.id))
    membership.deputy_for = stine
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    gro = make_person("Gro Generell", email="gro@example.no")
    memberships.add_membership(session, body, gro, MembershipInput("vara"))
    meeting = make_meeting(body, SOON, SOON + timedelta(days=1))
    past = make_meeting(body, date.today() - timedelta(days=3))
    sync_invitations(session, meeting, "http://localhost", answer_key=app.config["SECRET_KEY"])
    session.commit()
    return {"meeting": meeting, "past": past, "stine": stine, "marthe": marthe, "gro": gro}


def test_member_reports_and_withdraws_forfall(client, session, world):
    meeting = world["meeting"]
    login(client, "stine@example.no")
    page = client.get(f"/meetings/{meeting.id}/forfall")
    assert page.status_code == 200 and "Meld forfall" in text_of(page)
    response = client.post(f"/meetings/{meeting.id}/forfall", data={"days": ["2"], "note": "Kurs"})
    assert response.status_code == 302
    page = text_of(client.get(f"/meetings/{meeting.id}/forfall"))
    assert "Marthe Dingen er kalt inn som vara" in page and "Kurs" in page
    absence = session.scalars(select(Absence)).one()
    assert absence.days == [2] and absence.substitute_id == world["marthe"].id
    client.post(f"/meetings/{meeting.id}/forfall/trekk")
    assert session.scalars(select(Absence)).all() == []
    assert "Meld forfall" in text_of(client.get(f"/meetings/{meeting.id}/forfall"))


def test_forfall_on_a_past_meeting_changes_nothing(client, session, world):
    login(client, "stine@example.no")
    url = f"/meetings/{world['past'].id}/forfall"
    assert "bare meldes forfall til kommende møter" in text_of(client.get(url))
    response = client.post(url, data={"note": "Syk"})
    assert response.status_code == 409
    assert "kan ikke meldes forfall etterpå" in text_of(response)
    assert session.scalars(select(Absence)).all() == []


def test_a_vara_is_not_offered_forfall(client, world):
    login(client, "marthe@example.no")
    page = text_of(client.get(f"/meetings/{world['meeting'].id}/forfall"))
    assert "Bare medlemmer melder forfall" in page


def test_a_vara_called_in_answers_on_the_page(client, session, world):
    meeting = world["meeting"]
    login(client, "stine@example.no")
    client.post(f"/meetings/{meeting.id}/forfall", data={"note": ""})
    client.post("/logout")
    login(client, "marthe@example.no")
    page = text_of(client.get(f"/meetings/{meeting.id}/forfall"))
    assert "Du er kalt inn som vara for Stine Slørdal." in page
    client.post(f"/meetings/{meeting.id}/svar", data={"answer": "kommer"})
    page = text_of(client.get(f"/meetings/{meeting.id}/forfall"))
    assert "Takk! Du har bekreftet at du stiller for Stine Slørdal" in page
    assert "Svaret ditt så langt: kommer" in page
    response = client.post(f"/meetings/{world['past'].id}/svar", data={"answer": "kommer"})
    assert "bare svares på innkallingen til kommende møter" in text_of(
        client.get(response.location)
    )


def test_answer_link_without_login(app, client, session, world):
    meeting, gro = world["meeting"], world["gro"]
    token = answers.answer_token(app.config["SECRET_KEY"], meeting.id, gro.id, "kommer")
    page = client.get(f"/svar/{token}")
    assert page.status_code == 200 and "Jeg kommer" in text_of(page)
    assert session.scalars(select(MeetingAnswer)).all() == []  # a GET records nothing
    done = client.post(f"/svar/{token}")
    assert "du kommer til" in text_of(done)
    assert {a.answer for a in session.scalars(select(MeetingAnswer))} == {"ACCEPTED"}


@pytest.mark.parametrize("kind", ["forged", "expired"])
def test_bad_answer_links_are_refused(app, client, session, world, kind):
    meeting = world["meeting"] if kind == "forged" else world["past"]
    token = answers.answer_token(app.config["SECRET_KEY"], meeting.id, world["gro"].id, "kommer")
    if kind == "forged":
        token = answers.answer_token("not-the-key", meeting.id, world["gro"].id, "kommer")
    for response in (client.get(f"/svar/{token}"), client.post(f"/svar/{token}")):
        assert response.status_code == 400
        text = text_of(response)
        assert ("ikke gyldig" in text) if kind == "forged" else ("utløpt" in text)
    assert session.scalars(select(MeetingAnswer)).all() == []


def test_secretariat_calls_in_another_vara(client, session, world):
    meeting = world["meeting"]
    login(client, "stine@example.no")
    client.post(f"/meetings/{meeting.id}/forfall", data={"note": ""})
    absence = session.scalars(select(Absence)).one()
    client.post("/logout")
    login(client, "siri@example.no")
    response = client.post(
        f"/meetings/{meeting.id}/forfall/{absence.id}/vara", data={"vara": world["gro"].id}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Absence, absence.id).substitute_id == world["gro"].id


def test_attendance_page_prefilled_from_forfall(client, session, world):
    meeting, stine, marthe = world["meeting"], world["stine"], world["marthe"]
    login(client, "stine@example.no")
    client.post(f"/meetings/{meeting.id}/forfall", data={"days": ["1"], "note": "Kurs"})
    client.post("/logout")
    login(client, "siri@example.no")
    page = client.get(f"/meetings/{meeting.id}/attendance")
    html = page.get_data(as_text=True)
    text = text_of(page)
    assert "Stine Slørdal har meldt forfall – dag 1 («Kurs»)" in text
    assert "Marthe Dingen stiller for Stine Slørdal (ikke svart ennå)" in text
    rows = {}
    for i in range(4):
        person = re.search(rf'name="rows-{i}-person_id"[^>]*value="(\d+)"', html)
        checked = re.search(rf'<input checked[^>]*name="rows-{i}-status"[^>]*value="(\w*)"', html)
        rows[int(person.group(1))] = checked.group(1) if checked else None
    assert rows[stine.id] == "absent" and rows[marthe.id] == "deputy"
    # "Stiller for" never offers the person of the row.
    for i in range(4):
        person = re.search(rf'name="rows-{i}-person_id"[^>]*value="(\d+)"', html).group(1)
        select = re.search(rf'<select[^>]*name="rows-{i}-deputy_for".*?</select>', html, re.S)
        assert f'value="{person}"' not in select.group(0)


def test_all_present_for_the_unregistered(client, session, world):
    meeting, stine, marthe = world["meeting"], world["stine"], world["marthe"]
    login(client, "siri@example.no")
    html = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
    data = {"fingerprint": re.search(r'name="fingerprint"[^>]*value="(\w*)"', html).group(1)}
    for i in range(4):
        person = re.search(rf'name="rows-{i}-person_id"[^>]*value="(\d+)"', html).group(1)
        data[f"rows-{i}-person_id"] = person
        data[f"rows-{i}-deputy_for"] = "0"
    data["new_person"], data["new_for"], data["all_present"] = "0", "0", "Alle til stede"
    response = client.post(f"/meetings/{meeting.id}/attendance", data=data)
    assert response.status_code == 302, text_of(response)
    session.expire_all()
    recorded = {a.person_id: a.status for a in session.get(type(meeting), meeting.id).attendance}
    # Everyone not registered is present, but the vara who was not called in.
    assert recorded[stine.id] == "present" and marthe.id not in recorded


def test_the_secretariat_sees_who_answered_per_day(app, client, session, world, tmp_path):
    """A calendar reply (svar-inn) and a link answer, shown per person and day."""
    import mailbox

    from tests.services.test_replies import _reply

    meeting, gro = world["meeting"], world["gro"]
    day1, day2 = meeting.days
    box = mailbox.mbox(tmp_path / "svar.mbox")
    box.add(_reply([(day1.uid, "ACCEPTED"), (day2.uid, "DECLINED")], "stine@example.no"))
    box.close()
    result = app.test_cli_runner().invoke(args=["svar-inn", "--fil", str(tmp_path / "svar.mbox")])
    assert "Svar registrert: 2, ukjente: 0" in result.output, result.output
    token = answers.answer_token(app.config["SECRET_KEY"], meeting.id, gro.id, "kommer")
    client.post(f"/svar/{token}")
    login(client, "siri@example.no")
    page = text_of(client.get(f"/meetings/{meeting.id}/attendance"))
    row = re.search(r"Stine Slørdal, [^|]*?medlem (.*?) – velg –", page).group(1)
    assert row.endswith("dag 1: kommer, dag 2: kommer ikke")
    # The calendar's DECLINED for day 2 is a forfall for that day, as the link's is.
    assert "Stine Slørdal har meldt forfall – dag 2 («Meldt med svar i kalenderen»)" in page
    row = re.search(r"Gro Generell, [^|]*?vara (.*?) – velg –", page).group(1)
    assert row.endswith("ikke registrert kommer")
    row = re.search(r"Marthe Dingen, [^|]*?vara (.*?) – velg –", page).group(1)
    assert row.endswith("ikke registrert –")


def test_a_vara_who_says_no_is_not_proposed_as_stand_in(app, client, session, world):
    meeting, stine, marthe = world["meeting"], world["stine"], world["marthe"]
    login(client, "stine@example.no")
    client.post(f"/meetings/{meeting.id}/forfall", data={"note": ""})
    client.post("/logout")
    token = answers.answer_token(app.config["SECRET_KEY"], meeting.id, marthe.id, "kommer-ikke")
    assert "ikke kan stille for Stine Slørdal" in text_of(client.post(f"/svar/{token}"))
    login(client, "siri@example.no")
    page = client.get(f"/meetings/{meeting.id}/attendance")
    assert "Marthe Dingen stiller for Stine Slørdal (svar: kommer ikke)" in text_of(page)
    html = page.get_data(as_text=True)
    data = {"fingerprint": re.search(r'name="fingerprint"[^>]*value="(\w*)"', html).group(1)}
    for i in range(4):
        person = int(re.search(rf'name="rows-{i}-person_id"[^>]*value="(\d+)"', html).group(1))
        checked = re.search(rf'<input checked[^>]*name="rows-{i}-status"[^>]*value="(\w*)"', html)
        # The member is still proposed absent; the vara who said no is left unregistered.
        expected = {stine.id: "absent", marthe.id: None}.get(person)
        assert (checked.group(1) if checked else "") == (expected or "")
        data[f"rows-{i}-person_id"] = str(person)
        data[f"rows-{i}-status"] = expected or ""
        data[f"rows-{i}-deputy_for"] = "0"
    data["new_person"], data["new_for"], data["all_present"] = "0", "0", "Alle til stede"
    response = client.post(f"/meetings/{meeting.id}/attendance", data=data)
    assert response.status_code == 302, text_of(response)
    session.expire_all()
    recorded = {a.person_id: a.status for a in session.get(type(meeting), meeting.id).attendance}
    # «Alle til stede» leaves out the vara who said no.
    assert recorded[stine.id] == "absent" and marthe.id not in recorded
