"""The referat states whether a deciding body was beslutningsdyktig, and who left a case as
inhabil; the quorum rule counts the members with voting right, a vara for the member."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from govern.domain.quorum import quorum_of, required
from govern.exports.referat import build_referat
from govern.exports.versions import INTERNAL, PUBLIC
from govern.models import Attendance, Recusal
from govern.services import memberships
from tests.conftest import add_case, make_body, make_meeting, make_person


def texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return out


@pytest.fixture
def council(session):
    """A produktråd (over half of its 4 voting members) with a vara and an observer, and a
    held two-day meeting with one case."""
    body = make_body("produktrad", "Produktrådet", kind="produktråd")
    people = {}
    for name, role in (
        ("Leder Lie", "leder"),
        ("Medlem En", "medlem"),
        ("Medlem To", "medlem"),
        ("Medlem Tre", "medlem"),
        ("Observatør Olsen", "observatør"),
    ):
        people[name] = make_person(name)
        memberships.add_membership(session, body, people[name], memberships.MembershipInput(role))
    people["Vara Vik"] = make_person("Vara Vik")
    memberships.add_membership(
        session, body, people["Vara Vik"], memberships.MembershipInput("vara")
    )
    meeting = make_meeting(body, date(2027, 3, 3), date(2027, 3, 4), status="gjennomført")
    treatment = add_case(meeting, "Oppgradering av plattformen", sakstype="Beslutning").treatment
    treatment.decision = "Produktrådet vedtok oppgraderingen."
    session.flush()
    return body, meeting, treatment, people


def attend(session, meeting, person, status="present", deputy_for=None, days=None):
    session.add(
        Attendance(
            meeting=meeting,
            person=person,
            status=status,
            deputy_for=deputy_for,
            days=days,
        )
    )
    session.flush()


def test_the_rules():
    assert [required("over_half", n) for n in (4, 5, 12)] == [3, 3, 7]
    assert [required("half", n) for n in (4, 5)] == [2, 3]
    assert [required("two_thirds", n) for n in (6, 7)] == [4, 5]


def test_a_vara_counts_for_the_member_and_the_referat_says_beslutningsdyktig(session, council):
    body, meeting, _, people = council
    assert body.quorum_rule == "over_half"  # deciding bodies get the rule by default
    attend(session, meeting, people["Leder Lie"])
    attend(session, meeting, people["Medlem En"])
    attend(session, meeting, people["Observatør Olsen"])  # no voting right
    attend(session, meeting, people["Medlem To"], "absent")
    attend(session, meeting, people["Vara Vik"], "deputy", people["Medlem Tre"])
    session.commit()
    quorum = quorum_of(meeting)
    assert quorum.present == (3, 3) and quorum.required == 3 and quorum.met
    sentence = (
        "Rådet var beslutningsdyktig (3 av 4 medlemmer med stemmerett til stede, vara "
        "medregnet; krav: mer enn halvparten, det vil si 3)."
    )
    assert sentence in texts(build_referat(meeting, version=INTERNAL))
    assert sentence in texts(build_referat(meeting, version=PUBLIC))


def test_not_beslutningsdyktig_on_a_day(session, council):
    _, meeting, _, people = council
    attend(session, meeting, people["Leder Lie"])
    attend(session, meeting, people["Medlem En"])
    attend(session, meeting, people["Medlem To"], "present", days=[1])
    session.commit()
    quorum = quorum_of(meeting)
    assert quorum.met_by_day == (True, False)
    found = [t for t in texts(build_referat(meeting, version=INTERNAL)) if "beslutningsdyktig" in t]
    assert found == [
        "Rådet var beslutningsdyktig dag 1, men ikke dag 2 (dag 1: 3, dag 2: 2 av 4 medlemmer "
        "med stemmerett til stede, vara medregnet; krav: mer enn halvparten, det vil si 3)."
    ]


def test_no_statement_without_a_rule_or_attendance(session, council):
    body, meeting, _, people = council
    assert quorum_of(meeting) is None  # attendance not registered
    attend(session, meeting, people["Leder Lie"])
    body.quorum_rule = ""
    session.commit()
    assert quorum_of(meeting) is None
    assert not [t for t in texts(build_referat(meeting)) if "beslutningsdyktig" in t]


def test_the_referat_names_who_left_the_case_as_inhabil(session, council):
    _, meeting, treatment, people = council
    for person, status in ((people["Medlem En"], "inhabil"), (people["Medlem To"], "meldt")):
        session.add(
            Recusal(treatment=treatment, person=person, status=status, basis="fvl. § 6 andre ledd")
        )
    session.commit()
    found = [t for t in texts(build_referat(meeting)) if "fratrådte" in t]
    assert found == [
        "Medlem En fratrådte under behandlingen av saken (inhabil, fvl. § 6 andre ledd)."
    ]
