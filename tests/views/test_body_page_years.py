"""The body page lists its recent meetings; older years are links, so the page costs the same
however many years of meetings lie behind it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from govern.extensions import db
from tests.conftest import make_body, make_meeting
from tests.views.test_body_admin import login, make_user
from tests.views.test_pages import text_of

THIS_YEAR = date.today().year


def _meetings(body, years):
    for year in years:
        for month in (3, 9):
            make_meeting(body, date(year, month, 10), location=f"Sted {month}/{year}")


def _statements(client, url) -> int:
    count = 0

    def before(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return count


def test_older_years_are_links_and_a_year_lists_its_meetings(client, session):
    body = make_body()
    _meetings(body, range(THIS_YEAR - 4, THIS_YEAR))
    make_meeting(body, date(THIS_YEAR + 1, 2, 3), status="planlagt", location="Neste år")
    make_user(session, "Sara Sekretær", "sek@example.no", body=body, role="sekretariat")
    session.commit()

    page = text_of(client.get("/bodies/fagradet"))
    last = THIS_YEAR - 1
    # The year of the last meeting held, and what is planned after it (for the secretariat).
    assert f"Sted 9/{last}" in page and f"Sted 3/{last}" in page
    assert "Neste år" not in page
    assert f"Sted 9/{last - 1}" not in page
    older = " · ".join(str(y) for y in range(last - 1, THIS_YEAR - 5, -1))
    assert f"Eldre møter: {older}" in page
    html = client.get("/bodies/fagradet").get_data(as_text=True)
    assert f'href="/bodies/fagradet?ar={last - 1}#moter"' in html

    login(client, "sek@example.no")
    page = text_of(client.get("/bodies/fagradet"))
    assert "Neste år" in page and f"Sted 3/{last}" in page
    assert page.index("Neste år") < page.index(f"Sted 9/{last}")

    year = text_of(client.get(f"/bodies/fagradet?ar={THIS_YEAR - 3}"))
    assert f"Sted 9/{THIS_YEAR - 3}" in year and f"Sted 3/{THIS_YEAR - 3}" in year
    assert f"Sted 9/{last}" not in year and "Neste år" not in year
    assert f"Andre år: siste møter · {THIS_YEAR + 1} · {last} · {THIS_YEAR - 2}" in year
    # A year without meetings, or nonsense, shows the recent meetings.
    for asked in ("1999", "abc", "²"):
        assert f"Sted 9/{last}" in text_of(client.get(f"/bodies/fagradet?ar={asked}"))


def test_the_body_page_costs_the_same_with_years_behind_it(client, session):
    body = make_body()
    _meetings(body, [THIS_YEAR - 1])
    session.commit()
    few = _statements(client, "/bodies/fagradet")
    size = len(client.get("/bodies/fagradet").data)
    _meetings(body, range(THIS_YEAR - 11, THIS_YEAR - 1))
    session.commit()
    assert _statements(client, "/bodies/fagradet") == few
    # Ten year links more, not twenty meetings more.
    assert len(client.get("/bodies/fagradet").data) < size + 1200
