"""The toppnotat: written section by section, or uploaded as a Word file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from govern.models import AuditEntry, Memo, MemoSection
from govern.services import memos
from govern.services.audit import StaleEdit
from govern.services.errors import Conflict, InvalidInput, NotFound
from govern.services.memos import MemoInput, SectionInput
from tests.conftest import add_case, make_body, make_meeting
from tests.services.test_attachments import small_docx, small_pdf

BACKGROUND = (
    "Dagens e-resept i Norge er ikke kompatibel med EU-format.\n\n"
    "Den grensekryssende utvekslingen skal understøtte at:\n\n"
    "- Norske innbyggere kan hente ut legemiddel i et annet EU/EØS-land.\n"
    "- Innbygger fra EU/EØS-land kan hente ut legemiddel på apotek i Norge."
)


@pytest.fixture
def treatment(session):
    meeting = make_meeting(make_body(), date(2026, 4, 29))
    t = add_case(
        meeting, "EHDS på legemiddelområdet", proposed_decision="Helsedirektoratet tar med seg"
    ).treatment
    session.commit()
    return t


@pytest.fixture
def uploads(tmp_path) -> Path:
    return tmp_path / "uploads"


def files(uploads: Path) -> list[Path]:
    return sorted(uploads.iterdir()) if uploads.exists() else []


def written(t, **kw) -> MemoInput:
    """A save from a form opened now (the treatment's texts as they are, unless given)."""
    memo_version = t.memo.version if t.memo is not None else None
    kw.setdefault("summary", t.summary)
    kw.setdefault("proposed_decision", t.proposed_decision)
    return MemoInput(version=t.version, memo_version=memo_version, **kw)


def test_the_memo_is_created_with_its_sections_in_order(session, treatment):
    changes = memos.update_memo(
        session,
        None,
        treatment,
        written(
            treatment,
            summary="Status for e-resept i EHDS.\r\n\r\nVi ønsker Fagrådets vurdering.",
            purpose="  Hensikten med saken er å gi en status.  ",
            background=BACKGROUND,
            sections=(
                SectionInput("E-resept og utleveringsinformasjon", "Forordningen stiller krav."),
                SectionInput("", ""),  # an empty slot is dropped
                SectionInput("Anbefalt konsept", "- Steg 1\n- Steg 2"),
                SectionInput("  Drøfting ", ""),
            ),
            next_steps="- Innspillet kan drøftes til høsten.",
        ),
    )
    session.commit()
    memo = session.scalar(select(Memo))
    assert memo.treatment_id == treatment.id
    assert memo.purpose == "Hensikten med saken er å gi en status."
    assert memo.background == BACKGROUND  # paragraphs and bullets kept as written
    assert [(s.position, s.heading, s.text) for s in memo.sections] == [
        (0, "E-resept og utleveringsinformasjon", "Forordningen stiller krav."),
        (1, "Anbefalt konsept", "- Steg 1\n- Steg 2"),
        (2, "Drøfting", ""),
    ]
    assert memo.next_steps == "- Innspillet kan drøftes til høsten."
    assert memo.questions == "" and not memo.uploaded
    assert treatment.summary == "Status for e-resept i EHDS.\n\nVi ønsker Fagrådets vurdering."
    assert set(changes) == {"summary", "purpose", "background", "sections", "next_steps"}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "treatment.memo"))
    assert entry.summary == "Toppnotatet for sak 1/26 (Fagrådet) ble endret"
    assert entry.changes["sections"][1][1] == ["Anbefalt konsept", "- Steg 1\n- Steg 2"]


def test_sections_are_replaced_keeping_the_new_order(session, treatment):
    three = tuple(SectionInput(h, f"Tekst {h}") for h in ("A", "B", "C"))
    memos.update_memo(session, None, treatment, written(treatment, sections=three))
    session.commit()
    opened = treatment.memo.version
    reordered = (SectionInput("C", "Tekst C"), SectionInput("A", "Ny tekst A"))
    changes = memos.update_memo(session, None, treatment, written(treatment, sections=reordered))
    session.commit()
    session.expire_all()
    rows = session.scalars(select(MemoSection).order_by(MemoSection.position)).all()
    assert [(r.heading, r.text) for r in rows] == [("C", "Tekst C"), ("A", "Ny tekst A")]
    assert changes["sections"][0] == [["A", "Tekst A"], ["B", "Tekst B"], ["C", "Tekst C"]]
    # A change to the sections alone moves the memo's version, so it is checked too.
    assert treatment.memo.version == opened + 1


def test_nothing_changed_is_no_save(session, treatment):
    assert memos.update_memo(session, None, treatment, written(treatment)) == {}
    assert treatment.memo is None  # an empty memo is not created
    memos.update_memo(session, None, treatment, written(treatment, purpose="Hensikt"))
    session.commit()
    again = written(treatment, purpose="Hensikt")
    assert memos.update_memo(session, None, treatment, again) == {}


def test_a_section_with_text_needs_a_heading_and_nothing_is_saved(session, treatment):
    data = written(
        treatment,
        purpose="Hensikt",
        sections=(SectionInput("Bakgrunn", "Tekst"), SectionInput(" ", "Tekst uten overskrift")),
    )
    with pytest.raises(InvalidInput, match="Skriv en overskrift for avsnittet") as caught:
        memos.update_memo(session, None, treatment, data)
    assert caught.value.field == "sections[1].heading"
    session.rollback()
    assert session.scalar(select(Memo)) is None
    too_long = written(treatment, sections=(SectionInput("x" * 301, ""),))
    with pytest.raises(InvalidInput, match="høyst 300 tegn"):
        memos.update_memo(session, None, treatment, too_long)


def test_a_stale_form_is_refused(session, treatment):
    first = written(treatment, purpose="Første")
    memos.update_memo(session, None, treatment, first)
    session.commit()
    # Opened before the memo existed: someone else has created it since.
    with pytest.raises(StaleEdit, match="Toppnotatet ble endret av noen andre"):
        memos.update_memo(session, None, treatment, first)
    session.rollback()
    opened = written(treatment, purpose="Andre")
    memos.update_memo(session, None, treatment, opened)
    session.commit()
    with pytest.raises(StaleEdit):
        memos.update_memo(session, None, treatment, opened)
    session.rollback()
    old_treatment = MemoInput(version=treatment.version - 1, memo_version=treatment.memo.version)
    with pytest.raises(StaleEdit, match="Saken ble endret"):
        memos.update_memo(session, None, treatment, old_treatment)
    session.rollback()
    assert session.scalar(select(Memo.purpose)) == "Andre"


def test_the_memo_of_a_case_in_locked_minutes_cannot_be_changed(session, uploads):
    meeting = make_meeting(make_body(), date(2026, 1, 21), status="referat godkjent")
    t = add_case(meeting, "Godkjent sak", summary="Som vedtatt").treatment
    session.flush()
    with pytest.raises(Conflict, match="Referatet er godkjent og låst"):
        memos.update_memo(session, None, t, MemoInput(t.version, summary="Endret i ettertid"))
    with pytest.raises(Conflict, match="Referatet er godkjent og låst"):
        memos.upload_memo(session, None, t, "notat.docx", small_docx(), uploads)
    assert t.summary == "Som vedtatt" and t.memo is None and files(uploads) == []


def test_an_upload_replaces_the_written_memo_and_an_earlier_upload(session, treatment, uploads):
    memos.update_memo(session, None, treatment, written(treatment, purpose="Skrevet i govern"))
    first = small_docx("Første versjon")
    assert memos.upload_memo(session, None, treatment, "C:\\notat.docx", first, uploads) is None
    session.commit()
    memo = treatment.memo
    assert memo.uploaded and memo.filename == "notat.docx" and memo.size == len(first)
    assert memos.memo_file_path(uploads, memo).read_bytes() == first
    second = small_docx("Andre versjon")
    replaced = memos.upload_memo(session, None, treatment, "notat v2.docx", second, uploads)
    session.commit()
    # The caller removes the replaced file once the change is committed.
    assert replaced is not None and (uploads / replaced).exists()
    assert len(files(uploads)) == 2
    assert memos.memo_file_path(uploads, memo).read_bytes() == second
    assert memo.purpose == "Skrevet i govern"  # kept for when the file is removed
    actions = session.scalars(select(AuditEntry.summary).order_by(AuditEntry.id)).all()
    assert actions[-1] == "Toppnotat for sak 1/26 (Fagrådet) byttet: notat v2.docx"


def test_only_word_files_are_accepted_and_nothing_is_saved(session, treatment, uploads):
    for name, content, message in [
        ("notat.pdf", small_pdf(), "Bare Word (.docx) kan lastes opp"),
        ("notat.docx", small_pdf(), "Filen er ikke en gyldig Word-fil"),
        ("", small_docx(), "Velg en fil å laste opp"),
    ]:
        with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
            memos.upload_memo(session, None, treatment, name, content, uploads)
        session.rollback()
    assert session.scalar(select(Memo)) is None and files(uploads) == []


def test_a_failed_save_removes_the_new_file(session, treatment, uploads, monkeypatch):
    def refuse():
        raise RuntimeError("databasen svarte ikke")

    monkeypatch.setattr(session, "flush", refuse)
    with pytest.raises(RuntimeError):
        memos.upload_memo(session, None, treatment, "notat.docx", small_docx(), uploads)
    monkeypatch.undo()
    session.rollback()
    assert files(uploads) == []


def test_removing_the_upload_goes_back_to_the_written_memo(session, treatment, uploads):
    with pytest.raises(NotFound, match="har ikke noe opplastet toppnotat"):
        memos.remove_memo_upload(session, None, treatment)
    memos.upload_memo(session, None, treatment, "notat.docx", small_docx(), uploads)
    session.commit()
    stored = treatment.memo.stored_name
    assert memos.remove_memo_upload(session, None, treatment) == stored
    session.commit()
    memo = session.scalar(select(Memo))
    assert not memo.uploaded and memo.filename is None and memo.size is None
    assert memos.memo_file_path(uploads, memo) is None
