"""Habilitet and quorum rules in the exchange format: read, refused when wrong (naming the
place), and written back to the same file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange, dump_exchange
from govern.extensions import db
from govern.models import Body, Recusal
from govern.models.base import Base
from govern.services.exchange import ExchangeError, import_exchange
from tests.services.test_exchange import example

BASIS = "fvl. § 6 første ledd bokstav e"


def with_recusals() -> dict:
    document = example()
    document["bodies"][0]["quorum"] = "two_thirds"
    document["bodies"][0]["recusal_withholds"] = True
    document["bodies"][1]["quorum"] = "ingen"
    document["meetings"][0]["agenda"][1]["recusals"] = [
        {"person": "Siri Dahl", "basis": BASIS, "reason": "Styremedlem", "note": "Innvilget"},
        {"person": "Per Vik", "basis": "fvl. § 6 andre ledd", "status": "meldt"},
    ]
    return document


def test_recusals_and_quorum_rules_are_imported_and_round_trip(session):
    import_exchange(session, with_recusals())
    session.commit()
    first, second = session.scalars(select(Body).order_by(Body.id)).all()
    assert (first.quorum_rule, first.recusal_withholds, second.quorum_rule) == (
        "two_thirds",
        True,
        "",
    )
    rows = session.scalars(select(Recusal).order_by(Recusal.id)).all()
    assert [(r.person.name, r.status, r.basis, r.reason, r.note) for r in rows] == [
        ("Siri Dahl", "inhabil", BASIS, "Styremedlem", "Innvilget"),
        ("Per Vik", "meldt", "fvl. § 6 andre ledd", "", ""),
    ]
    exported = dump_exchange(build_exchange(session))
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    import_exchange(db.session, json.loads(exported))
    db.session.commit()
    assert dump_exchange(build_exchange(db.session)) == exported


@pytest.mark.parametrize(
    "recusal, message",
    [
        ({"person": "Ukjent Person", "basis": BASIS}, "ukjent person «Ukjent Person»"),
        ({"person": "Siri Dahl", "basis": "§ 99"}, "Velg grunnlaget"),
        ({"person": "Siri Dahl", "basis": BASIS, "status": "kanskje"}, "«kanskje» er ukjent"),
    ],
)
def test_a_wrong_recusal_is_refused_naming_the_place(session, recusal, message):
    document = example()
    document["meetings"][0]["agenda"][1]["recusals"] = [recusal]
    with pytest.raises(ExchangeError, match=message) as refused:
        import_exchange(session, document)
    assert "meetings[0].agenda[1].recusals[0]" in str(refused.value)


def test_an_unknown_quorum_rule_is_refused(session):
    document = example()
    document["bodies"][0]["quorum"] = "alle"
    with pytest.raises(ExchangeError, match="Ukjent regel for beslutningsdyktighet"):
        import_exchange(session, document)
