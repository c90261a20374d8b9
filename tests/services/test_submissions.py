"""The intake service: the årshjul's deadline, all-or-nothing files, accepting through the
agenda service, and who may submit and read a submission."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from govern import policy
from govern.models import AgendaItem, Attachment, OutgoingMail
from govern.models.submissions import CaseSubmission, SubmissionFile
from govern.services import cycles, submissions
from govern.services import submission_rules as rules
from govern.services.errors import Conflict, InvalidInput
from govern.services.file_store import FolderStore
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import make_body, make_meeting, make_person
from tests.services.test_attachments import small_docx, small_pdf

MEETING_DAY = date(2026, 9, 16)
DEADLINE = MEETING_DAY - timedelta(days=28)


@pytest.fixture
def world(session, tmp_path):
    body = make_body()
    meeting = make_meeting(body, MEETING_DAY, status="planlagt")
    cycle = cycles.create_cycle(session, cycles.CycleInput("Årshjul for Fagrådet"), body=body)
    cycles.add_entry(
        session,
        cycle,
        cycles.EntryInput(
            "Frist for innmelding av saker", "meeting", offset_days=-28, meeting_anchor="each"
        ),
    )
    member = make_person("Jon Gupta", email="jon@example.no")
    siv = make_person("Siv Ingebrigtsen", email="siv@example.no")
    add_membership(session, body, member, MembershipInput(role="medlem"))
    add_membership(session, body, siv, MembershipInput(role="sekretariat"))
    session.flush()
    store = FolderStore(tmp_path / "uploads")
    return SimpleNamespace(body=body, meeting=meeting, member=member, store=store, tmp=tmp_path)


def _submit(session, w, files=(), today=DEADLINE, wanted=True, **fields):
    data = submissions.SubmissionInput(
        title=fields.get("title", "Felles plattform"),
        sakstype=fields.get("sakstype", "Drøfting"),
        summary="Sammendrag",
        proposed_decision="Fagrådet drøfter saken.",
        wanted_meeting_id=w.meeting.id if wanted else None,
    )
    return submissions.submit_case(
        session,
        w.body,
        w.member,
        data,
        [submissions.FileInput(name, content) for name, content in files],
        w.store,
        allowed_meetings=[w.meeting],
        today=today,
        base_url="https://govern.example.no",
    )


def _files(w) -> list:
    folder = w.tmp / "uploads"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_the_deadline_comes_from_the_arshjul(session, world):
    assert rules.intake_deadline(session, world.body, world.meeting) == DEADLINE
    other = make_body("nuit", "NUIT")
    assert rules.intake_deadline(session, other, make_meeting(other, MEETING_DAY)) is None


def test_on_the_deadline_day_it_is_taken_and_the_day_after_refused(session, world):
    assert _submit(session, world).status == "innmeldt"
    with pytest.raises(InvalidInput) as refused:
        _submit(session, world, today=DEADLINE + timedelta(days=1))
    assert refused.value.field == "wanted_meeting_id"
    assert refused.value.message.startswith(
        "Fristen for innmelding av saker til møte 1/26 var 19. august 2026."
    )
    # Without a wanted meeting there is no deadline to miss.
    assert _submit(session, world, today=DEADLINE + timedelta(days=1), wanted=False).id


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("b.pdf", b"nei")], "«b.pdf»: Filen er ikke en gyldig PDF-fil"),
        ([(f"{n}.pdf", small_pdf()) for n in range(10)], "høyst 10 vedlegg"),
    ],
)
def test_a_bad_file_refuses_the_whole_submission(session, world, files, message):
    with pytest.raises(InvalidInput) as refused:
        _submit(session, world, [("a.docx", small_docx())] + files)
    assert message in refused.value.message
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CaseSubmission)) == 0
    assert _files(world) == []


def test_a_store_that_fails_half_way_leaves_no_file(session, world, monkeypatch):
    save = world.store.save
    calls = []

    def failing(name, sha, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disken er full")
        save(name, sha, content)

    monkeypatch.setattr(world.store, "save", failing)
    with pytest.raises(OSError):
        _submit(session, world, [("a.pdf", small_pdf("a")), ("b.pdf", small_pdf("b"))])
    assert _files(world) == []


def test_accepting_puts_it_on_the_agenda_with_its_files_and_tells_the_submitter(session, world):
    submission = _submit(session, world, [("Notat.pdf", small_pdf())])
    accepted = submissions.accept_submission(
        session,
        submission,
        submissions.AcceptInput(world.meeting.id, "Orientering", version=submission.version),
        world.store,
        base_url="https://govern.example.no",
    )
    t = accepted.item.treatment
    assert (t.meeting_id, t.sakstype, t.title or t.case.title) == (
        world.meeting.id,
        "Orientering",
        "Felles plattform",
    )
    assert t.number.endswith("/26")
    assert t.case.sakseier_id == world.member.id
    assert [a.title for a in accepted.attachments] == ["Notat"]
    assert len(_files(world)) == 2  # the submission keeps its copy
    assert submissions.pending_count(session, [world.body.id]) == {}
    mails = session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert mails[-1].to_address == "jon@example.no"
    assert mails[-1].subject == f"Saken din er satt på dagsordenen: {t.number} Felles plattform"
    with pytest.raises(Conflict):
        submissions.decline_submission(session, submission, "Nei", version=submission.version)


def test_a_refused_acceptance_leaves_no_case_and_no_file(session, world):
    submission = _submit(session, world, [("Notat.pdf", small_pdf())])
    session.commit()
    before = _files(world)
    with pytest.raises(InvalidInput) as refused:
        submissions.accept_submission(
            session,
            submission,
            submissions.AcceptInput(world.meeting.id, "Drøfting", version=submission.version),
            world.store,
            base_url="https://govern.example.no",
            total_limit=10,
        )
    assert "kan til sammen være høyst" in refused.value.message
    session.rollback()
    assert _files(world) == before
    assert session.get(CaseSubmission, submission.id).status == "innmeldt"
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    assert session.scalar(select(func.count()).select_from(AgendaItem)) == 0
    assert session.scalar(select(func.count()).select_from(SubmissionFile)) == 1


def _reader(person_id, roles=(), admin=False, body_id=1):
    memberships = [
        SimpleNamespace(role=r, body_id=body_id, active_on=lambda _d: True) for r in roles
    ]
    return SimpleNamespace(
        is_authenticated=True,
        is_admin=admin,
        person_id=person_id,
        person=SimpleNamespace(memberships=memberships),
    )


def test_who_may_submit_and_read():
    body = SimpleNamespace(id=1, external=False, members_only=False)
    closed = SimpleNamespace(id=1, external=False, members_only=True)
    assert policy.may_submit_case(_reader(1, ["medlem"]), body)
    assert policy.may_submit_case(_reader(1, ["vara"]), body)
    assert not policy.may_submit_case(_reader(1), body)
    assert policy.may_submit_case(_reader(1), body, owns_cases=True)
    assert not policy.may_submit_case(_reader(1), closed, owns_cases=True)
    assert not policy.may_submit_case(None, body)
    assert not policy.may_submit_case(
        _reader(1, ["medlem"]), SimpleNamespace(id=1, external=True, members_only=False)
    )
    submission = SimpleNamespace(submitter_id=7, body=body)
    assert policy.may_read_submission(_reader(7), submission)
    assert policy.may_read_submission(_reader(1, ["sekretariat"]), submission)
    assert not policy.may_read_submission(_reader(1, ["medlem"]), submission)
    assert policy.may_read_submission(_reader(1, admin=True), submission)
    assert not policy.may_read_submission(None, submission)
