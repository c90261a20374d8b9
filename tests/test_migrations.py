"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from govern import create_app
from govern.extensions import db
from govern.models import Base
from tests.conftest import PG_URL, base_config


def test_sqlite_migrations_match_models_and_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
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
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        return
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
