"""The sendings of a meeting's minutes and the members' comments (merknader) in the exchange
format: read, refused when wrong (naming the place), and written back to the same file."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange, dump_exchange
from govern.extensions import db
from govern.models import Meeting, MinutesComment, MinutesSending, User
from govern.services.exchange import ExchangeError, import_exchange
from govern.services.minutes_comments import add_comment, answer_comment, send_for_comments
from tests.services.test_exchange import example
from tests.test_exchange_files import empty_database
from tests.views.test_pages import meeting_id

SENDINGS = [
    {
        "kind": "merknader",
        "sent_at": "2026-05-08T09:15:00+00:00",
        "deadline": "2026-05-15",
        "recipients": 3,
        "comments": [
            {"person": "Ola Hansen", "case": "2/26", "text": "Vedtaket mangler en frist.",
             "at": "2026-05-09T10:00:00+00:00", "status": "tatt inn",
             "answered_at": "2026-05-16T08:00:00+00:00"},
            {"person": "Siri Dahl", "text": "Jeg var til stede dag 2.",
             "at": "2026-05-10T11:30:00+00:00", "status": "besvart",
             "answer": "Rettet i oppmøtet.", "answered_at": "2026-05-16T08:05:00+00:00"},
            {"person": "Per Vik", "case": "3/26", "text": "Ingen merknad til innholdet.",
             "at": "2026-05-11T12:00:00+00:00"},
        ],
    },
    {"kind": "endelig", "sent_at": "2026-05-16T09:00:00+00:00", "recipients": 3},
]  # fmt: skip


def with_sendings() -> dict:
    document = example()
    meeting = document["meetings"][0]
    meeting.update(status="gjennomført", minutes="sendt", minutes_sendings=copy.deepcopy(SENDINGS))
    return document


def _round_trip(exported: bytes) -> bytes:
    empty_database()
    import_exchange(db.session, json.loads(exported))
    db.session.commit()
    return dump_exchange(build_exchange(db.session))


def test_sendings_and_comments_are_imported_and_round_trip(session):
    import_exchange(session, with_sendings())
    session.commit()
    sendings = session.scalars(select(MinutesSending).order_by(MinutesSending.number)).all()
    assert [(s.number, s.kind, s.deadline, s.recipients) for s in sendings] == [
        (1, "merknader", date(2026, 5, 15), 3),
        (2, "endelig", None, 3),
    ]
    comments = sendings[0].comments
    assert [
        (c.person.name, c.treatment.number if c.treatment else None, c.status, c.answer)
        for c in comments
    ] == [
        ("Ola Hansen", "2/26", "tatt inn", ""),
        ("Siri Dahl", None, "besvart", "Rettet i oppmøtet."),
        ("Per Vik", "3/26", "ny", ""),
    ]
    assert comments[0].created_at.isoformat() == "2026-05-09T10:00:00+00:00"
    assert comments[2].answered_at is None
    exported = dump_exchange(build_exchange(session))
    assert json.loads(exported)["meetings"][0]["minutes_sendings"] == SENDINGS
    assert _round_trip(exported) == exported


def test_comments_made_in_govern_survive_export_and_import(session, demo_with_accounts):
    """The loop as the pages run it (sent for comments, a comment, taken in, the final
    version) leaves a file that reads back the same."""
    meeting = session.get(Meeting, meeting_id(session, "fagradet", "2/26"))
    meeting.status = "gjennomført"
    session.flush()
    today = date.today()
    secretariat = session.scalar(select(User).where(User.email == "sekretariat@example.no"))
    member = session.scalar(select(User).where(User.email == "medlem@example.no"))
    send_for_comments(
        session, secretariat, meeting, today + timedelta(days=7), "https://govern.test",
        confirmed=True, today=today,
    )  # fmt: skip
    case = next(i.treatment for i in meeting.items if i.kind == "case")
    comment = add_comment(session, member, meeting, case.id, "Et innspill mangler.", today=today)
    answer_comment(session, secretariat, comment, "tatt inn", "")
    session.commit()
    exported = dump_exchange(build_exchange(session))
    [sending] = [
        m["minutes_sendings"] for m in json.loads(exported)["meetings"] if m.get("minutes_sendings")
    ]
    assert sending[0]["comments"][0]["case"] == case.number
    assert _round_trip(exported) == exported
    assert db.session.scalar(select(MinutesComment.text)) == "Et innspill mangler."


@pytest.mark.parametrize(
    "change, place, message",
    [
        (lambda m: m.update(status="innkalt"), "minutes_sendings", "ikke er holdt"),
        (lambda m: m["minutes_sendings"][0].update(kind="utkast"), "[0].kind", "skal være en av"),
        (lambda m: m["minutes_sendings"][1].update(deadline="2026-05-20"), "[1].deadline",
         "har frist"),
        (lambda m: m["minutes_sendings"][0].update(sent_at="i går"), "[0].sent_at",
         "ikke et gyldig tidspunkt"),
        (lambda m: m["minutes_sendings"][0]["comments"][0].update(case="9/26"),
         "[0].comments[0].case", "ingen sak 9/26"),
        (lambda m: m["minutes_sendings"][0]["comments"][1].update(answer=""),
         "[0].comments[1].answer", "trenger et svar"),
        (lambda m: m["minutes_sendings"][0]["comments"][2].update(person="Ukjent"),
         "[0].comments[2].person", "ukjent person"),
        (lambda m: m["minutes_sendings"][0]["comments"][2].update(text="x" * 4001),
         "[0].comments[2].text", "høyst 4000 tegn"),
        (lambda m: m["minutes_sendings"][1].update(comments=[{"person": "Per Vik", "text": "x",
                                                              "at": "2026-05-17T10:00:00"}]),
         "[1].comments", "hører til et utkast"),
    ],
)  # fmt: skip
def test_a_wrong_sending_or_comment_is_refused_naming_the_place(session, change, place, message):
    document = with_sendings()
    change(document["meetings"][0])
    with pytest.raises(ExchangeError, match=message) as refused:
        import_exchange(session, document)
    assert "meetings[0].minutes_sendings" in str(refused.value)
    assert place in str(refused.value)
