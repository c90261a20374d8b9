"""The pages a new user sees first: bodies, a body, a meeting, a case."""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from datetime import date, time

from sqlalchemy import event, select

from govern.extensions import db
from govern.models import Body, Meeting
from govern.services import agenda, attachment_numbers
from govern.services.accounts import DEMO_PASSWORD
from govern.services.meetings import record_attendance
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.services.test_exchange import approve_demo_january


def text_of(response) -> str:
    """The page as a reader sees it: tags removed, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def meeting_id(session, slug: str, number: str) -> int:
    seq, yy = number.split("/")
    return session.scalar(
        select(Meeting.id)
        .join(Body)
        .where(Body.slug == slug, Meeting.seq == int(seq), Meeting.year == 2000 + int(yy))
    )


def test_body_list_shows_every_body(client, demo):
    page = text_of(client.get("/bodies"))
    assert "Nasjonalt fagråd for digitalisering i helse- og omsorgssektoren (Fagrådet)" in page
    assert "Nasjonalt e-helseråd" in page and "eksternt" in page
    assert "endringsråd" in page and "produktråd" in page


def test_body_page_has_mandate_members_by_role_and_meetings(client, demo):
    page = text_of(client.get("/bodies/fagradet"))
    assert "Mandat" in page
    assert "Jon Gupta, Helse Sør-Øst RHF" in page
    assert "Marthe Kristine Striger Dingen, Helse Midt RHF – vara for Stine Slørdal" in page
    assert "Sekretariat" in page
    assert "2026 Møte 2/26 – 29. – 30. april 2026, Thon Partner Hotel, Kristiansand" in page
    assert page.index("Møte 2/26") < page.index("Møte 1/26")


def test_body_page_of_endringsrad_shows_escalation(client, demo_with_accounts):
    # The endringsråd is members-only: not revealed to visitors, read by its readers.
    assert client.get("/bodies/endringsrad-medikasjon").status_code == 404
    client.post("/login", data={"email": "admin@example.no", "password": DEMO_PASSWORD})
    page = text_of(client.get("/bodies/endringsrad-medikasjon"))
    assert "Eskalerer til" in page
    assert "endringsråd" in page


def test_meeting_page_header_and_agenda_like_the_innkalling(client, demo, session):
    page = text_of(client.get(f"/meetings/{meeting_id(session, 'fagradet', '2/26')}"))
    assert "Møte i Fagrådet 2/26" in page
    assert "Dato 29. – 30. april 2026" in page
    assert "Tid 29. april kl. 10.00 – 16.00 og 30. april kl. 08.00 – 14.30" in page
    assert "Sted Thon Partner Hotel, Kristiansand" in page
    assert "Dag 1 – Onsdag 29. april 2026" in page
    assert "Dag 2 – Torsdag 30. april 2026" in page
    assert (
        "10/26 EHDS på legemiddelområdet i forhold til norsk e-reseptløsning 10:10 Drøfting" in page
    )
    assert "Lunsj 11:30" in page
    assert "Informasjon om morgendagens temadag og gruppearbeid 15:40" in page
    assert "Slutt dag 1 16:00" in page
    assert "Vedlegg 6A: Vurdering kjernejournal portal" in page
    assert "Forslag til vedtak: Fagrådet har gitt sine innspill og anbefaling" in page


def test_meeting_page_of_the_january_meeting_shows_inputs_and_decisions(client, demo, session):
    approve_demo_january(session)  # visitors read approved minutes
    page = text_of(client.get(f"/meetings/{meeting_id(session, 'fagradet', '1/26')}"))
    assert "Clarion Hotel Oslo" in page
    assert "Innspill:" in page
    assert "Vedtak: Fagrådet drøftet saken." in page
    assert (
        "Mariann Hornnes, assisterende helsedirektør Helsedirektoratet, orienterte Fagrådet" in page
    )
    assert "Det kom ingen saker til eventuelt." in page
    oppmote = page[page.index("Oppmøte") : page.index("Dagsorden")]
    assert "Til stede Hans Löwe Larsen, Helsedirektoratet" in oppmote
    assert "Ikke til stede Knut Berglund, Helsedirektoratet – dag 1" in oppmote
    assert (
        "Stedfortreder Marthe Kristine Striger Dingen, Helse Midt RHF, stiller for Stine Slørdal"
        in oppmote
    )
    assert "Sekretariat Siv Ingebrigtsen, Vibeke Jonassen Wang, Karen Lima" in oppmote
    # Knut Berglund was there on day 2, so he is among those present as well.
    assert oppmote.index("Knut Berglund") < oppmote.index("Ikke til stede")


def test_case_page_shows_history_across_bodies_in_date_order(client, demo, session):
    mid = meeting_id(session, "fagradet", "2/26")
    meeting = session.get(Meeting, mid)
    case_id = next(
        i.treatment.case_id for i in meeting.items if i.treatment and i.treatment.seq == 13
    )
    page = text_of(client.get(f"/cases/{case_id}"))
    order = [
        page.index(n)
        for n in (
            "7/25 NUFA",
            "17/25 NUIT",
            "13/25 Nasjonalt e-helseråd",
            "3/26 Fagrådet",
            "13/26 Fagrådet",
        )
    ]
    assert order == sorted(order)
    assert "Registrert behandling i et eksternt organ" in page


def test_unknown_pages_answer_404_in_norwegian(client, demo):
    for url in ("/bodies/finnes-ikke", "/meetings/99999", "/cases/99999", "/tull"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Siden finnes ikke" in text_of(response)


def test_server_error_page_is_norwegian_without_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    page = text_of(response)
    assert "Noe gikk galt" in page
    assert "kaboom" not in page and "Traceback" not in page


@contextmanager
def count_queries():
    """The SQL statements run inside the block.

    Tests keep one session for all their requests (the app context stays open), and the
    objects of the requests before stay in its identity map until the cyclic garbage
    collector frees them; a page may then find one there instead of asking for it. The
    collector runs first, so what is counted does not depend on when it last ran (in
    production every request has a session of its own)."""
    gc.collect()
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _meeting_with_items(n: int, slug: str) -> int:
    body = make_body(slug, slug.title())
    people = [make_person(f"Medlem {slug} {i}", f"Org {i}") for i in range(10)]
    for person in people:
        add_membership(db.session, body, person, MembershipInput("medlem"))
    meeting = make_meeting(body, date(2026, 4, 29), date(2026, 4, 30), start=time(8), end=time(18))
    record_attendance(db.session, meeting, people[0], "absent", days=[1])
    record_attendance(db.session, meeting, people[1], "deputy", deputy_for=people[0])
    for person in people[2:]:
        record_attendance(db.session, meeting, person, "present")
    for i in range(n):
        item = add_case(
            meeting, f"Sak {i}", day=1 + i % 2, summary="Tekst", proposed_decision="Forslag"
        )
        attachment_numbers.add_attachment_reference(
            db.session, meeting, item.treatment, str(i + 1), f"Vedlegg {i}"
        )
        if i % 3 == 0:
            agenda.add_agenda_entry(
                db.session, meeting, agenda.EntryInput("point", f"Underpunkt {i}", day=1 + i % 2)
            )
        if i % 5 == 0:
            agenda.add_agenda_entry(
                db.session, meeting, agenda.EntryInput("break", "Pause", day=1 + i % 2)
            )
    db.session.commit()
    return meeting.id


def test_meeting_page_query_count_does_not_grow_with_the_agenda(client, app):
    small = _meeting_with_items(5, "lite-rad")
    large = _meeting_with_items(60, "stort-rad")
    counts = []
    for mid in (small, large):
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(f"/meetings/{mid}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert "Sak 59" in text_of(client.get(f"/meetings/{large}"))
