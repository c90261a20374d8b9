"""Running and closing a meeting from the pages: attendance, referat, send, approve, correct."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import event, select, text

from govern.extensions import db
from govern.models import Attendance, Case, Meeting, Treatment
from govern.models.minutes import MinutesRevision
from govern.services import accounts
from govern.services.accounts import DEMO_PASSWORD
from govern.services.memberships import MembershipInput, add_membership
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.services.test_exchange import approve_demo_january
from tests.views.test_pages import meeting_id, text_of

PASSWORD = "riktig-passord-123"


def login(client, email: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, text_of(response)


def hidden(response, name: str) -> str:
    """The value of a hidden input on the page."""
    page = response.get_data(as_text=True)
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def selected(response, name: str) -> str | None:
    """The selected option's value of a select on the page, or the checked one of a group of
    radio buttons (the attendance page's quick choices)."""
    page = response.get_data(as_text=True)
    select_html = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>.*?</select>', page, re.S)
    if select_html is None:
        radios = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
        assert radios, f"no select or radio buttons named {name}"
        checked = [re.search(r'value="([^"]*)"', r).group(1) for r in radios if " checked" in r]
        return checked[0] if checked else None
    chosen = re.search(r'<option selected value="([^"]*)"', select_html.group(0))
    return chosen.group(1) if chosen else None


def textarea(response, name: str) -> str:
    page = response.get_data(as_text=True)
    found = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)).strip()


class Council:
    """Fagrådet with members, a secretariat, two meetings and accounts to log in with."""

    def __init__(self, session):
        self.body = body = make_body()
        p = self.people = {
            "lise": make_person("Lise Leder", "Helse Vest RHF"),
            "knut": make_person("Knut Berglund", "Helsedirektoratet"),
            "stine": make_person("Stine Slørdal", "Helse Midt-Norge RHF"),
            "jon": make_person("Jon Gupta", "Helse Sør-Øst RHF"),
            "marthe": make_person("Marthe Dingen", "Helse Midt RHF"),
            "siv": make_person("Siv Ingebrigtsen", "Helsedirektoratet"),
            "tysdahl": make_person("Jon Tysdahl", "Helsedirektoratet"),
            "gunn": make_person("Gunn Gjest", "FHI"),
        }
        add_membership(session, body, p["lise"], MembershipInput("leder"))
        for name in ("knut", "stine", "jon"):
            add_membership(session, body, p[name], MembershipInput("medlem"))
        add_membership(session, body, p["marthe"], MembershipInput("vara"), p["stine"])
        add_membership(session, body, p["siv"], MembershipInput("sekretariat"))
        accounts.create_account(session, p["siv"], "siv@example.no", password=PASSWORD)
        accounts.create_account(session, p["jon"], "jon@example.no", password=PASSWORD)
        accounts.create_account(session, p["tysdahl"], "tysdahl@example.no", password=PASSWORD)
        self.first = make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
        self.case = add_case(
            self.first,
            "Strategisk retning kjernejournal",
            proposed_decision="Fagrådet drøftet saken.",
        ).treatment
        self.eventuelt = add_case(self.first, "Eventuelt", sakstype="Eventuelt").treatment
        self.second = make_meeting(body, date(2026, 4, 29))
        self.approval = add_case(
            self.second,
            "Godkjenning av innkalling og dagsorden, samt godkjenning av referatet",
            sakstype="Godkjenning",
            proposed_decision="Fagrådet godkjenner innkalling, dagsorden og referatet.",
        ).treatment
        self.memo_case = add_case(self.second, "EHDS på legemiddelområdet").treatment
        self.other_case = add_case(self.second, "Pasientoppsummering").treatment
        self.memo_case.case.saksbehandler = "Jon Tysdahl"
        self.memo_case.case.saksbehandler_id = p["tysdahl"].id
        session.commit()

    def id(self, name: str) -> int:
        return self.people[name].id


@pytest.fixture
def council(session) -> Council:
    return Council(session)


def save_minutes(client, t: Treatment, decision: str, inputs: str = "", presentation: str = ""):
    form = client.get(f"/treatments/{t.id}/minutes")
    return client.post(
        f"/treatments/{t.id}/minutes",
        data={
            "version": hidden(form, "version"),
            "presentation": presentation,
            "inputs": inputs,
            "decision": decision,
        },
    )


def mark_held(meeting: Meeting) -> None:
    """The planning pages mark a meeting as held (gjennomført); here it is set directly."""
    meeting = db.session.get(Meeting, meeting.id)
    meeting.status = "gjennomført"
    db.session.commit()


def close_first_meeting(client, c: Council) -> None:
    """Record the vedtak, mark 1/26 as held and send its referat to the members."""
    assert (
        save_minutes(client, c.case, "Fagrådet drøftet saken.", "Innspill om KI").status_code == 302
    )
    mark_held(c.first)
    # No attendance is registered: sending asks first, and says so.
    asked = client.post(f"/meetings/{c.first.id}/minutes/send")
    assert "Oppmøtet er ikke registrert" in text_of(asked)
    sent = client.post(
        f"/meetings/{c.first.id}/minutes/send", data={"confirm": "1"}, follow_redirects=True
    )
    assert "Referatet er sendt til medlemmene" in text_of(sent)


def approve_first_meeting(client, c: Council) -> None:
    """2/26 is held and its Godkjenning vedtak recorded; the secretariat confirms the
    approval of 1/26's minutes on the confirmation page."""
    mark_held(c.second)
    saved = save_minutes(client, c.approval, "Fagrådet godkjenner referatet.")
    assert saved.location.endswith(f"/treatments/{c.approval.id}/approve-minutes")
    done = client.post(f"/treatments/{c.approval.id}/approve-minutes", follow_redirects=True)
    assert "Referatet fra møte 1/26 i Fagrådet er godkjent og låst." in text_of(done)


# -- attendance -----------------------------------------------------------------------------


def attendance_post(
    client, c: Council, rows: list[tuple[str, str, str | None, list[int]]], **extra
):
    page = client.get(f"/meetings/{c.first.id}/attendance")
    data = {"fingerprint": hidden(page, "fingerprint"), **extra}
    for i, (name, status, deputy_for, days) in enumerate(rows):
        data[f"rows-{i}-person_id"] = c.id(name)
        data[f"rows-{i}-status"] = status
        data[f"rows-{i}-deputy_for"] = c.id(deputy_for) if deputy_for else 0
        if days:
            data[f"rows-{i}-days"] = days
    return client.post(f"/meetings/{c.first.id}/attendance", data=data)


def test_attendance_is_saved_and_shown_on_the_meeting_page(client, council):
    c = council
    login(client, "siv@example.no")
    page = text_of(client.get(f"/meetings/{c.first.id}/attendance"))
    assert "Oppmøte – Møte i Fagrådet 1/26" in page
    for name in ("Lise Leder", "Knut Berglund", "Marthe Dingen, Helse Midt RHF vara"):
        assert name in page
    assert "Bare noen dager" in page  # two days: a box per day
    response = attendance_post(
        client,
        c,
        [
            ("lise", "present", None, []),
            ("knut", "absent", None, [1]),
            ("stine", "absent", None, []),
            ("jon", "present", None, []),
            ("marthe", "deputy", "stine", []),
            ("siv", "present", None, []),
        ],
        new_person=c.id("gunn"),
        new_for=c.id("jon"),
        new_days=[2],
    )
    assert response.status_code == 302
    meeting = text_of(client.get(f"/meetings/{c.first.id}"))
    oppmote = meeting[meeting.index("Oppmøte Til stede") : meeting.index("Dag 1 –")]
    assert "Til stede Lise Leder, Helse Vest RHF Knut Berglund, Helsedirektoratet" in oppmote
    assert "Ikke til stede Knut Berglund, Helsedirektoratet – dag 1" in oppmote
    assert "Stine Slørdal, Helse Midt-Norge RHF" in oppmote
    assert "Marthe Dingen, Helse Midt RHF, stiller for Stine Slørdal" in oppmote
    assert "Gunn Gjest, FHI, stiller for Jon Gupta – dag 2" in oppmote
    assert "Sekretariat Siv Ingebrigtsen" in oppmote
    # The non-member now has a row of their own on the attendance page.
    again = client.get(f"/meetings/{c.first.id}/attendance")
    assert "Gunn Gjest, FHI ikke medlem" in text_of(again)
    assert selected(again, "rows-1-status") == "absent"


def test_deputy_without_whom_is_refused_and_the_input_kept(client, council, session):
    c = council
    login(client, "siv@example.no")
    response = attendance_post(
        client,
        c,
        [
            ("knut", "absent", None, [1]),
            ("marthe", "deputy", None, []),
            ("lise", "present", None, []),
        ],
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Oppmøtet er ikke lagret" in page
    assert "Oppgi hvem Marthe Dingen stiller for som stedfortreder" in page
    assert selected(response, "rows-0-status") == "absent"
    assert selected(response, "rows-1-status") == "deputy"
    boxes = re.findall(r'<input[^>]*name="rows-0-days"[^>]*>', response.get_data(as_text=True))
    assert ["checked" in box for box in boxes] == [True, False]
    assert session.scalar(select(Attendance)) is None
    oneself = attendance_post(client, c, [("knut", "deputy", "knut", [])])
    assert "Knut Berglund kan ikke stille for seg selv" in text_of(oneself)


def test_a_vara_comes_preselected_for_the_member_they_stand_in_for(client, council):
    login(client, "siv@example.no")
    page = client.get(f"/meetings/{council.first.id}/attendance")
    rows = re.findall(
        r'name="rows-(\d+)-person_id" type="hidden" value="(\d+)"', page.get_data(as_text=True)
    )
    index = next(i for i, pid in rows if int(pid) == council.id("marthe"))
    assert selected(page, f"rows-{index}-deputy_for") == str(council.id("stine"))
    assert selected(page, f"rows-{index}-status") == ""


def test_attendance_opened_before_someone_else_saved_is_refused(client, council, session):
    c = council
    login(client, "siv@example.no")
    page = client.get(f"/meetings/{c.first.id}/attendance")
    opened = hidden(page, "fingerprint")
    attendance_post(client, c, [("lise", "present", None, [])])
    response = client.post(
        f"/meetings/{c.first.id}/attendance",
        data={"fingerprint": opened, "rows-0-person_id": c.id("knut"), "rows-0-status": "present"},
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Oppmøtet ble endret av noen andre" in page
    assert "Slik er oppmøtet lagret nå: Til stede Lise Leder, Helse Vest RHF" in page
    assert [a.person.name for a in session.scalars(select(Attendance))] == ["Lise Leder"]
    # Having seen what is saved, saving again is deliberate and goes through.
    again = client.post(
        f"/meetings/{c.first.id}/attendance",
        data={
            "fingerprint": hidden(response, "fingerprint"),
            "rows-0-person_id": c.id("knut"),
            "rows-0-status": "present",
        },
    )
    assert again.status_code == 302
    session.expire_all()
    assert [a.person.name for a in session.scalars(select(Attendance))] == ["Knut Berglund"]


# -- the referat, case by case --------------------------------------------------------------


def test_record_innspill_and_vedtak_starting_from_the_forslag(client, council):
    c = council
    login(client, "siv@example.no")
    meeting = text_of(client.get(f"/meetings/{c.first.id}"))
    assert "Før referat" in meeting and "Oppmøte" in meeting
    form = client.get(f"/treatments/{c.case.id}/minutes")
    assert "Referat: sak 1/26 Strategisk retning kjernejournal" in text_of(form)
    assert textarea(form, "decision") == "Fagrådet drøftet saken."
    response = save_minutes(
        client,
        c.case,
        "Fagrådet drøftet saken. Helsedirektoratet tar med seg innspillene.",
        "KI må ha trygge rammer.\n\n  \nKommunene må involveres tidlig.\n",
        "Rune Røren orienterte om kjernejournal.",
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/meetings/{c.first.id}#sak-1-2026")
    page = text_of(client.get(f"/meetings/{c.first.id}"))
    assert "Rune Røren orienterte om kjernejournal." in page
    assert "Innspill: KI må ha trygge rammer. Kommunene må involveres tidlig." in page
    assert "Vedtak: Fagrådet drøftet saken. Helsedirektoratet tar med seg innspillene." in page
    again = client.get(f"/treatments/{c.case.id}/minutes")
    assert textarea(again, "inputs") == "KI må ha trygge rammer.\nKommunene må involveres tidlig."


def test_stale_edit_is_refused_with_the_users_text_shown_back(client, council, session):
    c = council
    login(client, "siv@example.no")
    mine = client.get(f"/treatments/{c.case.id}/minutes")
    # Someone else saves the case after this form was opened.
    assert save_minutes(client, c.case, "Den andres vedtak.").status_code == 302
    response = client.post(
        f"/treatments/{c.case.id}/minutes",
        data={
            "version": hidden(mine, "version"),
            "inputs": "Mitt innspill",
            "decision": "Mitt vedtak.",
        },
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Saken ble endret av noen andre mens du redigerte" in page
    assert "Slik er saken lagret nå:" in page and "Den andres vedtak." in page
    assert textarea(response, "decision") == "Mitt vedtak."
    assert textarea(response, "inputs") == "Mitt innspill"
    session.expire_all()
    assert session.get(Treatment, c.case.id).decision == "Den andres vedtak."
    # The form now carries the saved version: saving again is a deliberate choice.
    assert hidden(response, "version") == str(session.get(Treatment, c.case.id).version)


def test_a_lost_update_caught_by_the_database_is_refused_the_same_way(client, council, session):
    c = council
    login(client, "siv@example.no")
    form = client.get(f"/treatments/{c.case.id}/minutes")
    fired = []

    def someone_else_saves(sess, _context, _instances):
        # Between our version check and our write, another transaction saved the case.
        if not fired and any(isinstance(o, Treatment) for o in sess.dirty):
            fired.append(True)
            sess.connection().execute(
                text("UPDATE treatments SET version = version + 1 WHERE id = :id"),
                {"id": c.case.id},
            )

    event.listen(db.session, "before_flush", someone_else_saves)
    try:
        response = client.post(
            f"/treatments/{c.case.id}/minutes",
            data={"version": hidden(form, "version"), "decision": "Mitt vedtak."},
        )
    finally:
        event.remove(db.session, "before_flush", someone_else_saves)
    assert fired and response.status_code == 409
    assert "Saken ble endret av noen andre" in text_of(response)
    assert textarea(response, "decision") == "Mitt vedtak."
    session.expire_all()
    assert session.get(Treatment, c.case.id).decision == ""


def test_empty_vedtak_is_refused_once_the_meeting_is_held(client, council):
    c = council
    login(client, "siv@example.no")
    mark_held(c.first)
    response = save_minutes(client, c.case, "  ", "Et innspill")
    assert response.status_code == 400
    assert "Vedtak må fylles ut når møtet er gjennomført" in text_of(response)
    assert textarea(response, "inputs") == "Et innspill"
    # Eventuelt may stay empty: "Det kom ingen saker til eventuelt."
    assert save_minutes(client, c.eventuelt, "").status_code == 302
    assert "Det kom ingen saker til eventuelt." in text_of(client.get(f"/meetings/{c.first.id}"))


# -- send, approve, lock, correct -----------------------------------------------------------


def test_sent_minutes_are_read_by_members_but_not_by_visitors(client, council):
    c = council
    login(client, "siv@example.no")
    refused = client.post(f"/meetings/{c.first.id}/minutes/send", follow_redirects=True)
    assert "Referatet kan sendes til medlemmene når møtet er gjennomført" in text_of(refused)
    assert (
        save_minutes(client, c.case, "Fagrådet drøftet saken.", "Innspill om KI").status_code == 302
    )
    client.post("/logout")
    login(client, "jon@example.no")
    draft = text_of(client.get(f"/meetings/{c.first.id}"))
    assert "Innspill om KI" not in draft and "Før referat" not in draft
    client.post("/logout")
    login(client, "siv@example.no")
    close_first_meeting(client, c)
    client.post("/logout")
    login(client, "jon@example.no")
    page = text_of(client.get(f"/meetings/{c.first.id}"))
    assert "Referatet er sendt til medlemmene, ikke godkjent ennå" in page
    assert "Innspill: Innspill om KI" in page and "Vedtak: Fagrådet drøftet saken." in page
    client.post("/logout")
    visitor = text_of(client.get(f"/meetings/{c.first.id}"))
    assert "Strategisk retning kjernejournal" in visitor
    assert "Innspill om KI" not in visitor and "Vedtak:" not in visitor


def test_sending_incomplete_minutes_asks_first_and_says_what_is_missing(client, council, session):
    c = council
    login(client, "siv@example.no")
    mark_held(c.first)
    asked = client.post(f"/meetings/{c.first.id}/minutes/send")
    assert asked.status_code == 200
    page = text_of(asked)
    assert "Send referatet fra Møte i Fagrådet 1/26 til medlemmene" in page
    assert "Oppmøtet er ikke registrert." in page
    assert f"Vedtak mangler i sak {c.case.number}." in page  # Eventuelt needs none
    assert "Send likevel" in page
    session.expire_all()
    assert session.get(Meeting, c.first.id).minutes_status == "utkast"
    sent = client.post(
        f"/meetings/{c.first.id}/minutes/send", data={"confirm": "1"}, follow_redirects=True
    )
    assert "Referatet er sendt til medlemmene." in text_of(sent)
    session.expire_all()
    assert session.get(Meeting, c.first.id).minutes_status == "sendt"


def test_approved_at_the_next_meeting_then_locked(client, council, session):
    c = council
    login(client, "siv@example.no")
    assert save_minutes(client, c.case, "Fagrådet drøftet saken.").status_code == 302
    mark_held(c.first)
    # 2/26 is only called: its Godkjenning vedtak is saved and approves nothing.
    early = save_minutes(client, c.approval, "Fagrådet godkjenner referatet.")
    assert early.status_code == 302 and "approve-minutes" not in early.location
    session.expire_all()
    assert session.get(Meeting, c.first.id).minutes_status == "utkast"
    client.post(f"/meetings/{c.first.id}/minutes/send", data={"confirm": "1"})
    # Marking 2/26 held approves 1/26's minutes: the secretariat confirms what is locked.
    edit = client.get(f"/meetings/{c.second.id}/edit")
    held = {"status": "gjennomført", "version": hidden(edit, "version")}
    confirm = client.post(f"/meetings/{c.second.id}/status", data=held)
    assert confirm.status_code == 200
    text = text_of(confirm)
    assert "Merk Møte i Fagrådet 2/26 som gjennomført" in text
    assert "Referatet fra møte 1/26 i Fagrådet (2 saker, 1 vedtak, oppmøte for 0 personer, " in text
    session.expire_all()
    assert session.get(Meeting, c.second.id).status == "innkalt"  # nothing yet
    done = client.post(f"/meetings/{c.second.id}/status", data=held | {"confirm": "1"})
    assert done.status_code == 302
    flashed = text_of(client.get(done.location))
    assert "Referatet fra møte 1/26 i Fagrådet er godkjent og låst." in flashed
    session.expire_all()
    first = session.get(Meeting, c.first.id)
    assert (first.status, first.minutes_status) == ("referat godkjent", "godkjent")
    assert first.minutes_approved_by_id == c.approval.id and first.minutes_approved_at
    assert session.get(Meeting, c.second.id).status == "gjennomført"
    page = text_of(client.get(f"/meetings/{c.first.id}"))
    assert "referat godkjent" in page and "Rettelser" in page
    # The locked referat page shows no form, and a post from an older tab is refused.
    shown = client.get(f"/treatments/{c.case.id}/minutes")
    assert "<textarea" not in shown.get_data(as_text=True)
    assert "Referatet er godkjent og låst. Rettelser føres som en ny revisjon." in text_of(shown)
    locked = client.post(
        f"/treatments/{c.case.id}/minutes",
        data={"version": c.case.version, "decision": "Endret i ettertid."},
    )
    assert locked.status_code == 409
    assert "Endringene dine er ikke lagret" in text_of(locked)
    session.expire_all()
    assert session.get(Treatment, c.case.id).decision == "Fagrådet drøftet saken."
    client.post("/logout")
    assert "Vedtak: Fagrådet drøftet saken." in text_of(client.get(f"/meetings/{c.first.id}"))


def test_approve_button_only_on_held_meetings(client, council, session):
    c = council
    login(client, "siv@example.no")
    second = text_of(client.get(f"/meetings/{c.second.id}"))
    assert "Godkjenn referatet fra forrige møte" not in second  # 2/26 is not held
    close_first_meeting(client, c)
    refused = client.post(f"/treatments/{c.approval.id}/approve-minutes", follow_redirects=True)
    assert "Møte 2/26 har status «innkalt»" in text_of(refused)
    session.expire_all()
    assert session.get(Meeting, c.first.id).minutes_status == "sendt"
    mark_held(c.second)
    second = text_of(client.get(f"/meetings/{c.second.id}"))
    assert second.count("Godkjenn referatet fra forrige møte") == 1
    wrong = client.post(f"/treatments/{c.memo_case.id}/approve-minutes", follow_redirects=True)
    assert "godkjenningssaken" in text_of(wrong)
    no_vedtak = text_of(client.get(f"/treatments/{c.approval.id}/approve-minutes"))
    assert f"Vedtaket i sak {c.approval.number} (godkjenningssaken) er ikke ført ennå." in no_vedtak
    approve_first_meeting(client, c)
    session.expire_all()
    assert session.get(Meeting, c.first.id).minutes_status == "godkjent"
    nothing = client.post(f"/treatments/{c.approval.id}/approve-minutes", follow_redirects=True)
    assert "har ikke noe tidligere referat som venter på godkjenning" in text_of(nothing)


def test_correction_creates_revision_2_with_reason_and_changes(client, council, session):
    c = council
    login(client, "siv@example.no")
    close_first_meeting(client, c)
    approve_first_meeting(client, c)
    page = client.get(f"/meetings/{c.first.id}/minutes/corrections?sak={c.case.id}")
    assert "Rett sak 1/26 Strategisk retning kjernejournal" in text_of(page)
    assert textarea(page, "decision") == "Fagrådet drøftet saken."
    data = {
        "treatment_id": c.case.id,
        "version": hidden(page, "version"),
        "decision": "Fagrådet anbefaler saken.",
        "inputs": "Innspill om KI",
    }
    missing = client.post(f"/meetings/{c.first.id}/minutes/corrections", data=data)
    assert missing.status_code == 400 and "Skriv hvorfor referatet rettes" in text_of(missing)
    data["reason"] = "Vedtaket var feil gjengitt"
    done = client.post(f"/meetings/{c.first.id}/minutes/corrections", data=data)
    assert done.status_code == 302
    shown = text_of(client.get(done.location))
    assert "Rettet i revisjon 2: Vedtaket var feil gjengitt" in shown
    assert "1/26 Vedtak Fagrådet drøftet saken. Fagrådet anbefaler saken." in shown
    revision = session.scalar(select(MinutesRevision))
    assert revision.number == 2 and revision.reason == "Vedtaket var feil gjengitt"
    assert revision.user.person.name == "Siv Ingebrigtsen"
    assert revision.changes == [
        {
            "treatment": "1/26",
            "field": "decision",
            "before": "Fagrådet drøftet saken.",
            "after": "Fagrådet anbefaler saken.",
        }
    ]
    assert "Vedtak: Fagrådet anbefaler saken." in text_of(client.get(f"/meetings/{c.first.id}"))


def test_corrections_of_minutes_not_approved_are_refused(client, council):
    login(client, "siv@example.no")
    page = text_of(client.get(f"/meetings/{council.first.id}/minutes/corrections"))
    assert "Referatet er ikke godkjent ennå" in page and "Rett sak" not in page


@pytest.fixture
def demo(demo_with_accounts):
    """The demo with its accounts."""


def test_demo_january_minutes_corrected_and_attendance_prefilled(client, demo, session):
    login(client, "sekretariat@example.no", DEMO_PASSWORD)
    mid = meeting_id(session, "fagradet", "1/26")
    form = client.get(f"/meetings/{mid}/attendance")
    names = dict(
        re.findall(
            r'name="rows-(\d+)-person_id" type="hidden" value="(\d+)"', form.get_data(as_text=True)
        )
    )
    statuses = {int(pid): selected(form, f"rows-{i}-status") for i, pid in names.items()}
    marthe = session.scalar(
        select(Attendance.person_id).where(
            Attendance.meeting_id == mid, Attendance.status == "deputy"
        )
    )
    assert statuses[marthe] == "deputy"
    approve_demo_january(session)
    t = session.scalar(select(Treatment).where(Treatment.meeting_id == mid, Treatment.seq == 3))
    page = client.get(f"/meetings/{mid}/minutes/corrections?sak={t.id}")
    response = client.post(
        f"/meetings/{mid}/minutes/corrections",
        data={
            "treatment_id": t.id,
            "version": hidden(page, "version"),
            "decision": t.decision + " Saken kommer tilbake til Fagrådet.",
            "inputs": textarea(page, "inputs"),
            "presentation": textarea(page, "presentation"),
            "reason": "Oppfølging var utelatt",
        },
    )
    assert response.status_code == 302, text_of(response)
    revision = session.scalar(select(MinutesRevision).where(MinutesRevision.meeting_id == mid))
    assert revision.number == 2 and [ch["field"] for ch in revision.changes] == ["decision"]
    assert revision.changes[0]["treatment"] == "3/26"


# -- the memo and who may do what -----------------------------------------------------------


def test_saksbehandler_edits_the_memo_of_their_case_only(client, council, session):
    c = council
    login(client, "tysdahl@example.no")
    meeting = text_of(client.get(f"/meetings/{c.second.id}"))
    assert meeting.count("Rediger toppnotat") == 1 and "Før referat" not in meeting
    form = client.get(f"/treatments/{c.memo_case.id}/memo")
    assert form.status_code == 200
    assert f"Toppnotat: sak {c.memo_case.number} EHDS på legemiddelområdet" in text_of(form)
    saved = client.post(
        f"/treatments/{c.memo_case.id}/memo",
        data={
            "version": hidden(form, "version"),
            "summary": "Helsedirektoratet gir en status for EHDS.",
            "proposed_decision": "Helsedirektoratet tar med seg innspill.",
        },
    )
    assert saved.status_code == 302
    page = text_of(client.get(f"/meetings/{c.second.id}"))
    assert "Helsedirektoratet gir en status for EHDS." in page
    assert "Forslag til vedtak: Helsedirektoratet tar med seg innspill." in page
    stale = client.post(
        f"/treatments/{c.memo_case.id}/memo",
        data={"version": hidden(form, "version"), "summary": "Min eldre tekst"},
    )
    assert stale.status_code == 409 and textarea(stale, "summary") == "Min eldre tekst"
    assert client.get(f"/treatments/{c.other_case.id}/memo").status_code == 403
    assert client.post(f"/treatments/{c.other_case.id}/memo", data={}).status_code == 403
    assert client.get(f"/treatments/{c.memo_case.id}/minutes").status_code == 403
    session.expire_all()
    assert session.get(Case, c.memo_case.case_id).saksbehandler_id == c.id("tysdahl")


def test_members_and_visitors_may_not_run_the_meeting(client, council):
    c = council
    urls = [
        ("get", f"/meetings/{c.first.id}/attendance"),
        ("post", f"/meetings/{c.first.id}/attendance"),
        ("get", f"/treatments/{c.case.id}/minutes"),
        ("post", f"/treatments/{c.case.id}/minutes"),
        ("post", f"/meetings/{c.first.id}/minutes/send"),
        ("post", f"/treatments/{c.approval.id}/approve-minutes"),
        ("get", f"/meetings/{c.first.id}/minutes/corrections"),
        ("get", f"/treatments/{c.memo_case.id}/memo"),
        ("post", f"/treatments/{c.memo_case.id}/memo"),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.location, url
    login(client, "jon@example.no")
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    page = text_of(client.get(f"/meetings/{c.second.id}"))
    assert "Rediger toppnotat" not in page and "Oppmøte" not in page


def test_unknown_treatment_or_meeting_is_404(client, council):
    login(client, "siv@example.no")
    assert client.get("/treatments/9999/minutes").status_code == 404
    assert client.get("/meetings/9999/attendance").status_code == 404
    assert (
        client.get(f"/meetings/{council.first.id}/minutes/corrections?sak=9999").status_code == 404
    )
