"""Every route × every role: the status each role gets.

The walk covers the whole URL map, so a new route without an expectation here fails the
test. GET is tried for every role. For POST, the roles that may not act are tried (the
roles that may are exercised by the feature tests): they must get 302 to /login or 403,
never a change.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govern.models import (
    Attachment,
    Body,
    Case,
    ExemptionBasis,
    Meeting,
    Membership,
    Treatment,
    User,
)
from govern.services import accounts
from govern.services.attachments import UploadInput, add_attachment
from tests.conftest import make_meeting

ROLES = ("anonymous", "outsider", "medlem", "saksbehandler", "sekretariat", "admin")
EMAILS = {
    "outsider": "ingrid@example.no",
    "medlem": "medlem@example.no",
    "saksbehandler": "saksbehandler@example.no",
    "sekretariat": "sekretariat@example.no",
    "admin": "admin@example.no",
}


def statuses(anonymous, outsider, medlem, saksbehandler, sekretariat, admin) -> dict:
    return dict(
        zip(ROLES, (anonymous, outsider, medlem, saksbehandler, sekretariat, admin), strict=True)
    )


PUBLIC = statuses(200, 200, 200, 200, 200, 200)
REDIRECT = statuses(302, 302, 302, 302, 302, 302)
SECRETARIAT = statuses(302, 403, 403, 403, 200, 200)
ADMIN = statuses(302, 403, 403, 403, 403, 200)
MEMO = statuses(302, 403, 403, 200, 200, 200)
DRAFT = statuses(404, 404, 404, 404, 200, 200)
LOGGED_IN = statuses(302, 200, 200, 200, 200, 200)
#: The body's own members (product area and change requests of an endringsråd).
MEMBERS = statuses(302, 403, 200, 403, 200, 200)
#: An answer link signed for something else (the world's token is a password link).
BAD_LINK = statuses(400, 400, 400, 400, 400, 400)

#: endpoint -> (expected GET statuses or None for POST-only, POST refused for these roles)
EXPECTED = {
    "bodies.index": (statuses(302, 302, 302, 302, 200, 200), None),
    "bodies.list_bodies": (PUBLIC, None),
    "mine.my_meetings_page": (LOGGED_IN, None),
    # Members and secretariat of the body, and case owners, submit cases (the outsider is
    # a member of another body); the file of the medlem's submission is theirs and the
    # secretariat's only, never public (404 to everybody else).
    "submissions.submit": (statuses(302, 403, 200, 200, 200, 200),) * 2,
    "submissions.intake": (SECRETARIAT, None),
    "submissions.accept": (None, SECRETARIAT),
    "submissions.decline": (None, SECRETARIAT),
    "submissions.download_file": (statuses(404, 404, 200, 404, 200, 200), None),
    "bodies.view_body": (PUBLIC, None),
    "cases.view_case": (PUBLIC, None),
    "cases.find_earlier": (SECRETARIAT, None),
    "cases.link_case": (None, SECRETARIAT),
    "cases.unlink_case": (None, SECRETARIAT),
    "cases.add_external": (SECRETARIAT, SECRETARIAT),
    "cases.edit_external": (SECRETARIAT, SECRETARIAT),
    "cases.delete_external": (None, SECRETARIAT),
    "meetings.view_meeting": (PUBLIC, None),
    "documents.innkalling": (PUBLIC, None),
    "documents.meeting_pack": (PUBLIC, None),
    "documents.toppnotat": (PUBLIC, None),
    # Møte 2/26 has not been held: its referat is a draft only the secretariat sees.
    "documents.referat": (SECRETARIAT, None),
    # No package is made of the test meeting (its minutes are not approved): 404 for those
    # who may have one; tests/views/test_archive.py downloads one.
    "archive.package_zip": (statuses(302, 403, 403, 403, 404, 404), None),
    "archive.make_package": (None, SECRETARIAT),
    "archive.einnsyn_json": (SECRETARIAT, None),
    "api.index": (PUBLIC, None),
    "api.list_bodies": (PUBLIC, None),
    "api.get_body": (PUBLIC, None),
    "api.list_body_meetings": (PUBLIC, None),
    "api.get_case": (PUBLIC, None),
    "api.get_meeting": (PUBLIC, None),
    "api.get_einnsyn": (PUBLIC, None),
    "api.list_people": (PUBLIC, None),
    "api.get_person": (PUBLIC, None),
    "api.list_cases": (PUBLIC, None),
    "api.list_memberships": (PUBLIC, None),
    "api.get_membership": (PUBLIC, None),
    "api.openapi_document": (PUBLIC, None),
    "api.docs_page": (PUBLIC, None),
    # API writes need a Bearer token (401 problem+json without); tests/api checks them.
    "api.create_body": (None, None),
    "api.update_body": (None, None),
    "api.create_person": (None, None),
    "api.update_person": (None, None),
    "api.create_membership": (None, None),
    "api.update_membership": (None, None),
    "api.end_membership": (None, None),
    "api.create_case": (None, None),
    "api.update_case": (None, None),
    "api.create_external_treatment": (None, None),
    "api.update_external_treatment": (None, None),
    "api.delete_external_treatment": (None, None),
    "api.list_meetings": (PUBLIC, None),
    "api.list_agenda": (PUBLIC, None),
    "api.get_attendance": (PUBLIC, None),
    "api.list_treatments": (PUBLIC, None),
    "api.get_treatment": (PUBLIC, None),
    "api.list_decisions": (PUBLIC, None),
    "api.list_follow_ups": (PUBLIC, None),
    # The follow-up is of a decision in Møte 2/26's draft referat: the secretariat's only.
    "api.get_follow_up": (DRAFT, None),
    "api.create_meeting": (None, None),
    "api.update_meeting": (None, None),
    "api.change_meeting_status": (None, None),
    "api.delete_meeting": (None, None),
    "api.add_case_to_agenda": (None, None),
    "api.add_entry_to_agenda": (None, None),
    "api.update_agenda_item": (None, None),
    "api.move_agenda_item": (None, None),
    "api.remove_agenda_item": (None, None),
    "api.set_attendance": (None, None),
    "api.update_treatment": (None, None),
    "api.set_decision": (None, None),
    "api.create_follow_up": (None, None),
    "api.update_follow_up": (None, None),
    "api.delete_follow_up": (None, None),
    "auth.login": (PUBLIC, None),
    # For load balancers and monitoring (the test client comes from 127.0.0.1, which may
    # read the metrics).
    "health.healthz": (PUBLIC, None),
    "health.favicon": (PUBLIC, None),
    "health.readyz": (PUBLIC, None),
    "health.metrics_page": (PUBLIC, None),
    "auth.logout": (None, None),
    "auth.set_password": (PUBLIC, None),
    "auth.change_password": (LOGGED_IN, LOGGED_IN),
    "admin.list_accounts": (ADMIN, None),
    "admin.new_account": (ADMIN, ADMIN),
    "admin.reset_link": (None, ADMIN),
    "admin.toggle_active": (None, ADMIN),
    "body_admin.new_body": (ADMIN, ADMIN),
    "body_admin.edit_body": (SECRETARIAT, SECRETARIAT),
    "body_admin.members": (SECRETARIAT, SECRETARIAT),
    "body_admin.edit_membership": (SECRETARIAT, SECRETARIAT),
    "body_admin.end_membership": (None, SECRETARIAT),
    "body_admin.audit_log": (SECRETARIAT, None),
    "meetings.new_meeting": (SECRETARIAT, SECRETARIAT),
    "meetings.edit_meeting": (SECRETARIAT, SECRETARIAT),
    "meetings.change_status": (None, SECRETARIAT),
    "meetings.confirm_innkalling": (SECRETARIAT, None),
    "agenda.edit_agenda": (SECRETARIAT, None),
    "agenda.add_to_agenda": (None, SECRETARIAT),
    "agenda.edit_item": (SECRETARIAT, SECRETARIAT),
    "agenda.move_item": (None, SECRETARIAT),
    "agenda.remove_item": (None, SECRETARIAT),
    "attachments.meeting_attachments": (SECRETARIAT, SECRETARIAT),
    "attachments.attach_file": (None, SECRETARIAT),
    "attachments.delete_attachment": (None, SECRETARIAT),
    "attachments.download_attachment": (PUBLIC, None),
    "openness.case_access": (SECRETARIAT, SECRETARIAT),
    # Habilitet: the body's members declare, the secretariat decides and records.
    "recusals.treatment_recusals": (MEMBERS, None),
    "recusals.declare": (None, MEMBERS),
    "recusals.record": (None, SECRETARIAT),
    "recusals.decide": (None, SECRETARIAT),
    "recusals.withdraw": (None, SECRETARIAT),
    # Comments on draft minutes: 2/26's minutes are a draft, only the secretariat reads them;
    # the comment answered is on 1/26's minutes (sent), which the medlem reads.
    "minutes_comments.comments": (SECRETARIAT, None),
    "minutes_comments.add_comment": (None, SECRETARIAT),
    "minutes_comments.answer": (None, SECRETARIAT),
    "minutes_comments.send_final": (None, SECRETARIAT),
    "openness.bases": (ADMIN, ADMIN),
    "openness.change_basis": (None, ADMIN),
    "minutes.meeting_attendance": (SECRETARIAT, SECRETARIAT),
    # A member's own forfall; the secretariat calls in another vara; the e-mail's answer
    # links need no login (tests/views/test_forfall.py answers with real ones).
    "forfall.report": (MEMBERS, MEMBERS),
    "forfall.withdraw": (None, MEMBERS),
    "forfall.answer_in_person": (None, MEMBERS),
    "forfall.choose_vara": (None, SECRETARIAT),
    "forfall.answer": (BAD_LINK, None),
    "minutes.treatment_minutes": (SECRETARIAT, SECRETARIAT),
    "minutes_meeting.meeting_minutes": (SECRETARIAT, SECRETARIAT),
    "minutes_sending.confirm_send": (SECRETARIAT, None),
    "minutes_sending.send_minutes": (None, SECRETARIAT),
    "minutes_sending.confirm_final": (SECRETARIAT, None),
    "minutes.approve_minutes": (None, SECRETARIAT),
    "minutes.corrections": (SECRETARIAT, SECRETARIAT),
    "minutes.correct_attendance": (SECRETARIAT, SECRETARIAT),
    "memos.edit_memo": (MEMO, MEMO),
    "memos.upload_memo": (None, MEMO),
    "memos.remove_memo_upload": (None, MEMO),
    "calendar.meeting_ics": (PUBLIC, None),
    "calendar.body_feed": (PUBLIC, None),
    # The token is the key: whoever holds it gets the feed, logged in or not.
    "calendar.person_feed": (PUBLIC, None),
    "calendar.profile": (LOGGED_IN, None),
    "calendar.choose_language": (None, LOGGED_IN),
    # The language switch at the foot of every page: back to the page, for everyone.
    "language.choose": (REDIRECT, None),
    "calendar.new_feed_token": (None, LOGGED_IN),
    "calendar.new_api_token": (None, LOGGED_IN),
    "calendar.revoke_api_token": (None, LOGGED_IN),
    "cycles.body_wheel": (PUBLIC, None),
    "cycles.body_wheel_docx": (PUBLIC, None),
    "cycles.shared_cycles": (PUBLIC, None),
    "cycles.shared_wheel": (PUBLIC, None),
    "cycles.shared_wheel_docx": (PUBLIC, None),
    "cycles.mark_done": (None, SECRETARIAT),
    "cycles.undo_done": (None, SECRETARIAT),
    "rollover.plan_year": (SECRETARIAT, SECRETARIAT),
    "cycle_admin.new_body_cycle": (SECRETARIAT, SECRETARIAT),
    # A shared cycle is kept by anyone in a secretariat.
    "cycle_admin.new_shared_cycle": (SECRETARIAT, SECRETARIAT),
    "cycle_admin.edit_cycle": (SECRETARIAT, None),
    "cycle_admin.new_entry": (SECRETARIAT, SECRETARIAT),
    "cycle_admin.edit_entry": (SECRETARIAT, SECRETARIAT),
    "cycle_admin.delete_entry": (None, SECRETARIAT),
    "register.index": (PUBLIC, None),
    "register.export_csv": (PUBLIC, None),
    "register.export_xlsx": (PUBLIC, None),
    "search.index": (PUBLIC, None),
    # Møte 2/26's referat is a draft: its decisions are for the secretariat only.
    "register.decision": (SECRETARIAT, None),
    "register.add_follow_up": (None, SECRETARIAT),
    "register.edit_follow_up": (SECRETARIAT, SECRETARIAT),
    "register.delete_follow_up": (None, SECRETARIAT),
    "priorities.body_rounds": (PUBLIC, SECRETARIAT),
    "priorities.view_round": (PUBLIC, None),
    "priorities.round_docx": (PUBLIC, None),
    "priorities.score_template_file": (PUBLIC, None),
    "priorities.attach_result": (None, SECRETARIAT),
    "priorities.use_as_decision": (None, SECRETARIAT),
    "priorities.set_status": (None, SECRETARIAT),
    "priorities.edit_measure": (SECRETARIAT, SECRETARIAT),
    "priorities.enter_scores": (SECRETARIAT, SECRETARIAT),
    "priorities.import_page": (SECRETARIAT, SECRETARIAT),
    "priorities.questions": (SECRETARIAT, SECRETARIAT),
    "priorities.edit_question": (SECRETARIAT, SECRETARIAT),
    "priorities.move_question": (None, SECRETARIAT),
    "priorities.remove_question": (None, SECRETARIAT),
    "changes.product_area": (MEMBERS, None),
    "changes.edit_area": (SECRETARIAT, SECRETARIAT),
    "changes.add_release": (None, SECRETARIAT),
    "changes.set_budget": (None, SECRETARIAT),
    "changes.backlog": (MEMBERS, None),
    "changes.backlog_csv": (MEMBERS, None),
    "changes.history_csv": (MEMBERS, None),
    "changes.record_prioritisation": (None, SECRETARIAT),
    "changes.new_request": (SECRETARIAT, SECRETARIAT),
    "changes.view_request": (MEMBERS, None),
    "changes.edit_request": (SECRETARIAT, SECRETARIAT),
    "changes.set_status": (None, SECRETARIAT),
    "changes.move_request": (None, SECRETARIAT),
    "changes.escalate": (None, SECRETARIAT),
    "changes.record_outcome": (None, SECRETARIAT),
}


@pytest.fixture
def world(app, session, tmp_path, demo_with_accounts):
    """The demo with its accounts, an outsider, a file attachment and a draft meeting."""
    outsider_person = next(
        p for p in session.scalars(select(Membership)).all() if p.person.name == "Ingrid Solberg"
    ).person
    accounts.create_account(
        session, outsider_person, EMAILS["outsider"], password=accounts.DEMO_PASSWORD
    )
    fagradet = session.scalar(select(Body).where(Body.slug == "fagradet"))
    january, april = session.scalars(
        select(Meeting).where(Meeting.body_id == fagradet.id).order_by(Meeting.seq)
    ).all()
    ehds = session.scalar(
        select(Treatment).where(Treatment.body_id == fagradet.id, Treatment.seq == 10)
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    app.instance_path = str(tmp_path)
    attachment = add_attachment(
        session,
        april,
        UploadInput(filename="notat.pdf", content=pdf, title="Notat"),
        tmp_path / "uploads",
    )
    draft = make_meeting(fagradet, __import__("datetime").date(2026, 10, 7), status="planlagt")
    submission = _a_submission(session, fagradet, tmp_path / "uploads", pdf)
    cycle_entry = _a_cycle_entry(session, fagradet)
    session.commit()
    return {
        "slug": "fagradet",
        "meeting_id": april.id,
        "approved_meeting_id": january.id,
        "draft_meeting_id": draft.id,
        "item_id": ehds.agenda_item.id,
        "treatment_id": ehds.id,
        "case_id": ehds.case_id,
        "external_id": _an_external_treatment(session, ehds.case.follows_id),
        "attachment_id": attachment.id,
        "membership_id": session.scalars(
            select(Membership.id).where(Membership.body_id == fagradet.id)
        ).first(),
        "user_id": session.scalar(select(User.id).where(User.email == EMAILS["medlem"])),
        "token": accounts.issue_password_link(session, session.get(User, 1)),
        "feed_token": _give_feed_token(session),
        "language": "nb",
        "cycle_slug": cycle_entry.cycle.slug,
        "entry_id": cycle_entry.id,
        "follow_up_id": _a_follow_up(session, ehds).id,
        "what": "break",
        "filename": "style.css",
        "shared_cycle_slug": _a_shared_cycle(session).slug,
        "request_id": _a_change_request(session, fagradet).id,
        "round_id": (priority_round := _a_priority_round(session, fagradet)).id,
        "measure_id": priority_round.measures[0].id,
        "question_id": priority_round.questions[0].id,
        "person_id": outsider_person.id,
        "token_id": 1,
        "basis_id": session.scalar(select(ExemptionBasis.id).order_by(ExemptionBasis.id)),
        "submission_id": submission.id,
        "file_id": submission.files[0].id,
        "recusal_id": _a_recusal(session, ehds),
        "absence_id": 1,
        "comment_id": _a_comment(session, january),
    }


def _a_comment(session, meeting) -> int:
    """A member's comment on the minutes of the world's held meeting (sent for comments)."""
    from govern.models import MinutesComment, MinutesSending

    person = session.scalar(select(User).where(User.email == EMAILS["medlem"])).person
    sending = MinutesSending(meeting_id=meeting.id, number=1, kind="merknader")
    session.add(sending)
    comment = MinutesComment(sending=sending, person_id=person.id, text="Merknad")
    session.add(comment)
    session.commit()
    return comment.id


def _a_submission(session, body, store, pdf: bytes):
    """A case the medlem has submitted to the body, with a file."""
    from datetime import date

    from govern.services import submissions

    person = session.scalar(select(User).where(User.email == EMAILS["medlem"])).person
    return submissions.submit_case(
        session,
        body,
        person,
        submissions.SubmissionInput("Innmeldt sak", "Drøfting"),
        [submissions.FileInput("notat.pdf", pdf)],
        store,
        allowed_meetings=[],
        today=date.today(),
        base_url="http://govern.test",
    )


def _a_recusal(session, treatment) -> int:
    """Another Fagrådet member's declared inhabilitet in the world's case (not the medlem's
    own, which he could withdraw)."""
    from govern.models import Person, Recusal

    other = session.scalar(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.body_id == treatment.body_id,
            Membership.role == "medlem",
            Person.name != "Jon Gupta",
        )
        .order_by(Person.id)
    )
    recusal = Recusal(treatment=treatment, person=other, basis="fvl. § 6 andre ledd")
    session.add(recusal)
    session.commit()
    return recusal.id


def _an_external_treatment(session, case_id) -> int:
    """An external treatment in the history of the world's case (of the case it continues)."""
    return session.scalar(
        select(Treatment.id)
        .where(Treatment.case_id == case_id, Treatment.meeting_id.is_(None))
        .order_by(Treatment.id)
    )


def _a_shared_cycle(session):
    """A shared annual cycle (the demo's, or one made here)."""
    from govern.models.cycles import Cycle
    from govern.services import cycles

    found = session.scalar(select(Cycle).where(Cycle.body_id.is_(None)).order_by(Cycle.id))
    return found or cycles.create_cycle(session, cycles.CycleInput("Nasjonalt årshjul"))


def _a_cycle_entry(session, body):
    """An entry of the body's annual cycle (the demo's, or one made here)."""
    from govern.models.cycles import Cycle, CycleEntry
    from govern.services import cycles

    found = session.scalar(
        select(CycleEntry).join(Cycle).where(Cycle.body_id == body.id).order_by(CycleEntry.id)
    )
    if found is not None:
        return found
    cycle = cycles.create_cycle(session, cycles.CycleInput("Årshjul for testen"), body=body)
    return cycles.add_entry(session, cycle, cycles.EntryInput("Frist", "date", month=2, day=1))


def _a_priority_round(session, body):
    """A prioritisation round of the body with one measure."""
    from govern.services import priorities

    round_ = priorities.create_round(session, body, priorities.RoundInput("Runde", 2026))
    priorities.add_measure(session, round_, priorities.MeasureInput("LM", "Legemiddelliste"))
    session.commit()
    return round_


def _a_change_request(session, body):
    """A change request in a product area of the body."""
    from govern.services import changes

    area = changes.area_of(session, body) or changes.save_area(
        session, body, changes.AreaInput("Produktområde for testen")
    )
    data = changes.RequestInput("Ønske for testen", "utviklet", 2026)
    return changes.create_request(session, area, data)


def _a_follow_up(session, treatment):
    """A follow-up of the treatment's decision."""
    from govern.services.followups import FollowUpInput, add_follow_up

    return add_follow_up(session, treatment, FollowUpInput(responsible="Helsedirektoratet"))


def _give_feed_token(session) -> str:
    person = session.scalar(select(User).where(User.email == EMAILS["medlem"])).person
    person.feed_token = "medlem-feed-token"
    return person.feed_token


def _url(app, rule, world, endpoint) -> str:
    values = {name: world[name] for name in rule.arguments}
    if endpoint in ("minutes.corrections", "minutes.correct_attendance"):
        values["meeting_id"] = world["approved_meeting_id"]
    if endpoint.startswith("cycles.shared_wheel"):
        values["cycle_slug"] = world["shared_cycle_slug"]
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _client(app, role):
    client = app.test_client()
    if role != "anonymous":
        response = client.post(
            "/login", data={"email": EMAILS[role], "password": accounts.DEMO_PASSWORD}
        )
        assert response.status_code == 302, role
    return client


def test_every_route_has_an_expectation(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert endpoints - set(EXPECTED) == set(), "add the new routes to EXPECTED"
    assert set(EXPECTED) - endpoints == set(), "EXPECTED names routes that no longer exist"


def test_every_route_for_every_role(app, session, world):
    clients = {role: _client(app, role) for role in ROLES}
    session.commit()
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        get_expected, post_refused = EXPECTED[rule.endpoint]
        url = _url(app, rule, world, rule.endpoint)
        for role in ROLES:
            if get_expected is not None and "GET" in rule.methods:
                got = clients[role].get(url).status_code
                if got != get_expected[role]:
                    failures.append(f"GET {url} as {role}: {got}, expected {get_expected[role]}")
            if post_refused is not None and post_refused[role] in (302, 403):
                got = clients[role].post(url, data={}).status_code
                if got != post_refused[role]:
                    failures.append(f"POST {url} as {role}: {got}, expected {post_refused[role]}")
    assert failures == []


def test_drafts_are_hidden_from_everyone_but_the_secretariat(app, session, world):
    url = f"/meetings/{world['draft_meeting_id']}"
    for role in ROLES:
        got = _client(app, role).get(url).status_code
        assert got == DRAFT[role], f"{role}: {got}"


def test_anonymous_is_sent_to_login_with_the_way_back(app, world):
    response = app.test_client().get(f"/meetings/{world['meeting_id']}/agenda")
    assert response.status_code == 302
    assert response.location.startswith(f"/login?next=/meetings/{world['meeting_id']}/agenda")
    assert Case is not None and Attachment is not None
