"""The search index keeps the filter and visibility values current: a meeting's status, minutes
and shared agenda, and a treatment's body, year and sakstype, in the writer's transaction."""

from __future__ import annotations

from datetime import date

from flask_login import AnonymousUserMixin

from govern.extensions import db
from govern.search.query import search_page, search_years
from govern.search.text import parse_query
from govern.services import accounts, meetings, memberships
from govern.services.cases import (
    ExternalTreatmentInput,
    register_external_treatment,
    update_external_treatment,
)
from govern.services.followups import FollowUpInput, add_follow_up
from govern.services.memberships import MembershipInput
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
    memberships.add_membership(session, body, person, MembershipInput("medlem", date(2020, 1, 1)))
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


def test_the_years_to_filter_by_are_those_of_the_treatments(session):
    fagradet = make_body()
    for day in (date(2024, 2, 2), date(2026, 3, 4), date(2024, 9, 9)):
        add_case(make_meeting(fagradet, day), "Arkivplan")
    session.commit()
    assert search_years(session) == [2026, 2024]
    meeting = make_meeting(fagradet, date(2021, 1, 1))
    add_case(meeting, "Eldre sak")
    session.commit()
    assert search_years(session) == [2026, 2024, 2021]


def test_the_follow_up_filter_looks_at_each_result_own_follow_ups(session):
    meeting = make_meeting(make_body(), date(2025, 3, 5))
    meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
    ongoing = add_case(meeting, "Arkivplan med oppfølging", decision="Vedtatt.").treatment
    overdue = add_case(meeting, "Arkivplan forfalt", decision="Vedtatt.").treatment
    add_case(meeting, "Arkivplan uten oppfølging", decision="Vedtatt.")
    add_follow_up(session, ongoing, FollowUpInput(status="pågår", responsible="NHN"))
    add_follow_up(
        session,
        overdue,
        FollowUpInput(status="ikke startet", responsible="NHN", due_on=date(2026, 1, 1)),
    )
    session.commit()
    assert find("arkivplan ", follow_up="ingen") == ["Arkivplan uten oppfølging"]
    assert find("arkivplan ", follow_up="pågår") == ["Arkivplan med oppfølging"]
    assert find("arkivplan ", follow_up="forfalt") == ["Arkivplan forfalt"]
    assert find("arkivplan ", follow_up="fullført") == []


def test_a_deleted_meeting_takes_its_documents_along(session):
    body = make_body()
    kept = make_meeting(body, date(2026, 3, 4))
    add_case(kept, "Arkivplan som blir")
    gone = make_meeting(body, date(2026, 5, 6))
    for n in range(3):
        add_case(gone, f"Arkivplan {n}")
    session.commit()
    assert len(find("arkivplan ")) == 4
    meetings.delete_meeting(session, gone)
    session.commit()
    page = search_page(db.session, ANON, parse_query("arkivplan "), RegisterFilter(), 1, TODAY)
    assert page.total == 1 and [h.treatment.display_title for h in page.hits] == [
        "Arkivplan som blir"
    ]


def test_a_deleted_case_takes_its_documents_along(session):
    meeting = make_meeting(make_body(), date(2026, 3, 4))
    add_case(meeting, "Arkivplan som blir")
    case = add_case(meeting, "Arkivplan som går").treatment.case
    session.commit()
    session.delete(case)
    session.commit()
    assert find("arkivplan ") == ["Arkivplan som blir"]
