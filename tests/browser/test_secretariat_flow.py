"""In a real browser: the secretariat plans a meeting, builds its agenda, runs it and closes
it, and the minutes are approved at the next meeting; a member reaches none of it.

Each test finds its meetings through the pages and plans on its own dates, so the tests do
not depend on the order they run in on the module's shared server.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

CASE = "Nasjonal samhandlingsarkitektur – videre arbeid"
PROPOSAL = (
    "Fagrådet drøfter saken. Helsedirektoratet tar med seg innspillene i det videre arbeidet."
)
DECISION = "Fagrådet drøftet saken og støtter at arbeidet videreføres i 2027."
INNSPILL = [
    "Arbeidet må ses i sammenheng med helsedataforordningen (EHDS).",
    "Kommunene må involveres tidlig.",
]
GODKJENNING = (
    "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet fra Fagrådet {}"
)
LOCKED = "Referatet er godkjent og låst. Rettelser føres som en ny revisjon."


# -- helpers: finding things on the pages as a person would --------------------------------


def _flash(page, text: str) -> None:
    """Wait for the one-time message the page shows after a save or a button."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def _secretariat(page):
    """The secretariat's links and buttons on a body's or a meeting's page."""
    return page.get_by_role("navigation", name="Sekretariatet")


def _planning(page):
    """The links between a meeting's planning pages (edit, agenda, attachments, meeting)."""
    return page.get_by_role("navigation", name="Planlegging av møtet")


def _open_meeting(page, number: str) -> int:
    """Open a Fagrådet meeting's page from the body page; returns its id (from the URL)."""
    page.goto("/bodies/fagradet")
    page.get_by_role("link", name=f"Møte {number}", exact=True).click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Møte i Fagrådet {number}")
    return int(page.url.rsplit("/", 1)[1])


def _plan_meeting(page, location: str, *days: tuple[str, str, str]) -> int:
    """Fill in "Planlegg møte" of Fagrådet with (date, start, end) days; ends on the new
    meeting's agenda editor. Returns the meeting's id (from the URL)."""
    page.goto("/bodies/fagradet")
    _secretariat(page).get_by_role("link", name="Planlegg møte").click()
    expect(page.get_by_role("heading", name="Planlegg møte i Fagrådet")).to_be_visible()
    page.get_by_label("Sted").fill(location)
    for n, (day, start, end) in enumerate(days, 1):
        row = page.get_by_role("group", name=f"Dag {n}", exact=True)
        row.get_by_label("Dato").fill(day)
        row.get_by_label("Start").fill(start)
        row.get_by_label("Slutt").fill(end)
    page.get_by_role("button", name="Planlegg møtet").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/agenda$"))
    return int(re.search(r"/meetings/(\d+)/", page.url)[1])


def _agenda_rows(page, day: int) -> list[list[str]]:
    """A day's agenda table as [Sak, Agenda (without its buttons), Tidspunkt, Sakstype] per
    row (one cell for "Ingen punkter denne dagen.")."""
    page.wait_for_load_state()  # the whole page is parsed, not only its message at the top
    region = page.get_by_role("region", name=re.compile(rf"^Dag {day} "))
    return region.locator("tbody tr").evaluate_all(
        """rows => rows.map(row => Array.from(row.cells, cell => {
            const copy = cell.cloneNode(true);
            copy.querySelectorAll('.actions').forEach(e => e.remove());
            return copy.textContent.replace(/\\s+/g, ' ').trim();
        }))"""
    )


def _open_add_form(page, summary: str):
    """Unfold one of the agenda editor's "Legg til på dagsordenen" forms."""
    details = page.locator("details").filter(has=page.get_by_text(summary, exact=True))
    details.get_by_text(summary, exact=True).click()
    return details


def _attendance_row(page, heading: str):
    """A row of the meeting page's Oppmøte table ("Til stede", "Ikke til stede", ...)."""
    header = page.get_by_role("rowheader", name=heading, exact=True)
    return page.get_by_role("row").filter(has=header)


def _minutes_link(page, number: str):
    return page.get_by_role("link", name=f"Før referat – innspill og vedtak i sak {number}")


def _attend(page, group: str, choice: str) -> None:
    """On the attendance page: one of a row's quick choices ("til stede", ...)."""
    page.get_by_role("radiogroup", name=group).get_by_label(choice, exact=True).check()


def _set_status(page, button: str, status: str, number: str) -> None:
    """Press a status button and wait for the new status; «Send innkalling» is a link to a
    confirmation page (recipients, message, documents), confirmed there."""
    if button == "Send innkalling":
        page.get_by_role("link", name="Send innkalling …").click()
        expect(page.get_by_role("heading", name=re.compile("^Send innkalling til"))).to_be_visible()
        page.get_by_role("button", name=re.compile(r"^Send (innkalling|likevel) til")).click()
    else:
        page.get_by_role("button", name=button).click()
    _flash(page, f"Møte {number} har nå status «{status}».")


def _record_proposed_decisions(page, numbers: list[str]) -> None:
    """On the meeting page: "Før referat" for each case, saving the vedtak as proposed."""
    for number in numbers:
        _minutes_link(page, number).click()
        expect(page.get_by_label("Vedtak", exact=True)).not_to_be_empty()
        page.get_by_role("button", name="Lagre").click()
        _flash(page, f"Referatet for sak {number} er lagret.")


# -- the secretariat's whole round ---------------------------------------------------------


def test_secretariat_plans_runs_and_closes_a_meeting(page):
    log_in(page, "sekretariat@example.no")

    # Plan a two-day meeting: number 3/26; Godkjenning of 2/26's minutes first, Eventuelt last.
    meeting_id = _plan_meeting(
        page,
        "Radisson Blu, Tromsø",
        ("2026-09-16", "10:00", "16:00"),
        ("2026-09-17", "09:00", "13:00"),
    )
    _flash(page, "Møte 3/26 er planlagt.")
    godkjenning = GODKJENNING.format("29. – 30. april 2026")
    assert _agenda_rows(page, 1) == [["19/26", f"{godkjenning} (10 min)", "10:00", "Godkjenning"]]
    assert _agenda_rows(page, 2) == [["20/26", "Eventuelt (5 min)", "09:00", "Eventuelt"]]

    # A new case on day 1: it takes Eventuelt's number, and Eventuelt the next.
    form = _open_add_form(page, "Ny sak")
    form.get_by_label("Tittel").fill(CASE)
    form.get_by_label("Sakstype").select_option("Drøfting")
    form.get_by_label("Sammendrag").fill("Status for arbeidet med nasjonal samhandlingsarkitektur.")
    form.get_by_label("Forslag til vedtak").fill(PROPOSAL)
    form.get_by_label("Innleder").fill("Per Hansen, Helsedirektoratet")
    form.get_by_label("Varighet (minutter)").fill("40")
    form.get_by_label("Dag").select_option(label="Dag 1 – Onsdag 16. september 2026")
    form.get_by_role("button", name="Legg til sak").click()
    _flash(page, "Sak 20/26 er lagt til på dagsordenen.")

    # Lunsj, put on day 2 first (before Eventuelt) ...
    form = _open_add_form(page, "Pause")
    expect(form.get_by_label("Tekst")).to_have_value("Pause")
    form.get_by_label("Tekst").fill("Lunsj")
    form.get_by_label("Varighet (minutter)").fill("30")
    form.get_by_label("Dag").select_option(label="Dag 2 – Torsdag 17. september 2026")
    form.get_by_role("button", name="Legg til pause").click()
    _flash(page, "Pausen er lagt til på dagsordenen.")
    assert _agenda_rows(page, 2) == [
        ["", "Lunsj (30 min)", "09:00", ""],
        ["21/26", "Eventuelt (5 min)", "09:30", "Eventuelt"],
    ]

    # ... an unnumbered sub-point under the case ...
    form = _open_add_form(page, "Underpunkt under en sak")
    form.get_by_label("Under sak").select_option(label=f"20/26 {CASE}")
    form.get_by_label("Tekst").fill("Innledning ved Helsedirektoratet")
    form.get_by_label("Varighet (minutter)").fill("10")
    form.get_by_role("button", name="Legg til underpunkt").click()
    _flash(page, "Underpunktet er lagt til på dagsordenen.")

    # ... and Lunsj moved to day 1, after the case (its sub-point runs within the case's time).
    page.get_by_role("button", name="Flytt til dag 1: Lunsj").click()
    _flash(page, "«Lunsj» er flyttet til dag 1.")
    assert _agenda_rows(page, 1) == [
        ["19/26", f"{godkjenning} (10 min)", "10:00", "Godkjenning"],
        ["20/26", f"{CASE} (40 min)", "10:10", "Drøfting"],
        ["", "Innledning ved Helsedirektoratet (10 min)", "10:10", ""],
        ["", "Lunsj (30 min)", "10:50", ""],
    ]
    assert _agenda_rows(page, 2) == [["21/26", "Eventuelt (5 min)", "09:00", "Eventuelt"]]
    screenshot(page, "agenda-editor.png")  # the page fixture's viewport is 1280 wide

    # Innkalling sent, and later the meeting held.
    _planning(page).get_by_role("link", name="Rediger møte").click()
    _set_status(page, "Send innkalling", "innkalt", "3/26")  # back on the meeting page
    expect(page.get_by_role("link", name="Send innkalling …")).to_have_count(0)
    _set_status(page, "Merk som gjennomført", "gjennomført", "3/26")

    # Attendance: members present, one away on day 1 only, a vara for an absent member.
    _secretariat(page).get_by_role("link", name="Oppmøte").click()
    expect(page.get_by_role("heading", name="Oppmøte – Møte i Fagrådet 3/26")).to_be_visible()
    for name in ("Jon Gupta", "Hans Löwe Larsen", "Knut Berglund", "Siv Ingebrigtsen"):
        _attend(page, f"Oppmøte for {name}", "til stede")
    _attend(page, "Oppmøte for Terje Bremnes", "ikke til stede")
    page.get_by_role("group", name="Dager for Terje Bremnes").get_by_label("Dag 1").check()
    _attend(page, "Oppmøte for Stine Slørdal", "ikke til stede")
    vara = "Marthe Kristine Striger Dingen"
    _attend(page, f"Oppmøte for {vara}", "stedfortreder")
    stands_in_for = page.get_by_label(f"Hvem {vara} stiller for")
    expect(stands_in_for.locator("option:checked")).to_have_text(
        "Stine Slørdal, Helse Midt RHF"
    )  # preselected from the vara membership
    page.get_by_role("button", name="Lagre oppmøtet").click()
    page.wait_for_url(f"**/meetings/{meeting_id}")
    _flash(page, "Oppmøtet er lagret.")
    present = _attendance_row(page, "Til stede")
    expect(present).to_contain_text("Jon Gupta, Helse Sør-Øst RHF")
    expect(present).to_contain_text("Terje Bremnes, Helse Vest RHF")  # on day 2
    absent = _attendance_row(page, "Ikke til stede")
    expect(absent).to_contain_text("Terje Bremnes, Helse Vest RHF – dag 1")
    expect(absent).to_contain_text("Stine Slørdal, Helse Midt RHF")
    expect(_attendance_row(page, "Stedfortreder").get_by_role("listitem")).to_have_text(
        [f"{vara}, Helse Midt RHF, stiller for Stine Slørdal"]
    )
    expect(_attendance_row(page, "Sekretariat")).to_contain_text("Siv Ingebrigtsen")

    # The referat of the new case: the vedtak starts as the forslag til vedtak.
    _minutes_link(page, "20/26").click()
    expect(page.get_by_role("heading", name=f"Referat: sak 20/26 {CASE}")).to_be_visible()
    expect(page.get_by_label("Vedtak", exact=True)).to_have_value(PROPOSAL)
    expect(page.get_by_label("Innspill")).to_be_empty()
    page.get_by_label("Innspill").fill("\n".join(INNSPILL))
    page.get_by_label("Vedtak", exact=True).fill(DECISION)
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"**/meetings/{meeting_id}#sak-20-2026")
    _flash(page, "Referatet for sak 20/26 er lagret.")
    case = page.get_by_role("article").filter(has=page.get_by_role("heading", name=f"20/26 {CASE}"))
    expect(case.get_by_role("listitem")).to_have_text(INNSPILL)
    expect(case.locator(".decision")).to_have_text(f"Vedtak: {DECISION}")

    # 19/26 (Godkjenning) approves nothing while earlier minutes are unsent: the vedtak is
    # saved, and 3/26's own minutes can be sent.
    _record_proposed_decisions(page, ["19/26"])
    page.get_by_role("button", name="Referat: send til medlemmene").click()
    # Nothing is missing, and still a confirmation page: the recipients, the e-mail, the referat.
    expect(page.get_by_role("heading", name=re.compile("^Send referatet fra"))).to_be_visible()
    expect(page.locator("p").filter(has_text="Emne:")).to_contain_text("Referat til merknader:")
    page.get_by_role("button", name=re.compile(r"^Send referatet til \d+ person")).click()
    _flash(page, "Referatet er sendt til medlemmene.")
    expect(
        page.get_by_text("Referatet er sendt til medlemmene, ikke godkjent ennå.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Referat: send til medlemmene")).to_have_count(0)

    # 2/26 is closed: held, and its Godkjenning vedtak approves 1/26's minutes once the
    # secretariat has seen what that locks.
    _open_meeting(page, "2/26")
    _secretariat(page).get_by_role("link", name="Rediger møte").click()
    _set_status(page, "Merk som gjennomført", "gjennomført", "2/26")
    _planning(page).get_by_role("link", name="Møtesiden").click()
    _minutes_link(page, "9/26").click()
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name="Godkjenn referatet fra forrige møte")).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(
                r"Referatet fra møte 1/26 i Fagrådet \(8 saker, \d+ vedtak, oppmøte for \d+ personer"
            )
        )
    ).to_be_visible()
    page.get_by_role("button", name="Godkjenn og lås referatet").click()
    _flash(page, "Referatet fra møte 1/26 i Fagrådet er godkjent og låst.")
    _record_proposed_decisions(page, [f"{n}/26" for n in range(10, 17)])
    # No attendance registered for 2/26: sending asks first.
    page.get_by_role("button", name="Referat: send til medlemmene").click()
    expect(page.get_by_text("Oppmøtet er ikke registrert.")).to_be_visible()
    page.get_by_role("button", name="Send likevel").click()
    _flash(page, "Referatet er sendt til medlemmene.")

    # Someone has 20/26's referat open in another tab while the minutes get approved.
    other_tab = page.context.new_page()
    other_tab.goto(f"/meetings/{meeting_id}")
    _minutes_link(other_tab, "20/26").click()
    expect(other_tab.get_by_label("Vedtak", exact=True)).to_have_value(DECISION)

    # Now 3/26 (held) approves 2/26's minutes with the button on its Godkjenning item.
    page.goto(f"/meetings/{meeting_id}")
    page.get_by_role("link", name="Godkjenn referatet fra forrige møte").click()
    page.get_by_role("button", name="Godkjenn og lås referatet").click()
    _flash(page, "Referatet fra møte 2/26 i Fagrådet er godkjent og låst.")

    # The next meeting approves 3/26's minutes when it is marked held.
    _plan_meeting(page, "Teams", ("2026-11-25", "10:00", "15:00"))
    _flash(page, "Møte 4/26 er planlagt.")
    next_godkjenning = GODKJENNING.format("16. – 17. september 2026")
    assert _agenda_rows(page, 1) == [
        ["22/26", f"{next_godkjenning} (10 min)", "10:00", "Godkjenning"],
        ["23/26", "Eventuelt (5 min)", "10:10", "Eventuelt"],
    ]
    _planning(page).get_by_role("link", name="Møtesiden").click()
    expect(page.get_by_role("link", name="Godkjenn referatet fra forrige møte")).to_have_count(0)
    _minutes_link(page, "22/26").click()
    expect(page.get_by_label("Vedtak", exact=True)).to_have_value(
        "Fagrådet godkjenner innkalling og dagsorden. "
        "Fagrådet godkjenner referatet fra møtet 16. – 17. september 2026."
    )
    page.get_by_role("button", name="Lagre").click()
    _flash(page, "Referatet for sak 22/26 er lagret.")  # planned: nothing approved yet
    _secretariat(page).get_by_role("link", name="Rediger møte").click()
    _set_status(page, "Send innkalling", "innkalt", "4/26")
    page.get_by_role("button", name="Merk som gjennomført").click()
    expect(
        page.get_by_role("heading", name="Merk Møte i Fagrådet 4/26 som gjennomført")
    ).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Referatet fra møte 3/26 i Fagrådet \(3 saker, 2 vedtak"))
    ).to_be_visible()
    page.get_by_role("button", name="Merk som gjennomført og godkjenn referatet").click()
    _flash(page, "Referatet fra møte 3/26 i Fagrådet er godkjent og låst.")

    # 3/26 is "referat godkjent", and its referat is locked.
    page.goto(f"/meetings/{meeting_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Møte i Fagrådet 3/26 referat godkjent"
    )
    expect(_secretariat(page).get_by_role("link", name="Rettelser")).to_be_visible()
    other_tab.get_by_label("Vedtak", exact=True).fill("Endret etter godkjenningen.")
    other_tab.get_by_role("button", name="Lagre").click()
    expect(other_tab.get_by_role("alert")).to_contain_text("Endringene dine er ikke lagret")
    other_tab.close()
    _minutes_link(page, "20/26").click()
    expect(page.get_by_role("status").filter(has_text=LOCKED)).to_be_visible()
    expect(page.get_by_role("button", name="Lagre")).to_have_count(0)
    expect(page.get_by_text(DECISION).first).to_be_visible()

    page.goto(f"/meetings/{meeting_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("referat godkjent")
    screenshot(page, "meeting-page.png")


# -- a member ------------------------------------------------------------------------------


def test_member_cannot_reach_the_secretariats_pages(page):
    log_in(page, "medlem@example.no")
    meeting_id = _open_meeting(page, "2/26")
    expect(_secretariat(page)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Før referat"))).to_have_count(0)
    for path in (
        f"/meetings/{meeting_id}/agenda",
        f"/meetings/{meeting_id}/attendance",
        "/bodies/fagradet/meetings/new",
    ):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", name="Ingen tilgang")).to_be_visible()
    page.goto("/bodies/fagradet")
    expect(page.get_by_role("link", name="Planlegg møte")).to_have_count(0)
