"""In a real browser: logging in, and who reaches which pages."""

from __future__ import annotations

import re

from tests.browser.conftest import log_in


def test_member_logs_in_and_cannot_reach_secretariat_pages(page):
    log_in(page, "medlem@example.no")
    assert page.get_by_text("Du er logget inn som Jon Gupta.").is_visible()
    page.goto("/admin/accounts")
    assert page.get_by_role("heading", name="Ingen tilgang").is_visible()
    page.goto("/bodies/fagradet")
    assert page.get_by_role("navigation", name="Sekretariatet").count() == 0


def test_wrong_password_shows_the_message_next_to_the_field(page):
    page.goto("/login")
    page.get_by_label("E-postadresse").fill("sekretariat@example.no")
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    assert page.get_by_text("Feil e-postadresse eller passord").is_visible()
    assert page.get_by_label("E-postadresse").input_value() == "sekretariat@example.no"


def test_anonymous_visitor_is_sent_to_login_for_admin_pages(page):
    page.goto("/admin/accounts")
    assert re.search(r"/login\?next=", page.url)
    assert page.get_by_role("heading", name="Logg inn").is_visible()
