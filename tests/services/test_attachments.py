"""Attachments (vedlegg): files checked by content, stored, downloaded and deleted."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

import docx
import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.models import Attachment, AuditEntry
from govern.services import accounts, attachment_numbers, attachments
from govern.services.attachments import UploadInput
from govern.services.errors import Conflict, InvalidInput
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.views.test_pages import text_of

PASSWORD = "riktig-passord-123"


def small_pdf(text: str = "Toppnotat") -> bytes:
    """A small, well-formed one-page PDF with a line of text."""
    stream = b"BT /F1 12 Tf 72 770 Td (" + text.encode("latin-1") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def small_docx(text: str = "Vurdering av kjernejournal portal") -> bytes:
    document = docx.Document()
    document.add_heading("Vedlegg 6A", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def package(*parts: str) -> bytes:
    """A ZIP package with the given parts (an Office file's skeleton)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for part in parts:
            z.writestr(part, "<x/>")
    return out.getvalue()


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    """Uploads go to a fresh instance folder per test."""
    app.instance_path = str(tmp_path)
    return tmp_path / "uploads"


def stored_files(uploads: Path) -> list[Path]:
    return sorted(uploads.iterdir()) if uploads.exists() else []


# -- checking the content ------------------------------------------------------------------


def test_the_type_is_read_from_the_content():
    assert attachments.detect_type(small_pdf()) == ".pdf"
    assert attachments.detect_type(small_docx()) == ".docx"
    assert attachments.detect_type(package("[Content_Types].xml", "xl/workbook.xml")) == ".xlsx"
    pptx = package("[Content_Types].xml", "ppt/presentation.xml")
    assert attachments.detect_type(pptx) == ".pptx"
    assert attachments.detect_type(package("word/document.xml")) is None  # no content types
    assert attachments.detect_type(b"PK\x03\x04 not really a zip") is None
    assert attachments.detect_type(b"Dette er bare tekst.") is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("toppnotat.pdf", b"Dette er bare tekst.", "Filen er ikke en gyldig PDF-fil"),
        ("toppnotat.pdf", small_docx(), "Filen er ikke en gyldig PDF-fil"),
        ("toppnotat.docx", small_pdf(), "Filen er ikke en gyldig Word-fil"),
        ("tall.xlsx", package("[Content_Types].xml", "word/document.xml"), "gyldig Excel-fil"),
        ("lysark.pptx", b"", "Filen er ikke en gyldig PowerPoint-fil"),
        ("notat.txt", b"tekst", "Bare PDF, Word (.docx), Excel (.xlsx) og PowerPoint (.pptx)"),
        ("", small_pdf(), "Velg en fil å laste opp"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(name, content, message):
    with pytest.raises(InvalidInput, match=re.escape(message)) as error:
        attachments.check_file(name, content)
    assert error.value.field == "file"


def test_files_over_20_mb_are_refused():
    too_big = b"%PDF-" + b"0" * attachments.MAX_SIZE
    with pytest.raises(InvalidInput, match="Filen er større enn 20 MB"):
        attachments.check_file("stor.pdf", too_big)
    assert attachments.check_file("akkurat.PDF", too_big[: attachments.MAX_SIZE]) == ".pdf"


# -- the service ---------------------------------------------------------------------------


@pytest.fixture
def meeting(session):
    meeting = make_meeting(make_body(), date(2026, 4, 29))
    add_case(meeting, "Strategisk retning kjernejournal")
    return meeting


def test_an_attachment_is_stored_under_a_random_name_with_its_facts(session, meeting, uploads):
    content = small_pdf()
    data = UploadInput(filename="C:\\Users\\siv\\Toppnotat kjernejournal.pdf", content=content)
    attachment = attachments.add_attachment(session, meeting, data, uploads)
    assert (attachment.number, attachment.title) == ("1", "Toppnotat kjernejournal")
    assert attachment.filename == "Toppnotat kjernejournal.pdf"
    assert attachment.content_type == "application/pdf" and attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_at is not None
    assert attachment.stored_name.endswith(".pdf") and "kjernejournal" not in attachment.stored_name
    assert (uploads / attachment.stored_name).read_bytes() == content
    second = attachments.add_attachment(
        session, meeting, UploadInput("b.pdf", content, title="Andre"), uploads
    )
    assert second.number == "2" and second.stored_name != attachment.stored_name
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "attachment.add"))
    assert entry.summary == "Vedlegg 1 «Toppnotat kjernejournal» lastet opp til møte 1/26"


def test_a_refused_upload_writes_nothing(session, meeting, uploads):
    treatment = meeting.items[0].treatment
    attachments.add_attachment(
        session, meeting, UploadInput("a.pdf", small_pdf(), number="6A"), uploads
    )
    before = stored_files(uploads)
    refusals = [
        (UploadInput("b.pdf", b"tekst"), InvalidInput),
        (UploadInput("b.pdf", small_pdf(), number="6a"), Conflict),
        (UploadInput("b.pdf", small_pdf(), number="A6"), InvalidInput),
        (UploadInput("b.pdf", small_pdf(), title="x" * 501), InvalidInput),
        (UploadInput("b.pdf", small_pdf(), treatment_id=treatment.id + 99), InvalidInput),
    ]
    for data, error in refusals:
        with pytest.raises(error):
            attachments.add_attachment(session, meeting, data, uploads)
    assert stored_files(uploads) == before
    assert [a.number for a in session.scalars(select(Attachment))] == ["6A"]


def test_download_name():
    attachment = Attachment(seq=6, suffix="A", title='Vurdering: "portal"/ny', stored_name="x.docx")
    assert attachments.download_name(attachment) == "Vedlegg 6A – Vurdering portal ny.docx"


# -- the pages -----------------------------------------------------------------------------


@pytest.fixture
def secretary(client, session, meeting):
    person = make_person("Siv Ingebrigtsen", email="siv@example.no")
    add_membership(session, meeting.body, person, MembershipInput(role="sekretariat"))
    accounts.create_account(session, person, "siv@example.no", password=PASSWORD)
    session.commit()
    client.post("/login", data={"email": "siv@example.no", "password": PASSWORD})


def upload(client, meeting, name, content, **fields):
    data = {"file": (io.BytesIO(content), name), **fields}
    return client.post(
        f"/meetings/{meeting.id}/attachments", data=data, content_type="multipart/form-data"
    )


def test_upload_a_pdf_and_download_it(client, session, meeting, uploads, secretary):
    content = small_pdf()
    response = upload(client, meeting, "toppnotat.pdf", content, title="Toppnotat")
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Vedlegg 1 er lastet opp." in page
    assert "Vedlegg 1 Toppnotat toppnotat.pdf (1 kB)" in page
    attachment = session.scalar(select(Attachment))
    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("Vedlegg 1 – Toppnotat.pdf") in disposition


def test_upload_a_word_file_for_a_case_with_a_sub_number(
    client, session, meeting, uploads, secretary
):
    treatment = meeting.items[0].treatment
    response = upload(
        client,
        meeting,
        "vurdering.docx",
        small_docx(),
        title="Vurdering kjernejournal portal",
        number="6A",
        treatment_id=str(treatment.id),
    )
    assert response.status_code == 302
    attachment = session.scalar(select(Attachment))
    assert (attachment.number, attachment.treatment_id) == ("6A", treatment.id)
    download = client.get(f"/attachments/{attachment.id}")
    assert download.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    name = quote("Vedlegg 6A – Vurdering kjernejournal portal.docx")
    assert "filename*=UTF-8''" + name in download.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(download.data))
    assert [p.text for p in document.paragraphs][-1] == "Vurdering av kjernejournal portal"
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Vedlegg 6A: Vurdering kjernejournal portal" in page


def test_a_pdf_that_is_really_text_is_refused_and_nothing_is_stored(
    client, session, meeting, uploads, secretary
):
    response = upload(client, meeting, "toppnotat.pdf", b"Bare tekst", title="Toppnotat")
    assert response.status_code == 400
    page = text_of(response)
    assert "Filen er ikke en gyldig PDF-fil" in page
    assert 'value="Toppnotat"' in response.get_data(as_text=True)
    assert session.scalar(select(Attachment.id)) is None
    assert stored_files(uploads) == []


def test_a_reference_without_a_file_gets_its_file_later(
    client, session, meeting, uploads, secretary
):
    attachment = attachment_numbers.add_attachment_reference(
        session, meeting, None, "2", "Toppnotat"
    )
    session.commit()
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
    page = text_of(client.get(f"/meetings/{meeting.id}/attachments"))
    assert "Vedlegg 2 Toppnotat (ingen fil lastet opp) Last opp fil til vedlegg 2" in page
    refused = client.post(
        f"/attachments/{attachment.id}/file",
        data={"file": (io.BytesIO(b"tekst"), "toppnotat.pdf")},
        content_type="multipart/form-data",
    )
    assert "Vedlegg 2: Filen er ikke en gyldig PDF-fil" in text_of(client.get(refused.location))
    client.post(
        f"/attachments/{attachment.id}/file",
        data={"file": (io.BytesIO(small_pdf("Første")), "toppnotat.pdf")},
        content_type="multipart/form-data",
    )
    first = stored_files(uploads)
    assert len(first) == 1
    client.post(
        f"/attachments/{attachment.id}/file",
        data={"file": (io.BytesIO(small_docx()), "toppnotat v2.docx")},
        content_type="multipart/form-data",
    )
    replaced = stored_files(uploads)
    assert len(replaced) == 1 and replaced != first  # the old file is gone
    download = client.get(f"/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == replaced[0].read_bytes()


def test_delete_an_attachment_removes_its_file(client, session, meeting, uploads, secretary):
    upload(client, meeting, "toppnotat.pdf", small_pdf())
    attachment = session.scalar(select(Attachment))
    assert len(stored_files(uploads)) == 1
    response = client.post(f"/attachments/{attachment.id}/delete")
    assert "Vedlegg 1 er slettet." in text_of(client.get(response.location))
    session.expire_all()
    assert session.scalar(select(Attachment.id)) is None
    assert stored_files(uploads) == []


def test_approved_minutes_lock_the_attachments(client, session, meeting, uploads, secretary):
    upload(client, meeting, "toppnotat.pdf", small_pdf())
    attachment = session.scalar(select(Attachment))
    meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
    session.commit()
    before = stored_files(uploads)
    response = upload(client, meeting, "ny.pdf", small_pdf(), title="For sent")
    assert response.status_code == 400
    assert "Referatet fra møte 1/26 er godkjent og låst; vedleggene endres ikke." in text_of(
        response
    )
    assert "Ikke en fil" not in text_of(response)
    response = client.post(f"/attachments/{attachment.id}/delete", follow_redirects=True)
    assert "er godkjent og låst" in text_of(response)
    session.expire_all()
    assert [a.title for a in session.scalars(select(Attachment))] == [attachment.title]
    assert stored_files(uploads) == before


def test_a_failed_commit_leaves_no_file(client, session, meeting, uploads, secretary, monkeypatch):
    def fail():
        raise RuntimeError("databasen svarte ikke")

    monkeypatch.setattr(db.session, "commit", fail)
    response = upload(client, meeting, "toppnotat.pdf", small_pdf())
    assert response.status_code == 500 and "Noe gikk galt" in text_of(response)
    monkeypatch.undo()
    assert stored_files(uploads) == []
    assert session.scalar(select(Attachment.id)) is None


def test_downloads_follow_who_may_read_the_meeting(client, session, uploads):
    body = make_body()
    draft = make_meeting(body, date(2026, 5, 20), status="planlagt")
    called = make_meeting(body, date(2026, 6, 10))
    for meeting in (draft, called):
        data = UploadInput("toppnotat.pdf", small_pdf())
        attachments.add_attachment(session, meeting, data, uploads)
    session.commit()
    hidden, public = (m.attachments[0].id for m in (draft, called))
    assert client.get(f"/attachments/{hidden}").status_code == 404
    assert client.get(f"/attachments/{public}").status_code == 200
    assert client.get("/attachments/99999").status_code == 404


# -- Vedlegg that govern builds: the toppnotat and the previous referat ---------------------


def test_a_vedlegg_can_be_the_toppnotat_or_the_previous_referat(session, uploads):
    body = make_body()
    make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
    april = make_meeting(body, date(2026, 4, 29))
    approval = add_case(april, "Godkjenning", sakstype="Godkjenning").treatment
    ehds = add_case(april, "EHDS på legemiddelområdet").treatment
    referat = attachments.add_attachment(
        session, april, UploadInput("", b"", source="referat", treatment_id=approval.id), uploads
    )
    memo = attachments.add_attachment(
        session, april, UploadInput("", b"", source="toppnotat", treatment_id=ehds.id), uploads
    )
    assert (referat.number, referat.title, referat.source) == (
        "1",
        "Referat Fagrådet 21. – 22. januar 2026",
        "referat",
    )
    assert (memo.number, memo.title, memo.source) == (
        "2",
        "Toppnotat EHDS på legemiddelområdet",
        "toppnotat",
    )
    assert memo.stored_name is None and stored_files(uploads) == []
    reference = attachments.add_attachment(
        session, april, UploadInput("", b"", title="Vurdering kjernejournal portal"), uploads
    )
    assert reference.source == "file" and reference.stored_name is None


def test_the_source_is_checked(session, uploads):
    body = make_body()
    first = make_meeting(body, date(2026, 1, 21))
    t = add_case(first, "EHDS på legemiddelområdet").treatment
    refusals = [
        (UploadInput("", b"", source="toppnotat"), "treatment_id", "Velg saken toppnotatet"),
        (
            UploadInput("a.pdf", small_pdf(), source="toppnotat", treatment_id=t.id),
            "file",
            "Toppnotatet for saken lages av govern",
        ),
        (UploadInput("", b"", source="referat"), "source", "har ikke noe tidligere møte"),
        (UploadInput("", b"", source="vedtak"), "source", "Velg hvor dokumentet kommer fra"),
        (UploadInput("", b""), "file", "Velg en fil å laste opp, eller skriv en tittel"),
    ]
    for data, field, message in refusals:
        with pytest.raises(InvalidInput, match=message) as caught:
            attachments.add_attachment(session, first, data, uploads)
        assert caught.value.field == field
    ok = UploadInput("", b"", source="toppnotat", treatment_id=t.id)
    memo = attachments.add_attachment(session, first, ok, uploads)
    with pytest.raises(Conflict, match="Toppnotatet for sak 1/26 er allerede et vedlegg"):
        attachments.add_attachment(session, first, ok, uploads)
    with pytest.raises(Conflict, match="det får ingen opplastet fil"):
        attachments.attach_file(session, memo, "a.pdf", small_pdf(), uploads)
    assert stored_files(uploads) == []
    assert [a.source for a in session.scalars(select(Attachment))] == ["toppnotat"]


def test_the_attachments_page_offers_and_shows_the_source(
    client, session, meeting, uploads, secretary
):
    treatment = meeting.items[0].treatment
    page = text_of(client.get(f"/meetings/{meeting.id}/attachments"))
    assert (
        "Dokument Opplastet fil eller referanse Toppnotatet for saken Referat fra forrige møte"
        in page
    )
    refused = client.post(
        f"/meetings/{meeting.id}/attachments",
        data={"source": "toppnotat", "title": "Toppnotat"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "Velg saken toppnotatet hører til" in text_of(refused)
    added = client.post(
        f"/meetings/{meeting.id}/attachments",
        data={"source": "toppnotat", "treatment_id": str(treatment.id)},
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    page = text_of(client.get(added.location))
    assert "Vedlegg 1 er toppnotatet for sak 1/26." in page
    assert (
        "Vedlegg 1 Toppnotat Strategisk retning kjernejournal 1/26 "
        "Toppnotatet for sak 1/26 (lages av govern)" in page
    )
    assert "Last opp fil til vedlegg 1" not in page
    reference = client.post(
        f"/meetings/{meeting.id}/attachments",
        data={"source": "file", "title": "Vurdering kjernejournal portal", "number": "1A"},
        content_type="multipart/form-data",
    )
    page = text_of(client.get(reference.location))
    assert "Vedlegg 1A er lagt til uten fil." in page
    assert "Vedlegg 1A Vurdering kjernejournal portal (ingen fil lastet opp)" in page
    meeting_page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Vedlegg 1: Toppnotat Strategisk retning kjernejournal" in meeting_page
