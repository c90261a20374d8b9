"""In a real browser: the secretariat marks a case exempt from public access and sees the
public innkalling change (issue 17)."""

from __future__ import annotations

from io import BytesIO

from docx import Document

from tests.browser.conftest import log_in

FULL = "EHDS på legemiddelområdet"
PUBLIC_TITLE = "Sak om europeisk regelverk"
HELD = "Unntatt offentlighet, Offl. § 14"


def _text(content: bytes) -> str:
    doc = Document(BytesIO(content))
    parts = [p.text for p in doc.sections[0].header.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts + [p.text for p in doc.paragraphs])


def test_the_secretariat_marks_a_case_exempt_and_the_public_innkalling_changes(
    page, browser, live_server
):
    base, _app = live_server
    visitor = browser.new_context(base_url=base)
    log_in(page, "sekretariat@example.no")
    page.goto("/bodies/fagradet")
    page.get_by_role("link", name="Møte 2/26", exact=True).click()
    meeting_url = page.url
    innkalling = meeting_url.rstrip("/") + "/innkalling.docx"
    before = _text(visitor.request.get(innkalling).body())
    assert "Offentlig versjon" in before and FULL in before

    case = page.locator("article.case", has_text="10/26")
    case.get_by_role("link", name="Offentlighet").click()
    page.get_by_role("checkbox", name="Unntatt offentlighet").check()
    page.get_by_label("Skjermingshjemmel", exact=True).select_option("Offl. § 14")
    page.get_by_label("Offentlig tittel", exact=True).fill(PUBLIC_TITLE)
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state()

    page.goto(meeting_url)
    block = page.locator("section.document-versions")
    assert PUBLIC_TITLE in block.inner_text() and HELD in block.inner_text()
    with page.expect_download() as download:
        block.get_by_role("link", name="offentlig versjon").first.click()
    public = _text(download.value.path().read_bytes())
    assert "Offentlig versjon" in public
    assert PUBLIC_TITLE in public and HELD in public and FULL not in public
    with page.expect_download() as download:
        block.get_by_role("link", name="intern versjon").first.click()
    assert FULL in _text(download.value.path().read_bytes())

    # A visitor now gets the public title only.
    after = _text(visitor.request.get(innkalling).body())
    assert PUBLIC_TITLE in after and FULL not in after
    visitor.close()
