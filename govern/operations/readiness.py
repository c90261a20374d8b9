"""Readiness: the database answers and its schema is at the migrations' head.

A load balancer sends traffic to an app server only while /readyz says 200; an app server
whose database is down, or that runs code newer than the schema (migrations not yet run),
answers 503 with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from govern.i18n import gettext as _

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class Readiness:
    ready: bool
    #: "database" (unreachable) or "migrations" (not at head); None when ready.
    reason: str | None = None
    #: What is wrong, for the operator (in the request's language).
    detail: str | None = None
    revision: str | None = None


@cache
def migration_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check(engine: Engine) -> Readiness:
    """Ask the database (one short connection, no transaction left open)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                revisions = set(
                    connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
                )
            except Exception:
                revisions = set()
    except Exception as error:
        first = str(getattr(error, "orig", error)).strip().splitlines()
        reason = first[0] if first else type(error).__name__
        return Readiness(False, "database", _("Databasen svarer ikke: %(reason)s", reason=reason))
    heads = migration_heads()
    revision = ", ".join(sorted(revisions)) or None
    if revisions != heads:
        return Readiness(
            False,
            "migrations",
            _(
                "Databasen er på migrering %(revision)s, koden på %(heads)s: kjør "
                "«flask --app govern db upgrade».",
                revision=revision or _("(ingen)"),
                heads=", ".join(sorted(heads)),
            ),
            revision,
        )
    return Readiness(True, revision=revision)
