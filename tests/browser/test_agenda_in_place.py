"""The agenda editor adds without loading a page: its forms (marked data-stay) are sent by
govern.js with fetch and the answer replaces <main>. Counted by the page's load events: none
for five additions, a search and a choice; an error shows next to its field with the text
kept; and without JavaScript the same forms post and redirect as before."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def _plan(page, day: str) -> int:
    """A one-day Fagrådet meeting on `day`; ends on its agenda editor. Returns its id."""
    page.goto("/bodies/fagradet/meetings/new")
    page.get_by_label("Sted").fill("Teams")
    page.get_by_role("group", name="Dag 1", exact=True).get_by_label("Dato").fill(day)
    page.get_by_role("button", name="Planlegg møtet").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/agenda$"))
    return int(re.search(r"/meetings/(\d+)/", page.url)[1])


def _details(page, summary: str):
    return page.locator("details").filter(has=page.get_by_text(summary, exact=True))


def _settled(page) -> None:
    """Wait until the form sent with fetch has its answer in place."""
    expect(page.locator("main[aria-busy]")).to_have_count(0)


def _flash(page, text: str) -> None:
    expect(page.locator("main > [role=status]")).to_have_text(text)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def _rows(page) -> list[str]:
    return page.locator("table.agenda tbody tr td:nth-child(2)").evaluate_all(
        """cells => cells.map(cell => {
            const copy = cell.cloneNode(true);
            copy.querySelectorAll('.actions').forEach(e => e.remove());
            return copy.textContent.replace(/\\s+/g, ' ').trim();
        })"""
    )


def _counting_loads(page) -> list[str]:
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    return loads


def test_additions_search_and_choice_load_no_page(page):
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, "sekretariat@example.no")
    meeting_id = _plan(page, "2026-10-07")
    agenda_url = re.compile(rf"/meetings/{meeting_id}/agenda$")
    loads = _counting_loads(page)

    # Two new cases: the form stays open after the first, so the second is one field away.
    form = _details(page, "Ny sak")
    form.get_by_text("Ny sak", exact=True).click()
    for title in ("Første nye sak", "Andre nye sak"):
        form.get_by_label("Tittel").fill(title)
        form.get_by_label("Forslag til vedtak").fill(f"Fagrådet drøfter {title.lower()}.")
        form.get_by_role("button", name="Legg til sak").click()
        _settled(page)
        _flash(page, re.compile(r"^Sak \d+/26 er lagt til på dagsordenen\.$"))
        expect(form).to_have_attribute("open", "")
        expect(form.get_by_label("Tittel")).to_have_value("")  # a fresh form for the next one
    assert _focused(page).endswith("er lagt til på dagsordenen.")  # the message has the focus

    # An earlier case: found by its number, chosen, added (the URL follows the page).
    form = _details(page, "Sak som er registrert fra før")
    form.get_by_text("Sak som er registrert fra før", exact=True).click()
    page.get_by_label("Finn saken: saksnummer, ord i tittelen eller organ").fill("10/26")
    page.get_by_role("button", name="Finn sak").click()
    _settled(page)
    expect(page).to_have_url(re.compile(r"\?finn=10%2F26$"))
    assert _focused(page) == "funn"
    found = page.locator("ul.found-cases a").first
    chosen = found.inner_text().split(" (")[0]
    found.click()
    _settled(page)
    expect(page.get_by_text("Valgt sak:")).to_be_visible()
    assert _focused(page) == "valgt-sak"
    page.locator("#legg-til-existing").get_by_role("button", name="Legg til sak").click()
    _settled(page)
    _flash(page, re.compile(r"^Sak \d+/26 er lagt til på dagsordenen\.$"))
    expect(page).to_have_url(agenda_url)

    # A break and a sub-point.
    form = _details(page, "Pause")
    form.get_by_text("Pause", exact=True).click()
    form.get_by_label("Tekst").fill("Lunsj")
    form.get_by_label("Varighet (minutter)").fill("30")
    form.get_by_role("button", name="Legg til pause").click()
    _settled(page)
    _flash(page, "Pausen er lagt til på dagsordenen.")
    form = _details(page, "Underpunkt under en sak")
    form.get_by_text("Underpunkt under en sak", exact=True).click()
    form.get_by_label("Under sak").select_option(index=2)  # the first new case
    form.get_by_label("Tekst").fill("Innledning ved Helsedirektoratet")
    form.get_by_role("button", name="Legg til underpunkt").click()
    _settled(page)
    _flash(page, "Underpunktet er lagt til på dagsordenen.")

    assert loads == []
    rows = _rows(page)
    assert rows[1:6] == [
        "Første nye sak",
        "Innledning ved Helsedirektoratet",
        "Andre nye sak",
        chosen,
        "Lunsj (30 min)",
    ]
    assert rows[-1].startswith("Eventuelt")
    numbers = [n for n in page.locator("table.agenda td:first-child").all_inner_texts() if n]
    assert numbers == sorted(numbers, key=lambda n: int(n.split("/")[0]))  # agenda order
    assert blocked == []

    # The page the address names now is the same page: a reload shows the same agenda.
    page.reload()
    assert _rows(page) == rows


def test_a_refused_addition_shows_its_errors_with_the_text_kept(page):
    log_in(page, "sekretariat@example.no")
    _plan(page, "2026-10-14")
    loads = _counting_loads(page)
    form = _details(page, "Ny sak")
    form.get_by_text("Ny sak", exact=True).click()
    form.get_by_label("Forslag til vedtak").fill("Fagrådet støtter forslaget.")
    form.get_by_label("Varighet (minutter)").fill("2000")
    form.get_by_role("button", name="Legg til sak").click()
    _settled(page)

    form = _details(page, "Ny sak")
    expect(form).to_have_attribute("open", "")
    expect(form.get_by_role("alert")).to_have_text(
        "Skjemaet har feil. Se meldingene ved feltene under."
    )
    expect(form.locator("#case-title-error")).to_have_text("Skriv sakens tittel")
    expect(form.locator("#case-duration_minutes-error")).to_have_text(
        "Varigheten må være mellom 0 og 1440 minutter"
    )
    expect(form.get_by_label("Forslag til vedtak")).to_have_value("Fagrådet støtter forslaget.")
    expect(form.get_by_label("Varighet (minutter)")).to_have_value("2000")
    assert page.evaluate("document.activeElement.id") == "case-title"  # the first error
    assert loads == []

    # Corrected, it is added; the address stays the agenda's (not the form's POST address).
    form.get_by_label("Tittel").fill("Rettet sak")
    form.get_by_label("Varighet (minutter)").fill("20")
    form.get_by_role("button", name="Legg til sak").click()
    _settled(page)
    _flash(page, re.compile(r"^Sak \d+/26 er lagt til på dagsordenen\.$"))
    expect(page).to_have_url(re.compile(r"/meetings/\d+/agenda$"))
    assert "Rettet sak (20 min)" in _rows(page)
    assert loads == []


def test_without_javascript_the_forms_post_and_redirect(browser, live_server):
    base, _ = live_server
    context = browser.new_context(base_url=base, locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "sekretariat@example.no")
        meeting_id = _plan(page, "2026-10-21")
        loads = _counting_loads(page)
        form = _details(page, "Ny sak")
        form.get_by_text("Ny sak", exact=True).click()  # <details> opens without a script
        form.get_by_label("Tittel").fill("Sak uten skript")
        with page.expect_navigation(url=re.compile(rf"/meetings/{meeting_id}/agenda#punkt-\d+$")):
            form.get_by_role("button", name="Legg til sak").click()
        _flash(page, re.compile(r"^Sak \d+/26 er lagt til på dagsordenen\.$"))
        assert "Sak uten skript" in _rows(page)
        assert len(loads) == 1
    finally:
        context.close()
