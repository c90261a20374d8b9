"""Submitting a case (innmelding) and the secretariat's intake list, read as pages and
e-mails through the real SMTP test server; bad input changes nothing."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from govern.models import AuditEntry, Meeting, Membership, OutgoingMail, Person, Treatment
from govern.models.submissions import CaseSubmission, SubmissionFile
from govern.services.accounts import DEMO_PASSWORD
from govern.services.mail import send_queued
from govern.views import submissions as submission_views
from tests.services.test_attachments import small_docx as docx_bytes
from tests.services.test_attachments import small_pdf as pdf_bytes

BEFORE_DEADLINE = date(2026, 3, 20)
AFTER_DEADLINE = date(2026, 4, 10)
TITLE = "Felles tjenesteplattform for digital hjemmeoppfølging"
SUMMARY = "Regionene ønsker en drøfting av felles plattform."
PROPOSAL = "Fagrådet drøfter saken og gir innspill til det videre arbeidet."


def login(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def logout(client) -> None:
    client.post("/logout")


@pytest.fixture
def fagradet(app, client, session, demo_with_accounts, tmp_path, monkeypatch):
    """The demo, files in a folder of the test's own, and the day pinned before 2/26's
    deadline (1 April 2026: four weeks before 29 April, by Fagrådet's årshjul)."""
    app.instance_path = str(tmp_path)
    app.config["BASE_URL"] = "https://govern.example.no"
    monkeypatch.setattr(submission_views, "today", lambda: BEFORE_DEADLINE)
    meeting = session.scalar(
        select(Meeting).where(Meeting.seq == 2, Meeting.year == 2026).join(Meeting.body)
        .where(Meeting.body.has(slug="fagradet"))
    )  # fmt: skip
    return meeting


def _uploads(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _form(meeting_id: int | None, **extra) -> dict:
    data = {
        "title": TITLE,
        "sakstype": "Drøfting",
        "summary": SUMMARY,
        "proposed_decision": PROPOSAL,
        "wanted_meeting_id": str(meeting_id or 0),
    }
    data.update(extra)
    return data


def _submit(client, meeting_id, files=(), **extra):
    data = _form(meeting_id, **extra)
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(
        "/bodies/fagradet/meld-inn-sak", data=data, content_type="multipart/form-data"
    )


def _text(response) -> str:
    """The page's text as read: tags out, entities decoded, white space collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text)).replace(" )", ")").replace("( ", "(")


def _email(name: str) -> str:
    from govern.extensions import db

    return db.session.scalar(select(Person.email).where(Person.name == name))


def _arrived(app, session, smtp_server) -> list:
    start = len(smtp_server.envelopes)
    send_queued(session, app.config, commit=session.commit)
    return smtp_server.messages()[start:]


def test_member_submits_before_the_deadline_and_secretariat_is_told(
    app, client, session, fagradet, smtp_server
):
    login(client, "medlem@example.no")
    page = _text(client.get("/bodies/fagradet/meld-inn-sak"))
    assert "Møte 2/26 (29. – 30. april 2026): frist 1. april 2026" in page
    pdf = pdf_bytes()
    response = _submit(client, fagradet.id, [("Notat om plattform.pdf", pdf)])
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mine-moter")
    submission = session.scalar(select(CaseSubmission))
    assert (submission.title, submission.status, submission.wanted_meeting_id) == (
        TITLE,
        "innmeldt",
        fagradet.id,
    )
    assert submission.submitter.name == "Jon Gupta"
    assert [f.filename for f in submission.files] == ["Notat om plattform.pdf"]
    assert (
        Path(app.instance_path) / "uploads" / submission.files[0].stored_name
    ).read_bytes() == pdf
    mine = _text(client.get("/mine-moter"))
    assert f"{TITLE} – Fagrådet" in mine and "Til behandling" in mine
    # The secretariat is told by e-mail, with a link to the intake list.
    messages = _arrived(app, session, smtp_server)
    secretariat = session.scalars(
        select(Person.email)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.body_id == fagradet.body_id, Membership.role == "sekretariat")
    ).all()
    assert "siv.ingebrigtsen@example.no" in secretariat
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == sorted(secretariat)
    assert messages[0]["Subject"] == f"Ny sak meldt inn til Fagrådet: {TITLE}"
    body = messages[0].get_content()
    assert "Jon Gupta har meldt inn en sak" in body
    assert "Ønsket møte: møte 2/26 (29. – 30. april 2026)" in body
    assert "https://govern.example.no/bodies/fagradet/innmeldte-saker" in body


def test_after_the_deadline_the_meeting_is_refused_and_nothing_is_saved(
    app, client, session, fagradet, monkeypatch
):
    monkeypatch.setattr(submission_views, "today", lambda: AFTER_DEADLINE)
    login(client, "medlem@example.no")
    assert "fristen er ute" in _text(client.get("/bodies/fagradet/meld-inn-sak"))
    response = _submit(client, fagradet.id, [("notat.pdf", pdf_bytes())])
    assert response.status_code == 400
    assert (
        "Fristen for innmelding av saker til møte 2/26 var 1. april 2026. Velg et senere møte "
        "eller «Første ledige møte»" in _text(response)
    )
    assert session.scalar(select(func.count()).select_from(CaseSubmission)) == 0
    assert session.scalar(select(func.count()).select_from(SubmissionFile)) == 0
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert _uploads(app) == []
    # Without a wanted meeting the case is taken, for the secretariat to place.
    assert _submit(client, None).status_code == 302
    assert session.scalar(select(CaseSubmission.wanted_meeting_id)) is None


@pytest.mark.parametrize(
    ("fields", "files", "message"),
    [
        ({"title": ""}, [], "Skriv sakens tittel"),
        ({"title": "To\nlinjer"}, [], "linje"),
        ({"sakstype": "Godkjenning"}, [], "Not a valid choice"),
        ({}, [("notat.pdf", b"ikke en pdf")], "«notat.pdf»: Filen er ikke en gyldig PDF-fil"),
        ({}, [("notat.txt", b"tekst")], "Bare PDF, Word (.docx), Excel (.xlsx) og PowerPoint"),
        ({"wanted_meeting_id": "999999"}, [], "Not a valid choice"),
    ],
)
def test_bad_input_gets_a_norwegian_message_and_changes_nothing(
    app, client, session, fagradet, fields, files, message
):
    login(client, "medlem@example.no")
    good = [("god.docx", docx_bytes())]
    response = _submit(client, fagradet.id, good + list(files), **fields)
    assert response.status_code == 400
    page = _text(response)
    assert message in page or message == "Not a valid choice" and "Ikke et gyldig valg" in page
    assert session.scalar(select(func.count()).select_from(CaseSubmission)) == 0
    assert session.scalar(select(func.count()).select_from(SubmissionFile)) == 0
    assert _uploads(app) == []


def test_who_may_submit_and_who_reads_the_intake_list(app, client, session, fagradet):
    assert client.get("/bodies/fagradet/meld-inn-sak").status_code == 302  # log in first
    login(client, "saksbehandler@example.no")  # a case owner, not a member
    assert client.get("/bodies/fagradet/meld-inn-sak").status_code == 200
    assert _submit(client, fagradet.id).status_code == 302
    assert client.get("/bodies/fagradet/innmeldte-saker").status_code == 403
    file_less = session.scalar(select(CaseSubmission))
    logout(client)
    login(client, "medlem@example.no")
    assert "Meld inn en sak" in _text(client.get("/bodies/fagradet"))
    assert client.get("/bodies/fagradet/innmeldte-saker").status_code == 403
    # A submission is not public: not on the body's or the meeting's pages, nor in search.
    logout(client)
    for path in ("/bodies/fagradet", f"/meetings/{fagradet.id}", "/sok?q=hjemmeoppfølging"):
        assert TITLE not in _text(client.get(path))
    login(client, "sekretariat@example.no")
    front = _text(client.get("/"))
    assert "1 innmeldt sak venter – Fagrådet" in front
    assert "Innmeldte saker (1 venter)" in _text(client.get("/bodies/fagradet"))
    intake = _text(client.get("/bodies/fagradet/innmeldte-saker"))
    assert TITLE in intake and "Jon Tysdahl" in intake and "1 sak venter på svar" in intake
    assert file_less.files == []


def test_secretariat_accepts_onto_the_agenda_and_the_submitter_is_told(
    app, client, session, fagradet, smtp_server
):
    login(client, "medlem@example.no")
    pdf = pdf_bytes()
    assert _submit(client, fagradet.id, [("Notat om plattform.pdf", pdf)]).status_code == 302
    submission = session.scalar(select(CaseSubmission))
    _arrived(app, session, smtp_server)  # the secretariat's notice
    logout(client)
    login(client, "sekretariat@example.no")
    expected = session.scalar(
        select(func.max(Treatment.seq)).where(Treatment.body_id == fagradet.body_id,
                                              Treatment.year == 2026)
    ) + 1  # fmt: skip
    response = client.post(
        f"/innmeldte-saker/{submission.id}/aksepter",
        data={
            f"a{submission.id}-meeting_id": str(fagradet.id),
            f"a{submission.id}-sakstype": "Orientering",
            f"a{submission.id}-day": "1",
            f"a{submission.id}-version": str(submission.version),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{fagradet.id}/agenda")
    session.expire_all()
    submission = session.get(CaseSubmission, submission.id)
    treatment = submission.treatment
    assert submission.status == "akseptert"
    assert (treatment.meeting_id, treatment.number, treatment.sakstype) == (
        fagradet.id, f"{expected}/26", "Orientering",
    )  # fmt: skip
    assert (treatment.summary, treatment.proposed_decision) == (SUMMARY, PROPOSAL)
    assert treatment.case.sakseier_person.name == "Jon Gupta"
    [attachment] = treatment.attachments
    assert attachment.title == "Notat om plattform"
    assert (Path(app.instance_path) / "uploads" / attachment.stored_name).read_bytes() == pdf
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert {"agenda.add_case", "attachment.add", "submission.accept"} <= set(actions)
    # Now on the agenda and public by the meeting's rules (2/26 is called).
    logout(client)
    assert TITLE in _text(client.get(f"/meetings/{fagradet.id}"))
    [message] = _arrived(app, session, smtp_server)
    assert message["To"].addresses[0].addr_spec == _email("Jon Gupta")
    assert message["Subject"] == f"Saken din er satt på dagsordenen: {expected}/26 {TITLE}"
    body = message.get_content()
    assert f"møte 2/26 (29. – 30. april 2026), som sak {expected}/26 (Orientering)" in body
    assert f"https://govern.example.no/meetings/{fagradet.id}" in body
    # Accepting again is refused.
    login(client, "sekretariat@example.no")
    again = client.post(
        f"/innmeldte-saker/{submission.id}/aksepter",
        data={f"a{submission.id}-meeting_id": str(fagradet.id),
              f"a{submission.id}-sakstype": "Orientering", f"a{submission.id}-day": "1",
              f"a{submission.id}-version": str(submission.version)},
    )  # fmt: skip
    assert again.status_code == 409
    assert "Saken er allerede satt på dagsorden" in _text(again)


def test_secretariat_declines_with_a_reason_and_the_submitter_is_told(
    app, client, session, fagradet, smtp_server
):
    login(client, "medlem@example.no")
    assert _submit(client, None).status_code == 302
    submission = session.scalar(select(CaseSubmission))
    _arrived(app, session, smtp_server)
    logout(client)
    login(client, "sekretariat@example.no")
    url = f"/innmeldte-saker/{submission.id}/avvis"
    empty = client.post(url, data={f"d{submission.id}-reason": " ",
                                   f"d{submission.id}-version": str(submission.version)})  # fmt: skip
    assert empty.status_code == 400
    assert "Skriv hvorfor saken avvises" in _text(empty)
    session.expire_all()
    assert session.get(CaseSubmission, submission.id).status == "innmeldt"
    assert _arrived(app, session, smtp_server) == []
    reason = "Saken hører hjemme i NUIT, ikke i Fagrådet."
    done = client.post(url, data={f"d{submission.id}-reason": reason,
                                  f"d{submission.id}-version": str(submission.version)})  # fmt: skip
    assert done.status_code == 302
    session.expire_all()
    declined = session.get(CaseSubmission, submission.id)
    assert (declined.status, declined.decline_reason, declined.treatment_id) == (
        "avvist", reason, None,
    )  # fmt: skip
    [message] = _arrived(app, session, smtp_server)
    assert message["To"].addresses[0].addr_spec == _email("Jon Gupta")
    assert message["Subject"] == f"Saken du meldte inn er ikke satt på dagsordenen: {TITLE}"
    assert reason in message.get_content()
    logout(client)
    login(client, "medlem@example.no")
    assert f"Avvist («{reason}»)" in _text(client.get("/mine-moter"))
