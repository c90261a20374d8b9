"""Forfall, the vara called in with an invitation of his or her own, and the answer links."""

from datetime import date, time

import pytest
from sqlalchemy import select

from govern.exports.calendar import stand_in_uid
from govern.models.answers import Absence, MeetingAnswer
from govern.models.audit import AuditEntry
from govern.models.mail import OutgoingMail
from govern.services import answers, forfall, forfall_answers, meeting_plans, memberships
from govern.services.errors import Conflict, InvalidInput
from govern.services.invitations import sync_invitations
from tests.conftest import make_body, make_meeting, make_person
from tests.mail_messages import arrived as _arrived

BASE = "https://govern.test"
KEY = "test-secret"
DAY1, DAY2 = date(2027, 4, 29), date(2027, 4, 30)
TODAY = date(2027, 4, 1)
SETTINGS = forfall.MailSettings(BASE, "sekretariat@govern.test", KEY)


def _member(session, body, name, email, role="medlem", deputy_for=None):
    person = make_person(name, email=email)
    membership = memberships.add_membership(
        session, body, person, memberships.MembershipInput(role)
    )
    membership.deputy_for = deputy_for
    session.flush()
    return person


@pytest.fixture
def council(session):
    body = make_body()
    stine = _member(session, body, "Stine Slørdal", "stine@example.no")
    jon = _member(session, body, "Jon Gupta", "jon@example.no")
    general = _member(session, body, "Gro Generell", "gro@example.no", "vara")
    marthe = _member(session, body, "Marthe Dingen", "marthe@example.no", "vara", deputy_for=stine)
    _member(session, body, "Siri Sekretær", "siri@example.no", "sekretariat")
    meeting = make_meeting(body, DAY1, DAY2, location="Oslo")
    sync_invitations(session, meeting, BASE, answer_key=KEY)
    session.commit()
    return {"meeting": meeting, "stine": stine, "jon": jon, "gro": general, "marthe": marthe}


def test_invitation_mail_carries_answer_links(app, session, smtp_server, council):
    session.execute(OutgoingMail.__table__.update().values(status="queued"))
    arrived = {m[0]: m for m in _arrived(app, session, smtp_server)}
    text = arrived["jon@example.no"][2]
    assert "Jeg kommer: https://govern.test/svar/" in text
    assert "Jeg kommer ikke: https://govern.test/svar/" in text


def test_forfall_calls_in_the_personal_vara(app, session, smtp_server, council):
    meeting, stine, marthe = council["meeting"], council["stine"], council["marthe"]
    _arrived(app, session, smtp_server)
    absence = forfall.report_absence(session, None, meeting, stine, [], "Syk", SETTINGS, TODAY)
    session.commit()
    assert absence.substitute == marthe and absence.days is None and absence.note == "Syk"
    declined = session.scalars(select(MeetingAnswer).where(MeetingAnswer.person_id == stine.id))
    assert sorted((a.answer, a.source) for a in declined) == [("DECLINED", "forfall")] * 2
    arrived = _arrived(app, session, smtp_server)
    assert [m[0] for m in arrived] == ["marthe@example.no"]
    _to, subject, text, method, calendar = arrived[0]
    assert subject == "Innkalling som vara: Møte i Fagrådet 1/27 – du stiller for Stine Slørdal"
    assert "Stine Slørdal har meldt forfall" in text and "Jeg kommer: https://" in text
    assert method == "REQUEST"
    events = calendar.walk("VEVENT")
    day_uids = {d.uid for d in meeting.days}
    assert len(events) == 2
    for event in events:
        assert str(event["UID"]) not in day_uids  # its own UIDs
        assert f"-for-{stine.id}@" in str(event["UID"])
        assert int(event["SEQUENCE"]) == 1
        assert "stiller for Stine Slørdal" in str(event["SUMMARY"])
        assert str(event["ATTENDEE"]) == "mailto:marthe@example.no"
        assert event["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.forfall")).one()
    assert "Marthe Dingen er kalt inn" in entry.summary


def test_without_personal_vara_the_body_list_in_order(app, session, council):
    meeting, jon, stine = council["meeting"], council["jon"], council["stine"]
    first = forfall.report_absence(session, None, meeting, jon, [2], "", SETTINGS, TODAY)
    assert first.substitute == council["gro"] and first.days == [2]
    # Stine's own vara is still free; then nobody is left for a third forfall.
    second = forfall.report_absence(session, None, meeting, stine, [], "", SETTINGS, TODAY)
    assert second.substitute == council["marthe"]
    assert forfall.vara_chain(session, meeting, stine)[0] == council["marthe"]


def test_withdraw_cancels_the_vara_and_invites_the_member_again(app, session, smtp_server, council):
    meeting, stine = council["meeting"], council["stine"]
    _arrived(app, session, smtp_server)
    forfall.report_absence(session, None, meeting, stine, [1], "", SETTINGS, TODAY)
    session.commit()
    [(_to, _subject, text, _method, request)] = _arrived(app, session, smtp_server)
    uids = {str(e["UID"]) for e in request.walk("VEVENT")}
    assert len(uids) == 1
    # The vara reads the time of the day stood in, not of the whole meeting.
    assert "Tid: 29. april kl. " in text and "30. april" not in text
    forfall.withdraw_absence(session, None, meeting, stine, SETTINGS, TODAY)
    session.commit()
    assert session.scalars(select(Absence)).all() == []
    assert session.scalars(select(MeetingAnswer)).all() == []
    arrived = {m[0]: m for m in _arrived(app, session, smtp_server)}
    assert set(arrived) == {"marthe@example.no", "stine@example.no"}
    _to, subject, _text, method, calendar = arrived["marthe@example.no"]
    assert method == "CANCEL" and subject.startswith("Trukket tilbake:")
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) in uids and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    _to, subject, text, method, calendar = arrived["stine@example.no"]
    assert method == "REQUEST" and "Forfallet ditt" in text
    # The meeting has not changed: the invitation comes back as an invitation.
    assert subject.startswith("Innkalling: Møte i Fagrådet 1/27")
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {d.uid for d in meeting.days}


def test_secretariat_picks_another_vara(app, session, smtp_server, council):
    meeting, stine = council["meeting"], council["stine"]
    absence = forfall.report_absence(session, None, meeting, stine, [], "", SETTINGS, TODAY)
    session.commit()
    _arrived(app, session, smtp_server)
    forfall.choose_substitute(session, None, absence, council["gro"], SETTINGS, TODAY)
    session.commit()
    arrived = {m[0]: m[3] for m in _arrived(app, session, smtp_server)}
    assert arrived == {"marthe@example.no": "CANCEL", "gro@example.no": "REQUEST"}
    with pytest.raises(InvalidInput):
        forfall.choose_substitute(session, None, absence, council["jon"], SETTINGS, TODAY)


def test_forfall_refused_on_a_past_meeting_and_for_non_members(session, council):
    meeting = council["meeting"]
    with pytest.raises(Conflict, match="er holdt"):
        forfall.report_absence(
            session, None, meeting, council["stine"], [], "", SETTINGS, date(2027, 5, 1)
        )
    with pytest.raises(Conflict, match="ikke medlem"):
        forfall.report_absence(session, None, meeting, council["gro"], [], "", SETTINGS, TODAY)
    with pytest.raises(InvalidInput, match="ingen dag 3"):
        forfall.report_absence(session, None, meeting, council["jon"], [3], "", SETTINGS, TODAY)
    session.rollback()
    assert session.scalars(select(Absence)).all() == []


def test_answer_links_are_signed_and_expire_with_the_meeting(session, council):
    meeting, jon = council["meeting"], council["jon"]
    token = answers.answer_token(KEY, meeting.id, jon.id, "kommer")
    link = answers.read_token(session, KEY, token, TODAY)
    assert (link.meeting, link.person, link.partstat) == (meeting, jon, "ACCEPTED")
    with pytest.raises(InvalidInput, match="ikke gyldig"):
        answers.read_token(session, "another-key", token, TODAY)
    with pytest.raises(InvalidInput, match="ikke gyldig"):
        answers.read_token(session, KEY, token[:-2] + "xx", TODAY)
    with pytest.raises(Conflict, match="utløpt"):
        answers.read_token(session, KEY, token, date(2027, 5, 1))


def test_link_answers_kept_per_day_and_a_members_no_is_a_forfall(session, council):
    meeting, jon, marthe = council["meeting"], council["jon"], council["marthe"]
    link = answers.read_token(session, KEY, answers.answer_token(KEY, meeting.id, marthe.id,
                                                                  "kommer"), TODAY)  # fmt: skip
    assert "registrert" in forfall_answers.answer_by_link(session, link, SETTINGS, TODAY)
    assert answers.my_answers(session, marthe.id, [meeting.id]) == {meeting.id: "kommer"}
    no = answers.read_token(session, KEY, answers.answer_token(KEY, meeting.id, jon.id,
                                                                "kommer-ikke"), TODAY)  # fmt: skip
    message = forfall_answers.answer_by_link(session, no, SETTINGS, TODAY)
    assert message == "Forfallet er registrert, og Gro Generell er kalt inn som vara."
    assert answers.my_answers(session, jon.id, [meeting.id]) == {meeting.id: "forfall"}
    by_day = answers.answers_by_day(session, meeting)
    assert {n: a.answer for n, a in by_day[jon.id].items()} == {1: "DECLINED", 2: "DECLINED"}


def test_the_varas_invitation_follows_a_changed_and_a_cancelled_meeting(
    app, session, smtp_server, council
):
    meeting, stine = council["meeting"], council["stine"]
    _arrived(app, session, smtp_server)
    forfall.report_absence(session, None, meeting, stine, [], "", SETTINGS, TODAY)
    session.commit()
    uids = {str(e["UID"]) for e in _arrived(app, session, smtp_server)[0][4].walk("VEVENT")}
    meeting.location, meeting.sequence = "Bergen", meeting.sequence + 1
    sync_invitations(session, meeting, BASE, answer_key=KEY)
    session.commit()
    arrived = {m[0]: m for m in _arrived(app, session, smtp_server)}
    _to, subject, text, method, calendar = arrived["marthe@example.no"]
    assert subject == "Endret: Møte i Fagrådet 1/27 – du stiller for Stine Slørdal"
    assert method == "REQUEST" and "Sted: Bergen" in text
    events = calendar.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == uids
    assert {int(e["SEQUENCE"]) for e in events} == {2}
    assert {str(e["LOCATION"]) for e in events} == {"Bergen"}
    meeting.status, meeting.sequence = "avlyst", meeting.sequence + 1
    sync_invitations(session, meeting, BASE, answer_key=KEY)
    session.commit()
    arrived = {m[0]: m for m in _arrived(app, session, smtp_server)}
    _to, subject, _text, method, calendar = arrived["marthe@example.no"]
    assert subject == "Avlyst: Møte i Fagrådet 1/27" and method == "CANCEL"
    events = calendar.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == uids
    assert {(int(e["SEQUENCE"]), str(e["STATUS"])) for e in events} == {(3, "CANCELLED")}


def _keep_day(session, meeting, keep):
    """The secretariat's edit: the meeting keeps only the day on `keep` (items moved there)."""
    day = next(d for d in meeting.days if d.date == keep)
    edit = meeting_plans.MeetingEdit(
        days=(meeting_plans.DayRow(keep, time(10), time(16), day.id),),
        version=meeting.version, location=meeting.location, move_items_to=keep,
    )  # fmt: skip
    meeting_plans.update_meeting(session, meeting, edit)
    sync_invitations(session, meeting, BASE, answer_key=KEY)
    session.commit()


def test_a_day_removed_moves_the_forfall_days_with_it(app, session, smtp_server, council):
    meeting, stine = council["meeting"], council["stine"]
    _arrived(app, session, smtp_server)
    forfall.report_absence(session, None, meeting, stine, [2], "", SETTINGS, TODAY)
    session.commit()
    invited = _arrived(app, session, smtp_server)[0][4].walk("VEVENT")
    day2 = next(d for d in meeting.days if d.date == DAY2)
    assert [str(e["UID"]) for e in invited] == [stand_in_uid(day2.uid, stine.id)]
    _keep_day(session, meeting, DAY2)  # day 1 goes: the forfall's day 2 is now day 1
    absence = forfall.absence_of(session, meeting, stine)
    assert absence.days == [1] and absence.substitute == council["marthe"]
    arrived = {m[0]: m for m in _arrived(app, session, smtp_server)}
    _to, subject, _text, method, calendar = arrived["marthe@example.no"]
    assert method == "REQUEST" and subject.startswith("Endret: ")
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [stand_in_uid(day2.uid, stine.id)]


def test_the_day_of_the_forfall_removed_cancels_the_varas_day(app, session, smtp_server, council):
    meeting, stine, marthe = council["meeting"], council["stine"], council["marthe"]
    _arrived(app, session, smtp_server)
    forfall.report_absence(session, None, meeting, stine, [2], "", SETTINGS, TODAY)
    session.commit()
    _arrived(app, session, smtp_server)
    day2_uid = next(d.uid for d in meeting.days if d.date == DAY2)
    _keep_day(session, meeting, DAY1)  # the only day of the forfall goes
    assert forfall.absence_of(session, meeting, stine) is None
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "meeting.forfall").order_by(AuditEntry.id)
    ).all()[-1]
    assert "gjaldt bare dager som er tatt ut" in entry.summary
    to_marthe = [m for m in _arrived(app, session, smtp_server) if m[0] == marthe.email]
    # Her own invitation as a vara on the body's list follows the day too; the stand-in is
    # one message, and nothing asks her to stand in any more.
    stand_in = [m for m in to_marthe if "stiller for" in m[1]]
    assert len(stand_in) == 1
    _to, subject, text, method, calendar = stand_in[0]
    assert method == "CANCEL"
    assert subject == "Dag tatt ut: Møte i Fagrådet 1/27 – du stiller for Stine Slørdal"
    assert "er tatt ut av møtet" in text
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == stand_in_uid(day2_uid, stine.id)
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert "stiller for Stine Slørdal" in str(event["SUMMARY"])
