"""Twenty secretaries add new cases to one agenda at the same moment: all succeed, numbered
without duplicates or gaps, while a real concurrent edit of one item is still refused."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from govern.extensions import db
from govern.models import Meeting, Treatment
from govern.models.meetings import AgendaItem
from govern.services import agenda
from govern.services.errors import Conflict
from tests.api.helpers import bearer, user_with_token
from tests.conftest import PG_URL, make_body, make_meeting
from tests.services.test_numbering import _concurrent_app

WORKERS = 20


def _race(workers: int, job: Callable[[int], object]) -> tuple[list, list[BaseException]]:
    """Run `job(i)` in `workers` threads released together; what they return, what they raised."""
    barrier = threading.Barrier(workers)
    results: list = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=20)
            results.append(job(i))
        except BaseException as error:  # pragma: no cover - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def _planned_meeting(race_app) -> int:
    """A planned meeting with its opened agenda (Godkjenning 1/26, Eventuelt 2/26)."""
    with race_app.app_context():
        meeting = make_meeting(make_body(), status="planlagt")
        agenda.open_agenda(db.session, meeting, None)
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def _check_agenda(race_app, meeting_id: int, added: int) -> None:
    """Numbers 1 … n without gaps, in agenda order, with Eventuelt last; positions 1 … n."""
    with race_app.app_context():
        items = db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        ).all()  # fmt: skip
        assert [i.position for i in items] == list(range(1, added + 3))
        numbers = [i.treatment.seq for i in items]
        assert numbers == list(range(1, added + 3))
        assert items[-1].treatment.sakstype == agenda.EVENTUELT
        stored = db.session.scalars(select(Treatment.seq).order_by(Treatment.seq)).all()
        assert stored == list(range(1, added + 3))
        db.session.remove()


def test_twenty_simultaneous_new_cases_all_get_on_the_agenda(app, tmp_path):
    race_app = app if PG_URL else _concurrent_app(tmp_path)
    meeting_id = _planned_meeting(race_app)

    def secretary(i: int) -> str:
        with race_app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            data = agenda.CaseItemInput(sakstype="Drøfting", title=f"Samtidig sak {i}")
            item = agenda.add_case_item(db.session, meeting, data)
            db.session.commit()
            number = item.treatment.number
            db.session.remove()
            return number

    numbers, errors = _race(WORKERS, secretary)
    assert not errors, errors
    assert sorted(int(n.split("/")[0]) for n in numbers) == list(range(2, WORKERS + 2))
    _check_agenda(race_app, meeting_id, WORKERS)


def test_twenty_simultaneous_api_additions_all_answer_201(app, tmp_path):
    race_app = app if PG_URL else _concurrent_app(tmp_path)
    with race_app.app_context():
        body = make_body()
        db.session.commit()
        token = bearer(
            user_with_token(
                db.session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat"
            )
        )
        db.session.remove()
    days = [{"date": "2026-05-06", "start": "09:00", "end": "15:00"}]
    created = race_app.test_client().post(
        "/api/v1/bodies/fagradet/meetings", json={"days": days}, headers=token
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    meeting_id = created.get_json()["id"]

    def secretary(i: int):
        response = race_app.test_client().post(
            f"/api/v1/meetings/{meeting_id}/agenda/cases",
            json={"sakstype": "Drøfting", "title": f"Samtidig sak {i}"},
            headers=token,
        )
        return response.status_code, response.get_json()

    answers, errors = _race(WORKERS, secretary)
    assert not errors, errors
    assert sorted(status for status, _ in answers) == [201] * WORKERS, answers
    numbers = sorted(int(body["case_number"].split("/")[0]) for _, body in answers)
    assert numbers == list(range(2, WORKERS + 2))
    _check_agenda(race_app, meeting_id, WORKERS)


def _edit(item: AgendaItem, versions: tuple[int, int], title: str) -> agenda.CaseEdit:
    return agenda.CaseEdit(
        title=title,
        sakstype=item.treatment.sakstype,
        item_version=versions[0],
        treatment_version=versions[1],
    )


def test_an_addition_does_not_stale_other_items_but_two_edits_of_one_item_conflict(session):
    meeting = make_meeting(make_body(), status="planlagt")
    opening, _ = agenda.open_agenda(session, meeting, None)
    session.commit()
    read = (opening.version, opening.treatment.version)
    new = agenda.CaseItemInput(sakstype="Drøfting", title="Ny sak imens")
    agenda.add_case_item(session, meeting, new)
    session.commit()
    agenda.update_case_item(session, opening, _edit(opening, read, "Første endring"))
    session.commit()
    with pytest.raises(Conflict):
        agenda.update_case_item(session, opening, _edit(opening, read, "Andre endring"))
