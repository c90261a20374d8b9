"""The pages work under the strict Content-Security-Policy: confirmations and the print
button run from the static script, and the browser reports no blocked script or style."""

from __future__ import annotations

import re

from sqlalchemy import select

from govern.extensions import db
from govern.models import Body, Meeting
from tests.browser.conftest import log_in


def _meeting_2_26(app) -> int:
    with app.app_context():
        meeting_id = db.session.scalar(
            select(Meeting.id).join(Body).where(Body.slug == "fagradet", Meeting.seq == 2)
        )
        db.session.remove()
    return meeting_id


def test_confirmations_and_printing_work_and_nothing_is_blocked(page, live_server):
    _, app = live_server
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script("window.print = () => { window.printedByTest = true; };")
    log_in(page, "sekretariat@example.no")

    page.goto(f"/meetings/{_meeting_2_26(app)}/agenda")
    remove = page.get_by_role("button", name=re.compile(r"^Fjern: ")).first
    label = remove.get_attribute("aria-label")
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    remove.click()
    assert asked and asked[0].startswith("Fjerne «")
    assert asked[0].endswith("fra dagsordenen? Saksnummeret brukes ikke på nytt.")
    assert page.get_by_role("button", name=label, exact=True).count() == 1  # not removed

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        remove.click()
    assert page.get_by_role("button", name=label, exact=True).count() == 0

    page.goto("/bodies/fagradet/arshjul")
    page.get_by_role("button", name="Skriv ut").click()
    assert page.evaluate("window.printedByTest === true")
    assert blocked == []
