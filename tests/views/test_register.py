"""The decision register: who sees what, filters, pages, exports and follow-up forms."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from govern.extensions import db
from govern.models.cases import Case
from govern.models.followups import FollowUp
from govern.services import cases, people
from govern.services.followups import FollowUpInput, add_follow_up
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of


def _decide(meeting, title, decision, sakstype="Drøfting"):
    item = add_case(meeting, title, sakstype)
    item.treatment.decision = decision
    return item.treatment


@pytest.fixture
def world(session):
    fagradet = make_body()
    approved = make_meeting(fagradet, date(2025, 10, 1))
    approved.status, approved.minutes_status = "referat godkjent", "godkjent"
    sent = make_meeting(fagradet, date(2026, 1, 21))
    sent.minutes_status = "sendt"
    draft = make_meeting(fagradet, date(2026, 3, 4), status="planlagt")
    old = _decide(approved, "Forvaltning av kodeverk", "Fagrådet anbefaler modellen.", "Anbefaling")
    orientation = _decide(
        approved, "Orientering om budsjett", "Tatt til orientering.", "Orientering"
    )
    _decide(approved, "Sak uten vedtak", "")
    sent_one = _decide(sent, "Strategiske indikatorer", "Fagrådet drøftet indikatorene.")
    secret = _decide(draft, "Hemmelig utkast", "Utkast til vedtak.")
    ehr = make_body("ehelseradet", "Nasjonalt e-helseråd", external=True)
    case = Case(title="Helsedataforordningen")
    session.add(case)
    external = cases.register_external_treatment(
        session,
        case,
        ehr,
        cases.ExternalTreatmentInput(
            "14/25", date(2025, 6, 12), sakstype="Drøfting", decision="Rådet drøftet saken."
        ),
    )
    make_user(session, "Sara Sekretær", "sek@example.no", body=fagradet, role="sekretariat")
    make_user(session, "Mona Medlem", "medlem@example.no", body=fagradet, role="medlem")
    session.commit()
    return {
        "body": fagradet,
        "old": old,
        "orientation": orientation,
        "sent": sent_one,
        "secret": secret,
        "external": external,
        "approved": approved,
    }


def _rows(response) -> list[str]:
    """The case numbers of the register's rows, in order."""
    html = response.get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    import re

    return re.findall(r'href="/vedtak/\d+">([^<]+)</a>', body)


def test_public_sees_published_decisions_newest_first(client, world):
    response = client.get("/vedtak")
    assert response.status_code == 200
    assert _rows(response) == ["2/25", "1/25", "14/25"]
    page = text_of(response)
    assert "Fagrådet anbefaler modellen." in page
    assert "Strategiske indikatorer" not in page and "Hemmelig utkast" not in page
    assert "Sak uten vedtak" not in page


def test_members_see_sent_minutes_and_secretariat_sees_drafts(client, world):
    login(client, "medlem@example.no")
    assert _rows(client.get("/vedtak")) == ["1/26", "2/25", "1/25", "14/25"]
    client.post("/logout")
    login(client, "sek@example.no")
    assert _rows(client.get("/vedtak")) == ["2/26", "1/26", "2/25", "1/25", "14/25"]


def test_decision_page_hides_what_the_reader_may_not_see(client, world):
    assert client.get(f"/vedtak/{world['secret'].id}").status_code == 404
    assert client.get(f"/vedtak/{world['sent'].id}").status_code == 302
    page = text_of(client.get(f"/vedtak/{world['external'].id}"))
    assert "Rådet drøftet saken." in page and "Ekstern behandling" in page


def test_filters(client, world, session):
    add_follow_up(session, world["old"], FollowUpInput(responsible="FHI", due_on=date(2025, 11, 1)))
    add_follow_up(
        session,
        world["orientation"],
        FollowUpInput(status="fullført", responsible="NHN", due_on=date(2025, 11, 1)),
    )
    session.commit()
    assert _rows(client.get("/vedtak?organ=ehelseradet")) == ["14/25"]
    assert _rows(client.get("/vedtak?ar=2025&sakstype=Anbefaling")) == ["1/25"]
    assert _rows(client.get("/vedtak?oppfolging=ikke+startet")) == ["1/25"]
    assert _rows(client.get("/vedtak?oppfolging=fullført")) == ["2/25"]
    assert _rows(client.get("/vedtak?oppfolging=forfalt")) == ["1/25"]
    assert _rows(client.get("/vedtak?oppfolging=ingen")) == ["14/25"]
    # Nonsense in the filter is ignored, never an error.
    assert _rows(client.get("/vedtak?ar=abc&oppfolging=x&side=-3")) == ["2/25", "1/25", "14/25"]


def _count_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    return statements, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_pagination_keeps_filters_and_query_count_is_flat(client, world, session):
    few_statements, stop = _count_queries()
    client.get("/vedtak?organ=fagradet")
    stop()
    for n in range(30):
        treatment = _decide(world["approved"], f"Sak nummer {n}", f"Vedtak {n}.")
        add_follow_up(session, treatment, FollowUpInput(responsible=f"Ansvarlig {n}"))
    session.commit()
    statements, stop = _count_queries()
    first = client.get("/vedtak?organ=fagradet")
    stop()
    assert len(statements) == len(few_statements)
    assert len(_rows(first)) == 25
    html = first.get_data(as_text=True)
    assert "side 1 av 2" in text_of(first)
    assert 'href="/vedtak?organ=fagradet&amp;side=2"' in html or "side=2&amp;organ=fagradet" in html
    second = client.get("/vedtak?organ=fagradet&side=2")
    assert len(_rows(second)) == 7
    assert "Forrige side" in text_of(second)


def test_csv_export(client, world, session):
    add_follow_up(
        session,
        world["old"],
        FollowUpInput(status="pågår", responsible="FHI", due_on=date(2025, 12, 31)),
    )
    session.commit()
    response = client.get("/vedtak.csv?ar=2025")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Saksnummer", "Organ", "Møte", "Dato"]
    assert [r[0] for r in rows[1:]] == ["2/25", "1/25", "14/25"]
    old = rows[2]
    assert old[1:7] == [
        "Fagrådet",
        "Møte 1/25",
        "01.10.2025",
        "Forvaltning av kodeverk",
        "Anbefaling",
        "Fagrådet anbefaler modellen.",
    ]
    assert old[7] == "pågår, FHI, frist 31.12.2025"
    assert rows[3][2] == "Ekstern behandling"


def test_xlsx_export(client, world):
    response = client.get("/vedtak.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "Saksnummer" and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width >= 50
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [
        "2/25",
        "1/25",
        "14/25",
    ]
    assert sheet["D3"].value.date() == date(2025, 10, 1)
    assert sheet["B4"].value == "Nasjonalt e-helseråd"


def test_exports_never_hand_a_formula_to_the_spreadsheet(client, world, session):
    """Text that starts like a formula stays text: apostrophe in CSV, string cell in .xlsx."""
    typed = '=HYPERLINK("http://example.com/x";"Klikk")'
    world["old"].decision = typed
    world["orientation"].decision = "-Tatt til orientering."
    session.commit()
    rows = list(
        csv.reader(
            io.StringIO(client.get("/vedtak.csv?ar=2025").data.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    decisions = {r[4]: r[6] for r in rows[1:]}
    assert decisions["Forvaltning av kodeverk"] == "'" + typed
    assert decisions["Orientering om budsjett"] == "'-Tatt til orientering."
    sheet = load_workbook(io.BytesIO(client.get("/vedtak.xlsx?ar=2025").data)).active
    cells = {sheet.cell(r, 5).value: sheet.cell(r, 7) for r in range(2, sheet.max_row + 1)}
    assert cells["Forvaltning av kodeverk"].value == typed  # exactly as typed
    assert cells["Forvaltning av kodeverk"].data_type == "s"  # ... and not a formula
    assert cells["Orientering om budsjett"].data_type == "s"


def test_front_page_lists_overdue_follow_ups(client, world, session):
    due = date.today() - timedelta(days=5)
    world["approved"].days[0].date = due - timedelta(days=30)
    add_follow_up(
        session, world["old"], FollowUpInput(title="Lag plan", responsible="FHI", due_on=due)
    )
    add_follow_up(
        session, world["orientation"], FollowUpInput(title="Ikke forfalt ennå", responsible="FHI")
    )
    session.commit()
    login(client, "sek@example.no")
    response = client.get("/")
    page = text_of(response)
    assert "Forfalte oppfølginger" in page
    assert "Lag plan" in page and "forfalt for 5 dager siden" in page
    assert due.strftime("%d.%m.%Y") in page
    assert "Ikke forfalt ennå" not in page
    assert f'href="/vedtak/{world["old"].id}' in response.get_data(as_text=True)


def test_secretariat_adds_edits_and_deletes_a_follow_up(client, world, session):
    login(client, "sek@example.no")
    org = people.get_or_create_organisation(session, "Folkehelseinstituttet")
    session.commit()
    url = f"/vedtak/{world['old'].id}"
    response = client.post(
        f"{url}/oppfolging",
        data={
            "title": "Utred",
            "status": "pågår",
            "organisation": org.id,
            "person": 0,
            "responsible": "",
            "due_on": "2026-02-01",
            "notes": "Første runde",
        },
    )
    assert response.status_code == 302
    follow_up = session.scalar(select(FollowUp))
    assert follow_up.organisation_id == org.id and follow_up.due_on == date(2026, 2, 1)
    page = text_of(client.get(url))
    assert "Utred" in page and "Ansvarlig: Folkehelseinstituttet" in page
    edit = f"/oppfolging/{follow_up.id}/rediger"
    opened = follow_up.version
    data = {
        "title": "Utred",
        "status": "fullført",
        "organisation": org.id,
        "person": 0,
        "due_on": "2026-02-01",
        "version": opened,
    }
    assert client.post(edit, data=data).status_code == 302
    session.expire_all()
    assert session.get(FollowUp, follow_up.id).closed_at is not None
    # A second save on the version the form was opened with is refused, the text kept.
    stale = client.post(edit, data={**data, "status": "pågår", "title": "Min versjon"})
    assert stale.status_code == 400
    assert "endret av noen andre" in text_of(stale)
    assert 'value="Min versjon"' in stale.get_data(as_text=True)
    session.expire_all()
    assert session.get(FollowUp, follow_up.id).status == "fullført"
    delete = client.post(f"/oppfolging/{follow_up.id}/slett", data={"version": opened})
    assert delete.status_code == 302 and session.scalar(select(FollowUp)) is not None
    current = session.get(FollowUp, follow_up.id).version
    client.post(f"/oppfolging/{follow_up.id}/slett", data={"version": current})
    session.expire_all()
    assert session.scalar(select(FollowUp)) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "pågår", "responsible": ""}, "Oppgi hvem som er ansvarlig"),
        ({"status": "pågår", "responsible": "FHI", "due_on": "31.02.2026"}, "Ikke en gyldig dato"),
        ({"status": "pågår", "responsible": "FHI", "due_on": "2025-01-01"}, "Fristen kan ikke"),
        ({"status": "tull", "responsible": "FHI"}, "Ikke et gyldig valg"),
    ],
)
def test_bad_follow_up_input_gives_400_and_saves_nothing(client, world, session, data, message):
    login(client, "sek@example.no")
    response = client.post(
        f"/vedtak/{world['old'].id}/oppfolging",
        data={"title": "Skrevet av meg", "organisation": 0, "person": 0, **data},
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert 'value="Skrevet av meg"' in response.get_data(as_text=True)
    assert session.scalar(select(FollowUp)) is None


def test_members_may_not_add_follow_ups(client, world, session):
    login(client, "medlem@example.no")
    response = client.post(
        f"/vedtak/{world['old'].id}/oppfolging", data={"status": "pågår", "responsible": "FHI"}
    )
    assert response.status_code == 403
    assert "Legg til oppfølging" not in text_of(client.get(f"/vedtak/{world['old'].id}"))
    assert session.scalar(select(FollowUp)) is None
