"""The referat: recording cases, sending, approval at the next meeting, corrections."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from govern.models import Meeting, Treatment
from govern.models.audit import AuditEntry
from govern.models.minutes import MinutesRevision
from govern.services import minutes, minutes_approval, minutes_corrections, minutes_locking
from govern.services.audit import StaleEdit
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.minutes import MinutesInput
from govern.services.minutes_corrections import CorrectionInput
from tests.conftest import add_case, make_body, make_meeting


def record(session, t: Treatment, decision: str = "Vedtatt.", inputs=(), presentation=""):
    return minutes.record_minutes(
        session, None, t, MinutesInput(t.version, presentation, tuple(inputs), decision)
    )


def held(meeting: Meeting) -> None:
    """The planning pages mark a meeting as held; here it is set directly."""
    meeting.status = "gjennomført"


@pytest.fixture
def two_meetings(session):
    """Meeting 1/26 (held) with a case, and 2/26 whose first item is Godkjenning."""
    body = make_body()
    first = make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
    case = add_case(first, "Strategisk retning", proposed_decision="Fagrådet drøftet saken.")
    second = make_meeting(body, date(2026, 4, 29))
    approval = add_case(second, "Godkjenning av innkalling og referat", sakstype="Godkjenning")
    other = add_case(second, "Annen sak")
    session.commit()
    return first, case.treatment, second, approval.treatment, other.treatment


def test_recording_keeps_innspill_in_order_and_moves_the_version(session, two_meetings):
    _, t, *_ = two_meetings
    result = record(
        session, t, "Fagrådet drøftet saken.", ["Første", "  ", "Andre"], "Per orienterte."
    )
    session.commit()
    assert [i.text for i in t.inputs] == ["Første", "Andre"]
    assert t.decision == "Fagrådet drøftet saken." and t.presentation == "Per orienterte."
    assert result.changes["inputs"] == [[], ["Første", "Andre"]]
    version = t.version
    # Changing only the innspill still moves the version, so a stale form is noticed.
    record(session, t, "Fagrådet drøftet saken.", ["Andre", "Første", "Tredje"])
    session.commit()
    assert t.version == version + 1
    assert [(i.position, i.text) for i in t.inputs] == [(0, "Andre"), (1, "Første"), (2, "Tredje")]
    record(session, t, "Fagrådet drøftet saken.", ["Bare én"])
    session.commit()
    assert [i.text for i in t.inputs] == ["Bare én"]
    assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == (
        "treatment.minutes"
    )


def test_stale_version_is_refused(session, two_meetings):
    _, t, *_ = two_meetings
    opened = t.version
    record(session, t, "Først lagret.")
    session.commit()
    with pytest.raises(StaleEdit, match="Saken ble endret av noen andre"):
        minutes.record_minutes(session, None, t, MinutesInput(opened, "", (), "Min tekst"))
    session.rollback()
    assert t.decision == "Først lagret."


def test_a_lost_update_refused_by_the_database_is_a_stale_edit(session, two_meetings):
    _, t, *_ = two_meetings
    seen = t.version
    # Someone else saves between our check and our write.
    session.execute(
        update(Treatment)
        .where(Treatment.id == t.id)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    assert t.version == seen  # what this session read; check_version passes
    with pytest.raises(StaleEdit):
        minutes.record_minutes(session, None, t, MinutesInput(seen, "", (), "Min tekst"))
    session.rollback()


def test_held_meeting_needs_a_vedtak_except_eventuelt(session, two_meetings):
    first, t, *_ = two_meetings
    eventuelt = add_case(first, "Eventuelt", sakstype="Eventuelt").treatment
    held(first)
    with pytest.raises(InvalidInput, match="Vedtak må fylles ut når møtet er gjennomført"):
        record(session, t, "   ")
    record(session, eventuelt, "")
    assert eventuelt.decision == ""


def test_send_only_held_minutes_and_confirm_what_is_missing(session, two_meetings):
    first, t, *_ = two_meetings
    with pytest.raises(InvalidInput, match="når møtet er gjennomført"):
        minutes_locking.send_minutes(session, None, first)
    held(first)
    # No attendance and a case without vedtak: sent only when the secretariat confirms.
    with pytest.raises(
        Conflict, match=f"Oppmøtet er ikke registrert; Vedtak mangler i sak {t.number}"
    ):
        minutes_locking.send_minutes(session, None, first)
    assert first.minutes_status == "utkast"
    record(session, t)
    check = minutes_locking.check_send(session, first)
    assert check.no_attendance and check.missing_decisions == [] and check.approval is None
    minutes_locking.send_minutes(session, None, first, confirmed=True)
    assert first.minutes_status == "sendt" and first.status == "gjennomført"
    with pytest.raises(Conflict, match="allerede sendt"):
        minutes_locking.send_minutes(session, None, first, confirmed=True)


def test_approval_needs_sent_minutes_then_locks_them(session, two_meetings):
    first, t, second, approval, other = two_meetings
    held(first)
    record(session, t)
    session.commit()
    # The Godkjenning vedtak is saved whatever the state of the earlier minutes; it
    # approves nothing by itself (the approving meeting is not held).
    result = record(session, approval, "Fagrådet godkjenner referatet.")
    session.commit()
    assert approval.decision == "Fagrådet godkjenner referatet."
    assert result.approval_due is None and first.minutes_status == "utkast"
    held(second)
    # Not sent yet: the approval is refused, with a clear message.
    with pytest.raises(Conflict, match="ikke sendt til medlemmene ennå"):
        minutes_locking.approve_previous_minutes(session, None, approval)
    with pytest.raises(InvalidInput, match="godkjenningssaken"):
        minutes_locking.approve_previous_minutes(session, None, other)
    minutes_locking.send_minutes(session, None, first, confirmed=True)
    assert minutes_locking.approve_previous_minutes(session, None, approval) == [first]
    session.commit()
    assert first.minutes_status == "godkjent" and first.status == "referat godkjent"
    assert first.minutes_approved_by is approval and first.minutes_approved_at is not None
    # Locked: the case can no longer be changed directly.
    with pytest.raises(Conflict, match="Referatet er godkjent og låst"):
        record(session, t, "Endret i ettertid.")
    session.rollback()
    # Saving the Godkjenning vedtak again approves nothing more.
    again = record(session, approval, "Fagrådet godkjenner referatet fra forrige møte.")
    assert again.approval_due is None


def test_explicit_approval_and_nothing_to_approve(session, two_meetings):
    first, t, second, approval, _ = two_meetings
    # The approving meeting has not been held: nothing is approved.
    with pytest.raises(Conflict, match="Møte 2/26 har status «innkalt»"):
        minutes_locking.approve_previous_minutes(session, None, approval)
    held(first)
    record(session, t)
    minutes_locking.send_minutes(session, None, first, confirmed=True)
    held(second)
    record(session, approval, "Godkjent.")
    assert minutes_locking.approve_previous_minutes(session, None, approval) == [first]
    with pytest.raises(NotFound, match="ikke noe tidligere referat"):
        minutes_locking.approve_previous_minutes(session, None, approval)


def test_the_latest_unapproved_earlier_meeting_is_approved(session, two_meetings):
    first, t, second, approval, _ = two_meetings
    # A cancelled meeting in between is skipped; a later meeting is never "previous".
    cancelled = make_meeting(first.body, date(2026, 3, 1), status="avlyst")
    make_meeting(first.body, date(2026, 6, 1))
    assert cancelled.id
    assert minutes_approval.minutes_awaiting_approval(session, second) is first


def _approved(session, two_meetings):
    first, t, second, approval, _ = two_meetings
    held(first)
    record(session, t, "Fagrådet drøftet saken.", ["Innspill A"])
    minutes_locking.send_minutes(session, None, first, confirmed=True)
    held(second)
    record(session, approval, "Godkjent.")
    minutes_locking.approve_previous_minutes(session, None, approval)
    session.commit()
    return first, t


def test_corrections_are_numbered_revisions_with_reason_and_changes(session, two_meetings):
    first, t = _approved(session, two_meetings)
    revision = minutes_corrections.correct_minutes(
        session,
        None,
        first,
        t,
        CorrectionInput(t.version, "Feil i vedtaket", "Fagrådet anbefaler saken.", ("Innspill A",)),
    )
    session.commit()
    assert revision.number == 2 and revision.reason == "Feil i vedtaket"
    assert revision.changes == [
        {
            "treatment": t.number,
            "field": "decision",
            "before": "Fagrådet drøftet saken.",
            "after": "Fagrådet anbefaler saken.",
        }
    ]
    assert t.decision == "Fagrådet anbefaler saken."
    second = minutes_corrections.correct_minutes(
        session,
        None,
        first,
        t,
        CorrectionInput(t.version, "Manglet innspill", t.decision, ("Innspill A", "Innspill B")),
    )
    session.commit()
    assert second.number == 3
    assert second.changes[0]["field"] == "inputs"
    assert second.changes[0]["after"] == ["Innspill A", "Innspill B"]
    assert [r.number for r in session.scalars(select(MinutesRevision))] == [2, 3]


def test_corrections_need_a_reason_a_change_and_approved_minutes(session, two_meetings):
    first, t, second, approval, _ = two_meetings
    with pytest.raises(Conflict, match="ikke godkjent ennå"):
        minutes_corrections.correct_minutes(
            session, None, first, t, CorrectionInput(t.version, "x", "y")
        )
    first, t = _approved(session, two_meetings)
    with pytest.raises(InvalidInput, match="hvorfor"):
        minutes_corrections.correct_minutes(
            session, None, first, t, CorrectionInput(t.version, " ", "Nytt")
        )
    with pytest.raises(InvalidInput, match="Ingenting er endret"):
        minutes_corrections.correct_minutes(
            session,
            None,
            first,
            t,
            CorrectionInput(t.version, "Grunn", t.decision, ("Innspill A",)),
        )
    with pytest.raises(NotFound):
        minutes_corrections.correct_minutes(
            session, None, first, approval, CorrectionInput(1, "Grunn", "x")
        )
