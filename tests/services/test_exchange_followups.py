"""The exchange format's follow_ups section: the demo's follow-ups, round trip, bad input."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange
from govern.models.followups import FollowUp
from govern.services.exchange import ExchangeError, import_exchange
from tests.services.test_exchange import DEMO


def demo_file() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def test_demo_follow_ups_round_trip(session, demo):
    document = demo_file()
    follow_ups = session.scalars(select(FollowUp).order_by(FollowUp.id)).all()
    assert len(follow_ups) == len(document["follow_ups"]) >= 5
    # At least one is overdue, for the secretariat's front page.
    assert any(f.is_overdue(date(2026, 11, 23)) for f in follow_ups)
    done = next(f for f in follow_ups if f.status == "fullført")
    assert done.closed_at is not None and done.responsible_text.startswith("Line Andreassen")
    assert build_exchange(session)["follow_ups"] == document["follow_ups"]


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"case_number": "99/26"}, "follow_ups[0].case_number", "ingen sak 99/26"),
        ({"status": "ferdig"}, "follow_ups[0].status", "Velg status"),
        ({"due": "2020-01-01"}, "follow_ups[0].due", "Fristen kan ikke"),
        ({"organisation": "Ukjent AS"}, "follow_ups[0].organisation", "ukjent organisasjon"),
    ],
)
def test_bad_follow_up_names_its_place(session, change, where, message):
    document = copy.deepcopy(demo_file())
    document["follow_ups"][0].update(change)
    with pytest.raises(ExchangeError) as error:
        import_exchange(session, document)
    assert error.value.field == where
    assert message in error.value.message
