"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from govern import create_app
from govern.extensions import db
from govern.models import Base
from govern.search.index import is_search_table
from tests.conftest import PG_URL, base_config

#: The search index is dialect-specific DDL outside the models.
SKIP_SEARCH = {"include_name": lambda name, kind, _parent: not is_search_table(name)}


def test_sqlite_migrations_match_models_and_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts=SKIP_SEARCH), Base.metadata
            )
        assert diff == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"bodies", "meetings", "treatments", "number_counters"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_postgres_schema_from_migrations_matches_models(app):
    """On PostgreSQL the suite's schema was built by the migrations; compare it to the models."""
    if not PG_URL:
        # On SQLite the test above covers the migrations; nothing more to compare here.
        engine = create_engine("sqlite://")
        Base.metadata.create_all(engine)
        with engine.connect() as conn:
            assert (
                compare_metadata(MigrationContext.configure(conn, opts=SKIP_SEARCH), Base.metadata)
                == []
            )
        return
    with db.engine.connect() as conn:
        assert (
            compare_metadata(MigrationContext.configure(conn, opts=SKIP_SEARCH), Base.metadata)
            == []
        )


def test_sqlite_migrations_keep_the_data(tmp_path):
    """Down to the first revision that rebuilds tables and up again: no row is lost.

    SQLite rebuilds altered tables (copy, drop, rename); with foreign keys on, the drop
    would cascade and delete every meeting's days and agenda.
    """
    import json

    from sqlalchemy import func, select, text

    from govern.services.exchange import import_exchange
    from tests.services.test_exchange import DEMO

    url = f"sqlite:///{tmp_path / 'kept.sqlite'}"
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}))
    kept = ["meetings", "meeting_days", "agenda_items", "treatments", "attendance", "cases"]
    with app.app_context():
        upgrade()
        import_exchange(db.session, json.loads(DEMO.read_text(encoding="utf-8")))
        db.session.commit()

        def counts() -> dict[str, int]:
            with db.engine.connect() as conn:
                return {
                    t: conn.execute(select(func.count()).select_from(text(t))).scalar()
                    for t in kept
                }

        before = counts()
        assert before["meeting_days"] == 7 and before["agenda_items"] > 40
        db.session.remove()
        downgrade(revision="0002_data_revision")
        upgrade()
        assert counts() == before
        db.engine.dispose()
