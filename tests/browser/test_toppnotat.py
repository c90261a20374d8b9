"""The case owner writes the toppnotat in the browser and downloads it as Word."""

from __future__ import annotations

from docx import Document

from tests.browser.conftest import log_in, screenshot


def test_case_owner_adds_a_section_and_downloads_the_toppnotat(page):
    log_in(page, "saksbehandler@example.no")
    page.goto("/bodies/fagradet")
    page.get_by_role("link", name="Møte 2/26", exact=True).click()
    page.get_by_role("link", name="Rediger toppnotat").click()
    page.wait_for_url("**/treatments/*/memo")
    assert "EHDS på legemiddelområdet" in page.locator("h1").inner_text()

    page.get_by_role("button", name="Legg til avsnitt").click()
    section = page.locator("fieldset.memo-section").last
    section.get_by_label("Overskrift").fill("Økonomi & gevinster")
    section.get_by_label("Tekst").fill(
        "Kostnadene deles.\n\n- Steg 1: lav kostnad\n- Steg 2: høy nytte"
    )
    screenshot(page, "toppnotat-editor.png")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state()

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned toppnotatet (Word)").click()
    assert download.value.suggested_filename.startswith("Toppnotat 10-26 EHDS")
    doc = Document(str(download.value.path()))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings.index("Økonomi & gevinster") > headings.index("Bakgrunn")
    assert headings[-1] == "Vedtak fra tidligere behandlinger i rådsmodellen"
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    at = bullets.index("Steg 1: lav kostnad")
    assert bullets[at + 1] == "Steg 2: høy nytte"
    history = doc.tables[-1]
    assert history.rows[1].cells[0].text == "26/25"
