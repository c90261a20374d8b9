"""«Før referat» for the whole meeting: every case on one page, saved with one «Lagre», all
or nothing (govern/views/minutes_meeting.py, govern/services/minutes_meeting.py)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.models import Meeting, Treatment
from govern.models.audit import AuditEntry
from tests.views.test_minutes import Council, hidden, login, mark_held, textarea
from tests.views.test_pages import text_of


@pytest.fixture
def council(session) -> Council:
    return Council(session)


def _fields(response) -> dict[str, str]:
    """Every input and textarea of the page's form, as posted unchanged."""
    page = response.get_data(as_text=True)
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag and name.group(1) != "frist":
            data[name.group(1)] = value.group(1) if value else ""
    for name in re.findall(r'<textarea[^>]*name="([^"]*)"', page):
        data[name] = textarea(response, name)
    return data


def _index(data: dict, treatment: Treatment) -> str:
    """The form row ('cases-1') of a case."""
    key = next(k for k, v in data.items() if k.endswith("treatment_id") and v == str(treatment.id))
    return key.removesuffix("-treatment_id")


def _treatment(session, t: Treatment) -> Treatment:
    session.expire_all()
    return session.get(Treatment, t.id)


def test_every_case_is_on_the_page_and_saved_at_once(client, council, session):
    c = council
    login(client, "siv@example.no")
    meeting_page = text_of(client.get(f"/meetings/{c.second.id}"))
    assert "Før referat for hele møtet" in meeting_page
    page = client.get(f"/meetings/{c.second.id}/minutes")
    assert page.status_code == 200
    text = text_of(page)
    # In agenda order, the vedtak starting as the forslag til vedtak.
    titles = ["Godkjenning av innkalling", "EHDS på legemiddelområdet", "Pasientoppsummering"]
    assert [text.index(t) for t in titles] == sorted(text.index(t) for t in titles)
    data = _fields(page)
    row = _index(data, c.approval)
    assert data[f"{row}-decision"] == "Fagrådet godkjenner innkalling, dagsorden og referatet."
    form = re.search(r'<form method="post" novalidate class="meeting-minutes">.*?</form>',
                     page.get_data(as_text=True), re.S).group(0)  # fmt: skip
    assert form.count("<button") == 1 and ">Lagre</button>" in form  # one «Lagre»
    memo, other = _index(data, c.memo_case), _index(data, c.other_case)
    data[f"{memo}-inputs"] = "Viktig med felles språk.\nHusk kommunene."
    data[f"{memo}-decision"] = "Fagrådet støtter retningen."
    data[f"{other}-presentation"] = "Knut Berglund orienterte."
    data[f"{other}-decision"] = "Fagrådet tar saken til orientering."
    saved = client.post(f"/meetings/{c.second.id}/minutes", data=data, follow_redirects=True)
    assert saved.status_code == 200
    assert "Referatet er lagret (3 saker endret)." in text_of(saved)
    assert [i.text for i in _treatment(session, c.memo_case).inputs] == [
        "Viktig med felles språk.",
        "Husk kommunene.",
    ]
    assert _treatment(session, c.memo_case).decision == "Fagrådet støtter retningen."
    assert _treatment(session, c.other_case).presentation == "Knut Berglund orienterte."
    assert _treatment(session, c.approval).decision.startswith("Fagrådet godkjenner")
    logged = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "treatment.minutes")
    ).all()
    assert len(logged) == 3
    again = client.post(f"/meetings/{c.second.id}/minutes", data=_fields(client.get(
        f"/meetings/{c.second.id}/minutes")), follow_redirects=True)  # fmt: skip
    assert "Ingen endringer i referatet." in text_of(again)


def test_a_case_saved_by_someone_else_refuses_the_whole_save(client, council, session):
    c = council
    login(client, "siv@example.no")
    page = client.get(f"/meetings/{c.second.id}/minutes")
    data = _fields(page)
    memo, other = _index(data, c.memo_case), _index(data, c.other_case)
    # Someone saves 'Pasientoppsummering' in between.
    other_tab = client.get(f"/treatments/{c.other_case.id}/minutes")
    client.post(
        f"/treatments/{c.other_case.id}/minutes",
        data={"version": hidden(other_tab, "version"), "decision": "Lagret av en annen."},
    )
    data[f"{memo}-decision"] = "Mitt vedtak i EHDS."
    data[f"{other}-decision"] = "Mitt vedtak i pasientoppsummeringen."
    refused = client.post(f"/meetings/{c.second.id}/minutes", data=data)
    assert refused.status_code == 409
    text = text_of(refused)
    number = c.other_case.number
    assert f"Sak {number} ble endret av noen andre mens du redigerte. Ingenting er lagret" in text
    assert "Slik er saken lagret nå:" in text and "Lagret av en annen." in text
    # What was typed is shown back, in both cases.
    assert textarea(refused, f"{memo}-decision") == "Mitt vedtak i EHDS."
    assert textarea(refused, f"{other}-decision") == "Mitt vedtak i pasientoppsummeringen."
    # Nothing is saved, not even the case nobody else touched.
    assert _treatment(session, c.memo_case).decision in ("", None)
    assert _treatment(session, c.other_case).decision == "Lagret av en annen."
    # Saving again, having seen it, goes through (the version is the one saved now).
    resent = client.post(f"/meetings/{c.second.id}/minutes", data=_fields(refused))
    assert resent.status_code == 302
    assert _treatment(session, c.other_case).decision == "Mitt vedtak i pasientoppsummeringen."
    assert _treatment(session, c.memo_case).decision == "Mitt vedtak i EHDS."


def test_a_held_meeting_needs_every_vedtak_and_says_where(client, council, session):
    c = council
    login(client, "siv@example.no")
    mark_held(c.first)
    page = client.get(f"/meetings/{c.first.id}/minutes")
    data = _fields(page)
    case = _index(data, c.case)
    data[f"{case}-decision"] = ""
    data[f"{case}-inputs"] = "Et innspill."
    refused = client.post(f"/meetings/{c.first.id}/minutes", data=data)
    assert refused.status_code == 400
    text = text_of(refused)
    assert "Referatet er ikke lagret." in text
    assert "Vedtak må fylles ut når møtet er gjennomført" in text
    assert textarea(refused, f"{case}-inputs") == "Et innspill."
    assert _treatment(session, c.case).inputs == []
    # Eventuelt needs none: with the case's vedtak, the save goes through.
    data[f"{case}-decision"] = "Fagrådet drøftet saken."
    assert client.post(f"/meetings/{c.first.id}/minutes", data=data).status_code == 302
    assert _treatment(session, c.case).decision == "Fagrådet drøftet saken."


def test_locked_minutes_are_refused_and_shown_without_a_form(client, council, session):
    c = council
    login(client, "siv@example.no")
    page = client.get(f"/meetings/{c.first.id}/minutes")
    data = _fields(page)
    meeting = db.session.get(Meeting, c.first.id)
    meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
    db.session.commit()
    locked = client.get(f"/meetings/{c.first.id}/minutes")
    assert "Referatet er godkjent og låst." in text_of(locked)
    assert "<textarea" not in locked.get_data(as_text=True)
    data[f"{_index(data, c.case)}-decision"] = "Endret etter godkjenning."
    refused = client.post(f"/meetings/{c.first.id}/minutes", data=data)
    assert refused.status_code == 409
    assert "Endringene dine er ikke lagret." in text_of(refused)
    assert _treatment(session, c.case).decision != "Endret etter godkjenning."


def test_members_may_not_open_it(client, council):
    c = council
    url = f"/meetings/{c.second.id}/minutes"
    assert client.get(url).status_code == 302
    login(client, "jon@example.no")
    assert client.get(url).status_code == 403
    assert client.post(url, data={}).status_code == 403
