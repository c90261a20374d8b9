"""The register's pages with years of history: each page is the slice of the whole register
sorted, whether it was looked for among recent decisions first or in all of them."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from govern.models.accounts import User
from govern.models.cases import Case, Treatment
from govern.services import cases, register
from govern.services.register import RegisterFilter, register_all, register_page
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_body_admin import make_user

TODAY = date(2026, 6, 1)
ANON = AnonymousUserMixin()


@pytest.fixture
def history(session):
    """Eleven years of two bodies' meetings (some of two days, decisions on either day, one
    case without a decision, one planned meeting ahead), and external decisions, one of them
    undated."""
    fagradet, nufa = make_body(), make_body("nufa", "NUFA")
    ehr = make_body("ehelseradet", "Nasjonalt e-helseråd", external=True)
    for year in range(2016, 2027):
        for body, month, days in ((fagradet, 2, 1), (nufa, 3, 2), (fagradet, 9, 2)):
            first = date(year, month, 10)
            held = first < TODAY
            meeting = make_meeting(
                body, *(date(year, month, 10 + d) for d in range(days)),
                status="gjennomført" if held else "planlagt",
            )  # fmt: skip
            for n in range(3):
                item = add_case(meeting, f"Sak {n} i {body.short_name}", day=1 + n % days)
                item.treatment.decision = "" if (year, n) == (2020, 1) else f"Vedtak {n}."
            if held:
                meeting.status, meeting.minutes_status = "referat godkjent", "godkjent"
        case = Case(title=f"Ekstern sak {year}")
        session.add(case)
        decided = None if year == 2018 else date(year, 6, 12)
        cases.register_external_treatment(
            session,
            case,
            ehr,
            cases.ExternalTreatmentInput(f"{year - 2000}/{year - 2000}", decided, decision="Ja."),
        )
    secretary = make_user(
        session, "Sara Sekretær", "sek@example.no", body=fagradet, role="sekretariat"
    )
    session.commit()
    return session.scalar(select(User).where(User.person_id == secretary.id))


def test_every_page_is_its_slice_of_the_whole_register(session, history, monkeypatch):
    windows = []
    maybe_from = register._maybe_from
    monkeypatch.setattr(
        register, "_maybe_from", lambda since: windows.append(since) or maybe_from(since)
    )
    filters = (RegisterFilter(), RegisterFilter(body="fagradet"), RegisterFilter(year=2021))
    for user, wanted, per_page in product((ANON, history), filters, (4, 25)):
        whole = [row.treatment.id for row in register_all(session, user, wanted, TODAY)]
        pages, seen = -(-len(whole) // per_page), []
        for number in range(1, pages + 2):
            page = register_page(session, user, wanted, number, TODAY, per_page=per_page)
            assert page.total == len(whole) and page.pages == pages
            seen += [row.treatment.id for row in page.rows]
        assert seen == whole, (user, wanted, per_page)
    # The first pages were looked for among recent decisions only.
    assert windows and max(windows) > date(2021, 1, 1)


def test_the_windows_hold_what_they_promise(session, history):
    """_maybe_from(since) holds for every decision dated since then, for every since around
    every date the register holds; and the day _counts finds for a page that reaches down to
    `reach` decisions has at least `reach` of them dated on or after it (for every reach up
    to the dated decisions, for each reader and filter), so the page is among them."""
    treatments = session.scalars(select(Treatment)).all()
    dates = {t.date for t in treatments} - {None}
    for since in sorted({d + timedelta(days=k) for d in dates for k in (-1, 0, 1)}):
        recent, params = register._maybe_from(since)
        maybe = set(session.scalars(select(Treatment.id).where(recent), params))
        on_or_after = {t.id for t in treatments if t.date is not None and t.date >= since}
        assert on_or_after <= maybe, since
    filters = (RegisterFilter(), RegisterFilter(body="fagradet"), RegisterFilter(year=2021))
    for user, wanted in product((ANON, history), filters):
        whole = [row.treatment.date for row in register_all(session, user, wanted, TODAY)]
        dated = [day for day in whole if day is not None]
        conditions = register._conditions(user, wanted, TODAY)
        for reach in range(1, len(whole) + 2):
            total, since = register._counts(session, wanted, conditions, reach)
            assert total == len(whole)
            if reach <= len(dated):
                assert since is not None, (user, wanted, reach)
            if since is not None:
                assert sum(day >= since for day in dated) >= reach, (user, wanted, reach)
