"""The search index keeps the filter and visibility values current: a meeting's status, minutes
and shared agenda, and a treatment's body, year and sakstype, in the writer's transaction."""

from __future__ import annotations

from datetime import date

from flask_login import AnonymousUserMixin

from govern.extensions import db
from govern.search.query import search_page
from govern.search.text import parse_query
from govern.services import accounts, bodies
from govern.services.bodies import MembershipInput
from govern.services.cases import (
    ExternalTreatmentInput,
    register_external_treatment,
    update_external_treatment,
)
from govern.services.register import RegisterFilter
from tests.conftest import add_case, make_body, make_meeting, make_person

TODAY = date(2026, 11, 23)
ANON = AnonymousUserMixin()


def find(q: str, user=ANON, **filters) -> list[str]:
    page = search_page(db.session, user, parse_query(q), RegisterFilter(**filters), 1, TODAY)
    return [hit.treatment.display_title for hit in page.hits]


def test_meeting_status_and_minutes_are_followed(session):
    meeting = make_meeting(make_body(), date(2026, 5, 6), status="planlagt")
    add_case(meeting, "Arkivplan", decision="Fagrådet vedtar sprengstoff.")
    session.commit()
    assert find("arkivplan ") == [] and find("sprengstoff ") == []

    meeting.status = "innkalt"
    session.commit()
    assert find("arkivplan ") == ["Arkivplan"]
    assert find("sprengstoff ") == []  # the minutes are not approved

    meeting.minutes_status = "sendt"
    session.commit()
    assert find("sprengstoff ") == []
    meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
    session.commit()
    assert find("sprengstoff ") == ["Arkivplan"]

    meeting.status, meeting.minutes_status = "planlagt", "utkast"
    session.commit()
    assert find("arkivplan ") == [] and find("sprengstoff ") == []


def test_a_shared_agenda_is_found_by_the_members_only(session):
    body = make_body()
    meeting = make_meeting(body, date(2026, 5, 6), status="planlagt")
    add_case(meeting, "Arkivplan")
    person = make_person("Mona Medlem", email="mona@example.no")
    bodies.add_membership(session, body, person, MembershipInput("medlem", date(2020, 1, 1)))
    member = accounts.create_account(session, person, "mona@example.no", password="x" * 12)
    session.commit()
    assert find("arkivplan ", member) == []

    meeting.agenda_shared = True
    session.commit()
    assert find("arkivplan ", member) == ["Arkivplan"]
    assert find("arkivplan ") == []

    meeting.agenda_shared = False
    session.commit()
    assert find("arkivplan ", member) == []


def test_a_treatment_moved_to_another_body_year_and_sakstype_is_found_there(session):
    fagradet = make_body()
    ehr = make_body("e-helserad", "E-helserådet", external=True)
    nuit = make_body("nuit", "NUIT", external=True)
    case = add_case(make_meeting(fagradet, date(2026, 3, 4)), "Felles arkivplan").treatment.case
    external = register_external_treatment(
        session, case, ehr, ExternalTreatmentInput("3/25", date(2025, 3, 3), None, "Drøfting")
    )
    session.commit()
    assert find("arkivplan ", body="e-helserad", year=2025, sakstype="Drøfting") == [
        "Felles arkivplan"
    ]

    data = ExternalTreatmentInput("7/24", date(2024, 9, 9), None, "Beslutning")
    update_external_treatment(session, external, nuit, data, None, external.version)
    session.commit()
    assert find("arkivplan ", body="e-helserad") == []
    assert find("arkivplan ", year=2025) == []
    assert find("arkivplan ", sakstype="Drøfting") == ["Felles arkivplan"]  # the meeting's
    assert find("arkivplan ", body="nuit", year=2024, sakstype="Beslutning") == ["Felles arkivplan"]
