"""Minutes, attendance, habilitet, forfall, cases, memos and submissions in nynorsk and
English (the reader's Accept-Language), with bokmål still the default."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govern.models import Treatment
from govern.services.accounts import DEMO_PASSWORD
from tests.views.test_minutes import login
from tests.views.test_pages import meeting_id, text_of

NN = {"Accept-Language": "nn-NO,nn;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def secretariat(client, session, demo_with_accounts):
    login(client, "sekretariat@example.no", DEMO_PASSWORD)
    return meeting_id(session, "fagradet", "1/26")


def _treatment(session, meeting: int, seq: int) -> Treatment:
    return session.scalar(
        select(Treatment).where(Treatment.meeting_id == meeting, Treatment.seq == seq)
    )


def test_attendance_page_in_three_languages(client, secretariat):
    url = f"/meetings/{secretariat}/attendance"
    nb = text_of(client.get(url))
    assert "Svar på innkallingen" in nb and "Stiller for (stedfortreder)" in nb
    nn = text_of(client.get(url, headers=NN))
    assert "Svar på innkallinga" in nn and "Stiller for (stadfortredar)" in nn
    assert "Namn" in nn and "Stiller for (stedfortreder)" not in nn
    en = text_of(client.get(url, headers=EN))
    assert "Attends for (substitute)" in en and "Substitute who is not a member" in en
    assert "Save attendance" in en and "Lagre oppmøtet" not in en


def test_minutes_of_a_case_in_nynorsk_and_english(client, session, secretariat):
    t = _treatment(session, secretariat, 3)
    url = f"/treatments/{t.id}/minutes"
    nn = text_of(client.get(url, headers=NN))
    assert f"Referat: sak {t.number}" in nn and "Eitt innspel per linje" in nn
    en = text_of(client.get(url, headers=EN))
    assert f"Minutes: case {t.number}" in en and "What was presented, and by whom" in en
    assert "Back to the meeting" in en and "Tilbake til møtet" not in en


def test_case_and_memo_pages_in_nynorsk_and_english(client, session, secretariat):
    t = _treatment(session, secretariat, 3)
    nn = text_of(client.get(f"/cases/{t.case_id}", headers=NN))
    assert "Handsamingar i rådsmodellen" in nn and "Saksnummer" in nn
    en = text_of(client.get(f"/cases/{t.case_id}", headers=EN))
    assert "Considerations in the council model" in en and "Case number" in en
    nn = text_of(client.get(f"/treatments/{t.id}/memo", headers=NN))
    assert f"Toppnotat: sak {t.number}" in nn and "Last ned toppnotatet (Word)" in nn
    en = text_of(client.get(f"/treatments/{t.id}/memo", headers=EN))
    assert f"Memo: case {t.number}" in en and "Download the memo (Word)" in en


def test_recusals_and_comments_pages_in_english(client, session, secretariat):
    t = _treatment(session, secretariat, 3)
    en = text_of(client.get(f"/treatments/{t.id}/habilitet", headers=EN))
    assert f"Disqualification in case {t.number}" in en and "Record as disqualified" in en
    nn = text_of(client.get(f"/treatments/{t.id}/habilitet", headers=NN))
    assert "Registrer som inhabil" in nn and "Ein medlem som er inhabil" in nn
    en = text_of(client.get(f"/meetings/{secretariat}/referat/merknader", headers=EN))
    assert "Comments on the minutes of" in en and "The minutes as a whole" in en


def test_submissions_page_in_nynorsk(client, secretariat):
    nn = text_of(client.get("/bodies/fagradet/meld-inn-sak", headers=NN))
    assert "Meld inn ei sak til" in nn and "Sekretariatet vurderer saka" in nn
    en = text_of(client.get("/bodies/fagradet/innmeldte-saker", headers=EN))
    assert "Submitted cases" in en
