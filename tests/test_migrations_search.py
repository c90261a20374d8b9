"""Migration 0013: the search index gets its filter and visibility columns, and gives them back."""

from __future__ import annotations

from datetime import date

from flask_login import AnonymousUserMixin
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from govern import create_app
from govern.extensions import db
from govern.models.cases import Treatment
from govern.search.index import PG_TABLE, SQLITE_TABLE, SQLITE_TITLES
from govern.search.query import search_page
from govern.search.text import parse_query
from govern.services.register import RegisterFilter
from tests.conftest import PG_URL, add_case, base_config, make_body, make_meeting

TEXT_ONLY = ["title", "decision", "rest"]


def index_columns() -> list[str]:
    table = SQLITE_TABLE if db.engine.dialect.name == "sqlite" else PG_TABLE
    with db.engine.connect() as conn:
        return list(conn.exec_driver_sql(f"SELECT * FROM {table} LIMIT 0").keys())


def index_rows() -> int:
    table = SQLITE_TABLE if db.engine.dialect.name == "sqlite" else PG_TABLE
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


def find(q: str, **filters) -> list[str]:
    page = search_page(
        db.session, AnonymousUserMixin(), parse_query(q), RegisterFilter(**filters), 1, date.today()
    )
    return [hit.treatment.display_title for hit in page.hits]


def some_cases() -> None:
    fagradet, nuit = make_body(), make_body("nuit", "NUIT")
    add_case(make_meeting(fagradet, date(2025, 3, 5)), "Arkivplan for Fagrådet")
    add_case(make_meeting(nuit, date(2026, 3, 5)), "Arkivplan for NUIT", sakstype="Beslutning")
    add_case(make_meeting(nuit, date(2026, 9, 9), status="planlagt"), "Arkivplan i utkast")
    db.session.commit()


def down_and_up_again() -> None:
    """0013 undone (the index as 0009 made it, text kept) and done again (rebuilt)."""
    db.session.remove()
    downgrade(revision="0012_scope_revisions")
    columns = index_columns()
    if db.engine.dialect.name == "sqlite":
        assert columns == TEXT_ONLY
        assert not inspect(db.engine).has_table(SQLITE_TITLES)
    else:
        assert columns == ["treatment_id", "document"]
    assert index_rows() == db.session.scalar(select(func.count(Treatment.id)))
    db.session.remove()
    upgrade()
    assert {"body_id", "year", "sakstype", "meeting_status"} <= set(index_columns())
    if db.engine.dialect.name == "sqlite":
        assert inspect(db.engine).has_table(SQLITE_TITLES)


def check_search() -> None:
    assert set(find("arkivplan ")) == {"Arkivplan for Fagrådet", "Arkivplan for NUIT"}
    assert find("arkivplan ", body="nuit") == ["Arkivplan for NUIT"]
    assert find("arkivplan ", year=2025) == ["Arkivplan for Fagrådet"]
    assert find("arkivplan ", sakstype="Beslutning") == ["Arkivplan for NUIT"]


def test_sqlite_index_columns_down_and_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'search.sqlite'}"
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}))
    with app.app_context():
        upgrade()
        some_cases()
        check_search()
        down_and_up_again()
        check_search()
        db.session.remove()
        db.engine.dispose()


def test_postgres_index_columns_down_and_up(app):
    """On PostgreSQL the suite's schema was built by the migrations; take 0013 off and on."""
    if not PG_URL:
        return
    some_cases()
    try:
        down_and_up_again()
    finally:
        db.session.remove()
        upgrade()
    check_search()
