"""Approved minutes lock everything they report: every write route on that meeting, on the web
and in the API, is refused and changes nothing; the correction flow still works."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.models.base import Base
from govern.models.meetings import Meeting
from govern.models.minutes import MinutesRevision
from govern.services import agenda, attendance, meeting_status, minutes, minutes_locking
from govern.services.attachments import UploadInput, add_attachment
from govern.services.attendance import AttendanceRow
from govern.services.memberships import MembershipInput, add_membership
from govern.views.agenda import ADD_FORMS
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.views.test_body_admin import login
from tests.views.test_pages import text_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: Route arguments that name the approved meeting or something in it.
MEETING_IDS = {"meeting_id", "treatment_id", "item_id", "attachment_id"}
#: Writes that stay open after approval, on purpose: the correction flow (a new revision with
#: a reason) and the follow-up of a vedtak (oppfølging), which is not part of the minutes.
OPEN_AFTER_APPROVAL = {
    "minutes.corrections",
    "minutes.correct_attendance",
    "register.add_follow_up",
    "api.create_follow_up",
    # Records an archive package of the approved minutes; changes nothing of the record.
    "archive.make_package",
}


class Locked:
    """Fagrådet's 1/26 with the whole record (attendance, innspill, vedtak, a presenter, a
    sub-point, an attachment), approved under 2/26's Godkjenning item."""

    def __init__(self, app, session, tmp_path):
        self.body = body = make_body()
        self.lise = make_person("Lise Leder", "Helse Vest RHF")
        self.knut = make_person("Knut Berglund", "Helsedirektoratet")
        add_membership(session, body, self.lise, MembershipInput("leder"))
        add_membership(session, body, self.knut, MembershipInput("medlem"))
        session.commit()
        self.token = bearer(
            user_with_token(
                session, "Siv Ingebrigtsen", "siv@example.no", body=body, role="sekretariat"
            )
        )
        first = make_meeting(body, date(2026, 1, 21), date(2026, 1, 22))
        self.case = add_case(
            first, "Strategisk retning", presenter="Per Hansen, Helsedirektoratet"
        ).treatment
        agenda.add_agenda_entry(
            session, first, agenda.EntryInput(kind="point", title="Underpunkt", day=1)
        )
        app.instance_path = str(tmp_path)
        add_attachment(
            session,
            first,
            UploadInput(filename="notat.pdf", content=PDF, title="Notat"),
            tmp_path / "uploads",
        )
        attendance.set_attendance(
            session,
            None,
            first,
            [
                AttendanceRow(self.lise.id, "present"),
                AttendanceRow(self.knut.id, "present", days=(1,)),
            ],
        )
        minutes.record_minutes(
            session,
            None,
            self.case,
            minutes.MinutesInput(self.case.version, "Per orienterte.", ("Innspill",), "Vedtatt."),
        )
        first.status = "gjennomført"
        minutes_locking.send_minutes(session, None, first)
        second = make_meeting(body, date(2026, 4, 29))
        self.approval = add_case(second, "Godkjenning", sakstype="Godkjenning").treatment
        minutes.record_minutes(
            session, None, self.approval, minutes.MinutesInput(1, decision="Godkjent.")
        )
        approved = meeting_status.change_status(
            session, second, "gjennomført", second.version, confirmed=True
        )
        assert approved == [first]
        session.commit()
        self.meeting_id = first.id

    @property
    def meeting(self) -> Meeting:
        return db.session.get(Meeting, self.meeting_id)


@pytest.fixture
def locked(app, session, tmp_path):
    return Locked(app, session, tmp_path)


def snapshot(session, meeting_id: int) -> dict[str, list[tuple]]:
    """Every row that belongs to the meeting: its own, and those of its treatments (innspill,
    memos), attachments, attendance, agenda, revisions …, as plain tuples."""
    session.expire_all()
    treatments = Base.metadata.tables["treatments"]
    ids = list(
        session.scalars(select(treatments.c.id).where(treatments.c.meeting_id == meeting_id))
    )
    out = {}
    for name, table in Base.metadata.tables.items():
        if name == "meetings":
            where = table.c.id == meeting_id
        elif "meeting_id" in table.c:
            where = table.c.meeting_id == meeting_id
        elif "treatment_id" in table.c:
            where = table.c.treatment_id.in_(ids)
        else:
            continue
        out[name] = sorted(
            (tuple(r) for r in session.execute(select(table).where(where))), key=repr
        )
    memos, sections = Base.metadata.tables["memos"], Base.metadata.tables["memo_sections"]
    memo_ids = select(memos.c.id).where(memos.c.treatment_id.in_(ids))
    out["memo_sections"] = sorted(
        (
            tuple(r)
            for r in session.execute(select(sections).where(sections.c.memo_id.in_(memo_ids)))
        ),
        key=repr,
    )
    return out


def _targets(locked: Locked) -> dict[str, list]:
    meeting = locked.meeting
    return {
        "meeting_id": [meeting.id],
        "treatment_id": [i.treatment_id for i in meeting.items if i.treatment_id],
        "item_id": [i.id for i in meeting.items],
        "attachment_id": [a.id for a in meeting.attachments],
        "what": list(ADD_FORMS),
    }


def _write_routes(app):
    """(endpoint, rule, methods) of every write route that takes an id of the meeting."""
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods & {"POST", "PUT", "DELETE"})
        ids = rule.arguments & MEETING_IDS
        if not methods or not ids or rule.arguments - MEETING_IDS - {"what"}:
            continue
        if rule.endpoint not in OPEN_AFTER_APPROVAL:
            yield rule, methods


def _payload(locked: Locked) -> dict:
    """What a form or a JSON body would carry to change the record, with current versions."""
    meeting = locked.meeting
    case = db.session.get(type(locked.case), locked.case.id)
    return {
        "version": case.version,
        "item_version": case.agenda_item.version,
        "treatment_version": case.version,
        "meeting_version": meeting.version,
        "fingerprint": attendance.fingerprint(meeting),
        "status": "gjennomført",
        "confirm": "1",
        "decision": "Endret etter godkjenningen.",
        "presentation": "Endret.",
        "inputs": "Nytt innspill",
        "title": "Endret tittel",
        "summary": "Endret.",
        "proposed_decision": "Endret.",
        "presenter": "Noen andre",
        "location": "Et annet sted",
        "sakstype": "Drøfting",
        "day": "1",
        "duration_minutes": "30",
        "direction": "up",
        "postponed": "y",
        "rows-0-person_id": str(locked.lise.id),
        "rows-0-status": "absent",
        "rows-1-person_id": str(locked.knut.id),
        "rows-1-status": "present",
    }


def _json(locked: Locked, payload: dict) -> dict:
    return payload | {
        "input": ["Nytt innspill"],
        "days": [{"date": "2026-01-21", "start": "10:00", "end": "16:00"}],
        "rows": [{"person_id": locked.lise.id, "status": "absent"}],
        "day": 1,
        "duration_minutes": 30,
        "approve_minutes": True,
        "minutes_postponed": True,
    }


def test_every_write_route_on_the_approved_meeting_is_refused(app, client, session, locked):
    before = snapshot(session, locked.meeting_id)
    assert before["attendance"] and before["attachments"] and before["treatment_inputs"]
    login(client, "siv@example.no")
    targets = _targets(locked)
    tried, failures = [], []
    for rule, methods in _write_routes(app):
        combos = [{}]
        for name in sorted(rule.arguments):
            combos = [c | {name: v} for c in combos for v in targets[name]]
        for values in combos:
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **values)
            for method in methods:
                payload = _payload(locked)
                if url.startswith("/api/"):
                    response = client.open(
                        url, method=method, json=_json(locked, payload), headers=locked.token
                    )
                else:
                    response = client.open(url, method=method, data=payload)
                tried.append(f"{method} {url}")
                if response.status_code >= 500:
                    failures.append(f"{method} {url}: {response.status_code}")
                after = snapshot(session, locked.meeting_id)
                if after != before:
                    changed = [t for t in before if before[t] != after[t]]
                    failures.append(f"{method} {url} changed {changed}")
                    before = after
    assert failures == []
    endpoints = {t.split()[1].split("/")[1] for t in tried}
    assert {"meetings", "treatments", "agenda-items", "attachments", "api"} <= endpoints
    assert len(tried) > 30


def test_the_record_routes_answer_409_with_a_norwegian_reason(client, session, locked):
    login(client, "siv@example.no")
    meeting = locked.meeting
    fp = attendance.fingerprint(meeting)
    web = client.post(
        f"/meetings/{meeting.id}/attendance",
        data={
            "fingerprint": fp,
            "rows-0-person_id": locked.lise.id,
            "rows-0-status": "absent",
            "rows-1-person_id": locked.knut.id,
            "rows-1-status": "present",
        },
    )
    assert web.status_code == 409
    assert "Referatet er godkjent og låst; oppmøtet kan ikke endres" in text_of(web)
    api = client.put(
        f"/api/v1/meetings/{meeting.id}/attendance",
        json={"rows": [{"person_id": locked.lise.id, "status": "absent"}], "fingerprint": fp},
        headers=locked.token,
    )
    problem = assert_problem(api, 409)
    assert (
        "Referatet fra møte 1/26 er godkjent og låst; oppmøtet kan ikke endres" in problem["detail"]
    )
    case = db.session.get(type(locked.case), locked.case.id)
    decision = client.put(
        f"/api/v1/treatments/{case.id}/decision",
        json={"version": case.version, "decision": "Endret."},
        headers=locked.token,
    )
    assert "godkjent og låst" in assert_problem(decision, 409)["detail"]
    text = client.put(
        f"/api/v1/treatments/{case.id}",
        json={
            "version": case.version,
            "title": "Ny tittel",
            "sakstype": "Drøfting",
            "presenter": "Noen andre",
        },
        headers=locked.token,
    )
    assert "kan ikke lenger endres" in assert_problem(text, 409)["detail"]
    session.expire_all()
    assert [(a.person_id, a.status) for a in locked.meeting.attendance] == [
        (locked.lise.id, "present"),
        (locked.knut.id, "present"),
    ]


def test_locked_pages_show_no_edit_forms(client, session, locked):
    login(client, "siv@example.no")
    meeting = locked.meeting
    # "Til stede, bare dag 1" reads as the seed's referat writes a partial absence.
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Ikke til stede Knut Berglund, Helsedirektoratet – dag 2" in page
    pages = {
        f"/meetings/{meeting.id}/attendance": "oppmøtet kan ikke endres",
        f"/treatments/{locked.case.id}/minutes": "Referatet er godkjent og låst",
        f"/meetings/{meeting.id}/agenda": "dagsordenen kan ikke lenger endres",
        f"/meetings/{meeting.id}/attachments": "vedleggene endres ikke",
        f"/agenda-items/{locked.case.agenda_item.id}/edit": "dagsordenen kan ikke lenger endres",
        f"/meetings/{meeting.id}/edit": "møtet kan ikke lenger endres",
        f"/treatments/{locked.case.id}/memo": "toppnotatet kan ikke lenger endres",
    }
    for url, notice in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert notice in text_of(response), url
        body = response.get_data(as_text=True)
        forms = re.findall(r"<form[^>]*>", body)
        edits = [f for f in forms if 'method="post"' in f and 'action="/logout"' not in f]
        assert edits == [], f"{url} has an edit form"


def test_attendance_is_corrected_as_a_new_revision(client, session, locked):
    login(client, "siv@example.no")
    meeting = locked.meeting
    page = client.get(f"/meetings/{meeting.id}/minutes/corrections/attendance")
    assert "Rett oppmøtet" in text_of(page)
    data = {
        "fingerprint": attendance.fingerprint(meeting),
        "rows-0-person_id": locked.lise.id,
        "rows-0-status": "present",
        "rows-1-person_id": locked.knut.id,
        "rows-1-status": "absent",
        "rows-1-days": "2",
    }
    missing = client.post(f"/meetings/{meeting.id}/minutes/corrections/attendance", data=data)
    assert missing.status_code == 400 and "Skriv hvorfor oppmøtet rettes" in text_of(missing)
    data["reason"] = "Berglund var borte dag 2"
    done = client.post(f"/meetings/{meeting.id}/minutes/corrections/attendance", data=data)
    assert done.status_code == 302, text_of(done)
    revision = session.scalar(select(MinutesRevision))
    assert revision.number == 2 and revision.reason == "Berglund var borte dag 2"
    assert revision.changes == [
        {
            "field": "attendance",
            "person": "Knut Berglund",
            "before": "til stede – dag 1",
            "after": "ikke til stede – dag 2",
        }
    ]
    shown = text_of(client.get(f"/meetings/{meeting.id}"))
    assert "Rettet i revisjon 2: Berglund var borte dag 2 (oppmøte)" in shown
    corrections = text_of(client.get(f"/meetings/{meeting.id}/minutes/corrections"))
    assert "Oppmøte" in corrections and "ikke til stede – dag 2" in corrections
    # The case texts are corrected as before.
    case = db.session.get(type(locked.case), locked.case.id)
    form = client.post(
        f"/meetings/{meeting.id}/minutes/corrections",
        data={
            "treatment_id": case.id,
            "version": case.version,
            "decision": "Vedtatt med endring.",
            "inputs": "Innspill",
            "presentation": "Per orienterte.",
            "reason": "Vedtaket var feil gjengitt",
        },
    )
    assert form.status_code == 302
    assert [r.number for r in session.scalars(select(MinutesRevision))] == [2, 3]
