"""The secretariat's day with the annual cycle, in Chromium: the front page's deadlines, the
wheel (hover and keyboard focus show the entry), a deadline marked done, and the personal
calendar link whose feed carries the deadline."""

from __future__ import annotations

import re
import urllib.request

import icalendar

from tests.browser.conftest import log_in, screenshot


def test_secretariat_sees_deadlines_on_the_wheel_marks_one_done_and_subscribes(page):
    log_in(page, "sekretariat@example.no")
    assert page.locator("h1").inner_text() == "Forside"
    assert page.get_by_text("Frister", exact=True).count() >= 1

    page.goto("/bodies/fagradet")
    page.get_by_role("link", name="Årshjul", exact=True).click()
    page.wait_for_url("**/bodies/fagradet/arshjul**")
    assert page.locator("h1").inner_text().startswith("Årshjul")
    wheel = page.locator("svg.wheel")
    assert wheel.locator("path.sector").count() == 12

    # Keyboard focus on a deadline shows what it is in the middle of the wheel.
    mark = wheel.locator("a.mark.deadline").first
    label = mark.get_attribute("aria-label")
    mark.focus()
    centre = mark.locator(".mark-label")
    assert centre.is_visible()
    lines = [t.text_content() for t in centre.locator("tspan").all()]
    assert label.startswith(" ".join(lines[:2]))
    # Hovering another mark shows that one instead.
    meeting = wheel.locator("a.mark.meeting").first
    meeting.hover()
    assert meeting.locator(".mark-label").is_visible()
    assert "Møte" in meeting.locator(".mark-label").text_content()
    screenshot(page, "arshjul.png")
    # Printed, the wheel and the table fit one A4 page.
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1

    # Mark the autumn's "Møteplan for neste år vedtas" done in the table.
    row = page.locator("tr", has_text="Møteplan for neste år vedtas")
    row.get_by_role("button", name="Marker som utført").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text="Møteplan for neste år vedtas")
    assert "Utført" in row.inner_text() and "Siv Ingebrigtsen" in row.inner_text()

    # The personal calendar link: made on the profile page, its feed holds the deadline.
    page.goto("/profile")
    page.get_by_role("button", name="Lag lenke").click()
    page.wait_for_load_state()
    webcal = page.get_by_role("link", name="Abonner i kalenderprogrammet")
    assert webcal.get_attribute("href").startswith("webcal://")
    feed_url = page.locator("#feed-url").input_value()
    path = "/feeds/" + feed_url.split("/feeds/", 1)[1]
    base = page.url.split("/profile", 1)[0]
    with urllib.request.urlopen(base + path) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        cal = icalendar.Calendar.from_ical(response.read())
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert "Utført: Møteplan for neste år vedtas (høsten)" in summaries
    assert any(s.startswith("Møte i Fagrådet 2/26") for s in summaries)
