"""The toppnotat editor: sections, rearranging without saving, stale edits, Word uploads."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from govern.models import Memo
from tests.services.test_attachments import small_docx, small_pdf
from tests.views.test_minutes import Council, hidden, login, textarea
from tests.views.test_pages import text_of

BULLETS = (
    "Den grensekryssende utvekslingen skal understøtte at:\n\n"
    "- Norske innbyggere\n"
    "- Innbygger fra EU/EØS-land"
)


@pytest.fixture
def council(session) -> Council:
    return Council(session)


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    app.instance_path = str(tmp_path)
    return tmp_path / "uploads"


def files(uploads: Path) -> list[Path]:
    return sorted(uploads.iterdir()) if uploads.exists() else []


def memo_url(c: Council) -> str:
    return f"/treatments/{c.memo_case.id}/memo"


def form_data(page, **values) -> dict:
    """What the browser sends back: the hidden versions and the texts, with changes."""
    data = {"version": hidden(page, "version"), "memo_version": hidden(page, "memo_version")}
    for name in ("summary", "proposed_decision", "purpose", "background", "questions"):
        data[name] = textarea(page, name)
    data["next_steps"] = textarea(page, "next_steps")
    html = page.get_data(as_text=True)
    for i in range(len(re.findall(r'name="sections-\d+-heading"', html))):
        data[f"sections-{i}-heading"] = hidden_or_text(page, f"sections-{i}-heading")
        data[f"sections-{i}-text"] = textarea(page, f"sections-{i}-text")
    data.update(values)
    return data


def hidden_or_text(page, name: str) -> str:
    html = page.get_data(as_text=True)
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


def test_the_saksbehandler_writes_the_memo_section_by_section(client, session, council):
    c = council
    login(client, "tysdahl@example.no")
    page = client.get(memo_url(c))
    text = text_of(page)
    assert f"Toppnotat: sak {c.memo_case.number} EHDS på legemiddelområdet" in text
    for label in (
        "Saksbeskrivelse i innkallingen",
        "Forslag til vedtak",
        "Hensikt med saken",
        "Bakgrunn",
        "Egne avsnitt",
        "Avsnitt 1 Overskrift",
        "Spørsmål til drøfting",
        "Videre saksprosess",
        "Legg til avsnitt",
    ):
        assert label in text, label
    assert "En tom linje skiller avsnitt. Linjer som begynner med «- » blir en punktliste." in text
    saved = client.post(
        memo_url(c),
        data=form_data(
            page,
            summary="Status for e-resept i EHDS.",
            proposed_decision="Helsedirektoratet tar med seg innspill.",
            purpose="Hensikten med saken er å gi Fagrådet en status.",
            background=BULLETS,
            **{
                "sections-0-heading": "E-resept og utleveringsinformasjon",
                "sections-0-text": "Forordningen stiller krav.",
            },
            next_steps="- Innspillet kan drøftes til høsten.",
        ),
    )
    assert saved.status_code == 302, text_of(saved)
    again = client.get(saved.location)
    assert "Toppnotatet er lagret." in text_of(again)
    assert textarea(again, "background") == BULLETS
    memo = session.scalar(select(Memo))
    assert memo.background == BULLETS
    assert [(s.heading, s.text) for s in memo.sections] == [
        ("E-resept og utleveringsinformasjon", "Forordningen stiller krav.")
    ]
    meeting = text_of(client.get(f"/meetings/{c.second.id}"))
    assert "Status for e-resept i EHDS." in meeting
    assert "Forslag til vedtak: Helsedirektoratet tar med seg innspill." in meeting


def test_sections_are_added_moved_and_removed_before_saving(client, session, council):
    c = council
    login(client, "tysdahl@example.no")
    page = client.get(memo_url(c))
    typed = {
        "purpose": "Min hensikt",
        "sections-0-heading": "Anbefalt konsept",
        "sections-0-text": "Steg 1",
    }
    added = client.post(memo_url(c), data=form_data(page, section_action="add", **typed))
    assert added.status_code == 200
    assert "Avsnitt 2" in text_of(added) and textarea(added, "purpose") == "Min hensikt"
    assert hidden_or_text(added, "sections-0-heading") == "Anbefalt konsept"
    assert session.scalar(select(Memo)) is None  # nothing saved yet
    second = {"sections-1-heading": "Drøfting", "sections-1-text": "Vi ønsker innspill."}
    moved = client.post(memo_url(c), data=form_data(added, section_action="up-1", **second))
    assert hidden_or_text(moved, "sections-0-heading") == "Drøfting"
    assert textarea(moved, "sections-1-text") == "Steg 1"
    removed = client.post(memo_url(c), data=form_data(moved, section_action="remove-1"))
    assert "Avsnitt 2" not in text_of(removed)
    saved = client.post(memo_url(c), data=form_data(removed))
    assert saved.status_code == 302
    memo = session.scalar(select(Memo))
    assert [(s.heading, s.text) for s in memo.sections] == [("Drøfting", "Vi ønsker innspill.")]
    assert memo.purpose == "Min hensikt"


def test_a_section_without_heading_is_refused_next_to_it(client, session, council):
    c = council
    login(client, "tysdahl@example.no")
    page = client.get(memo_url(c))
    refused = client.post(
        memo_url(c),
        data=form_data(page, purpose="Hensikt", **{"sections-0-text": "Tekst uten overskrift"}),
    )
    assert refused.status_code == 400
    text = text_of(refused)
    assert "Skjemaet har feil." in text
    assert "Overskrift Skriv en overskrift for avsnittet" in text
    assert textarea(refused, "sections-0-text") == "Tekst uten overskrift"
    assert textarea(refused, "purpose") == "Hensikt"
    assert session.scalar(select(Memo)) is None


def test_a_stale_edit_keeps_the_users_text(client, session, council):
    c = council
    login(client, "siv@example.no")  # the secretariat may edit every memo of the body
    mine = client.get(memo_url(c))
    theirs = client.get(memo_url(c))
    first = client.post(memo_url(c), data=form_data(theirs, purpose="Lagret av en annen"))
    assert first.status_code == 302
    stale = client.post(
        memo_url(c),
        data=form_data(mine, purpose="Min tekst", **{"sections-0-heading": "Mitt avsnitt"}),
    )
    assert stale.status_code == 409
    text = text_of(stale)
    assert "Toppnotatet ble endret av noen andre mens du redigerte." in text
    assert "Slik er toppnotatet lagret nå: " in text and "Lagret av en annen" in text
    assert textarea(stale, "purpose") == "Min tekst"
    assert hidden_or_text(stale, "sections-0-heading") == "Mitt avsnitt"
    assert session.scalar(select(Memo.purpose)) == "Lagret av en annen"
    # Saving again, having seen the other version, is a deliberate choice and goes through.
    again = client.post(memo_url(c), data=form_data(stale))
    assert again.status_code == 302
    session.expire_all()
    assert session.scalar(select(Memo.purpose)) == "Min tekst"


def upload(client, c: Council, name: str, content: bytes):
    return client.post(
        f"{memo_url(c)}/upload",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_word_file_replaces_the_memo_and_can_be_removed(client, session, council, uploads):
    c = council
    login(client, "tysdahl@example.no")
    refused = upload(client, c, "notat.pdf", small_pdf())
    assert refused.status_code == 400
    assert "Bare Word (.docx) kan lastes opp" in text_of(refused)
    assert session.scalar(select(Memo)) is None and files(uploads) == []
    done = upload(client, c, "Toppnotat EHDS.docx", small_docx("Første"))
    assert done.status_code == 302
    page = text_of(client.get(done.location))
    assert "Toppnotatet for sak 4/26 er nå Word-filen Toppnotat EHDS.docx." in page
    assert "Toppnotatet er en opplastet Word-fil: Toppnotat EHDS.docx" in page
    first = files(uploads)
    assert len(first) == 1
    upload(client, c, "Toppnotat EHDS v2.docx", small_docx("Andre"))
    replaced = files(uploads)
    assert len(replaced) == 1 and replaced != first  # the old file is gone
    memo = session.scalar(select(Memo))
    assert memo.filename == "Toppnotat EHDS v2.docx"
    removed = client.post(f"{memo_url(c)}/upload/delete")
    assert removed.status_code == 302
    page = text_of(client.get(removed.location))
    assert "Den opplastede filen er fjernet." in page
    assert "Toppnotatet er en opplastet Word-fil" not in page
    assert files(uploads) == []
    session.expire_all()
    assert not session.scalar(select(Memo)).uploaded


def test_only_case_owners_and_the_secretariat_may_upload(client, session, council, uploads):
    c = council
    other = f"/treatments/{c.other_case.id}/memo"
    assert client.post(f"{other}/upload").status_code == 302
    login(client, "tysdahl@example.no")
    assert client.post(f"{other}/upload").status_code == 403
    assert client.post(f"{other}/upload/delete").status_code == 403
    login(client, "jon@example.no")
    refused = upload(client, c, "notat.docx", small_docx())
    assert refused.status_code == 403 and files(uploads) == []
