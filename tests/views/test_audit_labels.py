"""The Endringslogg speaks the pages' words: «Referat: utkast → sendt», not
«minutes_status: utkast → sendt»."""

from __future__ import annotations

import re
from datetime import date, time

from govern.services import agenda, meeting_status, minutes, minutes_locking
from govern.services.agenda import CaseEdit
from govern.views.audit_labels import field_label, shown_value
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import between, login, make_user
from tests.views.test_pages import text_of


def test_the_log_names_fields_and_values_as_the_pages_do(client, session):
    body = make_body()
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    meeting = make_meeting(body, date(2026, 4, 29), status="innkalt")
    item = add_case(meeting, "Kjernejournal")
    t = item.treatment
    edit = CaseEdit(
        title="Kjernejournal",
        sakstype="Drøfting",
        item_version=item.version,
        treatment_version=t.version,
        proposed_decision="Fagrådet slutter seg til.",
        duration_minutes=30,
        start_time=time(10, 30),
    )
    agenda.update_case_item(session, item, edit)
    meeting_status.change_status(session, meeting, "gjennomført", meeting.version)
    minutes.record_minutes(session, None, t, minutes.MinutesInput(t.version, decision="Vedtatt."))
    minutes_locking.send_minutes(session, None, meeting, confirmed=True)
    session.commit()
    login(client, "siri@example.no")
    page = text_of(client.get("/bodies/fagradet/audit"))
    log = between(page, "nyeste først.")
    for words in (
        "Referat: utkast → sendt",
        "Status: innkalt → gjennomført",
        "Vedtak: – → Vedtatt.",
        "Forslag til vedtak: – → Fagrådet slutter seg til.",
        "Varighet (minutter): – → 30",
        "Starttid: – → 10.30",
    ):
        assert words in log
    assert not re.search(r"\b[a-z]+_[a-z_]+\s*:", log), "a field name in the log"


def test_labels_and_values():
    assert field_label("minutes_status") == "Referat"
    assert field_label("case.title") == "Sakens tittel"
    assert field_label("some_new_field") == "Some new field"
    assert field_label("Sak 9/26") == "Sak 9/26"
    assert shown_value("2026-04-29") == "29.04.2026"
    assert shown_value("present") == "til stede"
    assert shown_value(True) == "ja" and shown_value(None) == "–"
