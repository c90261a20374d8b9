"""Issue 20's measure: the secretariat's whole two-day meeting, counted. The test plans a
meeting, builds its agenda (five new cases and one earlier one, a break, a sub-point), adds a
Vedlegg and a toppnotat, sends the innkalling, registers attendance with a vara and a partial
absence, records innspill and vedtak, sends the minutes and has them approved at the next
meeting, and prints how many interactions (clicks, field entries, choices) and page loads it
took. The README states the figures. Both are under issue 20's targets (100 and 30): the
page loads were 51 when this was written, 40 once the agenda editor's forms were sent in
place, 28 once «Før referat» became one page for the whole meeting (with the minutes' send
confirmation page counted). The test keeps them from growing."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in

#: Issue 20: "under 100 interactions and 30 page loads" for the whole meeting (today 74
#: and 28); the assertions below are the issue's targets themselves.
MAX_INTERACTIONS, MAX_PAGE_LOADS = 100, 30

NEW_CASES = [
    ("Nasjonal samhandlingsarkitektur", "Fagrådet støtter retningen.", 1),
    ("Kjernejournal for kommunene", "Fagrådet tar saken til orientering.", 1),
    ("Pasientens legemiddelliste", "Fagrådet anbefaler videre utprøving.", 1),
    ("Helsedataplattformen", "Fagrådet støtter planen.", 2),
    ("Felles språk og terminologi", "Fagrådet slutter seg til forslaget.", 2),
]


class Counted:
    """The page's actions, counted: every click, fill, choice and check is one interaction."""

    def __init__(self, page):
        self.page = page
        self.interactions = 0
        self.loads = 0
        page.on("load", lambda _: self._loaded())

    def _loaded(self):
        self.loads += 1

    def click(self, locator):
        self.interactions += 1
        locator.click()

    def fill(self, locator, text: str):
        self.interactions += 1
        locator.fill(text)

    def choose(self, locator, **option):
        self.interactions += 1
        locator.select_option(**option)

    def check(self, locator):
        self.interactions += 1
        locator.check()


def _flash(page, text: str) -> None:
    expect(page.locator("main[aria-busy]")).to_have_count(0)  # a form sent in place answered
    expect(page.get_by_role("status").filter(has_text=text).first).to_be_visible()


def _details(page, summary: str):
    return page.locator("details").filter(has=page.get_by_text(summary, exact=True))


def test_a_whole_two_day_meeting_is_counted(page, tmp_path):
    log_in(page, "sekretariat@example.no")
    u = Counted(page)

    # Plan: two days in September (the front page links to the body).
    u.click(page.get_by_role("link", name="Nasjonalt fagråd for digitalisering").first)
    u.click(
        page.get_by_role("navigation", name="Sekretariatet").get_by_role(
            "link", name="Planlegg møte"
        )
    )
    u.fill(page.get_by_label("Sted"), "Radisson Blu, Tromsø")
    for n, (day, start, end) in enumerate(
        [("2026-09-16", "10:00", "16:00"), ("2026-09-17", "09:00", "13:00")], 1
    ):
        row = page.get_by_role("group", name=f"Dag {n}", exact=True)
        u.fill(row.get_by_label("Dato"), day)
        if n == 2:  # day 1's times are filled in
            u.fill(row.get_by_label("Start"), start)
            u.fill(row.get_by_label("Slutt"), end)
    u.click(page.get_by_role("button", name="Planlegg møtet"))
    page.wait_for_url(re.compile(r"/meetings/\d+/agenda$"))
    meeting_id = int(re.search(r"/meetings/(\d+)/", page.url)[1])

    # Five new cases, each with its forslag til vedtak, three on day 1 and two on day 2. The
    # agenda's forms are sent in place (no page load), and «Ny sak» stays open for the next.
    for title, proposal, day in NEW_CASES:
        form = _details(page, "Ny sak")
        if form.get_attribute("open") is None:
            u.click(form.get_by_text("Ny sak", exact=True))
        u.fill(form.get_by_label("Tittel"), title)
        u.fill(form.get_by_label("Forslag til vedtak"), proposal)
        if day == 2:
            u.choose(form.get_by_label("Dag"), index=1)
        u.click(form.get_by_role("button", name="Legg til sak"))
        _flash(page, "er lagt til på dagsordenen.")

    # One earlier case, found by its number and started from its latest treatment.
    form = _details(page, "Sak som er registrert fra før")
    u.click(form.get_by_text("Sak som er registrert fra før", exact=True))
    u.fill(page.get_by_label("Finn saken: saksnummer, ord i tittelen eller organ"), "10/26")
    u.click(page.get_by_role("button", name="Finn sak"))
    expect(page.locator("main[aria-busy]")).to_have_count(0)
    u.click(page.locator("ul.found-cases a").first)
    expect(page.get_by_text("Valgt sak:")).to_be_visible()
    u.click(page.locator("#legg-til-existing").get_by_role("button", name="Legg til sak"))
    _flash(page, "er lagt til på dagsordenen.")

    # A lunch break on day 1, and a sub-point under the first case.
    form = _details(page, "Pause")
    u.click(form.get_by_text("Pause", exact=True))
    u.fill(form.get_by_label("Tekst"), "Lunsj")
    u.fill(form.get_by_label("Varighet (minutter)"), "30")
    u.click(form.get_by_role("button", name="Legg til pause"))
    _flash(page, "Pausen er lagt til på dagsordenen.")
    form = _details(page, "Underpunkt under en sak")
    u.click(form.get_by_text("Underpunkt under en sak", exact=True))
    u.choose(form.get_by_label("Under sak"), index=2)  # the first new case
    u.fill(form.get_by_label("Tekst"), "Innledning ved Helsedirektoratet")
    u.click(form.get_by_role("button", name="Legg til underpunkt"))
    _flash(page, "Underpunktet er lagt til på dagsordenen.")
    numbers = [n for n in page.locator("table.agenda td:first-child").all_inner_texts() if "/" in n]
    assert numbers == sorted(numbers, key=lambda n: int(n.split("/")[0]))  # agenda order
    assert len(numbers) == 8  # Godkjenning, 5 new, 1 earlier, Eventuelt

    # A Vedlegg (a PDF) for the first case.
    pdf = tmp_path / "vurdering.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% vurdering\n")
    u.click(
        page.get_by_role("navigation", name="Planlegging av møtet").get_by_role(
            "link", name="Vedlegg"
        )
    )
    u.fill(page.get_by_label("Tittel"), "Vurdering av arkitekturen")
    page.get_by_label("Fil (PDF, Word, Excel eller PowerPoint, høyst 20 MB)").set_input_files(
        str(pdf)
    )
    u.interactions += 1
    u.choose(page.get_by_label("Hører til sak"), index=2)
    u.click(page.get_by_role("button", name=re.compile("^(Last opp|Legg til|Lagre)")).first)
    _flash(page, "Vedlegg")

    # A toppnotat for the first case, from the meeting page.
    u.click(page.get_by_role("link", name="Møtesiden"))
    u.click(page.get_by_role("link", name="Rediger toppnotat").nth(1))
    u.fill(page.get_by_label("Hensikt med saken"), "Avklare retningen for arkitekturen.")
    u.click(page.get_by_role("button", name="Lagre").first)
    _flash(page, "Toppnotatet")

    # Send the innkalling through its confirmation page, then hold the meeting.
    u.click(page.locator(".crumbs a").first)  # back to the meeting page
    u.click(page.get_by_role("link", name="Send innkalling …"))
    u.click(page.get_by_role("button", name=re.compile(r"^Send (innkalling|likevel) til")))
    _flash(page, "har nå status «innkalt»")
    u.click(page.get_by_role("button", name="Merk som gjennomført"))
    _flash(page, "har nå status «gjennomført»")

    # Attendance: away on day 1 only, a vara for an absent member, everybody else present.
    u.click(
        page.get_by_role("navigation", name="Sekretariatet").get_by_role("link", name="Oppmøte")
    )
    page.get_by_role("radiogroup", name="Oppmøte for Terje Bremnes").get_by_label(
        "ikke til stede", exact=True
    ).check()
    u.interactions += 1
    u.check(page.get_by_role("group", name="Dager for Terje Bremnes").get_by_label("Dag 1"))
    page.get_by_role("radiogroup", name="Oppmøte for Stine Slørdal").get_by_label(
        "ikke til stede", exact=True
    ).check()
    u.interactions += 1
    vara = "Marthe Kristine Striger Dingen"
    page.get_by_role("radiogroup", name=f"Oppmøte for {vara}").get_by_label(
        "stedfortreder", exact=True
    ).check()
    u.interactions += 1
    u.click(page.get_by_role("button", name="Alle til stede"))
    page.wait_for_url(f"**/meetings/{meeting_id}")

    # Innspill and vedtak of every case on one page, saved at once; the vedtak starts as the
    # forslag til vedtak.
    u.click(
        page.get_by_role("navigation", name="Sekretariatet").get_by_role(
            "link", name="Før referat for hele møtet"
        )
    )
    cases = page.locator("section.case-minutes")
    expect(cases).to_have_count(len(numbers))
    first = cases.filter(has=page.get_by_role("heading", name=re.compile(NEW_CASES[0][0])))
    expect(first.get_by_label("Vedtak", exact=True)).to_have_value(NEW_CASES[0][1])
    u.fill(first.get_by_label("Innspill", exact=True), "Viktig med felles språk.")
    u.click(page.get_by_role("button", name="Lagre", exact=True))
    _flash(page, "Referatet er lagret")
    page.wait_for_url(f"**/meetings/{meeting_id}")

    # Send the minutes, through their confirmation page (recipients, e-mail, referat).
    u.click(page.get_by_role("button", name="Referat: send til medlemmene"))
    expect(page.get_by_role("heading", name=re.compile("^Send referatet fra"))).to_be_visible()
    expect(page.locator("p").filter(has_text="Emne:")).to_contain_text("Referat til merknader:")
    u.click(page.get_by_role("button", name=re.compile(r"^Send (referatet|likevel) til \d+")))
    _flash(page, "Referatet er sendt til medlemmene.")

    # Approved at the next meeting: planned, its Godkjenning vedtak recorded, held.
    u.click(page.get_by_role("link", name="Fagrådet").first)
    u.click(
        page.get_by_role("navigation", name="Sekretariatet").get_by_role(
            "link", name="Planlegg møte"
        )
    )
    u.fill(page.get_by_role("group", name="Dag 1", exact=True).get_by_label("Dato"), "2026-11-11")
    u.click(page.get_by_role("button", name="Planlegg møtet"))
    u.click(page.get_by_role("link", name="Møtesiden"))
    u.click(page.get_by_role("link", name="Send innkalling …"))
    u.click(page.get_by_role("button", name=re.compile(r"^Send (innkalling|likevel) til")))
    u.click(page.get_by_role("link", name="Før referat for hele møtet"))
    u.click(page.get_by_role("button", name="Lagre", exact=True))
    u.click(page.get_by_role("button", name="Merk som gjennomført"))
    u.click(page.get_by_role("button", name="Merk som gjennomført og godkjenn referatet"))
    _flash(page, "Referatet fra møte 3/26 i Fagrådet er godkjent og låst.")

    print(
        f"\nHele møtet (to dager, {len(numbers)} saker): {u.interactions} interaksjoner, "
        f"{u.loads} sidelastinger"
    )
    assert u.interactions < MAX_INTERACTIONS
    assert u.loads < MAX_PAGE_LOADS
