from datetime import date, time

from govern.models.mail import MeetingInvitation
from govern.services import meeting_plans, memberships
from govern.services.invitations import sync_body_invitations, sync_invitations
from tests.conftest import make_body, make_meeting, make_person
from tests.mail_messages import arrived as _arrived

BASE = "https://govern.test"
DAY1, DAY2 = date(2027, 4, 29), date(2027, 4, 30)


def _member(session, body, name, email, role="medlem", **kw):
    person = make_person(name, email=email)
    memberships.add_membership(session, body, person, memberships.MembershipInput(role, **kw))
    return person


def _council(session):
    body = make_body()
    _member(session, body, "Kari Nordmann", "kari@example.no", "leder")
    _member(session, body, "Ola Vara", "ola@example.no", "vara")
    _member(session, body, "Per Uten E-post", None)
    _member(session, body, "Siri Sekretær", "siri@example.no", "sekretariat")
    meeting = make_meeting(body, DAY1, DAY2, location="Lillehammer")
    return body, meeting


def _events(calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_innkalling_reaches_members_and_deputies_not_the_secretariat(app, session, smtp_server):
    _, meeting = _council(session)
    sync_invitations(session, meeting, BASE)
    session.commit()
    arrived = _arrived(app, session, smtp_server)
    assert [m[0] for m in arrived] == ["kari@example.no", "ola@example.no"]
    to, subject, text, method, calendar = arrived[0]
    assert subject == "Innkalling: Møte i Fagrådet 1/27, 29. – 30. april 2027"
    assert "Hei Kari Nordmann," in text and "Sted: Lillehammer" in text
    assert f"{BASE}/meetings/{meeting.id}" in text
    assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
    events = _events(calendar)
    assert set(events) == {d.uid for d in meeting.days}
    for event in events.values():
        assert int(event["SEQUENCE"]) == 0
        attendee = event["ATTENDEE"]
        assert str(attendee) == "mailto:kari@example.no"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    # Nothing changed: nothing more to send.
    assert sync_invitations(session, meeting, BASE) == []


def test_planned_meeting_sends_nothing(app, session):
    body = make_body()
    _member(session, body, "Kari Nordmann", "kari@example.no")
    meeting = make_meeting(body, DAY1, status="planlagt")
    assert sync_invitations(session, meeting, BASE) == []


def test_change_resends_request_with_same_uids_and_higher_sequence(app, session, smtp_server):
    _, meeting = _council(session)
    sync_invitations(session, meeting, BASE)
    session.commit()
    first = _arrived(app, session, smtp_server)
    meeting.sequence = 1  # what the meeting service does when the time changes
    sync_invitations(session, meeting, BASE)
    session.commit()
    second = _arrived(app, session, smtp_server)
    assert [m[1] for m in second] == ["Endret: Møte i Fagrådet 1/27, 29. – 30. april 2027"] * 2
    assert set(_events(second[0][4])) == set(_events(first[0][4]))
    assert {int(e["SEQUENCE"]) for e in _events(second[0][4]).values()} == {1}


def test_cancelled_meeting_sends_cancel_to_everyone_invited(app, session, smtp_server):
    _, meeting = _council(session)
    sync_invitations(session, meeting, BASE)
    session.commit()
    _arrived(app, session, smtp_server)
    meeting.status, meeting.sequence = "avlyst", 1
    sync_invitations(session, meeting, BASE)
    session.commit()
    arrived = _arrived(app, session, smtp_server)
    assert [m[0] for m in arrived] == ["kari@example.no", "ola@example.no"]
    assert all(m[1].startswith("Avlyst: Møte i Fagrådet 1/27") for m in arrived)
    assert all(m[3] == "CANCEL" for m in arrived)
    events = _events(arrived[0][4])
    assert set(events) == {d.uid for d in meeting.days}
    assert {str(e["STATUS"]) for e in events.values()} == {"CANCELLED"}
    rows = session.query(MeetingInvitation).all()
    assert {r.status for r in rows} == {"cancelled"}
    assert sync_invitations(session, meeting, BASE) == []


def test_member_added_later_is_invited_and_removed_member_gets_cancel(app, session, smtp_server):
    body, meeting = _council(session)
    sync_invitations(session, meeting, BASE)
    session.commit()
    _arrived(app, session, smtp_server)

    _member(session, body, "Nora Ny", "nora@example.no")
    sync_body_invitations(session, body, BASE, today=date(2027, 1, 1))
    session.commit()
    [added] = _arrived(app, session, smtp_server)
    assert (added[0], added[3]) == ("nora@example.no", "REQUEST")
    assert added[1].startswith("Innkalling: ")

    kari = next(m for m in body.memberships if m.person.name == "Kari Nordmann")
    kari.ends_on = date(2027, 3, 1)
    sync_body_invitations(session, body, BASE, today=date(2027, 1, 1))
    session.commit()
    [removed] = _arrived(app, session, smtp_server)
    assert (removed[0], removed[3]) == ("kari@example.no", "CANCEL")
    assert removed[1].startswith("Trukket tilbake: ")
    assert set(_events(removed[4])) == {d.uid for d in meeting.days}


def test_removed_day_is_cancelled_and_rest_kept(app, session, smtp_server):
    _, meeting = _council(session)
    sync_invitations(session, meeting, BASE)
    session.commit()
    _arrived(app, session, smtp_server)
    uid1, uid2 = (d.uid for d in meeting.days)
    edit = meeting_plans.MeetingEdit(
        days=(meeting_plans.DayRow(DAY1, time(10), time(16), meeting.days[0].id),),
        version=meeting.version,
        location="Lillehammer",
    )
    meeting_plans.update_meeting(session, meeting, edit)
    sync_invitations(session, meeting, BASE)
    session.commit()
    arrived = [m for m in _arrived(app, session, smtp_server) if m[0] == "kari@example.no"]
    cancels = [m for m in arrived if m[3] == "CANCEL"]
    assert len(cancels) == 1
    assert set(_events(cancels[0][4])) == {uid2}
    assert cancels[0][1].startswith("Endret: ")
    row = session.query(MeetingInvitation).filter_by(status="invited").first()
    assert row.day_uids == uid1


def test_attendee_role_follows_the_membership(app, session, smtp_server):
    body, meeting = _council(session)
    _member(session, body, "Olga Observatør", "olga@example.no", "observatør")
    sync_invitations(session, meeting, BASE)
    session.commit()
    roles = {
        to: {e["ATTENDEE"].params["ROLE"] for e in _events(calendar).values()}
        for to, _, _, _, calendar in _arrived(app, session, smtp_server)
    }
    assert roles == {
        "kari@example.no": {"CHAIR"},
        "ola@example.no": {"OPT-PARTICIPANT"},
        "olga@example.no": {"OPT-PARTICIPANT"},
    }


def test_changed_address_cancels_at_the_old_and_invites_the_new(app, session, smtp_server):
    _, meeting = _council(session)
    sync_invitations(session, meeting, BASE)
    session.commit()
    first = _arrived(app, session, smtp_server)
    kari = next(m.person for m in meeting.body.memberships if m.person.name == "Kari Nordmann")
    kari.email = "kari.nordmann@example.no"
    sync_invitations(session, meeting, BASE)
    session.commit()
    arrived = _arrived(app, session, smtp_server)
    assert [(m[0], m[3]) for m in arrived] == [
        ("kari.nordmann@example.no", "REQUEST"),
        ("kari@example.no", "CANCEL"),
    ]
    cancel = arrived[1]
    assert cancel[1].startswith("Trukket tilbake:") and "kari.nordmann@example.no" in cancel[2]
    assert set(_events(cancel[4])) == set(_events(first[0][4]))
    request = _events(arrived[0][4])
    assert {str(e["ATTENDEE"]) for e in request.values()} == {"mailto:kari.nordmann@example.no"}
    assert sync_invitations(session, meeting, BASE) == []
