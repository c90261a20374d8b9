"""The search shows exactly what the permission filters allow, for every meeting state and role.

The index keeps the meeting's state beside the text and hides by it on its own (on SQLite as
FTS5 terms written for the search, on PostgreSQL the permission filters rewritten onto its
columns); here both are held against policy.visible_treatment_filter and
visible_decision_filter over the models, which the register and the API use.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from govern.extensions import db
from govern.models.cases import Treatment
from govern.models.meetings import MEETING_STATUSES, MINUTES_STATUSES, Meeting
from govern.policy import visible_decision_filter, visible_treatment_filter
from govern.search.query import search_page
from govern.search.text import parse_query
from govern.services import accounts
from govern.services.cases import ExternalTreatmentInput, register_external_treatment
from govern.services.memberships import MembershipInput, add_membership
from govern.services.register import RegisterFilter
from tests.conftest import add_case, make_body, make_meeting, make_person

TODAY = date(2026, 11, 23)


def states():
    """Every (status, minutes status, agenda shared) a meeting can be in."""
    for status, minutes, shared in itertools.product(
        MEETING_STATUSES, MINUTES_STATUSES, (False, True)
    ):
        if status != "referat godkjent" or minutes == "godkjent":
            yield status, minutes, shared


def user(session, email: str, memberships=(), is_admin=False):
    person = make_person(email.split("@")[0].title(), email=email)
    for body, role in memberships:
        add_membership(session, body, person, MembershipInput(role, date(2020, 1, 1)))
    return accounts.create_account(session, person, email, is_admin=is_admin, password="x" * 12)


@pytest.fixture
def world(session):
    """A meeting in every state in two bodies, each with one case whose title says
    «tavleord» and whose decision says «vedtaksord»; an external treatment too."""
    fagradet, nuit = make_body(), make_body("nuit", "NUIT")
    day = date(2026, 1, 5)
    for body in (fagradet, nuit):
        for status, minutes, shared in states():
            meeting = make_meeting(body, day)
            day += timedelta(days=7)
            add_case(meeting, f"Tavleord {status} {minutes}", decision="Vedtaksord er vedtatt.")
            meeting.status, meeting.minutes_status, meeting.agenda_shared = status, minutes, shared
    ehr = make_body("e-helserad", "E-helserådet", external=True)
    case = add_case(make_meeting(fagradet, day), "Tavleord ekstern").treatment.case
    register_external_treatment(
        session,
        case,
        ehr,
        ExternalTreatmentInput("3/25", date(2025, 3, 3), None, None, "Vedtaksord."),
    )
    users = {
        "anonym": AnonymousUserMixin(),
        "uten roller": user(session, "uten@example.no"),
        "medlem": user(session, "medlem@example.no", [(fagradet, "medlem")]),
        "observatør i to organer": user(
            session, "obs@example.no", [(fagradet, "observatør"), (nuit, "vara")]
        ),
        "sekretariat": user(session, "sekr@example.no", [(fagradet, "sekretariat")]),
        "sekretariat og medlem": user(
            session, "begge@example.no", [(fagradet, "sekretariat"), (nuit, "medlem")]
        ),
        "admin": user(session, "admin@example.no", is_admin=True),
    }
    session.commit()
    return users


def found(reader, word: str) -> set[int]:
    page = search_page(
        db.session, reader, parse_query(word), RegisterFilter(), 1, TODAY, per_page=200
    )
    assert page.total == len(page.hits)
    return {hit.treatment.id for hit in page.hits}


def allowed(reader, *filters) -> set[int]:
    stmt = select(Treatment.id).outerjoin(Meeting, Meeting.id == Treatment.meeting_id)
    return set(db.session.scalars(stmt.where(*filters)))


@pytest.mark.parametrize(
    "who",
    [
        "anonym",
        "uten roller",
        "medlem",
        "observatør i to organer",
        "sekretariat",
        "sekretariat og medlem",
        "admin",
    ],
)
def test_search_sees_what_the_permissions_allow(world, who):
    reader = world[who]
    treatments = allowed(reader, visible_treatment_filter(reader))
    decisions = allowed(
        reader,
        visible_treatment_filter(reader),
        visible_decision_filter(reader),
        Treatment.decision != "",
    )
    assert found(reader, "tavleord ") == treatments
    assert found(reader, "vedtaksord ") == decisions
    # A word in the title and in a hidden decision: found by the title.
    assert found(reader, "tavleord vedtaksord ") == decisions
    assert found(reader, "tavleord OR vedtaksord ") == treatments
    assert 0 < len(decisions) <= len(treatments) < 54 or who == "admin"
