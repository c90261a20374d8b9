"""Submitted cases (innmelding av saker) in the exchange format: waiting, declined with the
reason and accepted onto an agenda, with their files beside the JSON; export → import into
an empty database → export gives the same file and the same files. A wrong entry is refused
naming its place."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.models import Meeting, Person, User
from govern.models.submissions import CaseSubmission
from govern.services import submissions
from govern.services.attachments import read_stored
from govern.services.exchange import ExchangeError, import_exchange
from tests.test_exchange_files import PDF, docx, empty_database, run, store
from tests.views.test_pages import meeting_id

TODAY = date(2026, 3, 1)


@pytest.fixture
def submitted(app, session, demo_with_accounts, tmp_path):
    """Three submissions to Fagrådet's 2/26: one waiting with two files, one declined, one
    accepted onto the agenda."""
    app.config["FILE_STORAGE"] = "folder"
    app.instance_path = str(tmp_path / "server-a")
    folder = store(app)
    meeting = session.get(Meeting, meeting_id(session, "fagradet", "2/26"))
    jon = session.scalar(select(Person).where(Person.name == "Jon Gupta"))
    siv = session.scalar(select(User).where(User.email == "sekretariat@example.no"))

    def submit(title, files=()):
        data = submissions.SubmissionInput(
            title, "Drøfting", "Hva saken gjelder.", "Rådet tar saken til orientering.",
            meeting.id,
        )  # fmt: skip
        return submissions.submit_case(
            session, meeting.body, jon, data,
            [submissions.FileInput(n, c) for n, c in files], folder,
            allowed_meetings=[meeting], today=TODAY, base_url="https://govern.test",
        )  # fmt: skip

    submit("Felles plattform", [("Notat.pdf", PDF), ("Innspill.docx", docx("Innspill"))])
    declined = submit("Ny kodeverkstjeneste")
    submissions.decline_submission(
        session, declined, "Saken hører hjemme i NUIT.", version=declined.version, actor=siv
    )
    accepted = submit("Deling av pasientdata")
    submissions.accept_submission(
        session, accepted, submissions.AcceptInput(meeting.id, "Orientering", version=accepted.version), folder,
        base_url="https://govern.test", actor=siv,
    )  # fmt: skip
    session.commit()
    return meeting


def _state(app) -> list[tuple]:
    rows = db.session.scalars(select(CaseSubmission).order_by(CaseSubmission.id))
    return [
        (
            s.title, s.submitter.name, s.sakstype, s.summary, s.proposed_decision,
            s.wanted_meeting.number, s.status, s.decline_reason,
            s.decided_by.name if s.decided_by else None,
            s.treatment.number if s.treatment else None,
            s.created_at.isoformat(),
            [(f.filename, f.content_type, read_stored(store(app), f)) for f in s.files],
        )
        for s in rows
    ]  # fmt: skip


def test_submissions_and_their_files_survive_export_and_import(app, tmp_path, submitted):
    before = _state(app)
    assert [(s[0], s[6], len(s[11])) for s in before] == [
        ("Felles plattform", "innmeldt", 2),
        ("Ny kodeverkstjeneste", "avvist", 0),
        ("Deling av pasientdata", "akseptert", 0),
    ]
    first = tmp_path / "ut" / "backup.json"
    first.parent.mkdir()
    result = run(app, "export", str(first))
    assert result.exit_code == 0, result.output
    document = json.loads(first.read_text(encoding="utf-8"))
    waiting, declined, accepted = document["submissions"]
    assert [f["name"] for f in waiting["files"]] == ["Notat.pdf", "Innspill.docx"]
    assert declined["decline_reason"] == "Saken hører hjemme i NUIT."
    assert (accepted["status"], accepted["decided_by"]) == ("akseptert", "Siv Ingebrigtsen")
    assert accepted["case_number"].endswith("/26") and waiting["wanted_meeting"] == "2/26"

    empty_database()
    app.instance_path = str(tmp_path / "server-b")
    result = run(app, "import", str(first))
    assert result.exit_code == 0, result.output
    assert _state(app) == before
    second = tmp_path / "igjen" / "backup.json"
    second.parent.mkdir()
    assert run(app, "export", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    "change, place, message",
    [
        (lambda s: s.update(wanted_meeting="9/26"), "wanted_meeting", "har ikke møte 9/26"),
        (lambda s: s.update(sakstype="Godkjenning"), "sakstype", "skal være en av"),
        (lambda s: s.update(status="avvist"), "status", "trenger en begrunnelse"),
        (lambda s: s.update(status="akseptert"), "status", "saksnummeret"),
        (lambda s: s.update(submitted_at="i fjor"), "submitted_at", "gyldig tidspunkt"),
        (lambda s: s.update(submitter="Ukjent"), "submitter", "ukjent person"),
        (lambda s: s.update(files=[{"name": "x.pdf", "sha256": "00", "size": 1}]), "files[0]",
         "er ikke med"),
    ],
)  # fmt: skip
def test_a_wrong_submission_is_refused_naming_the_place(session, demo, change, place, message):
    from govern.exports.exchange import build_exchange

    document = build_exchange(session)
    empty_database()
    entry = {
        "body": "fagradet", "submitter": "Jon Gupta", "title": "Felles plattform",
        "sakstype": "Drøfting", "wanted_meeting": "2/26",
        "submitted_at": "2026-03-01T10:00:00+00:00",
    }  # fmt: skip
    change(entry)
    document["submissions"] = [entry]
    with pytest.raises(ExchangeError, match=message) as refused:
        import_exchange(db.session, document)
    assert f"submissions[0].{place}" in str(refused.value)
