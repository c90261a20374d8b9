"""The case page as the case's path through the council model, and linking it for the secretariat."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from govern.models import Case, Treatment
from tests.conftest import add_case, make_meeting
from tests.services.test_case_links import build_history
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of


@pytest.fixture
def h(session):
    h = build_history(session)
    make_user(
        session, "Siri Sekretær", "sekretariat@example.no", body=h.fagradet, role="sekretariat"
    )
    make_user(session, "Mona Medlem", "medlem@example.no", body=h.fagradet, role="medlem")
    return h


def history_part(page: str) -> str:
    return page.split("Behandlinger i rådsmodellen", 1)[1].split("Tidligere behandling i")[0]


def positions(text: str, *needles: str) -> list[int]:
    return [text.index(n) for n in needles]


def test_history_in_date_order_across_lineage_and_external_bodies(client, h):
    page = text_of(client.get(f"/cases/{h.newer.case_id}"))
    history = history_part(page)
    order = positions(
        history,
        "12. juni 2025 – Nasjonalt e-helseråd",
        "14/25 Nasjonalt e-helseråd",
        "E-helserådet ba om en utredning.",
        "1/26 Fagrådet",
        "Fagrådet støtter retningen for journalløsningen.",
        "2/26 Fagrådet",
        "Fagrådet anbefaler.",
    )
    assert order == sorted(order)
    assert "Møte Eksternt organ" in history
    assert "Videreført fra Felles journalløsning for kommunene" in page
    # The older case's page names the case that continues it.
    older = text_of(client.get(f"/cases/{h.older.case_id}"))
    assert "Videreført i Ærlig vurdering av journalløsningen" in older
    assert "2/26" not in history_part(older)


def test_drafts_stay_hidden_from_the_public_and_from_members(client, h):
    public = history_part(text_of(client.get(f"/cases/{h.newer.case_id}")))
    assert "3/26" not in public
    login(client, "medlem@example.no")
    assert "3/26" not in history_part(text_of(client.get(f"/cases/{h.newer.case_id}")))
    client.post("/logout")
    login(client, "sekretariat@example.no")
    assert "3/26 Fagrådet" in history_part(text_of(client.get(f"/cases/{h.newer.case_id}")))


def test_a_case_only_in_a_draft_is_not_found_and_not_named(client, session, h):
    hidden = add_case(h.draft, "Hemmelig sak").treatment
    hidden.case.follows = h.older.case
    session.commit()
    assert client.get(f"/cases/{hidden.case_id}").status_code == 404
    assert "Hemmelig sak" not in text_of(client.get(f"/cases/{h.older.case_id}"))


def test_decisions_show_only_where_the_minutes_may_be_read(client, session, h):
    h.newer.decision = "Fagrådet anbefalte løsningen."
    session.commit()
    page = text_of(client.get(f"/cases/{h.newer.case_id}"))
    assert "Fagrådet anbefalte løsningen." not in page
    assert "Fagrådet støtter retningen" in page


def test_the_treatment_the_reader_came_from_is_marked(client, h):
    html = client.get(f"/cases/{h.newer.case_id}?fra={h.older.id}").get_data(as_text=True)
    assert f'id="behandling-{h.older.id}" class="current" aria-current="true"' in html
    assert html.count('aria-current="true"') == 1
    page = text_of(client.get(f"/cases/{h.newer.case_id}?fra=tull"))
    assert "Du kom herfra" not in page


def test_links_to_toppnotat_and_decision_page(client, app, h):
    html = client.get(f"/cases/{h.newer.case_id}").get_data(as_text=True)
    assert f"/treatments/{h.newer.id}/toppnotat.docx" in html
    if "register.decision" in app.view_functions:
        assert f"/vedtak/{h.older.id}" in html
        assert f"/vedtak/{h.newer.id}" not in html  # no decision yet


def test_linking_section_is_for_the_secretariat(client, h):
    assert "Tidligere behandling i rådsmodellen" not in text_of(
        client.get(f"/cases/{h.newer.case_id}")
    )
    login(client, "medlem@example.no")
    assert "Tidligere behandling i rådsmodellen" not in text_of(
        client.get(f"/cases/{h.newer.case_id}")
    )
    for url in (f"/cases/{h.newer.case_id}/tidligere?q=14/25", f"/cases/{h.newer.case_id}/ekstern"):
        assert client.get(url).status_code == 403
    assert client.post(f"/cases/{h.newer.case_id}/kobling/fjern").status_code == 403
    assert client.post(f"/cases/{h.newer.case_id}/ekstern", data={}).status_code == 403
    client.post("/logout")
    response = client.post(f"/cases/{h.newer.case_id}/kobling", data={"treatment_id": h.older.id})
    assert response.status_code == 302 and response.location.startswith("/login")
    login(client, "sekretariat@example.no")
    page = text_of(client.get(f"/cases/{h.newer.case_id}"))
    assert "Tidligere behandling i rådsmodellen" in page and "Fjern kobling" in page


def test_search_pick_unlink(client, session, h):
    login(client, "sekretariat@example.no")
    url = f"/cases/{h.newer.case_id}"
    client.post(f"{url}/kobling/fjern")
    session.expire_all()
    assert session.get(Case, h.newer.case_id).follows_id is None
    page = text_of(client.get(f"{url}/tidligere?q=14/25&body={h.ehr.id}"))
    assert "14/25 Nasjonalt e-helseråd 12. juni 2025 Felles journalløsning for kommunene" in page
    found = text_of(client.get(f"{url}/tidligere?q=journal"))
    assert "1/26 Fagrådet" in found and "2/26" not in found  # not the case itself
    assert "Ingen behandlinger passer" in text_of(client.get(f"{url}/tidligere?q=99/25"))
    for bad in ("?q=14/25&body=tull", "?q=14/25&body=99999", "?q=" + "x" * 201):
        response = client.get(f"{url}/tidligere{bad}")
        assert response.status_code == 400 and "Skjemaet har feil" in text_of(response)
    ext = session.scalar(select(Treatment.id).where(Treatment.body_id == h.ehr.id))
    response = client.post(f"{url}/kobling", data={"treatment_id": ext})
    assert response.status_code == 302
    assert "Saken er koblet til 14/25 i Nasjonalt e-helseråd" in text_of(client.get(url))
    session.expire_all()
    assert session.get(Case, h.newer.case_id).follows_id == h.older.case_id
    # The other way round would be a cycle: refused, nothing saved.
    back = client.post(f"/cases/{h.older.case_id}/kobling", data={"treatment_id": h.newer.id})
    assert back.status_code == 302
    assert "En sak kan ikke videreføre seg selv" in text_of(client.get(back.location))
    session.expire_all()
    assert session.get(Case, h.older.case_id).follows_id is None
    assert client.post(f"{url}/kobling", data={"treatment_id": "x"}).status_code == 404


def test_register_external_treatment_by_hand(client, session, h):
    login(client, "sekretariat@example.no")
    url = f"/cases/{h.newer.case_id}/ekstern"
    form = {"body": h.nuit.id, "number": "17/25", "decided_on": "2026-05-15", "sakstype": ""}
    response = client.post(url, data={**form, "decision": "NUIT drøftet saken."})
    assert response.status_code == 400
    page = text_of(response)
    assert "Saksnummer 17/25 passer ikke med datoen 15.05.2026" in page
    assert 'value="17/25"' in response.get_data(as_text=True)
    assert "NUIT drøftet saken." in page
    taken = client.post(url, data={**form, "body": h.ehr.id, "number": "14/25", "decided_on": ""})
    assert taken.status_code == 400
    assert "Saksnummer 14/25 er allerede brukt i Nasjonalt e-helseråd" in text_of(taken)
    internal = client.post(url, data={**form, "body": h.fagradet.id, "number": "9/26"})
    assert internal.status_code == 400
    none = client.post(url, data={**form, "body": 0})
    assert "Velg organet saken ble behandlet i." in text_of(none)
    assert session.scalar(select(func.count()).where(Treatment.body_id == h.nuit.id)) == 0
    ok = client.post(url, data={**form, "decided_on": "2025-05-15", "decision": "NUIT drøftet."})
    assert ok.status_code == 302
    page = history_part(text_of(client.get(f"/cases/{h.newer.case_id}")))
    order = positions(page, "17/25 NUIT", "NUIT drøftet.", "14/25 Nasjonalt", "1/26 Fagrådet")
    assert order == sorted(order)


def test_edit_and_delete_external_treatment(client, session, h):
    login(client, "sekretariat@example.no")
    ext = session.scalar(select(Treatment).where(Treatment.body_id == h.ehr.id))
    url = f"/cases/{h.newer.case_id}/ekstern/{ext.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'value="14/25"' in html and "E-helserådet ba om en utredning." in html
    form = {"body": h.ehr.id, "number": "14/25", "decided_on": "2025-06-13", "sakstype": "Drøfting"}
    form |= {"decision": "Endret vedtak.", "version": ext.version}
    assert client.post(url, data=form).status_code == 302
    stale = client.post(url, data={**form, "decision": "Mitt vedtak."})
    assert stale.status_code == 400
    assert "endret av noen andre" in text_of(stale) and "Mitt vedtak." in text_of(stale)
    page = text_of(client.get(f"/cases/{h.newer.case_id}"))
    assert "13. juni 2025 – Nasjonalt e-helseråd" in page and "Endret vedtak." in page
    # A meeting's treatment is not an external one.
    assert client.get(f"/cases/{h.newer.case_id}/ekstern/{h.older.id}").status_code == 404
    assert client.post(f"{url}/slett").status_code == 302
    assert "14/25" not in history_part(text_of(client.get(f"/cases/{h.newer.case_id}")))


def test_query_count_does_not_grow_with_the_history(client, session, h):
    from sqlalchemy import event

    from govern.extensions import db

    def count() -> int:
        seen = []
        listener = lambda *a, **k: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        client.get(f"/cases/{h.newer.case_id}?fra={h.newer.id}")
        event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    before = count()
    earliest = h.older.case
    for n, day in enumerate((date(2025, 2, 5), date(2025, 3, 5), date(2025, 3, 19))):
        meeting = make_meeting(h.fagradet, day)
        treatment = add_case(meeting, f"Ekstra {n}").treatment
        add_case(meeting, f"Videreført {n}").treatment.case.follows = h.older.case
        earliest.follows = treatment.case
        earliest = treatment.case
    session.commit()
    page = history_part(text_of(client.get(f"/cases/{h.newer.case_id}")))
    order = positions(page, "1/25 Fagrådet", "3/25 Fagrådet", "5/25 Fagrådet", "14/25")
    assert order == sorted(order) and "Saksnummer 2/25" not in page  # continues "older": not here
    assert count() <= before
