"""The prioritisation pages as forms: CSRF, errors next to the field with the input kept, the
questions page, participants picked from the body's members, "Bruk som vedtak" against
approved minutes, and the result as a Vedlegg in the case's toppnotat."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from govern.models import (
    Attachment,
    AuditEntry,
    Person,
    PrioritisationRound,
    PriorityQuestion,
    Score,
)
from govern.models.priorities import CRITERIA
from govern.services import (
    memberships,
    minutes,
    minutes_locking,
    priorities,
    priority_questions,
)
from govern.services.memberships import MembershipInput
from govern.services.minutes import MinutesInput
from govern.services.priorities import MeasureInput, RoundInput
from govern.services.priority_questions import QuestionInput
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import count_queries, text_of
from tests.views.test_priorities import _grid, _scored

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def world(app, session):
    """Fagrådet's round with LM, JD-1 (passing) and DHO-2 (phase 1), a case on a meeting,
    Siri in the secretariat and Mads a member (as in test_priorities)."""
    body = make_body()
    session.add(body)
    session.flush()
    round_ = priorities.create_round(session, body, RoundInput("Runde 1", 2026))
    for code, title, phase in (
        ("LM", "Videre innføring av pasientens legemiddelliste", 4),
        ("JD-1", "Dokumentdeling", 3),
        ("DHO-2", "Pasientinformasjonslokalisator", 1),
    ):
        priorities.add_measure(session, round_, MeasureInput(code, title, phase=phase))
    meeting = make_meeting(body, date(2026, 9, 1))
    item = add_case(meeting, "Prioritering av tiltak")
    make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")
    make_user(session, "Mads Medlem", "mads@example.no", body=body, role="medlem")
    session.commit()
    return {"round": round_, "body": body, "treatment": item.treatment}


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _html(response) -> str:
    return response.get_data(as_text=True)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


# -- CSRF and the forms' errors ----------------------------------------------------------


def test_every_form_carries_csrf_and_a_post_without_it_changes_nothing(app, client, session, world):
    round_ = world["round"]
    _scored(session, world)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        token = _token(_html(client.get("/login")))
        client.post(
            "/login",
            data={
                "email": "siri@example.no",
                "password": "riktig-passord-123",
                "csrf_token": token,
            },
        )
        pages = [
            f"/prioriteringer/{round_.id}",
            f"/prioriteringer/{round_.id}/poeng",
            f"/prioriteringer/{round_.id}/import",
            f"/prioriteringer/{round_.id}/tiltak/ny",
            f"/prioriteringer/{round_.id}/sporsmal",
            f"/prioriteringer/{round_.id}/sporsmal/{round_.questions[0].id}",
            "/bodies/fagradet/prioriteringer",
        ]
        forms = []
        for url in pages:
            forms += re.findall(
                r"<form[^>]*method=\"post\".*?</form>", _html(client.get(url)), re.S
            )
        assert len(forms) >= 20
        assert all('name="csrf_token"' in form for form in forms)
        refused = client.post(
            "/bodies/fagradet/prioriteringer", data={"title": "X", "year": "2027"}
        )
        assert refused.status_code == 400
        moved = client.post(
            f"/prioriteringer/{round_.id}/sporsmal/{round_.questions[0].id}/flytt",
            data={"direction": "ned"},
        )
        assert moved.status_code == 400
        token = _token(_html(client.get("/bodies/fagradet/prioriteringer")))
        made = client.post(
            "/bodies/fagradet/prioriteringer",
            data={"title": "Runde 2", "year": "2027", "csrf_token": token},
        )
        assert made.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    titles = session.scalars(select(PrioritisationRound.title))
    assert sorted(titles) == ["Runde 1", "Runde 2"]
    assert round_.questions[0].label == "M1"


def test_round_form_error_next_to_the_year_with_the_input_kept(client, session, world):
    login(client, "siri@example.no")
    response = client.post(
        "/bodies/fagradet/prioriteringer",
        data={"title": "Runde for 2027", "year": "tjuesju", "description": "Min tekst"},
    )
    assert response.status_code == 400
    html = _html(response)
    assert re.search(r'<p class="error" id="year-error">Skriv året med fire sifre', html)
    assert 'aria-describedby="year-hint year-error"' in html and 'aria-invalid="true"' in html
    assert 'value="Runde for 2027"' in html and 'value="tjuesju"' in html
    assert "Min tekst</textarea>" in html
    assert session.scalar(select(func.count(PrioritisationRound.id))) == 1


def test_measure_form_errors_next_to_their_fields(client, session, world):
    login(client, "siri@example.no")
    rid = world["round"].id
    response = client.post(
        f"/prioriteringer/{rid}/tiltak/ny",
        data={"code": "NY", "title": "Nytt tiltak", "phase": "9", "fits_goals": "kanskje"},
    )
    assert response.status_code == 400
    html = _html(response)
    assert '<p class="error" id="phase-error">Velg en fase fra 1 til 5.</p>' in html
    assert '<p class="error" id="fits_goals-error">Velg ja eller nei.</p>' in html
    assert 'value="NY"' in html and 'value="Nytt tiltak"' in html
    assert len(world["round"].measures) == 3
    edit = client.get(f"/prioriteringer/{rid}/tiltak/{world['round'].measures[0].id}")
    assert 'value="LM"' in _html(edit)
    assert '<option selected value="4">4 – gjennomføring</option>' in _html(edit)


def test_import_without_a_file_and_with_row_errors(client, session, world):
    login(client, "siri@example.no")
    rid = world["round"].id
    empty = client.post(f"/prioriteringer/{rid}/import", data={})
    assert empty.status_code == 400
    assert '<ul class="error" id="file-error"><li>Velg en fil.</li></ul>' in _html(empty)
    bad = "deltaker;tiltak;spørsmål;poeng\nKari;LM;M1;11\nKari;DHO-2;M1;3\n"
    response = client.post(
        f"/prioriteringer/{rid}/import",
        data={"file": (io.BytesIO(bad.encode()), "poeng.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    errors = re.search(r'<ul class="error" id="file-error">(.*?)</ul>', _html(response)).group(1)
    assert re.findall(r"<li>(.*?)</li>", errors) == [
        "Rad 2: M1: «11» er ikke et helt tall fra 0 til 10.",
        "Rad 3: tiltaket «DHO-2» tilfredsstiller ikke inngangskriteriene og scores ikke.",
    ]
    assert session.scalar(select(func.count(Score.id))) == 0


# -- the questions page --------------------------------------------------------------------


def _questions(client, rid) -> str:
    return text_of(client.get(f"/prioriteringer/{rid}/sporsmal"))


def test_secretariat_adds_renames_moves_and_removes_questions(client, session, world):
    login(client, "siri@example.no")
    round_ = world["round"]
    rid = round_.id
    assert "Endre spørsmålene" in text_of(client.get(f"/prioriteringer/{rid}"))
    added = client.post(
        f"/prioriteringer/{rid}/sporsmal",
        data={"criterion": "kostnader", "text": "Kostnader til drift og forvaltning"},
    )
    assert added.status_code == 302
    page = text_of(client.get(added.location))
    assert "Spørsmål K4 er lagt til." in page
    assert "K4 Kostnader til drift og forvaltning ingen" in page
    k4 = session.scalar(select(PriorityQuestion).where(PriorityQuestion.position == 4))
    renamed = client.post(
        f"/prioriteringer/{rid}/sporsmal/{k4.id}",
        data={"text": "Kostnader til drift", "original": k4.text},
    )
    assert renamed.status_code == 302
    moved = client.post(f"/prioriteringer/{rid}/sporsmal/{k4.id}/flytt", data={"direction": "opp"})
    assert moved.status_code == 302
    page = _questions(client, rid)
    assert "Spørsmål K4 er flyttet og heter nå K3." in page
    assert "K3 Kostnader til drift ingen" in page
    assert "K4 Behov for juridisk" in page
    removed = client.post(f"/prioriteringer/{rid}/sporsmal/{k4.id}/fjern")
    assert removed.status_code == 302
    assert "Spørsmål K3 er fjernet." in _questions(client, rid)
    session.expire_all()
    assert [q.label for q in round_.questions] == ["M1", "M2", "K1", "K2", "K3", "N1", "N2", "N3"]
    summaries = session.scalars(
        select(AuditEntry.summary).where(AuditEntry.action.like("priorities.question%"))
    ).all()
    assert summaries[-1].startswith("Spørsmål K3 fjernet fra «Runde 1»: Kostnader til drift")


def test_question_errors_keep_the_input_and_scored_questions_are_refused(client, session, world):
    login(client, "siri@example.no")
    round_ = _scored(session, world)
    rid = round_.id
    m1 = round_.questions[0]
    response = client.post(
        f"/prioriteringer/{rid}/sporsmal",
        data={"criterion": "måloppnåelse", "text": "", "patient_benefit": "y"},
    )
    assert response.status_code == 400
    assert '<p class="error" id="text-error">Skriv spørsmålet.</p>' in _html(response)
    response = client.post(
        f"/prioriteringer/{rid}/sporsmal",
        data={"criterion": "måloppnåelse", "text": "Helt nytt", "patient_benefit": "y"},
    )
    assert response.status_code == 400
    html = _html(response)
    assert (
        '<p class="error" id="patient_benefit-error">Bare et spørsmål under Nytte kan avgjøre '
        "ved likt resultat.</p>"
    ) in html
    assert "Helt nytt</textarea>" in html
    assert "M1 " + m1.text + " 1 deltaker" in text_of(response)
    refused = client.post(f"/prioriteringer/{rid}/sporsmal/{m1.id}/fjern")
    assert refused.status_code == 409
    assert "Spørsmål M1 har poeng fra én deltaker og kan ikke fjernes." in text_of(refused)
    refused = client.post(
        f"/prioriteringer/{rid}/sporsmal/{m1.id}/flytt", data={"direction": "ned"}
    )
    assert refused.status_code == 409
    assert "kan ikke flyttes" in text_of(refused)
    edit = client.post(
        f"/prioriteringer/{rid}/sporsmal/{m1.id}", data={"text": "Ny tekst", "original": m1.text}
    )
    assert edit.status_code == 409
    assert "Spørsmål M1 har poeng fra én deltaker og kan ikke endres." in text_of(edit)
    assert "Ny tekst</textarea>" in _html(edit)
    stale = client.post(
        f"/prioriteringer/{rid}/sporsmal/{round_.questions[1].id}",
        data={"text": "Min versjon", "original": "Det jeg så"},
    )
    assert stale.status_code == 409
    assert "Spørsmålet ble endret av noen andre" in text_of(stale)
    session.expire_all()
    assert session.scalar(select(func.count(PriorityQuestion.id))) == 8
    assert m1.text.startswith("I hvor stor grad realiserer") and m1.position == 1


def test_members_cannot_change_questions(client, world):
    login(client, "mads@example.no")
    rid = world["round"].id
    assert client.get(f"/prioriteringer/{rid}/sporsmal").status_code == 403
    qid = world["round"].questions[0].id
    assert client.post(f"/prioriteringer/{rid}/sporsmal/{qid}/fjern").status_code == 403
    assert "Endre spørsmålene" not in text_of(client.get(f"/prioriteringer/{rid}"))


# -- participants ---------------------------------------------------------------------------


def test_a_member_is_picked_and_an_outside_expert_is_typed(client, session, world):
    login(client, "siri@example.no")
    round_ = world["round"]
    mads = session.scalar(select(Person).where(Person.name == "Mads Medlem"))
    html = _html(client.get(f"/prioriteringer/{round_.id}/poeng"))
    options = re.findall(r"<option[^>]*>(.*?)</option>", html)
    # The members of the body, not its secretariat.
    assert options == ["– velg –", "Mads Medlem, Helsedirektoratet"]
    data = _grid(round_, {"LM": [9] * 8, "JD-1": [5] * 8})
    picked = client.post(f"/prioriteringer/{round_.id}/poeng", data={**data, "person": mads.id})
    assert picked.status_code == 302
    data = _grid(round_, {"LM": [5] * 8, "JD-1": [9] * 8})
    typed = client.post(
        f"/prioriteringer/{round_.id}/poeng", data={**data, "participant": "Ekstern Ekspert"}
    )
    assert typed.status_code == 302
    scores = session.scalars(select(Score)).all()
    assert {(s.participant, s.person_id) for s in scores} == {
        ("Mads Medlem, Helsedirektoratet", mads.id),
        ("Ekstern Ekspert", None),
    }
    page = text_of(client.get(f"/prioriteringer/{round_.id}"))
    assert "Rangering av 2 tiltak (2 deltakere)" in page
    assert "Deltakere Ekstern Ekspert Mads Medlem, Helsedirektoratet" in page
    again = _html(
        client.get(
            f"/prioriteringer/{round_.id}/poeng",
            query_string={"deltaker": "Mads Medlem, Helsedirektoratet"},
        )
    )
    assert f'<option selected value="{mads.id}">Mads Medlem, Helsedirektoratet</option>' in again
    # Typing a member's name is that member: the scores are replaced, not counted twice.
    data = _grid(round_, {"LM": [1] * 8})
    client.post(f"/prioriteringer/{round_.id}/poeng", data={**data, "participant": "mads medlem"})
    mine = session.scalars(select(Score).where(Score.person_id == mads.id)).all()
    assert len(mine) == 8 and {s.value for s in mine} == {1}
    assert "(2 deltakere)" in text_of(client.get(f"/prioriteringer/{round_.id}"))


def test_participant_errors(client, session, world):
    login(client, "siri@example.no")
    round_ = world["round"]
    mads = session.scalar(select(Person).where(Person.name == "Mads Medlem"))
    siri = session.scalar(select(Person).where(Person.name == "Siri Sekretær"))
    data = _grid(round_, {"LM": [9] * 8})
    both = client.post(
        f"/prioriteringer/{round_.id}/poeng",
        data={**data, "person": mads.id, "participant": "Kari"},
    )
    assert both.status_code == 400
    assert (
        '<p class="error" id="participant-error">Velg et medlem eller skriv navnet på en '
        "ekstern deltaker, ikke begge.</p>"
    ) in _html(both)
    assert 'value="Kari"' in _html(both) and 'name="s-1-1" value="9"' in _html(both)
    outsider = client.post(f"/prioriteringer/{round_.id}/poeng", data={**data, "person": siri.id})
    assert outsider.status_code == 400
    assert '<p class="error" id="person-error">Velg et av medlemmene i Fagrådet.</p>' in _html(
        outsider
    )
    assert session.scalar(select(func.count(Score.id))) == 0


def test_a_round_before_anyone_was_a_member_asks_for_names(client, session, world):
    # Mads has been a member since 2020: a round of 2019 has nobody to pick.
    old = priorities.create_round(session, world["body"], RoundInput("Runde 2019", 2019))
    session.commit()
    login(client, "siri@example.no")
    page = client.get(f"/prioriteringer/{old.id}/poeng")
    assert "Fagrådet har ingen medlemmer registrert for 2019. Skriv deltakerens navn." in text_of(
        page
    )
    assert "Mads Medlem" not in text_of(page)


# -- "Bruk som vedtak" and approved minutes -------------------------------------------------


def test_use_as_decision_refused_when_the_minutes_are_approved(client, session, world):
    round_ = _scored(session, world)
    treatment = world["treatment"]
    meeting = treatment.meeting
    # The minutes' lifecycle: held, vedtak recorded, sent, approved at the next meeting.
    minutes.record_minutes(
        session, None, treatment, MinutesInput(treatment.version, "", (), "Tatt til orientering.")
    )
    meeting.status = "gjennomført"
    minutes_locking.send_minutes(session, None, meeting, confirmed=True)
    nxt = make_meeting(meeting.body, meeting.first_date.replace(month=11))
    approval = add_case(nxt, "Godkjenning av innkalling og referat", sakstype="Godkjenning")
    minutes.record_minutes(
        session, None, approval.treatment, MinutesInput(approval.treatment.version, "", (), "Ja.")
    )
    nxt.status = "gjennomført"  # the approving meeting is held; the approval is confirmed
    minutes_locking.approve_previous_minutes(session, None, approval.treatment)
    session.commit()
    assert meeting.minutes_locked
    before = (treatment.version, treatment.decision, treatment.proposed_decision)
    entries = session.scalar(select(func.count(AuditEntry.id)))
    login(client, "siri@example.no")
    page = client.get(f"/prioriteringer/{round_.id}")
    assert "1/26 Prioritering av tiltak (referatet er godkjent)" in text_of(page)
    for field in ("decision", "proposed_decision"):
        response = client.post(
            f"/prioriteringer/{round_.id}/vedtak",
            data={"treatment": f"{treatment.id}:{treatment.version}", "field": field},
        )
        assert response.status_code == 409
        assert (
            '<p class="error" id="treatment-error">Referatet fra møte 1/26 er godkjent og låst, '
            "så rangeringen kan ikke skrives inn i sak 1/26."
        ) in _html(response)
    session.expire_all()
    assert (treatment.version, treatment.decision, treatment.proposed_decision) == before
    assert session.scalar(select(func.count(AuditEntry.id))) == entries
    # The next meeting's minutes are still open: the ranking goes into its case.
    other = add_case(nxt, "Prioritering 2026")
    session.commit()
    response = client.post(
        f"/prioriteringer/{round_.id}/vedtak",
        data={"treatment": f"{other.treatment.id}:{other.treatment.version}", "field": "decision"},
    )
    assert response.status_code == 302
    session.refresh(other.treatment)
    assert other.treatment.decision.splitlines()[2] == (
        "1. LM – Videre innføring av pasientens legemiddelliste (24,0 poeng)"
    )


def test_use_as_decision_on_a_cancelled_meeting_is_refused(client, session, world):
    round_ = _scored(session, world)
    treatment = world["treatment"]
    treatment.meeting.status = "avlyst"
    session.commit()
    login(client, "siri@example.no")
    response = client.post(
        f"/prioriteringer/{round_.id}/vedtak",
        data={"treatment": f"{treatment.id}:{treatment.version}", "field": "decision"},
    )
    assert response.status_code == 400
    assert "Møte 1/26 er avlyst; det føres ikke vedtak." in text_of(response)
    bad = client.post(f"/prioriteringer/{round_.id}/vedtak", data={"treatment": "x", "field": "y"})
    assert bad.status_code == 400
    assert "Velg en sak på en av organets møter." in text_of(bad)
    session.refresh(treatment)
    assert treatment.decision == ""


# -- the result as a Vedlegg in the toppnotat ------------------------------------------------


def test_attached_result_is_listed_in_the_toppnotat_with_table_and_chart(
    client, session, world, app, tmp_path
):
    app.instance_path = str(tmp_path)
    round_ = _scored(session, world)
    treatment = world["treatment"]
    login(client, "siri@example.no")
    response = client.post(
        f"/prioriteringer/{round_.id}/vedlegg", data={"treatment_id": str(treatment.id)}
    )
    assert response.status_code == 302
    assert "Resultatet er lagt ved sak 1/26 som vedlegg 1" in text_of(client.get(response.location))
    memo = Document(io.BytesIO(client.get(f"/treatments/{treatment.id}/toppnotat.docx").data))
    texts = [p.text for p in memo.paragraphs]
    assert texts[texts.index("Vedlegg") + 1] == "Vedlegg 1: Prioritering: Runde 1"
    attachment = session.scalar(select(Attachment).where(Attachment.treatment_id == treatment.id))
    attached = Document(io.BytesIO((tmp_path / "uploads" / attachment.stored_name).read_bytes()))
    table, chart = attached.tables
    assert [c.text for c in table.rows[1].cells] == [
        *("1", "Videre innføring av pasientens legemiddelliste (LM)"),
        *("8,0", "8,0", "8,0", "24,0"),
    ]
    bars = []
    for row in chart._tbl.tr_lst:
        cells = row.findall(f"{W}tc")
        shaded = [c for c in cells if c.find(f"{W}tcPr/{W}shd") is not None]
        span = int(shaded[0].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val")) if shaded else 0
        bars.append((_text(cells[0]), span, _text(cells[-1])))
    assert bars == [("LM", 48, "24,0"), ("JD-1", 36, "18,0")]
    assert "Totalpoeng per tiltak (0–30)" in [p.text for p in attached.paragraphs]
    assert "Deltakere (1): Ola." in [p.text for p in attached.paragraphs]
    refused = client.post(f"/prioriteringer/{round_.id}/vedlegg", data={"treatment_id": "x"})
    assert refused.status_code == 400
    assert (
        '<p class="error" id="treatment_id-error">Velg en sak på en av organets møter.</p>'
        in _html(refused)
    )
    assert session.scalar(select(func.count(Attachment.id))) == 1


# -- query counts ---------------------------------------------------------------------------


def _a_round(session, slug: str, measures: int, extra_questions: int, meetings: int) -> int:
    """A body with a round of this size, scored by three participants, and cases on meetings."""
    body = make_body(slug, slug.title())
    round_ = priorities.create_round(session, body, RoundInput("Runde", 2026))
    for i in range(extra_questions):
        data = QuestionInput(CRITERIA[i % 3], f"Ekstra spørsmål {i}")
        priority_questions.add_question(session, round_, data)
    for i in range(measures):
        priorities.add_measure(session, round_, MeasureInput(f"T-{i}", f"Tiltak {i}", phase=2))
    for name in ("A", "B", "C"):
        cells = {
            priorities.score_field(m, q): str((m.position + q.position) % 11)
            for m in round_.measures
            for q in round_.questions
        }
        priorities.save_scores(session, round_, name, cells)
    for i in range(meetings):
        meeting = make_meeting(body, date(2026, 2 + i, 10))
        for j in range(4):
            add_case(meeting, f"Sak {i}.{j}")
    for i in range(meetings * 3):
        person = make_person(f"Medlem {slug} {i}", f"Org {i}")
        memberships.add_membership(session, body, person, MembershipInput("medlem"))
    make_user(session, f"Sekretær {slug}", f"{slug}@example.no", body=body, role="sekretariat")
    session.commit()
    return round_.id


def test_page_query_counts_do_not_grow_with_the_round(client, session):
    small = _a_round(session, "lite", measures=2, extra_questions=0, meetings=1)
    large = _a_round(session, "stor", measures=15, extra_questions=6, meetings=4)
    counts = {}
    for slug, rid in (("lite", small), ("stor", large)):
        client.post("/logout")
        login(client, f"{slug}@example.no")
        for page in ("", "/sporsmal", "/poeng"):
            session.expire_all()
            with count_queries() as statements:
                response = client.get(f"/prioriteringer/{rid}{page}")
            assert response.status_code == 200
            counts.setdefault(page, []).append(len(statements))
    assert all(a == b for a, b in counts.values()), counts
