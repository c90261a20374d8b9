"""A calendar reply (iTIP REPLY read by `flask svar-inn`) does what the answer links do, per
day: a member's DECLINED is a forfall and calls in the vara, ACCEPTED withdraws it, a vara's
reply to the stand-in event is the vara's answer; reading the same reply again changes nothing."""

# ruff: noqa: F811 (the council fixture is imported from test_forfall)
import mailbox

from sqlalchemy import select

from govern.exports.calendar import stand_in_uid
from govern.models.answers import Absence, MeetingAnswer
from govern.models.audit import AuditEntry
from govern.services import answers, forfall, forfall_answers
from govern.services.replies import mbox_messages, record_replies
from tests.mail_messages import arrived as _arrived
from tests.services.test_forfall import SETTINGS, TODAY, council  # noqa: F401 (fixture)
from tests.services.test_replies import _reply


def _read(session, tmp_path, *replies):
    """The replies as one mbox, read as `svar-inn` reads it; committed."""
    path = tmp_path / "svar.mbox"
    path.unlink(missing_ok=True)
    box = mailbox.mbox(path)
    for reply in replies:
        box.add(_reply(*reply))
    box.close()
    count = record_replies(session, mbox_messages(path), SETTINGS, TODAY)
    session.commit()
    return count


def _log(session, action):
    return [
        e.summary
        for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    ]


def _answers(session, person):
    rows = session.scalars(select(MeetingAnswer).where(MeetingAnswer.person_id == person.id))
    return sorted((a.day.date.day, a.answer, a.source) for a in rows)


def test_declined_is_a_forfall_and_accepted_withdraws_it(
    app,
    session,
    smtp_server,
    council,
    tmp_path,
):
    meeting, stine, marthe = council["meeting"], council["stine"], council["marthe"]
    day1, day2 = meeting.days
    _arrived(app, session, smtp_server)
    declined = ([(day1.uid, "DECLINED"), (day2.uid, "DECLINED")], "stine@example.no")
    count = _read(session, tmp_path, declined)
    assert (count.recorded, count.unknown, count.problems) == (2, 0, [])
    [absence] = session.scalars(select(Absence)).all()
    assert (absence.person, absence.days, absence.substitute) == (stine, None, marthe)
    assert _answers(session, stine) == [(29, "DECLINED", "forfall"), (30, "DECLINED", "forfall")]
    [(to, subject, text, method, calendar)] = _arrived(app, session, smtp_server)
    assert to == "marthe@example.no" and method == "REQUEST"
    assert subject == "Innkalling som vara: Møte i Fagrådet 1/27 – du stiller for Stine Slørdal"
    assert "Stine Slørdal har meldt forfall" in text
    stand_in = {stand_in_uid(d.uid, stine.id) for d in meeting.days}
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == stand_in
    assert _log(session, "meeting.forfall") == [
        "Stine Slørdal meldte forfall til Møte i Fagrådet 1/27; Marthe Dingen er kalt inn som vara"
    ]
    # The same reply read again (the IMAP folder is read whole each time): nothing new.
    count = _read(session, tmp_path, declined, declined)
    assert count.problems == []
    assert len(session.scalars(select(Absence)).all()) == 1
    assert _arrived(app, session, smtp_server) == []
    assert len(_log(session, "meeting.forfall")) == 1
    # ACCEPTED afterwards (both replies in the mailbox, the later one counts).
    accepted = ([(day1.uid, "ACCEPTED"), (day2.uid, "ACCEPTED")], "stine@example.no")
    for _time in range(2):
        _read(session, tmp_path, declined, accepted)
    assert session.scalars(select(Absence)).all() == []
    assert _answers(session, stine) == [(29, "ACCEPTED", "kalender"), (30, "ACCEPTED", "kalender")]
    arrived = {m[0]: m for m in _arrived(app, session, smtp_server)}
    assert set(arrived) == {"marthe@example.no", "stine@example.no"}
    _to, subject, _text, method, calendar = arrived["marthe@example.no"]
    assert method == "CANCEL" and subject.startswith("Trukket tilbake:")
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == stand_in
    assert {str(e["STATUS"]) for e in calendar.walk("VEVENT")} == {"CANCELLED"}
    _to, subject, text, method, calendar = arrived["stine@example.no"]
    assert method == "REQUEST" and subject.startswith("Innkalling: Møte i Fagrådet 1/27")
    assert "Forfallet ditt" in text
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {d.uid for d in meeting.days}
    assert _log(session, "meeting.forfall")[1:] == [
        "Stine Slørdal trakk forfallet til Møte i Fagrådet 1/27"
    ]


def test_each_day_its_own_answer(app, session, smtp_server, council, tmp_path):
    meeting, stine = council["meeting"], council["stine"]
    day1, day2 = meeting.days
    uid1, uid2 = (stand_in_uid(d.uid, stine.id) for d in meeting.days)
    _arrived(app, session, smtp_server)
    _read(session, tmp_path, ([(day2.uid, "DECLINED")], "stine@example.no"))
    [absence] = session.scalars(select(Absence)).all()
    assert absence.days == [2]
    [(_to, _subject, text, method, calendar)] = _arrived(app, session, smtp_server)
    assert method == "REQUEST" and [str(e["UID"]) for e in calendar.walk("VEVENT")] == [uid2]
    assert "Tid: 30. april kl. " in text
    # Day 1 declined too: the forfall covers both days, the vara is invited to both.
    _read(session, tmp_path, ([(day1.uid, "DECLINED")], "stine@example.no"))
    assert absence.days is None
    [(to, subject, _text, method, calendar)] = _arrived(app, session, smtp_server)
    assert (to, method) == ("marthe@example.no", "REQUEST")
    assert subject == "Endret: Møte i Fagrådet 1/27 – du stiller for Stine Slørdal"
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {uid1, uid2}
    assert {int(e["SEQUENCE"]) for e in calendar.walk("VEVENT")} == {2}
    # Day 2 accepted after all: the vara's day 2 is cancelled, Stine is invited again.
    _read(session, tmp_path, ([(day2.uid, "ACCEPTED")], "stine@example.no"))
    assert absence.days == [1] and absence.substitute == council["marthe"]
    assert _answers(session, stine) == [(29, "DECLINED", "forfall"), (30, "ACCEPTED", "kalender")]
    arrived = {m[0]: m for m in _arrived(app, session, smtp_server)}
    _to, subject, text, method, calendar = arrived["marthe@example.no"]
    assert method == "CANCEL" and [str(e["UID"]) for e in calendar.walk("VEVENT")] == [uid2]
    assert "Du trenger likevel ikke å stille for Stine Slørdal" in text and "dag 2" in text
    _to, subject, text, method, calendar = arrived["stine@example.no"]
    assert method == "REQUEST" and subject.startswith("Innkalling: ")
    assert "Du er innkalt igjen" in text
    assert _log(session, "meeting.forfall")[-1] == (
        "Stine Slørdal endret forfallet til Møte i Fagrådet 1/27 – dag 1"
    )


def test_a_varas_declined_is_the_varas_answer(app, session, smtp_server, council, tmp_path):
    meeting, stine, marthe = council["meeting"], council["stine"], council["marthe"]
    forfall.report_absence(session, None, meeting, stine, [], "", SETTINGS, TODAY)
    session.commit()
    _arrived(app, session, smtp_server)
    assert marthe.id in forfall.attendance_prefill(session, meeting)
    reply = ([(stand_in_uid(d.uid, stine.id), "DECLINED") for d in meeting.days],
             "marthe@example.no")  # fmt: skip
    for _time in range(2):
        count = _read(session, tmp_path, reply)
        assert (count.recorded, count.problems) == (2, [])
    # No forfall of the vara's own, no stand-in proposed; the secretariat finds another.
    [absence] = session.scalars(select(Absence)).all()
    assert absence.person == stine and absence.substitute == marthe
    prefill = forfall.attendance_prefill(session, meeting)
    assert marthe.id not in prefill and prefill[stine.id].status == "absent"
    assert _answers(session, marthe) == [(29, "DECLINED", "kalender"), (30, "DECLINED", "kalender")]
    assert _arrived(app, session, smtp_server) == []
    assert _log(session, "meeting.answer") == [
        "Marthe Dingen svarte «kommer ikke» som vara for Stine Slørdal på Møte i Fagrådet 1/27"
    ]
    # Accepting after all puts the vara back as stedfortreder.
    _read(session, tmp_path, ([(stand_in_uid(d.uid, stine.id), "ACCEPTED") for d in meeting.days],
                              "marthe@example.no"))  # fmt: skip
    assert forfall.attendance_prefill(session, meeting)[marthe.id].status == "deputy"


def test_tentative_is_only_an_answer(app, session, smtp_server, council, tmp_path):
    meeting, jon = council["meeting"], council["jon"]
    _arrived(app, session, smtp_server)
    _read(session, tmp_path, ([(d.uid, "TENTATIVE") for d in meeting.days], "jon@example.no"))
    assert session.scalars(select(Absence)).all() == []
    assert _answers(session, jon) == [(29, "TENTATIVE", "kalender"), (30, "TENTATIVE", "kalender")]
    assert _arrived(app, session, smtp_server) == []
    assert _log(session, "meeting.answer") == [] and _log(session, "meeting.forfall") == []
    # ACCEPTED for one day is an answer as the link's, logged with its day.
    _read(session, tmp_path, ([(meeting.days[0].uid, "ACCEPTED")], "jon@example.no"))
    assert _log(session, "meeting.answer") == [
        "Jon Gupta svarte «kommer» på innkallingen til Møte i Fagrådet 1/27 – dag 1"
    ]


def test_a_reply_older_than_the_answer_kept_changes_nothing(
    app, session, smtp_server, council, tmp_path
):
    """The IMAP folder is read whole every run: a DECLINED made before the member's later
    «Jeg kommer» on the link does not report the forfall again."""
    meeting, stine = council["meeting"], council["stine"]
    old_no = ([(d.uid, "DECLINED") for d in meeting.days], "stine@example.no", "20260101T100000Z")
    _read(session, tmp_path, old_no)
    assert len(session.scalars(select(Absence)).all()) == 1
    token = answers.answer_token("test-secret", meeting.id, stine.id, "kommer")
    link = answers.read_token(session, "test-secret", token, TODAY)
    assert forfall_answers.answer_by_link(session, link, SETTINGS, TODAY).startswith(
        "Forfallet er trukket"
    )
    session.commit()
    _arrived(app, session, smtp_server)
    _read(session, tmp_path, old_no)
    assert session.scalars(select(Absence)).all() == []
    assert _answers(session, stine) == [(29, "ACCEPTED", "lenke"), (30, "ACCEPTED", "lenke")]
    assert _arrived(app, session, smtp_server) == []


def test_a_forfall_withdrawn_on_the_page_is_not_reported_again_by_the_old_reply(
    app, session, smtp_server, council, tmp_path
):
    meeting, stine = council["meeting"], council["stine"]
    _arrived(app, session, smtp_server)
    # Made before the member withdrew (any moment before this run).
    declined = (
        [(d.uid, "DECLINED") for d in meeting.days],
        "stine@example.no",
        "20260101T100000Z",
    )
    _read(session, tmp_path, declined)
    assert len(session.scalars(select(Absence)).all()) == 1
    forfall_answers.withdraw_on_page(session, None, meeting, stine, SETTINGS, TODAY)
    session.commit()
    assert session.scalars(select(Absence)).all() == []
    assert _answers(session, stine) == [(29, "ACCEPTED", "forfall"), (30, "ACCEPTED", "forfall")]
    _arrived(app, session, smtp_server)
    # The mailbox still holds the DECLINED: read again, it is older than the withdrawal.
    _read(session, tmp_path, declined)
    assert session.scalars(select(Absence)).all() == []
    assert _arrived(app, session, smtp_server) == []
    assert _log(session, "meeting.forfall")[-1] == (
        "Stine Slørdal trakk forfallet til Møte i Fagrådet 1/27"
    )
