"""Forfall and answers to the invitation in the exchange format: read, refused when wrong
(naming the place), and written back to the same file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange, dump_exchange
from govern.extensions import db
from govern.models.answers import Absence, MeetingAnswer
from govern.models.base import Base
from govern.services.exchange import ExchangeError, import_exchange
from tests.services.test_exchange import example


def with_forfall() -> dict:
    document = example()
    meeting = document["meetings"][0]
    meeting["forfall"] = [
        {"person": "Siri Dahl", "days": [1], "note": "Kurs", "vara": "Per Vik"},
        {"person": "Ola Hansen"},
    ]
    meeting["answers"] = [
        {"person": "Per Vik", "day": 1, "answer": "ACCEPTED", "source": "lenke"},
        {"person": "Siri Dahl", "day": 1, "answer": "DECLINED", "source": "forfall"},
        {"person": "Ola Hansen", "day": 2, "answer": "TENTATIVE", "source": "kalender"},
    ]
    return document


def test_forfall_and_answers_are_imported_and_round_trip(session):
    import_exchange(session, with_forfall())
    session.commit()
    absences = session.scalars(select(Absence).order_by(Absence.id)).all()
    assert [
        (a.person.name, a.days, a.note, a.substitute.name if a.substitute else None)
        for a in absences
    ] == [("Siri Dahl", [1], "Kurs", "Per Vik"), ("Ola Hansen", None, "", None)]
    answers = session.scalars(select(MeetingAnswer).order_by(MeetingAnswer.id)).all()
    assert [(a.person.name, a.day.date.day, a.answer) for a in answers] == [
        ("Per Vik", 6, "ACCEPTED"),
        ("Siri Dahl", 6, "DECLINED"),
        ("Ola Hansen", 7, "TENTATIVE"),
    ]
    exported = dump_exchange(build_exchange(session))
    assert b'"forfall"' in exported and b'"answers"' in exported
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    import_exchange(db.session, json.loads(exported))
    db.session.commit()
    assert dump_exchange(build_exchange(db.session)) == exported


@pytest.mark.parametrize(
    "key, row, message",
    [
        ("forfall", {"person": "Ukjent Person"}, "ukjent person «Ukjent Person»"),
        ("forfall", {"person": "Siri Dahl", "days": [3]}, "Møtet har ingen dag 3"),
        ("forfall", {"person": "Siri Dahl", "vara": "Siri Dahl"}, "kan ikke stille for seg selv"),
        ("answers", {"person": "Siri Dahl", "day": 1, "answer": "JA"}, "«JA» er ukjent"),
        ("answers", {"person": "Siri Dahl", "day": 5, "answer": "ACCEPTED"}, "ingen dag 5"),
    ],
)
def test_a_wrong_row_is_refused_naming_the_place(session, key, row, message):
    document = example()
    document["meetings"][0][key] = [row]
    with pytest.raises(ExchangeError, match=message) as refused:
        import_exchange(session, document)
    assert f"meetings[0].{key}[0]" in str(refused.value)
