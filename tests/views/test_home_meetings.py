"""The secretariat's front page lists its bodies' next meetings with what each still needs,
and past meetings that are not closed."""

from __future__ import annotations

from datetime import date, timedelta

from govern.services import memos
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import between, login, make_user
from tests.views.test_pages import count_queries, text_of


def _world(session):
    body = make_body()
    other = make_body("produktrad", "Produktrådet")
    make_user(session, "Siv Ingebrigtsen", "siv@example.no", body=body, role="sekretariat")
    past = make_meeting(body, date.today() - timedelta(days=20), status="innkalt", location="Oslo")
    coming = make_meeting(
        body, date.today() + timedelta(days=30), status="planlagt", location="Bodø"
    )
    later = make_meeting(body, date.today() + timedelta(days=90), status="planlagt")
    make_meeting(other, date.today() + timedelta(days=10), status="planlagt")
    written = add_case(coming, "Skrevet")
    add_case(coming, "Uten toppnotat")
    add_case(coming, "Eventuelt", sakstype="Eventuelt")
    t = written.treatment
    memos.update_memo(session, None, t, memos.MemoInput(t.version, background="Bakgrunn"))
    session.commit()
    return past, coming, later


def test_the_next_meeting_says_what_it_still_needs_and_past_open_ones_follow(client, session):
    past, coming, later = _world(session)
    login(client, "siv@example.no")
    page = text_of(client.get("/"))
    section = between(page, "Neste møter", "Tidligere møter som ikke er avsluttet")
    assert f"Fagrådet {coming.number}" in section and "Bodø" in section
    missing = coming.items[-2].treatment.number  # «Uten toppnotat»
    assert "Dagsordenen er ikke delt med medlemmene" in section
    assert f"Toppnotat mangler: sak {missing}" in section
    assert "Innkallingen er ikke sendt" in section
    # Only the next meeting of each body of the secretariat.
    assert f"Fagrådet {later.number}" not in section and "Produktrådet" not in section
    open_past = between(page, "Tidligere møter som ikke er avsluttet", "Frister")
    assert f"Fagrådet {past.number}" in open_past
    for text in (
        "Ikke merket som gjennomført",
        "Oppmøtet er ikke registrert",
        "Referatet er ikke sendt",
    ):
        assert text in open_past
    html = client.get("/").get_data(as_text=True)
    assert f'href="/meetings/{coming.id}/send-innkalling"' in html
    assert f'href="/meetings/{past.id}/attendance"' in html


def test_the_meeting_list_costs_the_same_queries_however_many_meetings(client, session):
    past, _, _ = _world(session)
    login(client, "siv@example.no")
    session.expire_all()
    with count_queries() as few:
        client.get("/")
    body = session.merge(past).body
    for days in (35, 42, 49):
        add_case(make_meeting(body, date.today() - timedelta(days=days), status="innkalt"), "Sak")
    session.commit()
    session.expire_all()
    with count_queries() as more:
        page = text_of(client.get("/"))
    assert page.count("Ikke merket som gjennomført") == 4
    assert len(more) == len(few)
